//! 缴款确认 (finance): the closes waiting — one cashier's ticked (Space on the box) — the cash
//! counted by denomination (the total follows as it is typed), the cheques received, a reason
//! when the count differs (长款 / 短款), and the 缴款收据 printed once recorded.

use contract::ApiError;
use contract::close::{ChequeInput, HandInRequest, HandInView, WaitingClose, denominations};
use leptos::prelude::*;

use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

/// "ZP001:200.00, ZP002:50" → cheques.
fn cheques(text: &str) -> Vec<ChequeInput> {
    text.split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            let c = c.replace('：', ":");
            let (number, amount) = c.rsplit_once(':').unwrap_or(("", c.as_str()));
            ChequeInput { number: number.trim().to_owned(), amount: amount.trim().to_owned() }
        })
        .collect()
}

#[component]
pub fn HandInStep() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let waiting: RwSignal<Vec<WaitingClose>> = RwSignal::new(Vec::new());
    let chosen: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let faces = denominations();
    let pieces: Vec<(String, String, RwSignal<String>)> =
        faces.into_iter().map(|(face, label)| (face, label, RwSignal::new(String::new()))).collect();
    let pieces = StoredValue::new(pieces);
    let cheque_text = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let done: RwSignal<Option<HandInView>> = RwSignal::new(None);
    let load = Action::new_local(move |(): &()| async move {
        match ipc::waiting_closes().await {
            Ok(list) => waiting.set(list),
            Err(e) => error.set(Some(e)),
        }
    });
    load.dispatch_local(());
    // The cash counted, in fen, as the pieces are typed.
    let counted_fen = move || {
        pieces.with_value(|p| {
            p.iter()
                .map(|(face, _, n)| {
                    let face_fen = contract::Money::parse(face).map(|m| m.fen()).unwrap_or(0);
                    face_fen * n.get().trim().parse::<i64>().unwrap_or(0)
                })
                .sum::<i64>()
        })
    };
    let expected = move || {
        let chosen = chosen.get();
        waiting.with(|w| {
            w.iter()
                .filter(|c| chosen.contains(&c.close_no))
                .map(|c| c.cash_to_hand_in.money())
                .sum::<contract::Money>()
        })
    };
    let submit = Action::new_local(move |(): &()| async move {
        let key = match ipc::operation_key().await {
            Ok(k) => k,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let mut counted = Vec::new();
        for (face, _, n) in pieces.get_value() {
            let text = n.get_untracked();
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match text.parse::<u32>() {
                Ok(n) => counted.push((face, n)),
                Err(_) => {
                    error.set(Some(
                        ApiError::new("DENOMINATION_COUNT_INVALID", format!("张数应为非负整数：“{text}”"))
                            .on_field("denominations"),
                    ));
                    return;
                }
            }
        }
        let request = HandInRequest {
            key,
            close_nos: chosen.get_untracked(),
            counted_cash: if counted.is_empty() { Some("0.00".into()) } else { None },
            denominations: counted,
            cheques: cheques(&cheque_text.get_untracked()),
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
        };
        match ipc::hand_in(&request).await {
            Ok(view) => {
                error.set(None);
                let no = view.hand_in_no.clone();
                done.set(Some(view));
                chosen.set(Vec::new());
                load.dispatch_local(());
                match ipc::print_hand_in(&no).await {
                    Ok(out) => desk.say(
                        format!("缴款 {no} 已确认，缴款收据已打印（{}）", out.printer.unwrap_or(out.path)),
                        Level::Done,
                    ),
                    Err(e) => desk.fail(&e),
                }
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let pending = submit.pending();
    view! {
        <table class="grid" id="hand-in-waiting">
            <thead><tr><th></th><th>"日结单号"</th><th>"收费员"</th><th>"期间"</th><th class="num">"应缴现金"</th><th class="num">"支票"</th></tr></thead>
            <tbody>
                {move || {
                    let list = waiting.get();
                    if list.is_empty() {
                        return view! { <tr><td colspan="6" class="muted" id="hand-in-none">"没有待缴款的日结"</td></tr> }.into_any();
                    }
                    list.into_iter().map(|c| {
                        let no = StoredValue::new(c.close_no.clone());
                        let is_chosen = move || chosen.with(|v| no.with_value(|no| v.contains(no)));
                        let toggle = move || chosen.update(|v| {
                            let no = no.get_value();
                            match v.iter().position(|n| *n == no) {
                                Some(i) => { v.remove(i); }
                                None => v.push(no),
                            }
                        });
                        view! {
                            <tr class="hand-in-close" class:chosen=is_chosen data-close=c.close_no.clone()>
                                <td>
                                    <input
                                        type="checkbox"
                                        id=format!("hand-in-pick-{}", c.close_no)
                                        prop:checked=is_chosen
                                        on:change=move |_| toggle()
                                    />
                                </td>
                                <td>{c.close_no.clone()}</td>
                                <td>{c.cashier.clone()}</td>
                                <td>{format!("{} 至 {}", c.from, c.until)}</td>
                                <td class="num">{c.cash_to_hand_in.to_string()}</td>
                                <td class="num">{c.cheques.to_string()}</td>
                            </tr>
                        }
                    }).collect_view().into_any()
                }}
            </tbody>
        </table>
        <div class="denominations" id="hand-in-count">
            {pieces.get_value().into_iter().map(|(face, label, n)| view! {
                <label for=format!("hand-in-d-{face}")>{label}</label>
                <input id=format!("hand-in-d-{face}") class="pieces" type="text" inputmode="numeric" autocomplete="off" bind:value=n/>
            }).collect_view()}
        </div>
        <div class="item-summary" id="hand-in-totals">
            {move || {
                let counted = contract::Money::from_fen(counted_fen()).unwrap_or_default();
                format!("应缴现金 {}　点钞合计 {}", expected(), counted)
            }}
        </div>
        <label for="hand-in-cheques">"支票（支票号:金额，多张用逗号分隔）"</label>
        <input id="hand-in-cheques" type="text" autocomplete="off" bind:value=cheque_text/>
        <label for="hand-in-reason">"差额原因（长款、短款时必填）"</label>
        <input id="hand-in-reason" type="text" autocomplete="off" bind:value=reason/>
        <DialogError error=error/>
        {move || done.get().map(|v| view! {
            <div class="confirm-figures done" id="hand-in-result">
                {format!("缴款 {}：实收现金 {}（应缴 {}），支票 {}；{} {}", v.hand_in_no, v.counted_cash, v.expected_cash, v.counted_cheques, v.difference_label, v.difference)}
            </div>
        })}
        <div class="dialog-actions">
            <button class="primary" id="hand-in-confirm" disabled=move || pending.get() on:click=move |_| { submit.dispatch_local(()); }>
                "确认缴款（Enter）"
            </button>
        </div>
    }
}
