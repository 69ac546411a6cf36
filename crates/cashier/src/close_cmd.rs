//! `cashier close` (日结, `--preview`, `close cancel`) and `cashier hand-in` (缴款确认,
//! `hand-in reverse`): the day's end from the command line, JSON on stdout.

use std::path::PathBuf;

use app::{AppError, Clock};
use clap::{Args, Subcommand};
use contract::close::{CancelCloseRequest, ChequeInput, CloseRequest, HandInRequest, ReverseHandInRequest};

use crate::json;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CloseArgs {
    #[command(subcommand)]
    command: Option<CloseCommand>,
    #[arg(long)]
    db: Option<PathBuf>,
    #[arg(long = "as", default_value = "cashier")]
    operator: String,
    /// The cut-off, "YYYY-MM-DD HH:MM:SS" (default now).
    #[arg(long)]
    until: Option<String>,
    /// Shows the close without making it.
    #[arg(long)]
    preview: bool,
    /// JSON (the form on stdout; accepted for the scripts that say it).
    #[arg(long)]
    json: bool,
    /// Whose records (must be the operator's own).
    #[arg(long)]
    cashier: Option<String>,
    /// The operation's key, for a retry that must not close twice (default: a new one).
    #[arg(long)]
    key: Option<String>,
    /// Also write the cashier's daily report (收费员日报) as PDF, or XLSX.
    #[arg(long)]
    pdf: Option<PathBuf>,
    #[arg(long)]
    xlsx: Option<PathBuf>,
}

#[derive(Subcommand)]
enum CloseCommand {
    /// 取消日结: the operator's latest close, before finance collected it.
    Cancel {
        #[arg(long)]
        db: PathBuf,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
        close_no: String,
        #[arg(long)]
        key: Option<String>,
    },
    /// Prints one close (and writes its report).
    Show {
        #[arg(long)]
        db: PathBuf,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
        close_no: String,
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
}

fn key_or_new(key: Option<String>) -> String {
    key.unwrap_or_else(|| Clock::System.key().to_string())
}

pub async fn close(args: CloseArgs) -> Result<(), AppError> {
    if let Some(command) = args.command {
        return match command {
            CloseCommand::Cancel { db, operator, close_no, key } => {
                let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, None).await?;
                let request = CancelCloseRequest { key: key_or_new(key), close_no };
                println!("{}", json(&app.cancel_close(&operator, &request).await?)?);
                Ok(())
            }
            CloseCommand::Show { db, operator, close_no, pdf, xlsx } => {
                let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, None).await?;
                let view = app.close_by_no(&operator, &close_no).await?;
                app.write_close_report(&view, pdf.as_deref(), xlsx.as_deref())?;
                println!("{}", json(&view)?);
                Ok(())
            }
        };
    }
    let db = args.db.ok_or_else(|| AppError::invalid("DB_REQUIRED", "请用 --db 指定数据库文件", "db"))?;
    let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &args.operator, None).await?;
    let request = CloseRequest { key: key_or_new(args.key), until: args.until, cashier: args.cashier };
    let view = if args.preview {
        app.preview_close(&operator, &request).await?
    } else {
        app.close_day(&operator, &request).await?
    };
    app.write_close_report(&view, args.pdf.as_deref(), args.xlsx.as_deref())?;
    println!("{}", json(&view)?);
    Ok(())
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HandInArgs {
    #[command(subcommand)]
    command: Option<HandInCommand>,
    #[arg(long)]
    db: Option<PathBuf>,
    #[arg(long = "as", default_value = "finance")]
    operator: String,
    /// The closes collected (one cashier's).
    close_nos: Vec<String>,
    /// The cash counted: `现金:1234.50` (or just the amount).
    #[arg(long)]
    counted: Option<String>,
    /// Counted by denomination: `100:12`, `0.5:3` …; repeatable.
    #[arg(long = "denomination")]
    denominations: Vec<String>,
    /// A cheque received: `NO:AMOUNT`; repeatable.
    #[arg(long = "cheque")]
    cheques: Vec<String>,
    /// Why the money counted differs (长款 / 短款).
    #[arg(long)]
    reason: Option<String>,
    #[arg(long)]
    key: Option<String>,
    /// Also write the 缴款收据 as PDF.
    #[arg(long)]
    pdf: Option<PathBuf>,
}

#[derive(Subcommand)]
enum HandInCommand {
    /// 冲销缴款 (a supervisor, with a reason).
    Reverse {
        #[arg(long)]
        db: PathBuf,
        #[arg(long = "as", default_value = "supervisor")]
        operator: String,
        hand_in_no: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        key: Option<String>,
    },
    /// The closes waiting for collection.
    Waiting {
        #[arg(long)]
        db: PathBuf,
        #[arg(long = "as", default_value = "finance")]
        operator: String,
    },
}

/// "NO:AMOUNT" split at its last colon (either colon width).
fn pair(text: &str, what: &'static str, field: &'static str) -> Result<(String, String), AppError> {
    let text = text.replace('：', ":");
    text.rsplit_once(':')
        .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
        .ok_or_else(|| AppError::invalid("ARGUMENT_MALFORMED", format!("{what}应写作 A:B：“{text}”"), field))
}

pub async fn hand_in(args: HandInArgs) -> Result<(), AppError> {
    if let Some(command) = args.command {
        return match command {
            HandInCommand::Reverse { db, operator, hand_in_no, reason, key } => {
                let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, None).await?;
                let request = ReverseHandInRequest { key: key_or_new(key), hand_in_no, reason };
                println!("{}", json(&app.reverse_hand_in(&operator, &request).await?)?);
                Ok(())
            }
            HandInCommand::Waiting { db, operator } => {
                let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, None).await?;
                println!("{}", json(&app.waiting_closes(&operator).await?)?);
                Ok(())
            }
        };
    }
    let db = args.db.ok_or_else(|| AppError::invalid("DB_REQUIRED", "请用 --db 指定数据库文件", "db"))?;
    let counted = args.counted.map(|c| {
        let c = c.replace('：', ":");
        match c.split_once(':') {
            Some((_, amount)) => amount.trim().to_owned(),
            None => c.trim().to_owned(),
        }
    });
    let mut denominations = Vec::new();
    for d in &args.denominations {
        let (face, pieces) = pair(d, "面额", "denominations")?;
        let pieces: u32 = pieces.parse().map_err(|_| {
            AppError::invalid("DENOMINATION_COUNT_INVALID", format!("张数应为非负整数：“{pieces}”"), "denominations")
        })?;
        denominations.push((face, pieces));
    }
    let mut cheques = Vec::new();
    for c in &args.cheques {
        let (number, amount) = pair(c, "支票", "cheques")?;
        cheques.push(ChequeInput { number, amount });
    }
    let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &args.operator, None).await?;
    let request = HandInRequest {
        key: key_or_new(args.key),
        close_nos: args.close_nos,
        counted_cash: counted,
        denominations,
        cheques,
        reason: args.reason,
    };
    let view = app.hand_in(&operator, &request).await?;
    if let Some(path) = &args.pdf {
        app.write_hand_in_receipt(&view, path)?;
    }
    println!("{}", json(&view)?);
    Ok(())
}
