//! `cashier invoice …` (电子票据: an admission's invoices with their state; asking again for those
//! not issued or not reversed yet) and `cashier recall` (结算召回 / 出院召回, whose invoice is
//! reversed). JSON on stdout.

use std::path::PathBuf;

use app::AppError;
use clap::Subcommand;
use contract::cashier::{Approval, RecallRequest};

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
