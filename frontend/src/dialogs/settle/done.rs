//! The done step: the settlement number, what was collected or refunded, the blood-fee waiver
//! deducted (用血减免), the change, and printing the fee list (F12).

use contract::cashier::SettlementView;
use leptos::prelude::*;

use crate::desk::Desk;

#[component]
pub fn SettleDone(settled: SettlementView, print_list: Callback<()>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let refunded = settled.due.money().is_negative();
    let change = settled.change.money();
    let blood = settled.blood_reimbursement;
    let waived = blood.money().is_positive();
    view! {
        <div class="confirm-figures done" id="settle-result">
            <div>{format!("{}成功", settled.kind.label)}</div>
            <div>"结算单号 " <b id="settlement-no">{settled.settlement_no.clone()}</b></div>
            <div class="big num">
                {if refunded { format!("已退款 {}", settled.due.money().abs().yuan()) } else { format!("已收款 {}", settled.due.money().yuan()) }}
            </div>
            <Show when=move || waived>
                <div>"其中用血减免 " <b id="settled-blood">{blood.display()}</b></div>
            </Show>
            <Show when=move || change.is_positive()>
                <div class="big num">{format!("找零 {}", settled.change.display())}</div>
            </Show>
            <div class="muted">{format!("{} · {}", settled.place.label, settled.invoice_status.label)}</div>
        </div>
        <div class="dialog-actions">
            <button id="print-fee-list" on:click=move |_| print_list.run(())>"打印费用清单（F12）"</button>
            <button class="primary" on:click=move |_| desk.close() data-autofocus="1">"完成（Enter）"</button>
        </div>
    }
}
