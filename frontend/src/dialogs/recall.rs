//! F11 召回: settlement recall (结算召回) or discharge recall (出院召回) of the newest
//! settlement, with a reason and the supervisor's own credentials (组长授权).

use contract::ApiError;
use contract::cashier::{Approval, RecallOutcome, RecallRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{DialogError, Modal};
use crate::desk::{Desk, Level};
use crate::ipc;

/// 结算召回 (the account opens again) or 出院召回 (the patient is back in the ward).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RecallKind {
    Settlement,
    Discharge,
}

impl RecallKind {
    const ALL: [RecallKind; 2] = [RecallKind::Settlement, RecallKind::Discharge];

    fn code(self) -> &'static str {
        match self {
            RecallKind::Settlement => "settlement",
            RecallKind::Discharge => "discharge",
        }
    }

    fn label(self) -> &'static str {
        match self {
            RecallKind::Settlement => "结算召回（重新打开账户）",
            RecallKind::Discharge => "出院召回（患者回到在院）",
        }
    }
}

#[component]
pub fn RecallDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let account = desk.account.get_untracked();
    let newest = account.as_ref().and_then(|a| a.settlements.iter().rev().find(|s| !s.recalled).cloned());
    let case_no = StoredValue::new(desk.case_no().unwrap_or_default());
    let kind = RwSignal::new(RecallKind::Settlement);
    let reason = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let key: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let done: RwSignal<Option<RecallOutcome>> = RwSignal::new(None);
    spawn_local(async move {
        if let Ok(k) = ipc::operation_key().await {
            key.set(Some(k));
        }
    });
    let recalling = Action::new_local(move |request: &RecallRequest| {
        let request = request.clone();
        async move {
            match ipc::recall(&request).await {
                Ok(outcome) => {
                    desk.refresh();
                    desk.say(
                        format!(
                            "{} {} 已完成（{} 授权）",
                            outcome.kind.label, outcome.settlement_no, outcome.approved_by
                        ),
                        Level::Done,
                    );
                    done.set(Some(outcome));
                }
                Err(e) => {
                    password.set(String::new());
                    error.set(Some(e));
                }
            }
        }
    });
    let sending = recalling.pending();
    let settlement_no = StoredValue::new(newest.as_ref().map(|s| s.settlement_no.clone()));
    let submit = move |_| {
        if sending.get_untracked() {
            return;
        }
        let Some(key) = key.get_untracked() else { return };
        recalling.dispatch_local(RecallRequest {
            case_no: case_no.get_value(),
            key,
            kind: kind.get_untracked().code().to_owned(),
            settlement_no: settlement_no.get_value(),
            reason: reason.get_untracked(),
            approval: Approval { username: username.get_untracked(), password: password.get_untracked() },
        });
    };
    view! {
        <Modal id="recall-dialog" title="召回（F11，需收费组长授权）".to_owned()>
            {match newest {
                None => view! { <div class="muted">"该患者没有可召回的结算"</div> }.into_any(),
                Some(s) => view! {
                    <div class="confirm-figures">
                        <div>{format!("最近一次结算：{} {} {}", s.kind.label, s.settlement_no, s.at)}</div>
                        <div>{format!("结算时{} {}", if s.due.money().is_negative() { "退款" } else { "收款" }, s.due.money().abs().yuan())}</div>
                        <div class="muted">"召回后：结算时收取的款项转为预交金，已退的款项转为欠费；账户恢复为结算前状态。"</div>
                    </div>
                }
                .into_any(),
            }}
            <Show when=move || done.get().is_none() fallback=move || view! {
                <div class="confirm-figures done" id="recall-result">
                    {move || done.get().map(|o| format!("已召回 {}，当前余额 {}，状态：{}", o.settlement_no, o.balance.display(), o.state.label))}
                </div>
                <div class="dialog-actions"><button class="primary" on:click=move |_| desk.close() data-autofocus="1">"完成（Enter）"</button></div>
            }>
                <label for="recall-kind">"召回类型"</label>
                <select
                    id="recall-kind"
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        if let Some(chosen) = RecallKind::ALL.into_iter().find(|k| k.code() == code) {
                            kind.set(chosen);
                        }
                    }
                >
                    {RecallKind::ALL.into_iter().map(|k| view! { <option value=k.code()>{k.label()}</option> }).collect_view()}
                </select>
                <label for="recall-reason">"召回原因"</label>
                <input id="recall-reason" type="text" bind:value=reason/>
                <div class="approval">
                    <div class="pane-title">"收费组长授权"</div>
                    <label for="approval-username">"组长用户名"</label>
                    <input id="approval-username" type="text" autocomplete="off" bind:value=username/>
                    <label for="approval-password">"组长密码"</label>
                    <input id="approval-password" type="password" autocomplete="off" bind:value=password/>
                </div>
                <DialogError error=error/>
                <div class="dialog-actions">
                    <button class="primary" id="recall-confirm" disabled=move || sending.get() on:click=submit>"确认召回（Enter）"</button>
                </div>
            </Show>
        </Modal>
    }
}
