//! Tender rows (支付方式 + 金额) shared by the deposit and settlement dialogs, the cash panel
//! with the change (找零) shown large, the POS slip (终端号:参考号) beside a card collected, and
//! the sums the dialogs check before sending.
//!
//! The tenders are the contract's ([`collecting_tenders`]); on a linked counter that is offline,
//! those collected through the platform are shown disabled (离线不可用) before anyone scans.
//!
//! Rows are plain data in one signal (no signal per row): rows outlive the dialog step that
//! created them, and a signal owned by a step would be gone with it.

use contract::Money;
use contract::cashier::TenderInput;
use contract::tender::{CASH, TenderOption, collecting_tenders, on_pos_terminal, takes_pay_code, tender_label};
use leptos::prelude::*;

use crate::link::Link;

/// What a row added next to cash starts with: the usual split is cash and bank card.
const SPLIT_WITH: &str = "card";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenderRow {
    pub id: usize,
    pub tender: String,
    pub amount: String,
    /// The POS slip of a card collected (终端号:参考号[:凭证号]).
    pub reference: String,
    /// The payer's code scanned for WeChat or Alipay (付款码).
    pub auth_code: String,
}

impl TenderRow {
    pub fn new(id: usize, tender: &str, amount: String) -> TenderRow {
        TenderRow { id, tender: tender.to_owned(), amount, reference: String::new(), auth_code: String::new() }
    }
}

/// What the rows add up to, or the first amount that is not one.
pub fn total(rows: &[TenderRow]) -> Result<Money, String> {
    rows.iter().try_fold(Money::ZERO, |sum, row| Money::parse(&row.amount).map(|m| sum + m).map_err(|e| e.to_string()))
}

pub fn cash_part(rows: &[TenderRow]) -> Money {
    rows.iter().filter(|r| r.tender == CASH).filter_map(|r| Money::parse(&r.amount).ok()).sum()
}

pub fn inputs(rows: &[TenderRow]) -> Vec<TenderInput> {
    rows.iter()
        .filter(|r| !r.amount.trim().is_empty())
        .map(|r| {
            let input = TenderInput::new(r.tender.clone(), r.amount.trim());
            let input = match r.reference.trim() {
                slip if !slip.is_empty() && on_pos_terminal(&r.tender) => input.with_reference(slip),
                _ => input,
            };
            match r.auth_code.trim() {
                code if !code.is_empty() && takes_pay_code(&r.tender) => input.with_auth_code(code),
                _ => input,
            }
        })
        .collect()
}

/// "现金 ¥600.00；银行卡 ¥400.00（签购单 AB123456:123456789012）" for a confirmation.
pub fn describe(rows: &[TenderRow]) -> String {
    rows.iter()
        .filter(|r| !r.amount.trim().is_empty())
        .map(|r| {
            let label = tender_label(&r.tender);
            let amount = Money::parse(&r.amount).map(Money::yuan).unwrap_or_else(|_| r.amount.clone());
            match r.reference.trim() {
                slip if !slip.is_empty() && on_pos_terminal(&r.tender) => format!("{label} {amount}（签购单 {slip}）"),
                _ => format!("{label} {amount}"),
            }
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

/// Whether `option` cannot be taken now: collecting through the platform while it is away.
/// Refunds are not judged here (the trial's suggestion decides their routes).
fn unavailable(option: &TenderOption, refund: bool, offline: bool) -> bool {
    !refund && offline && option.collects_through_platform
}

/// The tender a new row starts with: bank card when unused, else the first unused one that
/// can be taken now.
fn next_tender(list: &[TenderRow], refund: bool, offline: bool) -> &'static str {
    let unused: Vec<TenderOption> = collecting_tenders()
        .into_iter()
        .filter(|o| !list.iter().any(|r| r.tender == o.code) && !unavailable(o, refund, offline))
        .collect();
    unused.iter().find(|o| o.code == SPLIT_WITH).or(unused.first()).map_or(SPLIT_WITH, |o| o.code)
}

/// The rows. With `remainder_of`, typing in any row but the first puts what is left of that
/// amount into the first row, so the tenders always add up to it.
#[component]
pub fn TenderRows(
    rows: RwSignal<Vec<TenderRow>>,
    #[prop(optional)] remainder_of: Option<Money>,
    /// The rows give money back (a settlement's refund) rather than collect it.
    #[prop(optional)]
    refund: bool,
) -> impl IntoView {
    let link = use_context::<Link>();
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
            let next = next_tender(list, refund, link.is_some_and(|l| l.offline_now()));
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
                                {collecting_tenders()
                                    .into_iter()
                                    .map(|option| view! { <TenderChoice rows=rows id=id option=option refund=refund/> })
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
                            <Show when=move || !refund && on_pos_terminal(&field(rows, id, |r| r.tender.clone()))>
                                <TenderNote rows=rows id=id class="tender-reference" inputmode="text" placeholder="终端号:参考号"
                                    title="POS 签购单上的终端号和参考号（凭证号可选）"
                                    read=|r| r.reference.clone() write=|r, v| r.reference = v/>
                            </Show>
                            // The payer's code (a linked counter's goes to the platform, a stand-alone
                            // counter's to the channel itself).
                            <Show when=move || !refund && takes_pay_code(&field(rows, id, |r| r.tender.clone()))>
                                <TenderNote rows=rows id=id class="tender-code" inputmode="numeric" placeholder="扫描付款码"
                                    title="扫描患者手机上的付款码"
                                    read=|r| r.auth_code.clone() write=|r, v| r.auth_code = v/>
                            </Show>
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

/// What a row notes beside its amount: the POS slip of a card, the payer's code of WeChat or
/// Alipay.
#[component]
fn TenderNote(
    rows: RwSignal<Vec<TenderRow>>,
    id: usize,
    class: &'static str,
    /// `numeric` for a scanned code.
    inputmode: &'static str,
    placeholder: &'static str,
    title: &'static str,
    read: fn(&TenderRow) -> String,
    write: fn(&mut TenderRow, String),
) -> impl IntoView {
    view! {
        <input
            class=class
            type="text"
            inputmode=inputmode
            title=title
            placeholder=placeholder
            prop:value=move || field(rows, id, read)
            on:input=move |ev| edit(rows, id, |r| write(r, event_target_value(&ev)))
        />
    }
}

/// One tender in a row's list: disabled, with 离线不可用, while it cannot be taken.
#[component]
fn TenderChoice(rows: RwSignal<Vec<TenderRow>>, id: usize, option: TenderOption, refund: bool) -> impl IntoView {
    let link = use_context::<Link>();
    let disabled = move || link.is_some_and(|l| unavailable(&option, refund, l.offline()));
    view! {
        <option
            value=option.code
            selected=move || field(rows, id, |r| r.tender.clone()) == option.code
            disabled=disabled
        >
            {move || if disabled() { format!("{}（离线不可用）", option.label) } else { option.label.to_owned() }}
        </option>
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
