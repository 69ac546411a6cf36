//! 自助机报表 (finance): the paper copies the kiosks printed on a day — per kiosk the copies in
//! force and their amount, the voided ones — and every line with who voided it and why. Kiosk
//! copies reach the counter through the platform's feed.

use contract::ApiError;
use contract::invoice::{KioskCopy, KioskReport, KioskSummary};
use leptos::prelude::*;

use crate::dialogs::DialogError;
use crate::ipc;

#[component]
pub fn KioskStep(
    /// The day asked first (the business date).
    day: String,
) -> impl IntoView {
    let day = RwSignal::new(day);
    let report: RwSignal<Option<KioskReport>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let querying = Action::new_local(move |asked: &String| {
        let asked = asked.clone();
        async move {
            match ipc::kiosk_invoices(&asked).await {
                Ok(found) => {
                    error.set(None);
                    report.set(Some(found));
                }
                Err(e) => {
                    report.set(None);
                    error.set(Some(e));
                }
            }
        }
    });
    let pending = querying.pending();
    let query = move || {
        if !pending.get_untracked() {
            querying.dispatch_local(day.get_untracked().trim().to_owned());
        }
    };
    query();
    view! {
        <div class="recon-toolbar">
            <label for="kiosk-day">"打印日期（YYYY-MM-DD）"</label>
            <input id="kiosk-day" type="text" autocomplete="off" bind:value=day/>
            <button class="primary" id="kiosk-query" disabled=move || pending.get() on:click=move |_| query()>"查询"</button>
        </div>
        {move || report.get().map(|r| view! {
            <div class="item-summary" id="kiosk-summary">
                {format!("{} 自助机打印：有效 {} 张，金额 {}；作废 {} 张", r.day, r.count, r.amount.display(), r.voided)}
            </div>
            <table class="grid" id="kiosk-report">
                <thead>
                    <tr>
                        <th>"纸质票据号"</th><th>"电子票据号"</th><th>"病案号"</th><th>"患者"</th>
                        <th class="num">"金额"</th><th>"打印时间"</th><th>"状态"</th>
                    </tr>
                </thead>
                <tbody>
                    {if r.kiosks.is_empty() {
                        view! { <tr><td colspan="7" class="muted" id="kiosk-none">"当日没有自助机打印的票据"</td></tr> }.into_any()
                    } else {
                        r.kiosks.into_iter().map(|k| view! { <Kiosk kiosk=k/> }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        })}
        <DialogError error=error/>
    }
}

/// One kiosk's heading row and its lines.
#[component]
fn Kiosk(kiosk: KioskSummary) -> impl IntoView {
    view! {
        <tr class="kiosk-head" data-kiosk=kiosk.kiosk.clone()>
            <td colspan="7">
                {format!("{}：有效 {} 张，金额 {}；作废 {} 张", kiosk.kiosk, kiosk.count, kiosk.amount.display(), kiosk.voided)}
            </td>
        </tr>
        {kiosk.lines.into_iter().map(|line| view! { <Line line=line/> }).collect_view()}
    }
}

#[component]
fn Line(line: KioskCopy) -> impl IntoView {
    let void = line.status != "valid";
    let state = match (void, &line.voided_by, &line.void_reason) {
        (false, _, _) => "有效".to_owned(),
        (true, Some(by), Some(reason)) => format!("已作废（{by}：{reason}）"),
        (true, _, _) => "已作废".to_owned(),
    };
    view! {
        <tr class="kiosk-line" class:void=void data-paper=line.paper_no.clone()>
            <td>{line.paper_no.clone()}</td>
            <td>{line.invoice_no.clone()}</td>
            <td>{line.case_no.clone()}</td>
            <td>{line.patient.clone()}</td>
            <td class="num">{line.amount.display()}</td>
            <td>{line.printed_at.clone()}</td>
            <td class="wrap">{state}</td>
        </tr>
    }
}
