//! The account's refunds by the original route (原路退款): each refund, the record it belongs
//! to, and where it stands (待退款, 退款中, 已退款, 退款失败 with the channel's words); 刷新退款状态
//! asks the channels again. A failed one offers a supervisor 改退 (in cash or by transfer), and
//! says how it was paid once it was.

use contract::account::RefundView;
use contract::session::{Permission, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::{Desk, Dialog, Level};
use crate::ipc;

/// What the last column says of a refund (and offers, for a failed one not yet paid).
fn note_of(r: &RefundView) -> String {
    match &r.paid_otherwise {
        Some(paid) => match &paid.payee {
            Some(payee) => format!("已转账退款至 {payee}（凭证 {}）", paid.receipt_no),
            None => format!("已改退现金（收据 {}）", paid.receipt_no),
        },
        None => r.refund_id.clone().or(r.message.clone()).unwrap_or_default(),
    }
}

#[component]
pub fn RefundsTable(refunds: Vec<RefundView>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let supervisor = use_context::<Session>().is_some_and(|s| s.may(Permission::ResolvePending));
    let asking = RwSignal::new(false);
    let refresh = move |_| {
        let Some(case_no) = desk.case_no() else { return };
        if asking.get_untracked() {
            return;
        }
        asking.set(true);
        spawn_local(async move {
            match ipc::refund_status(&case_no).await {
                Ok(list) => {
                    let open =
                        list.iter().filter(|r| r.state.code == "requested" || r.state.code == "processing").count();
                    let failed = list.iter().filter(|r| r.state.code == "failed" && r.paid_otherwise.is_none()).count();
                    desk.refresh();
                    let said = match (open, failed) {
                        (0, 0) => "原路退款均已到账".to_owned(),
                        (open, 0) => format!("{open} 笔原路退款尚在处理中"),
                        (_, failed) => format!("{failed} 笔原路退款失败，请改用现金或转账退款"),
                    };
                    desk.say(said, if failed > 0 { Level::Attention } else { Level::Done });
                }
                Err(e) => desk.fail(&e),
            }
            asking.set(false);
        });
    };
    view! {
        <div class="pane-title">"原路退款"
            <button class="link" id="refresh-refunds" disabled=move || asking.get() on:click=refresh>"刷新退款状态"</button>
        </div>
        <table class="grid" id="refunds">
            <thead><tr><th>"凭证号"</th><th>"方式"</th><th class="num">"金额"</th><th>"状态"</th><th>"说明"</th><th></th></tr></thead>
            <tbody>
                {refunds
                    .into_iter()
                    .map(|r| {
                        let class = format!("refund-{}", r.state.code);
                        let note = note_of(&r);
                        let open = r.state.code == "failed" && r.paid_otherwise.is_none();
                        let action = match (open, supervisor) {
                            (true, true) => {
                                let refund = r.clone();
                                view! {
                                    <button class="link pay-otherwise" on:click=move |_| desk.open(Dialog::RefundOtherwise(refund.clone()))>
                                        "改退"
                                    </button>
                                }
                                .into_any()
                            }
                            (true, false) => view! { <span class="muted">"请主管改退"</span> }.into_any(),
                            (false, _) => ().into_any(),
                        };
                        view! {
                            <tr class=class data-refund=r.refund_no.clone()>
                                <td title=r.refund_no.clone()>{r.record_no}</td>
                                <td>{r.tender.label}</td>
                                <td class="num">{r.amount.display()}</td>
                                <td class="refund-state">{r.state.label}</td>
                                <td class="wrap muted">{note}</td>
                                <td>{action}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
