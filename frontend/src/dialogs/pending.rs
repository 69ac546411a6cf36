//! 待处理 (supervisors and finance): the refunds by the original route that failed and wait to be
//! paid another way, oldest first, each with its patient and the channel's words; 打开 (or Enter
//! on a row's button) brings that patient's account to the desk, where a supervisor 改退. Below
//! them, the operations the platform refused (`refused.rs`), resolved in place.

use contract::ApiError;
use contract::pending::PendingList;
use leptos::prelude::*;

use super::refused::RefusedTable;
use super::{DialogError, Modal};
use crate::desk::Desk;
use crate::ipc;
use crate::search::Search;

#[component]
pub fn PendingDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let search = expect_context::<Search>();
    let list: RwSignal<Option<PendingList>> = RwSignal::new(None);
    let refused_any = move || list.with(|l| l.as_ref().is_some_and(|l| !l.refused.is_empty()));
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let load = Action::new_local(move |(): &()| async move {
        match ipc::pending().await {
            Ok(found) => list.set(Some(found)),
            Err(e) => error.set(Some(e)),
        }
    });
    load.dispatch_local(());
    let open = move |case_no: String| {
        desk.close();
        search.open(case_no);
    };
    view! {
        <Modal id="pending-dialog" title="待处理：原路退款失败".to_owned()>
            <DialogError error=error/>
            {move || {
                list.get().map(|found| {
                    let offline = found.platform_unreached.then(|| {
                        view! { <div class="notice attention">"平台暂不可达：只列出本机的退款"</div> }
                    });
                    let empty = found.refunds.is_empty();
                    let waiting = found.refused.iter().filter(|r| r.state.code == "open").count();
                    view! {
                        {offline}
                        <div class="muted" id="pending-count">
                            {if empty { "没有待处理的退款".to_owned() } else { format!("{} 笔原路退款失败，待主管改退现金或转账退款", found.refunds.len()) }}
                            {(waiting > 0).then(|| format!("；{waiting} 笔操作被平台拒收，待处理"))}
                        </div>
                        <table class="grid" id="pending-refunds">
                            <thead><tr><th>"病案号"</th><th>"患者"</th><th>"凭证号"</th><th>"方式"</th><th class="num">"金额"</th><th>"失败原因"</th><th>"时间"</th><th></th></tr></thead>
                            <tbody>
                                {found.refunds.into_iter().map(|p| {
                                    let case_no = p.case_no.clone();
                                    view! {
                                        <tr data-refund=p.refund.refund_no.clone()>
                                            <td>{p.case_no}</td>
                                            <td>{p.patient_name}</td>
                                            <td>{p.refund.record_no}</td>
                                            <td>{p.refund.tender.label}</td>
                                            <td class="num">{p.refund.amount.display()}</td>
                                            <td class="wrap muted">{p.refund.message.unwrap_or_default()}</td>
                                            <td>{p.refund.at}</td>
                                            <td><button class="link open-pending" on:click=move |_| open(case_no.clone())>"打开"</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })
            }}
            <Show when=refused_any><RefusedTable list=list/></Show>
        </Modal>
    }
}
