//! 重新换开's confirmation: which invoice, the paper copy that will be voided first and the
//! number the new copy will be printed on; 确认重新换开 (Enter) or 返回.

use contract::ApiError;
use contract::invoice::InvoiceView;
use leptos::prelude::*;

use crate::dialogs::DialogError;

#[component]
pub fn ReissueConfirm(
    invoice: InvoiceView,
    /// The valid paper copy that will be voided.
    valid: String,
    /// The operator's next paper number, if they hold any.
    next: Option<String>,
    error: RwSignal<Option<ApiError>>,
    pending: Signal<bool>,
    on_back: Callback<()>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="confirm-figures" id="paper-reissue-confirmation">
            <div>{format!("重新换开 结算 {} 的电子票据 {}（{}）", invoice.settlement_no, invoice.number, invoice.amount.display())}</div>
            <div class="big">{format!("将作废纸质票据 {valid}")}</div>
            <div>{match next {
                Some(next) => format!("并在纸质票据 {next} 上重新打印"),
                None => "本人名下没有可用的票据纸，重新换开将被拒绝（请先领用）".to_owned(),
            }}</div>
            <div class="muted">"作废的纸质票据号不再使用；作废原因记为“重新换开”。"</div>
        </div>
        <DialogError error=error/>
        <div class="dialog-actions">
            <button id="paper-reissue-back" on:click=move |_| on_back.run(())>"返回"</button>
            <button
                class="primary"
                id="paper-reissue-confirm"
                data-autofocus="1"
                disabled=move || pending.get()
                on:click=move |_| on_confirm.run(())
            >
                "确认重新换开（Enter）"
            </button>
        </div>
    }
}
