//! The work-area rail on the left: 住院收费, 用血减免 (F7) for those who may register or review
//! a blood-fee waiver, 票据 (F3) for those who may take money or read the kiosk report, 日结
//! (F10) for those who close a day or collect one, 工作清单 (Alt+W) for those who settle or
//! audit, 待处理 for supervisors and finance (the
//! refunds that failed), the areas of later versions, 对账复核 (F8) for those who may review
//! the reconciliation, and 设置 (Alt+O) for everyone (changed by those allowed).

use leptos::prelude::*;

use crate::desk::Desk;

#[component]
pub fn Rail(
    reviewer: bool,
    reviewing: RwSignal<bool>,
    blood: Option<bool>,
    invoices: bool,
    day_end: bool,
    pending: bool,
    worklist: bool,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    view! {
        <nav class="rail">
            <a class:active=move || !reviewing.get() title="Alt+1" on:click=move |_| reviewing.set(false)>"住院收费"</a>
            {match blood {
                Some(may_review) => view! {
                    <button
                        id="blood-open"
                        class="rail-item"
                        title="F7：用血减免（献血证报销登记、审核）"
                        on:click=move |_| {
                            reviewing.set(false);
                            desk.open_blood(may_review);
                        }
                    >
                        "用血减免" <span class="key">"F7"</span>
                    </button>
                }
                .into_any(),
                None => view! { <a class="disabled" title="收费员或收费组长使用">"用血减免"</a> }.into_any(),
            }}
            {if invoices {
                view! {
                    <button
                        id="invoices-open"
                        class="rail-item"
                        title="F3：票据（电子票据、换开与作废纸质票据、票据领用、自助机报表）"
                        on:click=move |_| {
                            reviewing.set(false);
                            desk.open_invoices();
                        }
                    >
                        "票据" <span class="key">"F3"</span>
                    </button>
                }
                .into_any()
            } else {
                view! { <a class="disabled" title="收费员、收费组长或财务使用">"票据"</a> }.into_any()
            }}
            {if day_end {
                view! {
                    <button
                        id="day-end-open"
                        class="rail-item"
                        title="F10：日结（本人日结、缴款确认、日报 / 月报）"
                        on:click=move |_| {
                            reviewing.set(false);
                            desk.open_day_end();
                        }
                    >
                        "日结" <span class="key">"F10"</span>
                    </button>
                }
                .into_any()
            } else {
                view! { <a class="disabled" title="收费员、收费组长或财务使用">"日结"</a> }.into_any()
            }}
            {worklist.then(|| {
                view! {
                    <button
                        id="worklist-open"
                        class="rail-item"
                        title="Alt+W：工作清单（待结算、待审核）"
                        on:click=move |_| {
                            reviewing.set(false);
                            desk.open_worklist();
                        }
                    >
                        "工作清单" <span class="key">"Alt+W"</span>
                    </button>
                }
            })}
            {pending.then(|| {
                view! {
                    <button
                        id="pending-open"
                        class="rail-item"
                        title="待处理：原路退款失败，待改退现金或转账退款"
                        on:click=move |_| {
                            reviewing.set(false);
                            desk.open_pending();
                        }
                    >
                        "待处理"
                    </button>
                }
            })}
            {if reviewer {
                view! {
                    <button
                        id="recon-open"
                        class="rail-item"
                        class:active=move || reviewing.get()
                        title="F8：对账复核 / 返回收费"
                        on:click=move |_| reviewing.update(|open| *open = !*open)
                    >
                        "对账复核" <span class="key">"F8"</span>
                    </button>
                }
                .into_any()
            } else {
                view! { <a class="disabled" title="财务或主管使用">"对账"</a> }.into_any()
            }}
            <button
                id="settings-open"
                class="rail-item"
                title="Alt+O：设置（打印机、套打偏移、结算地点、采集、平台）"
                on:click=move |_| {
                    reviewing.set(false);
                    desk.open_settings();
                }
            >
                "设置" <span class="key">"Alt+O"</span>
            </button>
        </nav>
    }
}
