//! `cashier reconcile --date D --channel C --platform LEDGER.csv --statement FILE [--json]
//! [--xlsx OUT.xlsx] [--pdf OUT.pdf]`: one day of the platform ledger against a channel's
//! statement (wechat, alipay, unionpay, insurance), the HIS export (`his`), or the HIS export's
//! cash rows (`cash`). Prints one JSON object with `--json`, else a short summary in Chinese;
//! `--xlsx` writes one workbook with the result report (对账结果, 不符明细) and the single-sided
//! detail (平台多出, 渠道多出 / HIS多出), `--pdf` the same as one document.
//!
//! The command keeps no state: the cross-day entries of the run are reported (`deferred`) but
//! not carried into another day's run.

use std::path::PathBuf;

use app::{AppError, Clock};
use clap::Args;
use reconcile::Config;

use crate::recon_input::{Target, json, parse_day, parse_fee_rate, unknown_channel, write_output};
use crate::reconcile_run::Run;
use reports::reconciliation::from_engine::model;

const CHANNELS: &str = "wechat、alipay、unionpay、insurance、cash、his";

#[derive(Args)]
pub struct ReconcileArgs {
    /// The day reconciled, YYYY-MM-DD.
    #[arg(long)]
    date: String,
    /// wechat | alipay | unionpay | insurance | cash | his (his: platform ↔ HIS export; cash: the
    /// HIS export's cash rows).
    #[arg(long)]
    channel: String,
    /// The platform ledger export (platform_order_no,channel,third_party_no,kind,…).
    #[arg(long)]
    platform: PathBuf,
    /// The channel's statement, or the HIS export for `his` and `cash`.
    #[arg(long)]
    statement: PathBuf,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    json: bool,
    /// Write the result and single-sided detail reports as one XLSX workbook.
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// Write the result and single-sided detail reports as one PDF.
    #[arg(long)]
    pdf: Option<PathBuf>,
    /// The contracted fee rate, checked on each channel row: `0.6%` or parts per million.
    #[arg(long)]
    fee_rate: Option<String>,
    /// Seconds before midnight within which an unmatched record waits for the next day (300).
    #[arg(long)]
    cross_day_window: Option<u32>,
    /// UnionPay ZM: the settle date when the file name (INNyyMMdd…) has none.
    #[arg(long)]
    settle_date: Option<String>,
}

pub fn run(args: ReconcileArgs) -> Result<(), AppError> {
    let day = parse_day(&args.date, "date")?;
    let target = match Target::parse(&args.channel) {
        Some(target @ (Target::Channel(_) | Target::His)) => target,
        _ => return Err(unknown_channel(&args.channel, CHANNELS)),
    };
    let mut config = match target {
        Target::Channel(channel) => Config::for_channel(day, channel),
        _ => Config::for_his(day),
    };
    config.fee_rate_ppm = args.fee_rate.as_deref().map(parse_fee_rate).transpose()?;
    if let Some(window) = args.cross_day_window {
        config.cross_day_window_secs = window.min(86_400);
    }
    let settle_date = args.settle_date.as_deref().map(|d| parse_day(d, "settle_date")).transpose()?;
    let run = crate::reconcile_run::run(&config, target, &args.platform, &args.statement, settle_date)?;

    if args.xlsx.is_some() || args.pdf.is_some() {
        let generated_at = Clock::System.now().format("%Y-%m-%d %H:%M:%S").to_string();
        let report = model(&run.result, generated_at);
        if let Some(out) = &args.xlsx {
            let bytes = reports::reconciliation_xlsx(&report).map_err(|e| AppError::Io(e.to_string()))?;
            write_output(out, &bytes)?;
            eprintln!("已写入 {}", out.display());
        }
        if let Some(out) = &args.pdf {
            app::Printing::load_fallback_font();
            let pdf = reports::reconciliation_pdf(&report)?;
            write_output(out, &pdf.bytes)?;
            eprintln!("已写入 {}（{} 页）", out.display(), pdf.pages);
        }
    }
    if args.json {
        println!("{}", json(&crate::reconcile_json::run_json(target.code(), &run))?);
    } else {
        print!("{}", summary_text(&run));
    }
    Ok(())
}

/// The short summary in Chinese.
fn summary_text(run: &Run) -> String {
    let result = &run.result;
    let s = &result.summary;
    let cp = if matches!(result.counterpart, reconcile::Counterpart::Channel(_)) { "渠道" } else { "HIS" };
    let mut out = format!(
        "对账日期 {}，{}\n平台台账 {} 行，{} {} 行（{}）\n",
        result.day.format("%Y-%m-%d"),
        reports::reconciliation::from_engine::scope(result.counterpart),
        run.platform.rows,
        run.statement.file,
        run.statement.rows,
        run.statement.format
    );
    out.push_str(&format!("已对平 {} 笔，金额 {} 元\n", s.matched.count, s.matched.net().yuan()));
    out.push_str(&format!(
        "平台单边 {} 笔 {} 元；{cp}单边 {} 笔 {} 元\n",
        s.platform_only.count,
        s.platform_only.net().yuan(),
        s.counterpart_only.count,
        s.counterpart_only.net().yuan()
    ));
    out.push_str(&format!(
        "金额不符 {} 笔（长款 {}，短款 {}，差额 {} 元）；状态不符 {} 笔；手续费不符 {} 笔\n",
        s.amount_mismatch.count,
        s.long,
        s.short,
        s.amount_difference.yuan(),
        s.status_mismatch.count,
        s.fee_mismatch.count
    ));
    out.push_str(&format!(
        "跨天待定 {} 笔；跨天已解决 {} 笔；已关闭 {} 笔；非本渠道 {} 笔\n",
        s.cross_day_deferred.count, s.cross_day_resolved, s.void, s.out_of_scope
    ));
    if cp == "渠道" {
        out.push_str(&format!("渠道手续费 {} 元（{}）\n", s.counterpart_fees.to_money().yuan(), s.counterpart_fees));
    }
    if result.summary.per_channel.len() > 1 {
        for c in &result.summary.per_channel {
            out.push_str(&format!(
                "  {}：已对平 {} 笔 {} 元，平台单边 {} 笔，{cp}单边 {} 笔，不符 {} 笔\n",
                c.channel.label(),
                c.matched.count,
                c.matched.net().yuan(),
                c.platform_only.count,
                c.counterpart_only.count,
                c.amount_mismatch.count + c.status_mismatch.count + c.fee_mismatch.count
            ));
        }
    }
    out
}
