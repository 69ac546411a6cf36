//! `cashier statement check --channel CHANNEL FILE`: parses a whole statement file and prints
//! one JSON object — rows, payments, refunds, amounts, fees, whether its own summary agreed, the
//! layout and the fingerprint. A file that cannot be trusted (truncated, wrong encoding,
//! duplicate rows, unparsable amounts, a summary that disagrees) exits with status 2 and a zh-CN
//! sentence naming the file and the line on stderr (for a disagreeing summary the JSON is still
//! printed first, so both figures are visible).

use std::path::PathBuf;

use app::AppError;
use clap::Subcommand;
use serde_json::json;
use statements::{CheckReport, Format};

use crate::recon_input::{Target, display_name, json, parse_day, read_input, refused, unknown_channel};

const CHANNELS: &str = "wechat、alipay、unionpay、insurance、his、ledger";

#[derive(Subcommand)]
pub enum StatementCommand {
    /// Checks a statement file against its own summary; prints one JSON object.
    Check {
        /// wechat | alipay | unionpay | insurance | his | ledger
        #[arg(long)]
        channel: String,
        /// UnionPay ZM only: the settle date (YYYY-MM-DD) when the file name (INNyyMMdd…) has
        /// none.
        #[arg(long)]
        settle_date: Option<String>,
        file: PathBuf,
    },
}

pub fn run(command: StatementCommand) -> Result<(), AppError> {
    match command {
        StatementCommand::Check { channel, settle_date, file } => check(&channel, settle_date.as_deref(), &file),
    }
}

fn check(channel: &str, settle_date: Option<&str>, file: &std::path::Path) -> Result<(), AppError> {
    let target = Target::parse(channel).ok_or_else(|| unknown_channel(channel, CHANNELS))?;
    let settle_date = settle_date.map(|d| parse_day(d, "settle_date")).transpose()?;
    let format = match target {
        Target::Channel(statements::Channel::Unionpay) => Format::Unionpay { settle_date },
        Target::Channel(c) => Format::for_channel(c).ok_or_else(|| {
            AppError::invalid(
                "CHANNEL_NO_STATEMENT",
                format!("{}没有渠道对账单，请用 his 检查 HIS 导出文件", c.label()),
                "channel",
            )
        })?,
        Target::His => Format::His,
        Target::Ledger => Format::Ledger,
    };
    let bytes = read_input(file, "file")?;
    let report = statements::check(format, &display_name(file), &bytes).map_err(|e| refused(&e, "file"))?;
    println!("{}", json(&report_json(target, &report))?);
    match report.summary_problem {
        Some(problem) if report.summary_agreed == Some(false) => Err(refused(&problem, "file")),
        _ => Ok(()),
    }
}

/// The JSON of a checked file. Amounts are decimal strings (`"1580.50"`), the exact fee total
/// has five decimals (`"9.00300"`) and `fees_fen` is it rounded to the fen.
pub fn report_json(target: Target, report: &CheckReport) -> serde_json::Value {
    let net = report.payment_amount.checked_sub(report.refund_amount).unwrap_or(domain::Money::ZERO);
    let problem = report.summary_problem.as_ref().map(|p| json!({ "code": p.code(), "message": p.to_string() }));
    json!({
        "file": report.file,
        "channel": target.code(),
        "format": report.format,
        "rows": report.rows,
        "payments": report.payments,
        "refunds": report.refunds,
        "payment_amount": report.payment_amount.to_string(),
        "refund_amount": report.refund_amount.to_string(),
        "net_amount": net.to_string(),
        "fees": report.fees.to_string(),
        "fees_fen": report.fees.to_money().to_string(),
        "summary_present": report.summary_agreed.is_some(),
        "summary_agreed": report.summary_agreed,
        "summary_problem": problem,
        "fingerprint": report.fingerprint,
    })
}
