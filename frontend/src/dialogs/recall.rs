//! F11 召回: settlement recall (结算召回) or discharge recall (出院召回) of the newest
//! settlement, with a reason and the supervisor's own credentials (组长授权). While a paper copy
//! of the settlement's e-invoice is valid the app refuses (`INVOICE_PAPER_VALID`): the dialog
//! then offers 作废纸质票据, the void step with that copy's number filled in, and comes back to
//! the form (the reason and the approver kept, the password to type again).

use contract::ApiError;
use contract::cashier::{Approval, RecallOutcome, RecallRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::invoices::VoidPaperStep;
use super::{DialogError, Modal, Steps};
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

/// The form, or the void step a valid paper copy sends the cashier to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Form,
    VoidPaper,
}

/// The valid paper copy of `settlement_no`'s invoice (the one that blocked the recall), asked of
/// the app rather than read out of the refusal's sentence.
async fn blocking_paper(case_no: &str, settlement_no: Option<&str>) -> Option<String> {
    let invoices = ipc::invoices(case_no).await.ok()?;
    invoices
        .iter()
        .filter(|i| settlement_no.is_none_or(|no| i.settlement_no == no))
        .flat_map(|i| i.paper.iter())
        .find(|p| p.status == "valid")
        .map(|p| p.number.clone())
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
    let steps = Steps::new(Step::Form);
    // The paper copy that blocked the recall, and the number the void step holds.
    let blocking: RwSignal<Option<String>> = RwSignal::new(None);
    let void_no = RwSignal::new(String::new());
    // Back from voiding: the password is what is left to type.
    let returned = RwSignal::new(false);
    let settlement_no = StoredValue::new(newest.as_ref().map(|s| s.settlement_no.clone()));
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
                    let blocked = e.code == "INVOICE_PAPER_VALID";
                    error.set(Some(e));
                    blocking.set(None);
                    if blocked {
                        let paper = blocking_paper(&request.case_no, request.settlement_no.as_deref()).await;
                        blocking.set(paper);
                    }
                }
            }
        }
    });
    let sending = recalling.pending();
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
    let on_close = Callback::new(move |()| {
        if steps.current.get_untracked() == Step::VoidPaper {
            steps.go(Step::Form);
        } else {
            desk.close();
        }
    });
    let voided = Callback::new(move |v: contract::invoice::PaperVoided| {
        error.set(None);
        blocking.set(None);
        returned.set(true);
        desk.say(format!("纸质票据 {} 已作废，可以召回：请组长重新输入密码后确认", v.paper_no), Level::Done);
        steps.go(Step::Form);
    });
    view! {
        <Modal id="recall-dialog" title="召回（F11，需收费组长授权）".to_owned() step=steps.moves() on_close=on_close>
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
                <div class="dialog-actions"><button class="primary" id="recall-done" on:click=move |_| desk.close() data-autofocus="1">"完成（Enter）"</button></div>
            }>
                {move || match steps.current.get() {
                    Step::Form => view! {
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
                            {RecallKind::ALL.into_iter().map(|k| view! { <option value=k.code() selected=move || kind.get() == k>{k.label()}</option> }).collect_view()}
                        </select>
                        <label for="recall-reason">"召回原因"</label>
                        <input id="recall-reason" type="text" bind:value=reason/>
                        <div class="approval">
                            <div class="pane-title">"收费组长授权"</div>
                            <label for="approval-username">"组长用户名"</label>
                            <input id="approval-username" type="text" autocomplete="off" bind:value=username/>
                            <label for="approval-password">"组长密码"</label>
                            <input
                                id="approval-password"
                                type="password"
                                autocomplete="off"
                                data-autofocus=move || returned.get().then_some("1")
                                bind:value=password
                            />
                        </div>
                        <DialogError error=error/>
                        {move || blocking.get().map(|paper| {
                            let number = paper.clone();
                            view! {
                                <div class="dialog-actions">
                                    <span class="muted">{format!("纸质票据 {paper} 仍有效，须先作废")}</span>
                                    <button id="recall-void-paper" on:click=move |_| {
                                        void_no.set(number.clone());
                                        steps.go(Step::VoidPaper);
                                    }>"作废纸质票据"</button>
                                </div>
                            }
                        })}
                        <div class="dialog-actions">
                            <button class="primary" id="recall-confirm" disabled=move || sending.get() on:click=submit>"确认召回（Enter）"</button>
                        </div>
                    }
                    .into_any(),
                    Step::VoidPaper => view! {
                        <VoidPaperStep number=void_no on_done=voided/>
                        <div class="dialog-actions">
                            <button id="recall-back" on:click=move |_| steps.go(Step::Form)>"返回召回（Esc）"</button>
                        </div>
                    }
                    .into_any(),
                }}
            </Show>
        </Modal>
    }
}
