//! The day's batches, one row per channel (and platform ↔ HIS): status, figures, what is still
//! open, the original files; a click on a row shows that channel's discrepancies. Above them,
//! a run's progress while it lasts.

use contract::recon::{ReconBatch, SETTLED_BATCH_STATUSES};
use leptos::prelude::*;

use super::{ReportFormat, Review, RunState};

/// `对账中：已完成 3/5 个渠道` with a bar per batch, then `对账完成`.
#[component]
pub fn RunProgress(review: Review) -> impl IntoView {
    let text = move || {
        let batches = review.batches.get();
        let settled = batches.iter().filter(|b| SETTLED_BATCH_STATUSES.contains(&b.status.code.as_str())).count();
        match review.run.get() {
            RunState::Running => format!("对账中：已完成 {settled}/{} 个渠道", batches.len()),
            RunState::Finished => "对账完成".to_owned(),
            RunState::Idle => String::new(),
        }
    };
    let class = move || match review.run.get() {
        RunState::Finished => "recon-progress finished",
        _ => "recon-progress running",
    };
    view! {
        <Show when=move || review.run.get() != RunState::Idle>
            <div id="recon-progress" class=class>
                <span class="progress-text">{text}</span>
                {move || review.batches.get().into_iter().map(|b| {
                    let value = if b.status.code == "done" { 100 } else { b.progress.min(100) };
                    view! {
                        <span class="batch-progress" data-channel=b.channel.code.clone() data-status=b.status.code.clone()>
                            <span>{b.channel.label.clone()}</span>
                            <progress max="100" value=value.to_string()></progress>
                            <span class="muted">{format!("{} {value}%", b.status.label)}</span>
                        </span>
                    }
                }).collect_view()}
            </div>
        </Show>
    }
}

#[component]
pub fn BatchTable(review: Review) -> impl IntoView {
    view! {
        <div class="recon-batches">
            <table class="grid" id="recon-batches">
                <thead>
                    <tr>
                        <th>"渠道"</th>
                        <th>"状态"</th>
                        <th class="num">"已对平 笔数/金额"</th>
                        <th class="num">"平台单边 笔数/金额"</th>
                        <th class="num">"渠道/HIS单边 笔数/金额"</th>
                        <th class="num">"金额不符"</th>
                        <th class="num">"状态不符"</th>
                        <th class="num">"手续费不符"</th>
                        <th class="num">"跨天待定"</th>
                        <th class="num">"未处理"</th>
                        <th>"原始文件"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let batches = review.batches.get();
                        if batches.is_empty() {
                            return view! {
                                <tr class="empty"><td colspan="11" class="muted">"该日尚无对账结果，可点击“开始对账”"</td></tr>
                            }
                            .into_any();
                        }
                        batches.into_iter().map(|b| view! { <BatchRow review=review batch=b/> }).collect_view().into_any()
                    }}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn BatchRow(review: Review, batch: ReconBatch) -> impl IntoView {
    let code = batch.channel.code.clone();
    let chosen = {
        let code = code.clone();
        move || review.filter.get().channel.as_deref() == Some(code.as_str())
    };
    let drill = {
        let code = code.clone();
        move |_| {
            let code = code.clone();
            review.refine(move |f| f.channel = Some(code));
        }
    };
    let status_class = format!("badge batch-{}", batch.status.code);
    let pair = |count: u64, amount: &contract::Yuan| format!("{count} 笔 / {}", amount.display());
    let open_class = if batch.open_items > 0 { "num open-items attention" } else { "num open-items" };
    let final_word = match (batch.status.code.as_str(), batch.is_final) {
        ("done", true) => Some("已定稿"),
        ("done", false) => Some("T+2 前可能变化"),
        _ => None,
    };
    view! {
        <tr data-channel=code.clone() class:selected=chosen on:click=drill title="点击查看该渠道的差异">
            <td>{batch.channel.label.clone()}</td>
            <td class="batch-status">
                <span class=status_class>{batch.status.label.clone()}</span>
                {batch.note.clone().map(|note| view! { <span class="muted batch-note">{format!(" {note}")}</span> })}
                {final_word.map(|w| view! { <span class="muted">{format!(" {w}")}</span> })}
            </td>
            <td class="num">{pair(batch.matched, &batch.matched_amount)}</td>
            <td class="num">{pair(batch.platform_only, &batch.platform_only_amount)}</td>
            <td class="num">{pair(batch.counterpart_only, &batch.counterpart_only_amount)}</td>
            <td class="num">{batch.amount_mismatch}</td>
            <td class="num">{batch.status_mismatch}</td>
            <td class="num">{batch.fee_mismatch}</td>
            <td class="num">{batch.cross_day_deferred}</td>
            <td class=open_class>{batch.open_items}</td>
            <td class="actions">
                {batch.statement_id.map(|id| file_button("download-statement", "下载对账单", move || review.download(id)))}
                {batch.ledger_id.map(|id| file_button("download-ledger", "下载平台账单", move || review.download(id)))}
                {(batch.status.code == "done").then(|| {
                    let (day, channel) = (batch.day.clone(), code.clone());
                    let (pdf_day, pdf_channel) = (day.clone(), channel.clone());
                    view! {
                        {file_button("download-report-xlsx", "报表 XLSX", move || review.download_report(&day, &channel, ReportFormat::Xlsx))}
                        {file_button("download-report-pdf", "报表 PDF", move || {
                            review.download_report(&pdf_day, &pdf_channel, ReportFormat::Pdf)
                        })}
                    }
                })}
            </td>
        </tr>
    }
}

/// A link-style button in a batch row that saves a file; the click does not drill into the row.
fn file_button(class: &'static str, label: &'static str, save: impl Fn() + 'static) -> impl IntoView {
    view! {
        <button
            class=format!("link {class}")
            on:click=move |ev| {
                ev.stop_propagation();
                save();
            }
        >
            {label}
        </button>
    }
}
