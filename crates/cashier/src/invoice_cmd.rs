//! `cashier invoice …` (电子票据: an admission's invoices with their state; asking again for those
//! not issued or not reversed yet) and `cashier recall` (结算召回 / 出院召回, whose invoice is
//! reversed). JSON on stdout.

use std::path::PathBuf;

use app::AppError;
use clap::Subcommand;
use contract::cashier::{Approval, RecallRequest};
use contract::invoice::{PaperCopyRequest, StockRequest, VoidPaperRequest};

use crate::{json, open, password, pause_from_env, sync_cmd};

#[derive(Subcommand)]
pub enum InvoiceCommand {
    /// The admission's invoices, one object per settlement with fees: number, code, status
    /// (pending, issued, failed, reversed), amount, settlement_no, paper copies.
    Show {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// JSON (the only form; accepted for scripts that say so).
        #[arg(long)]
        json: bool,
    },
    /// Asks the fiscal platform again for every invoice not issued or not reversed yet (a
    /// stand-alone counter; a linked counter's platform does this itself).
    Retry {
        #[arg(long)]
        db: PathBuf,
    },
    /// 换开纸质: prints the admission's newest invoice in force (or `--settlement`'s) on the next
    /// number of the operator's invoice paper; `--reissue` (重新换开) voids the valid copy first.
    Paper {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        #[arg(long)]
        settlement: Option<String>,
        #[arg(long)]
        reissue: bool,
        /// Also write the paper copy's PDF here.
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// The e-invoice's layout file (版式文件) of a settlement as PDF.
    Pdf {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        #[arg(long)]
        settlement: String,
        out: PathBuf,
    },
    /// 作废: voids a paper copy (a window's or a kiosk's) by its paper number.
    VoidPaper {
        #[arg(long)]
        db: PathBuf,
        paper_no: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
}

/// `cashier stock …`: the operator's pre-numbered paper (领用, 核销, 查看).
#[derive(Subcommand)]
pub enum StockCommand {
    /// Receives a range (prefix, from–to, zero padded to `--width` digits).
    Receive {
        #[arg(long)]
        db: PathBuf,
        #[command(flatten)]
        range: RangeArgs,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// Writes off unused numbers (lost, damaged) with a reason.
    WriteOff {
        #[arg(long)]
        db: PathBuf,
        #[command(flatten)]
        range: RangeArgs,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// The operator's stock of one kind: ranges, next number, left, written off.
    Show {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value = "invoice")]
        kind: String,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
}

#[derive(clap::Args)]
pub struct RangeArgs {
    /// `invoice` (票据纸) or `receipt` (收据纸).
    #[arg(long)]
    kind: String,
    #[arg(long)]
    prefix: String,
    #[arg(long)]
    from: u64,
    #[arg(long)]
    to: u64,
    #[arg(long, default_value_t = 8)]
    width: usize,
}

impl RangeArgs {
    fn request(&self, reason: Option<String>) -> StockRequest {
        StockRequest {
            kind: self.kind.clone(),
            prefix: self.prefix.clone(),
            from: self.from,
            to: self.to,
            width: self.width,
            reason,
        }
    }
}

pub async fn stock(command: StockCommand) -> Result<(), AppError> {
    match command {
        StockCommand::Receive { db, range, operator } => {
            let app = open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            println!("{}", json(&app.receive_stock(&operator, &range.request(None)).await?)?);
        }
        StockCommand::WriteOff { db, range, reason, operator } => {
            let app = open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            println!("{}", json(&app.write_off_stock(&operator, &range.request(Some(reason))).await?)?);
        }
        StockCommand::Show { db, kind, operator } => {
            let app = open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            let kind = domain::paper::PaperKind::from_code(kind.trim()).ok_or_else(|| {
                AppError::invalid("PAPER_KIND_UNKNOWN", format!("票据种类应为 invoice 或 receipt：“{kind}”"), "kind")
            })?;
            println!("{}", json(&app.stock(&operator, kind).await?)?);
        }
    }
    Ok(())
}

pub async fn run(command: InvoiceCommand) -> Result<(), AppError> {
    match command {
        InvoiceCommand::Show { db, case_no, json: _ } => {
            let app = open(&db).await?;
            println!("{}", json(&app.invoices(&case_no).await?)?);
        }
        InvoiceCommand::Retry { db } => {
            let app = open(&db).await?;
            let left = app.finish_invoices().await?;
            println!("{}", serde_json::json!({ "left": left }));
        }
        InvoiceCommand::Paper { db, case_no, settlement, reissue, pdf, operator } => {
            let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, pause_from_env()).await?;
            let request = PaperCopyRequest { case_no: case_no.clone(), settlement_no: settlement, reissue };
            let outcome = app.print_paper(&operator, &request).await?;
            if let Some(out) = pdf {
                let rendered = app.invoice_pdf(&case_no, &outcome.settlement_no, true).await?;
                std::fs::write(&out, &rendered.bytes)
                    .map_err(|e| AppError::Io(format!("无法写入 {}：{e}", out.display())))?;
            }
            println!("{}", json(&outcome)?);
        }
        InvoiceCommand::Pdf { db, case_no, settlement, out } => {
            let app = open(&db).await?;
            let rendered = app.invoice_pdf(&case_no, &settlement, false).await?;
            std::fs::write(&out, &rendered.bytes)
                .map_err(|e| AppError::Io(format!("无法写入 {}：{e}", out.display())))?;
            eprintln!("已写入 {}", out.display());
        }
        InvoiceCommand::VoidPaper { db, paper_no, reason, operator } => {
            let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, pause_from_env()).await?;
            let request = VoidPaperRequest { paper_no, reason };
            println!("{}", json(&app.void_paper(&operator, &request).await?)?);
        }
    }
    Ok(())
}

/// `cashier recall`: the approver's password from CASHIER_APPROVER_PASSWORD or a prompt.
pub async fn recall(
    db: PathBuf,
    case_no: String,
    kind: String,
    settlement_no: Option<String>,
    reason: String,
    approver: String,
    operator: String,
) -> Result<(), AppError> {
    let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, pause_from_env()).await?;
    let password = password::read("CASHIER_APPROVER_PASSWORD", &format!("{approver} 的密码："))?;
    let request = RecallRequest {
        case_no,
        key: app.operation_key(),
        kind,
        settlement_no,
        reason,
        approval: Approval { username: approver, password },
    };
    println!("{}", json(&app.recall(&operator, &request).await?)?);
    Ok(())
}
