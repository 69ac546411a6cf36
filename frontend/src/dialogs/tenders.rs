//! Tender rows (支付方式 + 金额) shared by the deposit and settlement dialogs, the cash panel
//! with the change (找零) shown large, and the sums the dialogs check before sending.
//!
//! Rows are plain data in one signal (no signal per row): rows outlive the dialog step that
//! created them, and a signal owned by a step would be gone with it.

use contract::Money;
use contract::cashier::TenderInput;
use leptos::prelude::*;

pub const ALL_TENDERS: [(&str, &str); 6] = [
    ("cash", "现金"),
    ("card", "银行卡"),
    ("wechat", "微信"),
    ("alipay", "支付宝"),
    ("sscard", "社保卡"),
    ("cheque", "支票"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenderRow {
    pub id: usize,
    pub tender: String,
    pub amount: String,
}

impl TenderRow {
    pub fn new(id: usize, tender: &str, amount: String) -> TenderRow {
        TenderRow { id, tender: tender.to_owned(), amount }
    }
}

/// What the rows add up to, or the first amount that is not one.
pub fn total(rows: &[TenderRow]) -> Result<Money, String> {
    rows.iter().try_fold(Money::ZERO, |sum, row| Money::parse(&row.amount).map(|m| sum + m).map_err(|e| e.to_string()))
}

pub fn cash_part(rows: &[TenderRow]) -> Money {
    rows.iter().filter(|r| r.tender == "cash").filter_map(|r| Money::parse(&r.amount).ok()).sum()
}

pub fn inputs(rows: &[TenderRow]) -> Vec<TenderInput> {
    rows.iter()
        .filter(|r| !r.amount.trim().is_empty())
        .map(|r| TenderInput { tender: r.tender.clone(), amount: r.amount.trim().to_owned() })
        .collect()
}

/// "现金 ¥600.00；银行卡 ¥400.00" for a confirmation.
pub fn describe(rows: &[TenderRow]) -> String {
    rows.iter()
        .filter(|r| !r.amount.trim().is_empty())
        .map(|r| {
            let label =
                ALL_TENDERS.iter().find(|(code, _)| *code == r.tender).map_or(r.tender.as_str(), |(_, label)| label);
            let amount = Money::parse(&r.amount).map(Money::yuan).unwrap_or_else(|_| r.amount.clone());
            format!("{label} {amount}")
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn field(rows: RwSignal<Vec<TenderRow>>, id: usize, read: impl Fn(&TenderRow) -> String) -> String {
    rows.with(|list| list.iter().find(|r| r.id == id).map(read).unwrap_or_default())
}

fn edit(rows: RwSignal<Vec<TenderRow>>, id: usize, change: impl FnOnce(&mut TenderRow)) {
    rows.update(|list| {
        if let Some(row) = list.iter_mut().find(|r| r.id == id) {
            change(row);
        }
    });
}

/// The rows. With `remainder_of`, typing in any row but the first puts what is left of that
/// amount into the first row, so the tenders always add up to it.
#[component]
pub fn TenderRows(rows: RwSignal<Vec<TenderRow>>, #[prop(optional)] remainder_of: Option<Money>) -> impl IntoView {
    let rebalance = move || {
        let Some(due) = remainder_of else { return };
        rows.update(|list| {
            if list.len() < 2 {
                return;
            }
            let others: Money = list[1..].iter().filter_map(|r| Money::parse(&r.amount).ok()).sum();
            let rest = due - others;
            if !rest.is_negative() {
                list[0].amount = rest.to_string();
            }
        });
    };
    let add = move |_| {
        rows.update(|list| {
            let id = list.iter().map(|r| r.id).max().map_or(0, |m| m + 1);
            let next = ALL_TENDERS
                .iter()
                .find(|(code, _)| !list.iter().any(|r| r.tender == *code))
                .map_or("card", |(code, _)| code);
            list.push(TenderRow::new(id, next, String::new()));
        });
    };
    view! {
        <div class="tender-rows">
            <For each=move || rows.get().into_iter().map(|r| r.id).enumerate() key=|(_, id)| *id let:item>
                {
                    let (index, id) = item;
                    view! {
                        <div class="tender-row">
                            <select class="tender-kind" on:change=move |ev| edit(rows, id, |r| r.tender = event_target_value(&ev))>
                                {ALL_TENDERS
                                    .iter()
                                    .map(|(code, label)| {
                                        view! { <option value=*code selected=move || field(rows, id, |r| r.tender.clone()) == *code>{*label}</option> }
                                    })
                                    .collect_view()}
                            </select>
                            <input
                                class="tender-amount num"
                                type="text"
                                inputmode="decimal"
                                placeholder="0.00"
                                prop:value=move || field(rows, id, |r| r.amount.clone())
                                on:input=move |ev| {
                                    edit(rows, id, |r| r.amount = event_target_value(&ev));
                                    if index > 0 {
                                        rebalance();
                                    }
                                }
                            />
                            <Show when=move || { index > 0 }>
                                <button
                                    class="link"
                                    title="删除这一行"
                                    on:click=move |_| {
                                        rows.update(|list| list.retain(|r| r.id != id));
                                        rebalance();
                                    }
                                >
                                    "×"
                                </button>
                            </Show>
                        </div>
                    }
                }
            </For>
            <button class="link add-tender" on:click=add>"＋ 添加支付方式（分笔支付）"</button>
        </div>
    }
}

/// Cash received and the change, shown when a tender is cash.
#[component]
pub fn CashPanel(rows: RwSignal<Vec<TenderRow>>, received: RwSignal<String>) -> impl IntoView {
    let cash = move || rows.with(|list| cash_part(list));
    let change = move || {
        let text = received.get();
        if text.trim().is_empty() {
            return Some(Money::ZERO);
        }
        Money::parse(&text).ok().map(|r| r - cash())
    };
    view! {
        <Show when=move || cash().is_positive()>
            <div class="cash-panel">
                <label for="cash-received">"现金实收"</label>
                <input
                    id="cash-received"
                    class="num"
                    type="text"
                    inputmode="decimal"
                    placeholder=move || cash().to_string()
                    prop:value=move || received.get()
                    on:input=move |ev| received.set(event_target_value(&ev))
                />
                <div class="change">
                    "找零 "
                    <b id="change-due" class:short=move || change().is_some_and(Money::is_negative)>
                        {move || match change() {
                            Some(c) if c.is_negative() => format!("实收不足 {}", c.abs().yuan()),
                            Some(c) => c.yuan(),
                            None => "—".to_owned(),
                        }}
                    </b>
                </div>
            </div>
        </Show>
    }
}
