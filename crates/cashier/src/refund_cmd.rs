//! `cashier refund`: where the refunds by the original route stand (`refund status`), and a
//! supervisor's way of paying one that failed — in cash (`refund cash`, 改退现金) or to an
//! account the patient designates (`refund transfer`, 转账退款). JSON on stdout.

use std::path::PathBuf;

use app::AppError;
use clap::Subcommand;
use contract::cashier::{PayeeInput, RefundOtherwiseRequest};

use crate::{json, sync_cmd};

#[derive(Subcommand)]
pub enum RefundCommand {
    /// Where each refund of the admission stands (待退款, 退款中, 已退款, 退款失败), asking the
    /// channel again about those not final; JSON on stdout.
    Status {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// JSON on stdout (the only form).
        #[arg(long)]
        json: bool,
        /// Who asks (a linked counter logs in at the platform as them).
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// 改退现金: pays a failed refund (退款失败) in cash instead — a supervisor's; prints the cash
    /// receipt as JSON.
    Cash {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// The failed refund's number (`refund status` lists it).
        refund_no: String,
        #[arg(long)]
        reason: String,
        #[arg(long = "as", default_value = "supervisor")]
        operator: String,
    },
    /// 转账退款: pays a failed refund by the hospital's bank to an account the patient designates
    /// — a supervisor's; only the account's masked number is kept. Prints the receipt as JSON.
    Transfer {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// The failed refund's number (`refund status` lists it).
        refund_no: String,
        /// 开户银行.
        #[arg(long)]
        bank: String,
        /// 收款人.
        #[arg(long)]
        holder: String,
        /// 账号.
        #[arg(long)]
        account: String,
        #[arg(long)]
        reason: String,
        #[arg(long = "as", default_value = "supervisor")]
        operator: String,
    },
}

/// Runs one `refund` command.
pub async fn run(command: RefundCommand) -> Result<(), AppError> {
    match command {
        RefundCommand::Status { db, case_no, operator, json: _ } => {
            let (app, _) = sync_cmd::open_for_settlement(&db, &operator, None).await?;
            println!("{}", json(&app.refund_status(&case_no).await?)?);
        }
        RefundCommand::Cash { db, case_no, refund_no, reason, operator } => {
            let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, None).await?;
            let request = RefundOtherwiseRequest { case_no, key: app.operation_key(), refund_no, reason, payee: None };
            println!("{}", json(&app.refund_otherwise(&operator, &request).await?)?);
        }
        RefundCommand::Transfer { db, case_no, refund_no, bank, holder, account, reason, operator } => {
            let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, None).await?;
            let payee = Some(PayeeInput { bank, holder, account });
            let request = RefundOtherwiseRequest { case_no, key: app.operation_key(), refund_no, reason, payee };
            println!("{}", json(&app.refund_otherwise(&operator, &request).await?)?);
        }
    }
    Ok(())
}
