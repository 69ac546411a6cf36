//! The review's dialogs: 原因 (assign a cause), 以平台为准 / 以渠道为准 (resolve with a reason; a
//! correction waits for a supervisor), 审批 (the supervisor's own credentials, approve or reject).
//! Keyboard-first like the desk's: the first field has focus, Enter walks to the confirm button
//! and presses it, Esc cancels; a refusal shows inside the dialog and leaves the inputs as they
//! were; the confirm button is disabled while the request (an `Action`) runs, so a double click sends once.

use contract::ApiError;
use contract::recon::{AssignCause, CORRECTIONS, DecideCorrection, ReconItem, ResolveItem, all_causes, label_of};
use leptos::prelude::*;

use super::{Basis, Review};
use crate::desk::Level;
use crate::dialogs::{DialogError, Modal};
use crate::ipc;

/// The entry the dialog is about: where, which order, the figures, its cause and state.
#[component]
fn ItemSummary(item: ReconItem) -> impl IntoView {
    let amount = |label: &str, value: Option<contract::Yuan>| {
        value.map(|v| view! { <span>{format!("{label} {}", v.display())}</span> })
    };
    view! {
        <div class="item-summary">
            <div>
                <b>{format!("{} · {} · {}", item.channel.label, item.class.label, item.kind.label)}</b>
                <span class="muted">{format!("  {}", item.at)}</span>
            </div>
            <div class="mono">
                {format!("平台订单号 {}", if item.order_no.is_empty() { "—" } else { &item.order_no })}
                {(!item.third_party_no.is_empty()).then(|| format!("  第三方单号 {}", item.third_party_no))}
                {(!item.refund_no.is_empty()).then(|| format!("  退款单号 {}", item.refund_no))}
            </div>
            <div class="figures-line">
                {amount("平台金额", item.platform_amount)}
                {amount("渠道金额", item.counterpart_amount)}
                {amount("差额", item.difference)}
                {item.direction.clone().map(|d| view! { <span>{d}</span> })}
            </div>
            <div class="muted">{format!("原因：{}；状态：{}", item.cause.label, item.state.label)}</div>
        </div>
    }
}

/// How the notice names an entry: its platform order number, else the channel's numbers.
fn number_of(item: &ReconItem) -> &str {
    [&item.order_no, &item.third_party_no, &item.refund_no].into_iter().find(|n| !n.is_empty()).map_or("", |n| n)
}

fn refusal(code: &str, message: &str, field: &str) -> Option<ApiError> {
    Some(ApiError::new(code, message).on_field(field))
}

#[component]
pub fn CauseDialog(review: Review, item: ReconItem) -> impl IntoView {
    let causes = all_causes();
    let first = causes.first().map(|(code, _)| code.clone()).unwrap_or_default();
    let initial = if causes.iter().any(|(code, _)| *code == item.cause.code) { item.cause.code.clone() } else { first };
    let cause = RwSignal::new(initial);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let id = StoredValue::new(item.id.clone());
    let assigning = Action::new_local(move |request: &AssignCause| {
        let request = request.clone();
        async move {
            match ipc::recon_assign_cause(&id.get_value(), &request).await {
                Ok(item) => {
                    review.say(format!("{} 原因已设为：{}", number_of(&item), item.cause.label), Level::Done);
                    review.replace(item);
                    review.close_dialog();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let sending = assigning.pending();
    let submit = move |_| {
        if sending.get_untracked() {
            return;
        }
        error.set(None);
        assigning.dispatch_local(AssignCause { cause: cause.get_untracked() });
    };
    view! {
        <Modal id="cause-dialog" title="设置差异原因".to_owned() on_close=Callback::new(move |()| review.close_dialog())>
            <ItemSummary item=item/>
            <label for="cause-select">"原因（提供方 / 类别）"</label>
            <select id="cause-select" on:change=move |ev| cause.set(event_target_value(&ev))>
                {causes.into_iter().map(|(code, label)| {
                    let mine = code.clone();
                    view! { <option value=code prop:selected=move || cause.get() == mine>{label}</option> }
                }).collect_view()}
            </select>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button on:click=move |_| review.close_dialog()>"取消（Esc）"</button>
                <button class="primary" id="cause-confirm" disabled=move || sending.get() on:click=submit>"确定（Enter）"</button>
            </div>
        </Modal>
    }
}

/// 以平台为准 (marked handled) or 以渠道为准 (a correction of the platform's record, waiting for
/// a supervisor).
#[component]
pub fn ResolveDialog(review: Review, item: ReconItem, basis: Basis) -> impl IntoView {
    let by_channel = basis == Basis::Channel;
    let correction = RwSignal::new(CORRECTIONS[0].0.to_owned());
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let id = StoredValue::new(item.id.clone());
    let resolving = Action::new_local(move |request: &ResolveItem| {
        let request = request.clone();
        async move {
            match ipc::recon_resolve(&id.get_value(), &request).await {
                Ok(item) => {
                    let text = if by_channel {
                        format!("{} 已提交更正（{}），{}", number_of(&item), correction_label(&item), item.state.label)
                    } else {
                        format!("{} {}", number_of(&item), item.state.label)
                    };
                    review.say(text, Level::Done);
                    review.replace(item);
                    review.close_dialog();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let sending = resolving.pending();
    let submit = move |_| {
        if sending.get_untracked() {
            return;
        }
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            error.set(refusal("RECON_REASON_REQUIRED", "请填写处理说明", "reason"));
            return;
        }
        error.set(None);
        resolving.dispatch_local(ResolveItem {
            basis: basis.code().to_owned(),
            reason: text,
            correction: by_channel.then(|| correction.get_untracked()),
        });
    };
    let (title, explain) = if by_channel {
        ("以渠道为准", "以渠道为准：按渠道记录更正平台记录，提交后需主管审批")
    } else {
        ("以平台为准", "以平台为准：平台记录无误，标记为已处理")
    };
    view! {
        <Modal id="resolve-dialog" title=format!("处理差异 · {title}") on_close=Callback::new(move |()| review.close_dialog())>
            <ItemSummary item=item/>
            <div class="basis" id="resolve-basis" data-basis=basis.code()>{explain}</div>
            {by_channel.then(|| view! {
                <label for="correction-select">"更正方式"</label>
                <select id="correction-select" on:change=move |ev| correction.set(event_target_value(&ev))>
                    {CORRECTIONS.iter().map(|(code, label)| {
                        let code = *code;
                        view! { <option value=code prop:selected=move || correction.get() == code>{*label}</option> }
                    }).collect_view()}
                </select>
            })}
            <label for="resolve-reason">"处理说明（必填）"</label>
            <textarea id="resolve-reason" rows="3" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button on:click=move |_| review.close_dialog()>"取消（Esc）"</button>
                <button class="primary" id="resolve-confirm" disabled=move || sending.get() on:click=submit>
                    {if by_channel { "提交主管审批（Enter）" } else { "确认处理（Enter）" }}
                </button>
            </div>
        </Modal>
    }
}

fn correction_label(item: &ReconItem) -> String {
    item.correction
        .as_ref()
        .map_or_else(String::new, |c| label_of(&CORRECTIONS, &c.code).map_or_else(|| c.label.clone(), str::to_owned))
}

/// A supervisor approves or rejects a requested correction with their own credentials.
#[component]
pub fn DecideDialog(review: Review, item: ReconItem) -> impl IntoView {
    let supervisor = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let id = StoredValue::new(item.id.clone());
    let requested = format!(
        "申请：{}；说明：{}；申请人：{}",
        correction_label(&item),
        item.reason.clone().unwrap_or_default(),
        item.resolved_by.clone().unwrap_or_default()
    );
    let deciding = Action::new_local(move |(who, secret, decision): &(String, String, DecideCorrection)| {
        let (who, secret, decision) = (who.clone(), secret.clone(), decision.clone());
        async move {
            match ipc::recon_decide(&id.get_value(), &who, &secret, &decision).await {
                Ok(item) => {
                    let by = item.approved_by.clone().unwrap_or(who);
                    review.say(format!("{} {}（{by} 审批）", number_of(&item), item.state.label), Level::Done);
                    review.replace(item);
                    review.close_dialog();
                }
                Err(e) => {
                    password.set(String::new());
                    error.set(Some(e));
                }
            }
        }
    });
    let sending = deciding.pending();
    let decide = move |approve: bool| {
        if sending.get_untracked() {
            return;
        }
        let who = supervisor.get_untracked().trim().to_owned();
        let secret = password.get_untracked();
        let words = note.get_untracked().trim().to_owned();
        let missing = if who.is_empty() {
            refusal("APPROVAL_REQUIRED", "请填写主管用户名", "supervisor")
        } else if secret.is_empty() {
            refusal("APPROVAL_REQUIRED", "请填写主管密码", "password")
        } else if !approve && words.is_empty() {
            refusal("RECON_NOTE_REQUIRED", "驳回时请填写审批意见", "note")
        } else {
            None
        };
        if missing.is_some() {
            error.set(missing);
            return;
        }
        error.set(None);
        deciding.dispatch_local((who, secret, DecideCorrection { approve, note: words }));
    };
    view! {
        <Modal id="decide-dialog" title="审批更正（需主管授权）".to_owned() on_close=Callback::new(move |()| review.close_dialog())>
            <ItemSummary item=item/>
            <div class="basis">{requested}</div>
            <div class="approval">
                <label for="decide-supervisor">"主管用户名"</label>
                <input id="decide-supervisor" type="text" autocomplete="off" bind:value=supervisor/>
                <label for="decide-password">"主管密码"</label>
                <input id="decide-password" type="password" autocomplete="off" bind:value=password/>
                <label for="decide-note">"审批意见（驳回时必填）"</label>
                <input id="decide-note" type="text" bind:value=note/>
            </div>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button on:click=move |_| review.close_dialog()>"取消（Esc）"</button>
                <button id="decide-reject" disabled=move || sending.get() on:click=move |_| decide(false)>"驳回"</button>
                <button class="primary" id="decide-approve" disabled=move || sending.get() on:click=move |_| decide(true)>
                    "批准（Enter）"
                </button>
            </div>
        </Modal>
    }
}
