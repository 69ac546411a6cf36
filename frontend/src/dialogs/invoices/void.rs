//! 作废纸质: a paper copy voided by its number — typed, or scanned (a scanner types the number
//! and Enter, which moves on to the reason) — with a reason; a window's own copy or a kiosk's
//! alike. The 票据 dialog's tab, and the recall's step when a valid paper copy blocks it.

use contract::ApiError;
use contract::invoice::{PaperVoided, VoidPaperRequest};
use leptos::prelude::*;

use super::keep_focus;
use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

/// What the status line and the result say about a voided copy.
fn describe(voided: &PaperVoided) -> String {
    let by = if voided.kiosk {
        format!("{} 打印", voided.printed_by)
    } else {
        format!("窗口 {} 换开", voided.printed_by)
    };
    if voided.invoice_no.is_empty() {
        format!("纸质票据 {} 已作废（{by}）", voided.paper_no)
    } else {
        format!("纸质票据 {} 已作废（{by}，电子票据 {}）", voided.paper_no, voided.invoice_no)
    }
}

#[component]
pub fn VoidPaperStep(
    /// The paper number; filled in when the step opens for a known copy.
    number: RwSignal<String>,
    /// Called once the copy is voided (the recall goes back to its form).
    #[prop(optional, into)]
    on_done: Option<Callback<PaperVoided>>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let done: RwSignal<Option<String>> = RwSignal::new(None);
    // A known number: the reason is what is left to type.
    let prefilled = !number.get_untracked().trim().is_empty();
    let voiding = Action::new_local(move |request: &VoidPaperRequest| {
        let request = request.clone();
        async move {
            match ipc::void_paper(&request).await {
                Ok(voided) => {
                    error.set(None);
                    let text = describe(&voided);
                    desk.say(text.clone(), Level::Done);
                    done.set(Some(text));
                    reason.set(String::new());
                    number.set(String::new());
                    // The dialog may have closed meanwhile: then nobody is told.
                    match on_done {
                        Some(on_done) => {
                            let _ = on_done.try_run(voided);
                        }
                        None => keep_focus("paper-void-no"),
                    }
                }
                Err(e) => {
                    done.set(None);
                    let field = if e.code == "REASON_REQUIRED" { "paper-void-reason" } else { "paper-void-no" };
                    error.set(Some(e));
                    keep_focus(field);
                }
            }
        }
    });
    let pending = voiding.pending();
    let submit = move |_| {
        if pending.get_untracked() {
            return;
        }
        let paper_no = number.get_untracked().trim().to_owned();
        if paper_no.is_empty() {
            error.set(Some(ApiError::new("PAPER_NO_REQUIRED", "请输入或扫描要作废的纸质票据号").on_field("paper_no")));
            keep_focus("paper-void-no");
            return;
        }
        voiding.dispatch_local(VoidPaperRequest { paper_no, reason: reason.get_untracked() });
    };
    view! {
        <div class="paper-void" id="paper-void">
            <div class="muted">
                "输入或扫描纸质票据号（窗口换开的、自助机打印的均可），填写作废原因后确认。作废后电子票据仍然有效，可重新换开；召回冲红前须先作废纸质票据。"
            </div>
            <label for="paper-void-no">"纸质票据号（可扫码）"</label>
            <input id="paper-void-no" type="text" autocomplete="off" bind:value=number/>
            <label for="paper-void-reason">"作废原因"</label>
            <input
                id="paper-void-reason"
                type="text"
                autocomplete="off"
                data-autofocus=prefilled.then_some("1")
                bind:value=reason
            />
            <DialogError error=error/>
            {move || done.get().map(|text| view! { <div class="confirm-figures done" id="paper-void-result">{text}</div> })}
            <div class="dialog-actions">
                <button class="primary risk" id="paper-void-confirm" disabled=move || pending.get() on:click=submit>
                    "确认作废（Enter）"
                </button>
            </div>
        </div>
    }
}
