//! 本人日结: the preview of the operator's close up to a cut-off (empty: now) with every figure,
//! 确认日结 (printed at once), and 取消日结 of the latest close while finance has not collected it.

use contract::ApiError;
use contract::close::{CancelCloseRequest, CloseRequest, CloseView};
use leptos::prelude::*;

use super::figures::CloseFigures;
use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

#[component]
pub fn CloseStep() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let until = RwSignal::new(String::new());
    let preview: RwSignal<Option<CloseView>> = RwSignal::new(None);
    let made: RwSignal<Option<CloseView>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    // The close's key, taken when the preview is shown: a double Enter closes once.
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let request = move || CloseRequest {
        key: key.get_untracked().unwrap_or_default(),
        until: Some(until.get_untracked().trim().to_owned()).filter(|u| !u.is_empty()),
        cashier: None,
    };
    let previewing = Action::new_local(move |(): &()| async move {
        match ipc::operation_key().await {
            Ok(k) => key.set(Some(k)),
            Err(e) => {
                error.set(Some(e));
                return;
            }
        }
        match ipc::preview_close(&request()).await {
            Ok(view) => {
                error.set(None);
                preview.set(Some(view));
                // Enter confirms what the cashier just read.
                super::focus("close-confirm");
            }
            Err(e) => {
                preview.set(None);
                error.set(Some(e));
            }
        }
    });
    let closing = Action::new_local(move |(): &()| async move {
        match ipc::close_day(&request()).await {
            Ok(view) => {
                error.set(None);
                let close_no = view.close_no.clone().unwrap_or_default();
                preview.set(None);
                made.set(Some(view));
                super::focus("close-print");
                match ipc::print_close(&close_no).await {
                    Ok(out) => desk.say(
                        format!("日结 {close_no} 完成，收费员日报已打印（{}）", out.printer.unwrap_or(out.path)),
                        Level::Done,
                    ),
                    Err(e) => desk.fail(&e),
                }
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let cancelling = Action::new_local(move |close_no: &String| {
        let close_no = close_no.clone();
        async move {
            let key = match ipc::operation_key().await {
                Ok(k) => k,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
            match ipc::cancel_close(&CancelCloseRequest { key, close_no: close_no.clone() }).await {
                Ok(view) => {
                    error.set(None);
                    desk.say(format!("日结 {close_no} 已取消，其记录将计入下次日结"), Level::Done);
                    made.set(Some(view));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    previewing.dispatch_local(());
    let busy = move || previewing.pending().get() || closing.pending().get() || cancelling.pending().get();
    view! {
        <div class="recon-toolbar">
            <label for="close-until">"截止时间（空为当前）"</label>
            <input id="close-until" type="text" autocomplete="off" placeholder="YYYY-MM-DD HH:MM:SS" bind:value=until/>
            <button class="primary" id="close-preview-again" disabled=busy on:click=move |_| { made.set(None); previewing.dispatch_local(()); }>
                "预览"
            </button>
        </div>
        <DialogError error=error/>
        {move || preview.get().map(|view| view! {
            <div id="close-preview">
                <CloseFigures view=view/>
                <div class="dialog-actions">
                    <button class="primary risk" id="close-confirm" data-autofocus="1" disabled=busy on:click=move |_| { closing.dispatch_local(()); }>
                        "确认日结（Enter）"
                    </button>
                </div>
            </div>
        })}
        {move || made.get().map(|view| {
            let close_no = view.close_no.clone().unwrap_or_default();
            let cancellable = view.status == "closed";
            let status = view.status.clone();
            view! {
                <div id="close-result" data-status=status>
                    <CloseFigures view=view/>
                    <div class="dialog-actions">
                        <button id="close-print" on:click={
                            let close_no = close_no.clone();
                            move |_| {
                                let close_no = close_no.clone();
                                leptos::task::spawn_local(async move {
                                    match ipc::print_close(&close_no).await {
                                        Ok(out) => desk.say(format!("收费员日报已打印（{}）", out.printer.unwrap_or(out.path)), Level::Done),
                                        Err(e) => desk.fail(&e),
                                    }
                                });
                            }
                        }>"补打日报"</button>
                        {cancellable.then(|| view! {
                            <button class="risk" id="close-cancel" disabled=busy on:click=move |_| { cancelling.dispatch_local(close_no.clone()); }>
                                "取消日结"
                            </button>
                        })}
                    </div>
                </div>
            }
        })}
    }
}
