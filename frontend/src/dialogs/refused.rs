//! 待处理's second part: the operations the platform refused — when, whose patient, who did it,
//! what it was and the money it took, why it was refused, and where it stands. A supervisor
//! resolves an open one with a note: 已退款给患者 (the money was given back) or 转为预交金 (kept
//! as the admission's deposit).

use contract::ApiError;
use contract::pending::{PendingList, RESOLUTIONS, RefusedOperation, ResolveRequest};
use contract::session::{Permission, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::DialogError;
use crate::desk::{Desk, Level};
use crate::ipc;

fn money_of(op: &RefusedOperation) -> String {
    let parts: Vec<String> = op.money.iter().map(|t| format!("{} {}", t.tender.label, t.amount.display())).collect();
    if parts.is_empty() { "—".to_owned() } else { parts.join("，") }
}

/// One open operation's resolution: a note, and the two buttons.
#[component]
fn Resolve(key: String, list: RwSignal<Option<PendingList>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let note = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let key = StoredValue::new(key);
    let resolve = move |action: &'static str| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let request = ResolveRequest { key: key.get_value(), action: action.to_owned(), note: note.get_untracked() };
        spawn_local(async move {
            match ipc::resolve_pending(&request).await {
                Ok(done) => {
                    desk.say(format!("{}：{}", done.what, done.state.label), Level::Done);
                    list.update(|l| {
                        if let Some(item) = l.as_mut().and_then(|l| l.refused.iter_mut().find(|r| r.key == done.key)) {
                            *item = done;
                        }
                    });
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <input class="resolve-note" type="text" placeholder="处理说明" bind:value=note/>
        {RESOLUTIONS
            .iter()
            .map(|(action, label)| {
                let class = format!("link resolve-{action}");
                view! { <button class=class disabled=move || busy.get() on:click=move |_| resolve(action)>{*label}</button> }
            })
            .collect_view()}
        <DialogError error=error/>
    }
}

#[component]
pub fn RefusedTable(list: RwSignal<Option<PendingList>>) -> impl IntoView {
    let resolver = use_context::<Session>().is_some_and(|s| s.may(Permission::ResolvePending));
    let rows = move || list.with(|l| l.as_ref().map(|l| l.refused.clone()).unwrap_or_default());
    view! {
        <div class="pane-title">"平台拒收的操作"</div>
        <table class="grid" id="refused-ops">
            <thead><tr><th>"时间"</th><th>"病案号"</th><th>"患者"</th><th>"收费员"</th><th>"操作"</th><th>"金额"</th><th>"拒收原因"</th><th>"状态"</th><th>"处理"</th></tr></thead>
            <tbody>
                <For each=rows key=|op| (op.key.clone(), op.state.code.clone()) let:op>
                    {
                        let money = money_of(&op);
                        let open = op.state.code == "open";
                        let handled = match (&op.resolved_by, &op.note) {
                            (Some(by), note) => format!("{by}：{}", note.clone().unwrap_or_default()),
                            _ => String::new(),
                        };
                        let action = match (open, resolver) {
                            (true, true) => view! { <Resolve key=op.key.clone() list=list/> }.into_any(),
                            (true, false) => view! { <span class="muted">"待主管处理"</span> }.into_any(),
                            (false, _) => view! { <span class="muted">{handled}</span> }.into_any(),
                        };
                        view! {
                            <tr data-key=op.key.clone() class=format!("refused-{}", op.state.code)>
                                <td>{op.received_at}</td>
                                <td>{op.case_no}</td>
                                <td>{op.patient_name}</td>
                                <td>{op.cashier}</td>
                                <td class="wrap">{op.what}</td>
                                <td class="num">{money}</td>
                                <td class="wrap muted">{format!("{}（{}）", op.reason, op.code)}</td>
                                <td class="refused-state">{op.state.label}</td>
                                <td class="actions">{action}</td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}
