//! 工作清单 (Alt+W): who is waiting at discharge — for a cashier the admissions audited and
//! waiting for their settlement, for an auditor those waiting for the fee audit with the lines
//! that still block it — oldest discharge order first. The first row's 打开 has the focus, so
//! Enter opens the oldest; Tab moves down the list. Below, 我的今日操作: the operator's deposits,
//! settlements and voids of the day with the money net per tender.

use contract::ApiError;
use contract::worklist::{MyDay, WorkItem, Worklists};
use leptos::prelude::*;

use super::{DialogError, Modal};
use crate::desk::Desk;
use crate::ipc;
use crate::search::Search;

#[component]
fn WorkTable(
    id: &'static str,
    title: &'static str,
    items: Vec<WorkItem>,
    audit: bool,
    /// This list's oldest takes the focus (the dialog's first list).
    first: bool,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let search = expect_context::<Search>();
    let count = items.len();
    view! {
        <div class="pane-title">{format!("{title}（{count} 位）")}</div>
        <table class="grid" id=id>
            <thead><tr>
                <th>"病案号"</th><th>"患者"</th><th>"病区"</th><th>"床号"</th><th>"医保"</th><th>"出院医嘱"</th>
                {audit.then(|| view! { <th class="num">"未确认费用"</th> })}
                <th></th>
            </tr></thead>
            <tbody>
                {items.into_iter().enumerate().map(|(i, w)| {
                    let autofocus = (first && i == 0).then_some("");
                    let case_no = w.case_no.clone();
                    let row_case = w.case_no.clone();
                    let blockers = w.blockers.map_or_else(|| "—".to_owned(), |n| n.to_string());
                    view! {
                        <tr data-case=row_case>
                            <td>{w.case_no}</td>
                            <td>{w.patient_name}</td>
                            <td>{w.ward}</td>
                            <td>{w.bed_no}</td>
                            <td>{w.insurance.label}</td>
                            <td>{w.since}</td>
                            {audit.then(|| view! { <td class="num">{blockers}</td> })}
                            <td><button class="link open-work" data-autofocus=autofocus on:click=move |_| {
                                desk.close();
                                search.open(case_no.clone());
                            }>"打开"</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn MyDayTable(day: MyDay) -> impl IntoView {
    let totals: Vec<String> = day.totals.iter().map(|t| format!("{} {}", t.tender.label, t.amount.display())).collect();
    let count = day.operations.len();
    view! {
        <div class="pane-title">{format!("我的今日操作（{}，{count} 笔）", day.day)}</div>
        <table class="grid" id="my-day">
            <thead><tr><th>"时间"</th><th>"操作"</th><th>"单号"</th><th>"病案号"</th><th>"患者"</th><th class="num">"金额"</th><th>"支付方式"</th></tr></thead>
            <tbody>
                {day.operations.into_iter().map(|o| {
                    let number = o.number.clone();
                    let tenders = o.tenders.iter().map(|t| format!("{} {}", t.tender.label, t.amount.display())).collect::<Vec<_>>().join("，");
                    view! {
                        <tr data-number=number>
                            <td>{o.at}</td><td>{o.kind.label}</td><td>{o.number}</td><td>{o.case_no}</td>
                            <td>{o.patient_name}</td><td class="num">{o.amount.display()}</td><td>{tenders}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <div class="muted" id="my-day-totals">{if totals.is_empty() { "今日尚无收付".to_owned() } else { format!("净额：{}", totals.join("，")) }}</div>
    }
}

#[component]
pub fn WorklistDialog() -> impl IntoView {
    let lists: RwSignal<Option<Worklists>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let load = Action::new_local(move |(): &()| async move {
        match ipc::worklists().await {
            Ok(found) => lists.set(Some(found)),
            Err(e) => error.set(Some(e)),
        }
    });
    load.dispatch_local(());
    let mine: RwSignal<Option<MyDay>> = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        match ipc::my_day().await {
            Ok(day) => mine.set(Some(day)),
            Err(e) => error.set(Some(e)),
        }
    });
    // Once loaded, the Modal's first focusable is the oldest row's 打开.
    let step = Signal::derive(move || u32::from(lists.with(Option::is_some)));
    view! {
        <Modal id="worklist-dialog" title="工作清单（Alt+W）".to_owned() step=step>
            <DialogError error=error/>
            {move || lists.get().map(|l| {
                let none = l.to_settle.is_empty() && l.to_audit.is_empty();
                view! {
                    {none.then(|| view! { <div class="muted" id="worklist-empty">"没有等待出院结算或费用审核的患者"</div> })}
                    {(!l.to_settle.is_empty()).then(|| view! { <WorkTable id="to-settle" title="待结算" items=l.to_settle.clone() audit=false first=true/> })}
                    {(!l.to_audit.is_empty()).then(|| view! { <WorkTable id="to-audit" title="待审核" items=l.to_audit.clone() audit=true first=l.to_settle.is_empty()/> })}
                }
            })}
            {move || mine.get().map(|day| view! { <MyDayTable day=day/> })}
        </Modal>
    }
}
