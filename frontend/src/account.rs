//! The inpatient account: the patient strip with the four figures that matter, fees by
//! category with their lines, and the deposits.

use contract::account::{AccountView, CategoryView, DepositView};
use contract::cashier::SettlementView;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::{Desk, Dialog, Level};
use crate::ipc;
use crate::refunds::RefundsTable;

#[component]
pub fn PatientStrip(account: AccountView) -> impl IntoView {
    let p = account.patient.clone();
    let t = account.totals.clone();
    let balance_class = if t.balance.money().is_negative() { "figure owed" } else { "figure" };
    let balance_label = if t.balance.money().is_negative() { "余额（欠费）" } else { "余额" };
    view! {
        <section class="patient-strip" id="patient-strip">
            <div class="who">
                <span class="name" id="patient-name">{p.name.clone()}</span>
                <span>{p.sex.clone()}</span>
                <span>{format!("{} 岁", p.age)}</span>
                <span class="badge state">{"病案号 "}<b id="patient-case-no">{p.case_no.clone()}</b></span>
                <span class=format!("badge state-{}", p.state.code) id="patient-state">{p.state.label.clone()}</span>
                <div class="facts">
                    <span>{format!("{} {}", p.ward, p.bed_no)}</span>
                    <span>{p.insurance.label.clone()}</span>
                    <span>{format!("入院 {}（第 {} 天）", p.admitted_at, p.days_in_hospital)}</span>
                    <span>{format!("{} · {}", p.department, p.doctor)}</span>
                    <span>{p.diagnosis.clone()}</span>
                </div>
            </div>
            <div class="figures">
                <div class="figure">
                    <div class="label">"费用合计"</div>
                    <div class="amount" id="total-fees">{t.fees.display()}</div>
                </div>
                <div class="figure">
                    <div class="label">"预交金"</div>
                    <div class="amount" id="total-deposits">{t.deposits.display()}</div>
                </div>
                <div class=balance_class>
                    <div class="label">{balance_label}</div>
                    <div class="amount" id="total-balance" data-amount=t.balance.to_string()>{t.balance.display()}</div>
                    <div class="words" id="total-balance-words">{t.balance_words.clone()}</div>
                </div>
            </div>
        </section>
        <Show when=move || { t.unconfirmed_lines > 0 }>
            <div class="notice attention">
                {format!("有 {} 条费用未确费（化验、检查等），出院前需确费并通过费用审核", t.unconfirmed_lines)}
            </div>
        </Show>
    }
}

#[component]
pub fn AccountDetail(account: AccountView) -> impl IntoView {
    let categories = account.categories.clone();
    let summary = categories.clone();
    view! {
        <div class="account-detail">
            <div class="fee-pane">
                <div class="pane-title">"费用明细（按类别）"</div>
                <div class="category-bar" id="category-totals">
                    {summary
                        .into_iter()
                        .map(|c| view! {
                            <span class="chip" data-category=c.category.code.clone()>
                                {c.category.label.clone()} " " <b class="num">{c.total.display()}</b>
                            </span>
                        })
                        .collect_view()}
                </div>
                <div class="scroll">
                    <table class="grid fee-lines" id="fee-lines">
                        <thead>
                            <tr>
                                <th>"时间"</th><th>"编码"</th><th>"项目名称"</th><th>"规格"</th><th>"单位"</th>
                                <th class="num">"数量"</th><th class="num">"单价"</th><th class="num">"金额"</th>
                                <th>"科室"</th><th>"状态"</th>
                            </tr>
                        </thead>
                        {categories.into_iter().map(|c| view! { <CategoryRows category=c/> }).collect_view()}
                    </table>
                </div>
            </div>
            <div class="deposit-pane">
                <div class="pane-title">"预交金记录"</div>
                <div class="scroll">
                    <table class="grid" id="deposits">
                        <thead>
                            <tr><th>"收据号"</th><th>"时间"</th><th>"类型"</th><th class="num">"金额"</th><th>"支付方式 / 收费员"</th><th></th></tr>
                        </thead>
                        <tbody>{account.deposits.into_iter().map(deposit_row).collect_view()}</tbody>
                    </table>
                    <Show when={
                        let any = !account.settlements.is_empty();
                        move || any
                    }>
                        <div class="pane-title">"结算记录"</div>
                        <table class="grid" id="settlements">
                            <thead><tr><th>"结算单号"</th><th>"类型"</th><th>"时间"</th><th class="num">"收/退"</th><th></th></tr></thead>
                            <tbody>{account.settlements.clone().into_iter().map(settlement_row).collect_view()}</tbody>
                        </table>
                    </Show>
                    <Show when={
                        let any = !account.refunds.is_empty();
                        move || any
                    }>
                        <RefundsTable refunds=account.refunds.clone()/>
                    </Show>
                </div>
            </div>
        </div>
    }
}

#[component]
fn CategoryRows(category: CategoryView) -> impl IntoView {
    let open = RwSignal::new(true);
    let lines = category.lines.clone();
    let count = lines.len();
    view! {
        <tbody class="category">
            <tr class="category-head" on:click=move |_| open.update(|o| *o = !*o)>
                <td colspan="7">
                    {move || if open.get() { "▾ " } else { "▸ " }}
                    {category.category.label.clone()} {format!("（{count} 条）")}
                </td>
                <td class="num"><b>{category.total.display()}</b></td>
                <td colspan="2"></td>
            </tr>
            <Show when=move || open.get()>
                {lines
                    .clone()
                    .into_iter()
                    .map(|l| {
                        let status_class = format!("fee-{}", l.status.code);
                        view! {
                            <tr class=status_class>
                                <td>{l.charged_at}</td>
                                <td>{l.item_code}</td>
                                <td>{l.item_name}</td>
                                <td>{l.spec}</td>
                                <td>{l.unit}</td>
                                <td class="num">{l.quantity}</td>
                                <td class="num">{l.unit_price.to_string()}</td>
                                <td class="num">{l.amount.to_string()}</td>
                                <td>{l.department}</td>
                                <td>{l.status.label}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </Show>
        </tbody>
    }
}

fn settlement_row(s: SettlementView) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let number = s.settlement_no.clone();
    let print = move |_| {
        let (Some(case_no), number) = (desk.case_no(), number.clone()) else { return };
        let since = desk.said();
        spawn_local(async move {
            match ipc::print_settlement(&case_no, &number).await {
                Ok(out) => desk.say_unless_newer(
                    since,
                    format!("结算单 {number} 已打印（{}）", out.printer.unwrap_or(out.path)),
                    Level::Done,
                ),
                Err(e) => desk.fail(&e),
            }
        });
    };
    view! {
        <tr class:recalled=s.recalled>
            <td>{s.settlement_no.clone()}</td>
            <td>{if s.recalled { format!("{}（已召回）", s.kind.label) } else { s.kind.label.clone() }}</td>
            <td>{s.at.get(5..16).unwrap_or(&s.at).to_owned()}</td>
            <td class="num">{s.due.display()}</td>
            <td><button class="link" on:click=print>"打印"</button></td>
        </tr>
    }
}

fn deposit_row(d: DepositView) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let reversible = d.reversible.money().is_positive();
    let for_reverse = d.clone();
    let for_void = d.clone();
    let tenders =
        d.tenders.iter().map(|t| format!("{} {}", t.tender.label, t.amount.display())).collect::<Vec<_>>().join("，");
    let class = format!("deposit-{}", d.kind.code);
    // `YYYY-MM-DD HH:MM:SS` shown as `MM-DD HH:MM`; the full time is the tooltip.
    let short_time = d.at.get(5..16).unwrap_or(&d.at).to_owned();
    let reason = d.reason.clone().map(|r| format!(" · 原因：{r}"));
    view! {
        <tr class=class>
            <td>{d.receipt_no}</td>
            <td title=d.at.clone()>{short_time}</td>
            <td>{d.kind.label}</td>
            <td class="num">{d.amount.display()}</td>
            <td class="wrap">{tenders} <span class="muted">{format!(" · {}", d.cashier)}</span>
                <span class="muted reversal-reason">{reason}</span></td>
            <td class="actions">
                <Show when=move || reversible>
                    {
                        let deposit = for_reverse.clone();
                        view! { <button class="link reverse" on:click=move |_| desk.open(Dialog::Reverse(deposit.clone()))>"冲红"</button> }
                    }
                </Show>
                {
                    let deposit = for_void.clone();
                    view! { <button class="link" on:click=move |_| desk.open(Dialog::VoidReceipt(deposit.clone()))>"作废重打"</button> }
                }
            </td>
        </tr>
    }
}
