//! The figures of the day's end as tables: amounts by tender (each tender of the one list, and
//! 合计), a close with its settlements, counts, numbers, cheques, 补入 records and identities.

use contract::Yuan;
use contract::close::{ByTender, CloseView, IdentityLine};
use contract::tender::tender_options;
use leptos::prelude::*;

fn amount(map: &ByTender, code: &str) -> String {
    map.get(code).copied().unwrap_or_default().to_string()
}

/// Rows of amounts by tender.
#[component]
pub fn TenderTable(id: &'static str, rows: Vec<(String, ByTender)>) -> impl IntoView {
    let tenders = tender_options();
    let heads = tenders.clone();
    view! {
        <table class="grid" id=id>
            <thead>
                <tr>
                    <th></th>
                    {heads.into_iter().map(|t| view! { <th class="num">{t.label}</th> }).collect_view()}
                    <th class="num">"合计"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|(label, map)| {
                    let cells: Vec<String> = tenders.iter().map(|t| amount(&map, t.code)).collect();
                    let row = label.clone();
                    view! {
                        <tr data-row=row>
                            <td>{label}</td>
                            {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                            <td class="num">{amount(&map, "total")}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The identities, each marked 成立 / 不成立.
#[component]
pub fn Identities(id: &'static str, lines: Vec<IdentityLine>) -> impl IntoView {
    view! {
        <ul class="identities" id=id>
            {lines.into_iter().map(|l| {
                let mark = if l.holds { "成立" } else { "不成立" };
                view! { <li class:broken=!l.holds>{format!("{}（{mark}）：{}", l.name, l.text)}</li> }
            }).collect_view()}
        </ul>
    }
}

fn line(label: &str, value: Yuan) -> String {
    format!("{label} {value}")
}

/// A close (or its preview) with every figure.
#[component]
pub fn CloseFigures(view: CloseView) -> impl IntoView {
    let rows = vec![
        ("预交金收取".to_owned(), view.deposits_received.clone()),
        ("预交金退还".to_owned(), view.deposits_reversed.clone()),
        ("结算补缴".to_owned(), view.settlements_collected.clone()),
        ("结算退款".to_owned(), view.settlements_refunded.clone()),
        ("净额".to_owned(), view.net.clone()),
    ];
    let settled = [
        line("结算费用", view.fees_settled),
        line("预交金冲抵", view.deposits_applied),
        line("统筹", view.insurance_fund),
        line("个人账户", view.personal_account),
        line("用血减免", view.blood_waiver),
    ]
    .join("　");
    let counts = format!(
        "收据 {} 张，结算 {} 笔，召回 {} 笔；电子票据开具 {} 张，冲红 {} 张；纸质票据打印 {} 张，作废 {} 张",
        view.receipts,
        view.settlements,
        view.recalls,
        view.invoices_issued,
        view.invoices_reversed,
        view.paper_printed,
        view.paper_voided
    );
    let join = |items: &[String]| if items.is_empty() { "无".to_owned() } else { items.join("，") };
    let cheques: Vec<String> =
        view.cheques.iter().map(|c| format!("{} {}（{}）", c.number, c.amount, c.document)).collect();
    let late: Vec<String> = view.late.iter().map(|l| format!("{} {} {}", l.what, l.number, l.at)).collect();
    view! {
        <div class="item-summary" id="close-period">
            {format!("{} {}：{} 至 {}", view.status_label, view.close_no.clone().unwrap_or_default(), view.from, view.until)}
        </div>
        <TenderTable id="close-tenders" rows=rows/>
        <div id="close-settled">{settled}</div>
        <div id="close-counts">{counts}</div>
        <div id="close-numbers">{format!("使用号码：{}；作废号码：{}", join(&view.numbers_used), join(&view.numbers_voided))}</div>
        {(!cheques.is_empty()).then(|| view! { <div id="close-cheques">{format!("支票：{}", cheques.join("；"))}</div> })}
        {(!late.is_empty()).then(|| view! { <div id="close-late" class="attention">{format!("补入：{}", late.join("；"))}</div> })}
        <Identities id="close-identities" lines=view.identities.clone()/>
        <div class="confirm-figures" id="close-cash">
            {format!("应缴现金 {}（大写：{}）", view.cash_to_hand_in, view.cash_to_hand_in_words)}
        </div>
    }
}
