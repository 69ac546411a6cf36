//! 本患者票据: the e-invoices of the patient's settlements, oldest first — state, 票据代码 /
//! 号码 / 校验码, amount, the paper copies — asked again every two seconds while shown, since a
//! linked counter's invoices (and a kiosk's copies) arrive through the platform's feed. Below the
//! list the chosen invoice's actions: 查看/打印 (its layout file, printed or saved and opened),
//! 换开纸质 on the operator's next paper number, 重新换开
//! after the [`super::reissue`] confirmation, 作废纸质 (the 作废纸质 tab with the number filled in),
//! and 重新开具 while an invoice is not issued.

use std::time::Duration;

use contract::ApiError;
use contract::invoice::{InvoiceView, PaperCopyRequest, StockView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::keep_focus;
use super::reissue::ReissueConfirm;
use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;
use crate::link::Link;

const POLL: Duration = Duration::from_secs(2);

/// The state's badge: green issued, red failed, amber pending, plain reversed.
fn status_class(code: &str) -> &'static str {
    match code {
        "issued" => "badge done",
        "failed" => "badge risk",
        "reversed" => "badge",
        _ => "badge attention",
    }
}

/// The valid paper copy of an invoice, if any.
fn valid_copy(invoice: &InvoiceView) -> Option<String> {
    invoice.paper.iter().find(|p| p.status == "valid").map(|p| p.number.clone())
}

/// The invoice chosen by default: the newest issued one, else the newest.
fn default_choice(rows: &[InvoiceView]) -> Option<String> {
    rows.iter().rev().find(|i| i.status == "issued").or(rows.last()).map(|i| i.settlement_no.clone())
}

#[component]
pub fn InvoiceList(
    case_no: String,
    /// The operator may take money: paper copies can be printed and voided.
    may_print: bool,
    on_void: Callback<String>,
    on_stock: Callback<()>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let link = expect_context::<Link>();
    let case_no = StoredValue::new(case_no);
    let rows: RwSignal<Option<Vec<InvoiceView>>> = RwSignal::new(None);
    let stock: RwSignal<Option<StockView>> = RwSignal::new(None);
    let chosen_no: RwSignal<Option<String>> = RwSignal::new(None);
    let confirming = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let result: RwSignal<Option<String>> = RwSignal::new(None);
    // The answer may arrive after the tab or the dialog closed: nothing is read then.
    let load = move || {
        let Some(case_no) = case_no.try_get_value() else { return };
        spawn_local(async move {
            match ipc::invoices(&case_no).await {
                Ok(found) => {
                    let (Some(changed), Some(chosen)) =
                        (rows.try_with_untracked(|r| r.as_ref() != Some(&found)), chosen_no.try_get_untracked())
                    else {
                        return;
                    };
                    if changed {
                        let keep = chosen
                            .filter(|no| found.iter().any(|i| &i.settlement_no == no))
                            .or_else(|| default_choice(&found));
                        chosen_no.set(keep);
                        rows.set(Some(found));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let load_stock = move || {
        spawn_local(async move {
            if let Ok(found) = ipc::paper_stock("invoice").await {
                stock.set(Some(found));
            }
        });
    };
    load();
    if may_print {
        load_stock();
    }
    if let Ok(handle) = set_interval_with_handle(load, POLL) {
        on_cleanup(move || handle.clear());
    }
    let chosen = Memo::new(move |_| {
        let no = chosen_no.get();
        rows.with(|r| r.as_ref().and_then(|r| r.iter().find(|i| Some(&i.settlement_no) == no.as_ref()).cloned()))
    });
    let printing = Action::new_local(move |request: &PaperCopyRequest| {
        let request = request.clone();
        async move {
            match ipc::print_paper(&request).await {
                Ok(out) => {
                    error.set(None);
                    let text = match &out.voided {
                        Some(voided) => format!(
                            "已作废纸质票据 {voided}，电子票据 {} 重新换开为纸质票据 {}",
                            out.invoice_no, out.paper_no
                        ),
                        None => format!("电子票据 {} 已换开纸质票据 {}", out.invoice_no, out.paper_no),
                    };
                    desk.say(text.clone(), Level::Done);
                    result.set(Some(text));
                    load();
                    load_stock();
                }
                Err(e) => {
                    result.set(None);
                    error.set(Some(e));
                }
            }
            confirming.set(false);
            keep_focus("paper-print");
        }
    });
    let pending = printing.pending();
    let print = move |reissue: bool| {
        let Some(invoice) = chosen.get_untracked() else { return };
        if pending.get_untracked() {
            return;
        }
        printing.dispatch_local(PaperCopyRequest {
            case_no: case_no.get_value(),
            settlement_no: Some(invoice.settlement_no),
            reissue,
        });
    };
    let viewing = Action::new_local(move |settlement_no: &String| {
        let settlement_no = settlement_no.clone();
        let case_no = case_no.try_get_value().unwrap_or_default();
        async move {
            match ipc::print_invoice(&case_no, &settlement_no).await {
                Ok(out) => {
                    error.set(None);
                    let text = match out.printer {
                        Some(printer) => format!("电子票据已发送到打印机 {printer}（{} 页）", out.pages),
                        None => format!("电子票据（{} 页）已保存并打开：{}", out.pages, out.path),
                    };
                    desk.say(text, Level::Done);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let retrying = Action::new_local(move |(): &()| async move {
        match ipc::finish_invoices().await {
            Ok(0) => desk.say("电子票据已全部开具", Level::Done),
            Ok(left) => desk.say(format!("仍有 {left} 张电子票据未完成，稍后自动重试"), Level::Attention),
            Err(e) => error.set(Some(e)),
        }
        load();
    });
    let undone = move || rows.with(|r| r.iter().flatten().any(|i| matches!(i.status.as_str(), "pending" | "failed")));
    view! {
        <Show when=move || !confirming.get() fallback=move || chosen.get().map(|invoice| {
            let valid = valid_copy(&invoice).unwrap_or_default();
            let next = stock.get_untracked().and_then(|s| s.next);
            view! {
                <ReissueConfirm
                    invoice=invoice
                    valid=valid
                    next=next
                    error=error
                    pending=pending.into()
                    on_back=Callback::new(move |()| confirming.set(false))
                    on_confirm=Callback::new(move |()| print(true))
                />
            }
        })>
            <table class="grid" id="invoice-list">
                <thead>
                    <tr>
                        <th>"结算号"</th><th>"状态"</th><th>"票据代码"</th><th>"票据号码"</th><th>"校验码"</th>
                        <th class="num">"金额"</th><th>"开具时间"</th><th>"纸质票据"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows.get().map(|rows| {
                        if rows.is_empty() {
                            return view! { <tr><td colspan="8" class="muted" id="invoice-none">"该患者还没有结算，没有电子票据"</td></tr> }.into_any();
                        }
                        rows.into_iter().map(|invoice| view! { <InvoiceRow invoice=invoice chosen_no=chosen_no/> }).collect_view().into_any()
                    })}
                </tbody>
            </table>
            <Show when=move || rows.with(Option::is_none)>
                <div class="muted">"正在读取电子票据…"</div>
            </Show>
            {move || result.get().map(|text| view! { <div class="confirm-figures done" id="paper-result">{text}</div> })}
            <DialogError error=error/>
            {move || error.get().filter(|e| matches!(e.code.as_str(), "PAPER_NO_STOCK" | "PAPER_NOT_HELD")).map(|_| view! {
                <div class="dialog-actions">
                    <span class="muted">"本人名下没有可用的票据纸：请先在“票据领用”登记领用的号段"</span>
                    <button id="paper-to-stock" on:click=move |_| on_stock.run(())>"去票据领用（Alt+S）"</button>
                </div>
            })}
            <Actions chosen=chosen stock=stock pending=pending.into() may_print=may_print
                    viewing=viewing.pending().into()
                    on_view=Callback::new(move |()| {
                        if let Some(invoice) = chosen.get_untracked() {
                            viewing.dispatch_local(invoice.settlement_no);
                        }
                    })
                    on_print=Callback::new(move |()| print(false))
                    on_reissue=Callback::new(move |()| {
                        error.set(None);
                        confirming.set(true);
                        keep_focus("paper-reissue-confirm");
                    })
                    on_void=on_void
                />
            <Show when=move || undone() && link.linked()>
                <div class="muted" id="invoice-waiting">"电子票据由平台开具，开具或冲红后自动显示"</div>
            </Show>
            <Show when=move || undone() && !link.linked()>
                <div class="dialog-actions">
                    <span class="muted">"未开具的电子票据会自动重试；也可以现在重新开具"</span>
                    <button id="invoice-retry" disabled=move || retrying.pending().get() on:click=move |_| {
                        retrying.dispatch_local(());
                    }>"重新开具"</button>
                </div>
            </Show>
        </Show>
    }
}

/// One invoice's row; a click chooses it for the actions below.
#[component]
fn InvoiceRow(invoice: InvoiceView, chosen_no: RwSignal<Option<String>>) -> impl IntoView {
    let no = invoice.settlement_no.clone();
    let mine = no.clone();
    let state = match (&invoice.red_number, &invoice.failure) {
        (Some(red), _) => format!("红票 {red}"),
        (None, Some(failure)) if invoice.status != "issued" => failure.clone(),
        _ => String::new(),
    };
    view! {
        <tr
            class="invoice"
            class:selected=move || chosen_no.with(|c| c.as_deref() == Some(mine.as_str()))
            data-settlement=no.clone()
            data-status=invoice.status.clone()
            on:click=move |_| chosen_no.set(Some(no.clone()))
        >
            <td>{invoice.settlement_no.clone()}</td>
            <td class="wrap">
                <span class=status_class(&invoice.status)>{invoice.status_label.clone()}</span>
                " " <span class="muted">{state}</span>
            </td>
            <td>{invoice.code.clone()}</td>
            <td class="invoice-number">{invoice.number.clone()}</td>
            <td>{invoice.check_code.clone()}</td>
            <td class="num">{invoice.amount.display()}</td>
            <td>{invoice.issued_at.clone().unwrap_or_default()}</td>
            <td class="wrap">
                {invoice.paper.iter().map(|p| {
                    let void = p.status != "valid";
                    let state = if void { "已作废" } else { "有效" };
                    view! {
                        <span class="paper-copy" class:void=void data-paper=p.number.clone()>
                            {format!("{}（{}，{state}）", p.number, p.printed_by)}
                        </span>
                    }
                }).collect_view()}
            </td>
        </tr>
    }
}

/// The chosen invoice's actions: 查看/打印 for everyone, and for those who may take money its
/// paper copies with the operator's next paper number.
#[component]
fn Actions(
    chosen: Memo<Option<InvoiceView>>,
    stock: RwSignal<Option<StockView>>,
    pending: Signal<bool>,
    may_print: bool,
    /// The layout file is being printed.
    viewing: Signal<bool>,
    on_view: Callback<()>,
    on_print: Callback<()>,
    on_reissue: Callback<()>,
    on_void: Callback<String>,
) -> impl IntoView {
    let issued = move || chosen.with(|c| c.as_ref().is_some_and(|i| i.status == "issued"));
    let valid = move || chosen.with(|c| c.as_ref().and_then(valid_copy));
    let numbered = move || chosen.with(|c| c.as_ref().is_some_and(|i| !i.number.is_empty()));
    view! {
        <div class="item-summary" id="invoice-actions">
            <div>{move || match chosen.get() {
                Some(i) if i.number.is_empty() => format!("结算 {} 的电子票据{}", i.settlement_no, i.status_label),
                Some(i) => format!("结算 {} · 电子票据 {} · {}", i.settlement_no, i.number, i.status_label),
                None => "没有可操作的电子票据".to_owned(),
            }}</div>
            {may_print.then(|| view! {
                <div class="muted" id="paper-next">{move || match stock.get() {
                    Some(StockView { next: Some(next), left, .. }) => format!("下一张纸质票据号 {next}（本人余 {left} 张）"),
                    Some(_) => "本人名下没有可用的票据纸（请先领用）".to_owned(),
                    None => String::new(),
                }}</div>
            })}
        </div>
        <div class="dialog-actions">
            <button id="invoice-print" disabled=move || viewing.get() || !numbered() on:click=move |_| on_view.run(())>
                "查看/打印"
            </button>
            <span class="spacer"></span>
            {may_print.then(|| view! {
                <button
                    class="primary"
                    id="paper-print"
                    data-autofocus="1"
                    disabled=move || pending.get() || !issued() || valid().is_some()
                    on:click=move |_| on_print.run(())
                >
                    "换开纸质"
                </button>
                <button id="paper-reprint" disabled=move || pending.get() || !issued() || valid().is_none() on:click=move |_| on_reissue.run(())>
                    "重新换开…"
                </button>
                <button id="paper-void" disabled=move || valid().is_none() on:click=move |_| {
                    if let Some(number) = valid() {
                        on_void.run(number);
                    }
                }>
                    {move || valid().map_or_else(|| "作废纸质".to_owned(), |n| format!("作废纸质 {n}…"))}
                </button>
            })}
        </div>
    }
}
