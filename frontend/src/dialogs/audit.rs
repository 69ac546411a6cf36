//! F6 费用审核 (finance and supervisors): the lines that block the discharge, confirming
//! (确费) or cancelling them, and passing or returning the audit.

use contract::ApiError;
use contract::cashier::{AuditDecision, AuditGate, FeeDecision};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{DialogError, Modal};
use crate::desk::{Desk, Level};
use crate::ipc;

#[component]
pub fn AuditDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let case_no = StoredValue::new(desk.case_no().unwrap_or_default());
    let gate: RwSignal<Option<AuditGate>> = RwSignal::new(None);
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let load = move || {
        spawn_local(async move {
            match ipc::audit_gate(&case_no.get_value()).await {
                Ok(g) => gate.set(Some(g)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();
    let settle_gate = move |answer: Result<AuditGate, ApiError>| match answer {
        Ok(g) => {
            error.set(None);
            gate.set(Some(g));
            desk.refresh();
        }
        Err(e) => error.set(Some(e)),
    };
    let decide_fee = move |fee_id: i64, confirm: bool| {
        spawn_local(async move {
            let Ok(key) = ipc::operation_key().await else { return };
            let decision =
                FeeDecision { case_no: case_no.get_value(), key, fee_id, confirm, reason: reason.get_untracked() };
            settle_gate(ipc::decide_fee(&decision).await);
        });
    };
    let decide = move |pass: bool| {
        spawn_local(async move {
            let Ok(key) = ipc::operation_key().await else { return };
            let decision = AuditDecision { case_no: case_no.get_value(), key, pass, reason: reason.get_untracked() };
            let answer = ipc::decide_audit(&decision).await;
            if answer.is_ok() {
                desk.say(if pass { "费用审核已通过，可以出院结算" } else { "费用审核已退回" }, Level::Done);
            }
            settle_gate(answer);
        });
    };
    view! {
        <Modal id="audit-dialog" title="费用审核（F6）".to_owned()>
            {move || gate.get().map(|g| view! {
                <div class="muted">{format!("当前状态：{}；阻止审核的项目 {} 条（未确费，已取消的项目不计）", g.state.label, g.blockers.len())}</div>
                <table class="grid" id="audit-blockers">
                    <thead><tr><th>"时间"</th><th>"项目"</th><th class="num">"金额"</th><th>"科室"</th><th></th></tr></thead>
                    <tbody>
                        {g.blockers.into_iter().map(|line| {
                            let id = line.id;
                            view! {
                                <tr>
                                    <td>{line.charged_at}</td><td>{line.item_name}</td><td class="num">{line.amount.display()}</td><td>{line.department}</td>
                                    <td>
                                        <button class="link" on:click=move |_| decide_fee(id, true)>"确费"</button>
                                        <button class="link" on:click=move |_| decide_fee(id, false)>"取消（需填原因）"</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <label for="audit-reason">"原因（退回审核或取消项目时必填）"</label>
            <input id="audit-reason" type="text" bind:value=reason/>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button id="audit-return" on:click=move |_| decide(false)>"退回审核"</button>
                <button class="primary" id="audit-pass" on:click=move |_| decide(true)>"审核通过（Enter）"</button>
            </div>
        </Modal>
    }
}
