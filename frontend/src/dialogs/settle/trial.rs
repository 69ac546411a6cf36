//! The trial step: the figures (fees by category, insurance, blood reimbursement, deposits,
//! the due or refund in figures and 大写) and the tenders or refund routes for the due.

use contract::ApiError;
use contract::cashier::TrialView;
use leptos::prelude::*;

use super::super::DialogError;
use super::super::tenders::{CashPanel, TenderRow, TenderRows};

#[component]
pub fn TrialStep(
    view: TrialView,
    rows: RwSignal<Vec<TenderRow>>,
    received: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
    on_retry: Callback<()>,
    on_next: Callback<()>,
) -> impl IntoView {
    let due = view.due.money();
    view! {
        <TrialFigures view=view/>
        <Show when=move || !due.is_zero()>
            <div class="pane-title">{if due.is_negative() { "退款方式（原路退回或现金）" } else { "收款方式" }}</div>
            <TenderRows rows=rows remainder_of=due.abs() refund=due.is_negative()/>
            <Show when=move || due.is_positive()>
                <CashPanel rows=rows received=received/>
            </Show>
        </Show>
        <DialogError error=error/>
        <div class="dialog-actions">
            <button on:click=move |_| on_retry.run(())>"重新试算（F5）"</button>
            <button class="primary" id="settle-next" on:click=move |_| on_next.run(())>"结算（F9）"</button>
        </div>
    }
}

#[component]
fn TrialFigures(view: TrialView) -> impl IntoView {
    let due = view.due.money();
    let due_class = if due.is_positive() { "figure owed" } else { "figure" };
    view! {
        <div class="trial" id="trial-figures">
            <table class="grid trial-categories">
                <thead><tr><th>"费用类别"</th><th class="num">"条数"</th><th class="num">"金额"</th></tr></thead>
                <tbody>
                    {view.categories.iter().map(|c| view! {
                        <tr><td>{c.category.label.clone()}</td><td class="num">{c.lines}</td><td class="num">{c.total.display()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <table class="grid trial-totals">
                <tbody>
                    <tr><td>"费用总额"</td><td class="num" id="trial-fees">{view.fees.display()}</td></tr>
                    <tr><td>{format!("医保统筹支付（{}）", view.insurance.label)}</td><td class="num" id="trial-fund">{view.insurance_fund.display()}</td></tr>
                    <tr><td>"个人账户支付"</td><td class="num">{view.personal_account.display()}</td></tr>
                    <tr><td>{match (view.blood_ml, view.blood_offline) {
                        (0, _) => "用血减免".to_owned(),
                        (ml, false) => format!("用血减免（{ml} 毫升）"),
                        (ml, true) => format!("用血减免（{ml} 毫升，离线按最近核定额度暂估，联网后由平台复核）"),
                    }}</td><td class="num" id="trial-blood">{view.blood_reimbursement.display()}</td></tr>
                    <tr><td>"预交金冲抵"</td><td class="num">{view.deposits_applied.display()}</td></tr>
                </tbody>
            </table>
            <div class=due_class>
                <div class="label">{view.due_label.clone()}</div>
                <div class="amount" id="trial-due" data-amount=view.due.to_string()>{due.abs().yuan()}</div>
                <div class="words">{format!("大写：{}", view.due_words)}</div>
            </div>
        </div>
    }
}
