//! The cashier's desk after login: top bar, work-area rail, search, the chosen patient's
//! account, the dialogs, and the keyboard map — F2 or / search, ↑/↓/Enter in results, F4
//! deposit, F5 trial, F9 settle, F6 fee audit, F11 recall, F12 print, Esc close; for finance,
//! supervisors and administrators F8 switches to 对账复核 and back (Esc also returns).

use contract::patient::PatientHit;
use contract::session::Session;
use leptos::ev;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::account::{AccountDetail, PatientStrip};
use crate::desk::{Desk, Dialog};
use crate::dialogs::audit::AuditDialog;
use crate::dialogs::deposit::DepositDialog;
use crate::dialogs::recall::RecallDialog;
use crate::dialogs::reversal::{ReverseDialog, VoidReceiptDialog};
use crate::dialogs::settle::SettleDialog;
use crate::ipc;
use crate::link::LinkBadge;
use crate::recon::{ReconView, Review};
use crate::search::{HitList, SearchBox};

#[component]
pub fn Workspace(session: Session, demo: bool, on_logout: RwSignal<Option<Session>>) -> impl IntoView {
    let desk = Desk::new();
    provide_context(desk);
    let search_input: NodeRef<Input> = NodeRef::new();
    let search_text = RwSignal::new(String::new());
    let search_error: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    let hits: RwSignal<Vec<PatientHit>> = RwSignal::new(Vec::new());
    let selected = RwSignal::new(0usize);
    let busy = RwSignal::new(false);
    let auditor = matches!(session.role.code.as_str(), "finance" | "supervisor");
    let reviewer = matches!(session.role.code.as_str(), "finance" | "supervisor" | "admin");
    // The review opens on yesterday: the day whose statements the channels have delivered.
    let review = Review::new(
        contract::recon::day_before(&session.business_date).unwrap_or_else(|| session.business_date.clone()),
    );
    on_cleanup(move || review.stop_polling());
    let reviewing = review.open;

    let focus_search = move || {
        if let Some(input) = search_input.get_untracked() {
            let _ = input.focus();
            input.select();
        }
    };

    let open_account = Callback::new(move |case_no: String| {
        hits.set(Vec::new());
        busy.set(true);
        spawn_local(async move {
            match ipc::account(&case_no).await {
                Ok(view) => {
                    desk.notice.set(None);
                    desk.account.set(Some(view));
                }
                Err(e) => desk.fail(&e),
            }
            busy.set(false);
            search_text.set(String::new());
            focus_search();
        });
    });

    let on_search = Callback::new(move |text: String| {
        search_error.set(None);
        spawn_local(async move {
            match ipc::find_patients(&text).await {
                Ok(found) if found.len() == 1 => open_account.run(found[0].case_no.clone()),
                Ok(found) if found.is_empty() => {
                    search_error.set(Some((format!("未找到与“{}”匹配的住院患者", text.trim()), "NOT_FOUND".into())));
                }
                Ok(found) => {
                    selected.set(0);
                    hits.set(found);
                }
                Err(e) => search_error.set(Some((e.message, e.code))),
            }
        });
    });

    let print = move || {
        let Some(case_no) = desk.case_no() else {
            desk.say("请先查询患者", "attention");
            return;
        };
        desk.say("正在生成费用清单…", "info");
        spawn_local(async move {
            match ipc::print_statement(&case_no).await {
                Ok(outcome) => {
                    let text = match outcome.printer {
                        Some(printer) => format!("费用清单已发送到打印机 {printer}（{} 页）", outcome.pages),
                        None => format!("费用清单已保存并打开：{}（{} 页）", outcome.path, outcome.pages),
                    };
                    desk.say(text, "done");
                }
                Err(e) => desk.fail(&e),
            }
        });
    };

    let keys = window_event_listener(ev::keydown, move |ev| {
        let key = ev.key();
        if reviewing.get_untracked() {
            // The review owns the keyboard; F-keys never reach the page (F5 would reload it).
            if key.starts_with('F') && key.len() > 1 {
                ev.prevent_default();
            }
            if review.dialog.get_untracked().is_none() && matches!(key.as_str(), "F8" | "Escape") {
                reviewing.set(false);
            }
            return;
        }
        // An open dialog owns the keyboard; it closes itself on Esc.
        if desk.dialog.get_untracked().is_some() {
            if key.starts_with('F') && key.len() > 1 {
                ev.prevent_default();
            }
            return;
        }
        let in_field =
            document().active_element().is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        let shortcut = |dialog: Dialog| {
            ev.prevent_default();
            desk.open(dialog);
        };
        match key.as_str() {
            "F2" => {
                ev.prevent_default();
                focus_search();
            }
            "/" if !in_field => {
                ev.prevent_default();
                focus_search();
            }
            "F4" => shortcut(Dialog::Deposit),
            "F5" => shortcut(Dialog::Settle("discharge")),
            "F9" => shortcut(Dialog::Settle("discharge")),
            "F6" if auditor => shortcut(Dialog::Audit),
            "F11" => shortcut(Dialog::Recall),
            "F8" if reviewer => {
                ev.prevent_default();
                reviewing.set(true);
            }
            "F12" => {
                ev.prevent_default();
                print();
            }
            "Escape" => {
                hits.set(Vec::new());
                search_error.set(None);
                focus_search();
            }
            "ArrowDown" | "ArrowUp" if !hits.get_untracked().is_empty() => {
                ev.prevent_default();
                let len = hits.get_untracked().len();
                selected.update(|i| *i = if key == "ArrowDown" { (*i + 1) % len } else { (*i + len - 1) % len });
            }
            "Enter" if !hits.get_untracked().is_empty() && !in_field => {
                ev.prevent_default();
                if let Some(hit) = hits.get_untracked().get(selected.get_untracked()) {
                    open_account.run(hit.case_no.clone());
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    // The search box has focus whenever no dialog needs it (a scan must never need a click).
    Effect::new(move |was_reviewing: Option<bool>| {
        let now_reviewing = reviewing.get();
        if desk.dialog.get().is_none() && !now_reviewing && search_input.get().is_some() {
            focus_search();
            if was_reviewing == Some(true) {
                // The desk was hidden a moment ago: focus again once it is shown.
                request_animation_frame(focus_search);
            }
        }
        now_reviewing
    });

    let hits_open = move || !hits.get().is_empty();
    let logout = move |_| {
        spawn_local(async move {
            let _ = ipc::log_out().await;
            on_logout.set(None);
        });
    };
    let no_patient = move || desk.account.get().is_none();

    view! {
        <div class="desk">
            <header class="top-bar">
                <span class="hospital">{session.hospital.clone()}</span>
                <span class="sep">"·"</span>
                <span>{session.counter.clone()}</span>
                <span class="spacer"></span>
                <span id="operator">{format!("{} {}", session.role.label, session.display_name)}</span>
                <span>{format!("营业日期 {}", session.business_date)}</span>
                {demo.then(|| view! { <span class="badge attention" title="演示医院的数据">"演示数据"</span> })}
                <LinkBadge/>
                <button class="link" on:click=logout>"退出"</button>
            </header>
            <nav class="rail">
                <a class:active=move || !reviewing.get() title="Alt+1" on:click=move |_| reviewing.set(false)>"住院收费"</a>
                <a class="disabled" title="后续版本">"用血减免"</a>
                <a class="disabled" title="后续版本">"票据"</a>
                <a class="disabled" title="后续版本">"日结"</a>
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
                <a class="disabled" title="后续版本">"设置"</a>
            </nav>
            <main class="work" class:hidden=move || reviewing.get()>
                <SearchBox input=search_input text=search_text on_search=on_search error=search_error/>
                <HitList hits=hits selected=selected on_pick=open_account/>
                {move || {
                    if hits_open() {
                        return None;
                    }
                    desk.account.get().map(|a| {
                        let detail = a.clone();
                        view! {
                            <PatientStrip account=a/>
                            <AccountDetail account=detail/>
                        }
                    })
                }}
                <Show when=move || no_patient() && !hits_open()>
                    <div class="empty-state">"扫描患者腕带，或输入病案号、身份证号、姓名、拼音首字母后按 Enter"</div>
                </Show>
            </main>
            <footer class="action-bar" class:hidden=move || reviewing.get()>
                <button on:click=move |_| focus_search()>"F2 查询"</button>
                <button id="open-deposit" disabled=no_patient on:click=move |_| desk.open(Dialog::Deposit)>"F4 交预交金"</button>
                <button id="open-trial" disabled=no_patient on:click=move |_| desk.open(Dialog::Settle("discharge"))>"F5 试算 / F9 结算"</button>
                <Show when=move || auditor>
                    <button id="open-audit" disabled=no_patient on:click=move |_| desk.open(Dialog::Audit)>"F6 费用审核"</button>
                </Show>
                <button id="open-recall" disabled=no_patient on:click=move |_| desk.open(Dialog::Recall)>"F11 召回"</button>
                <button id="print-statement" disabled=no_patient on:click=move |_| print()>"F12 打印费用清单"</button>
                <span class="spacer"></span>
                <span id="notice" class=move || desk.notice.get().map(|n| format!("notice {}", n.level)).unwrap_or_default()>
                    {move || if busy.get() { Some("正在加载…".to_owned()) } else { desk.notice.get().map(|n| n.text) }}
                </span>
            </footer>
            <Show when=move || reviewing.get()>
                <ReconView review=review/>
            </Show>
            {move || desk.dialog.get().map(|dialog| match dialog {
                Dialog::Deposit => view! { <DepositDialog/> }.into_any(),
                Dialog::Settle(kind) => view! { <SettleDialog kind=kind/> }.into_any(),
                Dialog::Recall => view! { <RecallDialog/> }.into_any(),
                Dialog::Audit => view! { <AuditDialog/> }.into_any(),
                Dialog::Reverse(deposit) => view! { <ReverseDialog deposit=deposit/> }.into_any(),
                Dialog::VoidReceipt(deposit) => view! { <VoidReceiptDialog deposit=deposit/> }.into_any(),
            })}
        </div>
    }
}
