//! 日报 / 月报 (finance): a day (YYYY-MM-DD) or a month (YYYY-MM) — takings by tender and by
//! cashier, the roll-forwards, the identities, for a month a bar chart of takings by day stacked
//! by tender — printed or exported as XLSX.

use contract::ApiError;
use contract::close::{ByTender, DailyReport, MonthlyReport, RollForward};
use contract::tender::tender_options;
use leptos::prelude::*;

use super::figures::{Identities, TenderTable};
use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

#[derive(Clone, Debug)]
enum Shown {
    Day(Box<DailyReport>),
    Month(Box<MonthlyReport>),
}

fn roll_text(name: &str, r: &RollForward) -> String {
    let moves: Vec<String> = r.movements.iter().map(|(k, v)| format!("{k} {v}")).collect();
    format!(
        "{name}：期初 {}，{}，期末 {}（按记录 {}，{}）",
        r.start,
        moves.join("，"),
        r.end,
        r.end_from_records,
        if r.holds { "相符" } else { "不符" }
    )
}

/// Takings by day as stacked bars, one colour per tender.
#[component]
fn Chart(days: Vec<(String, ByTender)>) -> impl IntoView {
    let tenders = tender_options();
    let max = days.iter().map(|(_, t)| t.get("total").map_or(0, |y| y.money().fen())).max().unwrap_or(0).max(1);
    let (height, bar) = (160i64, 18i64);
    let colours = ["#2f6fb0", "#8c6d1f", "#5b8c3a", "#2aa05a", "#1677ff", "#a0522d"];
    let width = days.len() as i64 * (bar + 6) + 40;
    view! {
        <svg id="report-chart" class="chart" width=width height=height + 40 role="img" aria-label="每日实收（按支付方式）">
            {days.into_iter().enumerate().map(|(i, (day, takings))| {
                let x = 30 + i as i64 * (bar + 6);
                let mut top = height;
                let segments = tenders.iter().enumerate().filter_map(|(t, tender)| {
                    let fen = takings.get(tender.code).map_or(0, |y| y.money().fen()).max(0);
                    let h = fen * height / max;
                    if h == 0 {
                        return None;
                    }
                    top -= h;
                    Some(view! { <rect x=x y=top width=bar height=h fill=colours[t % colours.len()]><title>{format!("{day} {} {}", tender.label, takings.get(tender.code).copied().unwrap_or_default())}</title></rect> })
                }).collect_view();
                view! {
                    <g class="chart-day" data-day=day.clone()>
                        {segments}
                        <text x=x y=height + 14 font-size="9">{day.get(8..).unwrap_or("").to_owned()}</text>
                    </g>
                }
            }).collect_view()}
            <g class="chart-legend">
                {tenders.iter().enumerate().map(|(t, tender)| view! {
                    <rect x=30 + t as i64 * 60 y=height + 22 width=10 height=10 fill=colours[t % colours.len()]></rect>
                    <text x=44 + t as i64 * 60 y=height + 31 font-size="10">{tender.label}</text>
                }).collect_view()}
            </g>
        </svg>
    }
}

#[component]
pub fn ReportsStep(
    /// The day asked first (the business date).
    day: String,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let period = RwSignal::new(day);
    let shown: RwSignal<Option<Shown>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let query = Action::new_local(move |asked: &String| {
        let asked = asked.trim().to_owned();
        async move {
            let answer = if asked.len() > 7 {
                ipc::daily_report(&asked).await.map(|d| Shown::Day(Box::new(d)))
            } else {
                ipc::monthly_report(&asked).await.map(|m| Shown::Month(Box::new(m)))
            };
            match answer {
                Ok(s) => {
                    error.set(None);
                    shown.set(Some(s));
                }
                Err(e) => {
                    shown.set(None);
                    error.set(Some(e));
                }
            }
        }
    });
    let pending = query.pending();
    query.dispatch_local(period.get_untracked());
    let print = move |_| {
        let asked = period.get_untracked().trim().to_owned();
        leptos::task::spawn_local(async move {
            match ipc::print_day_end(&asked).await {
                Ok(out) => desk.say(format!("报表已打印（{}）", out.printer.unwrap_or(out.path)), Level::Done),
                Err(e) => desk.fail(&e),
            }
        });
    };
    let export = move |_| {
        let asked = period.get_untracked().trim().to_owned();
        leptos::task::spawn_local(async move {
            match ipc::export_day_end(&asked).await {
                Ok(path) => desk.say(format!("已导出 {path}"), Level::Done),
                Err(e) => desk.fail(&e),
            }
        });
    };
    view! {
        <div class="recon-toolbar">
            <label for="report-period">"日期（YYYY-MM-DD）或月份（YYYY-MM）"</label>
            <input id="report-period" type="text" autocomplete="off" bind:value=period/>
            <button class="primary" id="report-query" disabled=move || pending.get() on:click=move |_| { query.dispatch_local(period.get_untracked()); }>"查询"</button>
            <button id="report-print" on:click=print>"打印"</button>
            <button id="report-export" on:click=export>"导出 XLSX"</button>
        </div>
        <DialogError error=error/>
        {move || shown.get().map(|s| match s {
            Shown::Day(d) => {
                let mut rows = vec![("全院".to_owned(), d.takings.clone())];
                rows.extend(d.by_cashier.iter().map(|c| (c.cashier.clone(), c.takings.clone())));
                view! {
                    <div class="item-summary" id="report-summary" data-holds=d.identity_holds.to_string()>
                        {format!("{} 住院日报：实收 {}，结算费用 {}，恒等式{}", d.date, d.actual_income, d.fees_settled, if d.identity_holds { "全部成立" } else { "有不成立项" })}
                    </div>
                    <TenderTable id="report-takings" rows=rows/>
                    <div>{roll_text("预交金", &d.deposit_rollforward)}</div>
                    <div>{roll_text("在院费用", &d.inpatient_fee_rollforward)}</div>
                    <Identities id="report-identities" lines=d.identities.clone()/>
                }.into_any()
            }
            Shown::Month(m) => {
                let mut rows: Vec<(String, ByTender)> = m.days.iter().map(|d| (d.date.clone(), d.takings.clone())).collect();
                rows.push(("合计".to_owned(), m.takings.clone()));
                let chart: Vec<(String, ByTender)> = m.days.iter().map(|d| (d.date.clone(), d.takings.clone())).collect();
                view! {
                    <div class="item-summary" id="report-summary" data-holds=m.identity_holds.to_string()>
                        {format!("{} 住院月报：实收 {}，结算费用 {}，恒等式{}", m.month, m.takings.get("total").copied().unwrap_or_default(), m.fees_settled, if m.identity_holds { "全部成立" } else { "有不成立项" })}
                    </div>
                    <Chart days=chart/>
                    <TenderTable id="report-takings" rows=rows/>
                    <div>{roll_text("预交金", &m.deposit_rollforward)}</div>
                    <div>{roll_text("在院费用", &m.inpatient_fee_rollforward)}</div>
                }.into_any()
            }
        })}
    }
}
