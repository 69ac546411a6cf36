//! `cashier`: the command line over the app's use cases, for operations, scripts and checks.
//! Exit status 0 on success, 2 for refused input, 1 for anything else; messages in zh-CN.

mod backup_cmd;
mod blood_cmd;
mod close_cmd;
mod invoice_cmd;
mod password;
mod recon_input;
mod reconcile_cmd;
mod reconcile_json;
mod reconcile_run;
mod refund_cmd;
mod report_cmd;
mod statement_cmd;
mod sync_cmd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use app::{App, AppError, Clock, SeedOptions};
use chrono::NaiveDateTime;
use clap::{Parser, Subcommand};
use contract::cashier::{DepositRequest, ReversalRequest, SettleRequest, TenderInput, TrialRequest};

#[derive(Parser)]
#[command(name = "cashier", version, about = "住院收费客户端命令行")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Demo data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Prints the Chinese capital form (大写) of an amount.
    Words {
        #[arg(allow_hyphen_values = true)]
        amount: String,
    },
    /// Patients in the local database.
    Patient {
        #[command(subcommand)]
        command: PatientCommand,
    },
    /// Writes the inpatient fee list (住院费用清单) of an admission as PDF.
    StatementPdf {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        out: PathBuf,
    },
    /// Writes the inpatient fee list (住院费用清单): every line, subtotals by category.
    FeeListPdf {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        out: PathBuf,
    },
    /// Takes a deposit (交预交金) in one or more tenders; prints the receipt as JSON.
    Deposit {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// `现金:500.00`, `wechat:300` … (cash, cheque, card, wechat, alipay, sscard); repeatable.
        #[arg(long = "tender", required = true)]
        tenders: Vec<String>,
        /// The POS slip of each bank or social-security card tender, in their order:
        /// `TERMINAL:REFERENCE[:VOUCHER]` (终端号:参考号[:凭证号]); repeatable.
        #[arg(long = "ref")]
        slips: Vec<String>,
        /// The payer's code (付款码) scanned for each WeChat or Alipay tender, in their order;
        /// repeatable.
        #[arg(long = "auth-code")]
        auth_codes: Vec<String>,
        /// Cash handed over, when more than the cash tender.
        #[arg(long)]
        cash_received: Option<String>,
        /// The cashier recorded on the receipt.
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
        /// Also write the receipt PDF here.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Reverses (冲红) a deposit by its receipt number, with the reason the rules require: all
    /// that is left of it by its original routes (WeChat and Alipay refunded through the
    /// channel), in cash with `--to-cash`, or by the given `--tender`s; prints the reversal's
    /// receipt as JSON.
    Reverse {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// The receipt number of the deposit to reverse.
        #[arg(required_unless_present = "receipt")]
        receipt_no: Option<String>,
        /// The same, as an option.
        #[arg(long, conflicts_with = "receipt_no")]
        receipt: Option<String>,
        /// How much to reverse (a non-cash deposit only in full); all that is left by default.
        #[arg(long, requires = "tenders")]
        amount: Option<String>,
        /// `现金:50.00` … the routes the money goes back by; repeatable.
        #[arg(long = "tender", requires = "amount", conflicts_with = "to_cash")]
        tenders: Vec<String>,
        /// Give it all back in cash instead of by the original routes.
        #[arg(long)]
        to_cash: bool,
        /// 冲红原因.
        #[arg(long)]
        reason: String,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// 备份: `backup now`, `backup verify FILE`, `backup restore --db PATH FILE [--force]`.
    Backup {
        #[command(subcommand)]
        command: backup_cmd::BackupCommand,
    },
    /// Refunds by the original route (原路退款): `refund status`, `refund cash`, `refund transfer`.
    Refund {
        #[command(subcommand)]
        command: refund_cmd::RefundCommand,
    },
    /// Trial (`--trial`, prints JSON) or settlement (with `--tender`s) of an admission.
    Settle {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        #[arg(long)]
        trial: bool,
        /// `discharge` (出院结算, default) or `mid_stay` (中途结算).
        #[arg(long, default_value = "discharge")]
        kind: String,
        /// Collections, or refund routes; a refund without tenders takes the suggested routes.
        #[arg(long = "tender")]
        tenders: Vec<String>,
        /// The POS slip of each bank or social-security card tender collected, in their order:
        /// `TERMINAL:REFERENCE[:VOUCHER]` (终端号:参考号[:凭证号]); repeatable.
        #[arg(long = "ref")]
        slips: Vec<String>,
        /// The payer's code (付款码) scanned for each WeChat or Alipay tender, in their order;
        /// repeatable.
        #[arg(long = "auth-code")]
        auth_codes: Vec<String>,
        #[arg(long)]
        cash_received: Option<String>,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
        /// Also write the settlement statement (结算单) PDF here.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Recalls a settlement (结算召回) or a discharge (出院召回) with a supervisor's approval; the
    /// approver's password comes from CASHIER_APPROVER_PASSWORD (or a prompt). Prints the outcome.
    Recall {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// `settlement` or `discharge`.
        #[arg(long)]
        kind: String,
        /// The settlement to recall; the newest when absent.
        #[arg(long)]
        settlement: Option<String>,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        approver: String,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// The cashier's close (日结): `close --preview`, `close`, `close cancel`, `close show`.
    Close(close_cmd::CloseArgs),
    /// Finance's collection of closes (缴款确认): `hand-in`, `hand-in reverse`, `hand-in waiting`.
    HandIn(close_cmd::HandInArgs),
    /// Pre-numbered paper (票据领用 / 核销): `stock receive | write-off | show`.
    Stock {
        #[command(subcommand)]
        command: invoice_cmd::StockCommand,
    },
    /// Voids a spoiled deposit receipt and numbers the deposit anew (作废重打); prints the receipt.
    VoidReceipt {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        receipt_no: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// E-invoices (电子票据): `invoice show | retry | paper | void-paper`.
    Invoice {
        #[command(subcommand)]
        command: invoice_cmd::InvoiceCommand,
    },
    /// Blood-fee waivers (用血减免): `blood register | review | list | pledge | form | scan`.
    Blood {
        #[command(subcommand)]
        command: blood_cmd::BloodCommand,
    },
    /// Finance reports: `report blood-monthly --month YYYY-MM`.
    Report {
        #[command(subcommand)]
        command: report_cmd::ReportCommand,
    },
    /// Channel statements (对账单): `statement check --channel wechat FILE`.
    Statement {
        #[command(subcommand)]
        command: statement_cmd::StatementCommand,
    },
    /// Reconciles a day (对账): the platform ledger against a statement or the HIS export.
    Reconcile(reconcile_cmd::ReconcileArgs),
    /// Links this database's counter to a platform.
    Device {
        #[command(subcommand)]
        command: sync_cmd::DeviceCommand,
    },
    /// The platform's pending list (待处理): `pending list`, `pending resolve KEY --action deposit`.
    Pending {
        #[command(subcommand)]
        command: sync_cmd::PendingCommand,
    },
    /// Logs in online and syncs (push the outbox, pull the feed, top up receipt ranges). The
    /// password comes from `CASHIER_PASSWORD`, or is asked on the terminal.
    Sync {
        #[arg(long)]
        db: PathBuf,
        #[arg(long = "as")]
        username: String,
        #[arg(long, default_value_t = 1)]
        rounds: u32,
        /// Before a planned offline stretch: hold at least this many receipt and settlement
        /// numbers on this device for the cashier.
        #[arg(long)]
        reserve: Option<i64>,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Creates a new database filled with the demo hospital.
    Seed {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 300)]
        patients: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// The moment the hospital is seen at, `YYYY-MM-DD HH:MM:SS` (default: now).
        #[arg(long)]
        now: Option<String>,
        /// Admissions only, no fee lines (for lookup benchmarks over many patients).
        #[arg(long)]
        no_fees: bool,
    },
}

#[derive(Subcommand)]
enum PatientCommand {
    /// Finds admissions by case number, wristband code, resident ID, name or pinyin initials;
    /// prints one JSON object per line.
    Find {
        #[arg(long)]
        db: PathBuf,
        query: String,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动：{e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("错误：{error}（{}）", error.code());
            let refused_input = matches!(
                error,
                AppError::Invalid { .. } | AppError::NotFound(_) | AppError::Refused(_) | AppError::Rule { .. }
            );
            ExitCode::from(if refused_input { 2 } else { 1 })
        }
    }
}

async fn run(command: Command) -> Result<(), AppError> {
    match command {
        Command::Device { command } => sync_cmd::register(command).await?,
        Command::Sync { db, username, rounds, reserve } => {
            let password = password::read("CASHIER_PASSWORD", &format!("{username} 的密码："))?;
            sync_cmd::sync(&db, &username, &password, rounds, reserve, pause_from_env()).await?
        }
        Command::Pending { command } => sync_cmd::pending(command).await?,
        Command::Statement { command } => statement_cmd::run(command)?,
        Command::Blood { command } => blood_cmd::run(command).await?,
        Command::Invoice { command } => invoice_cmd::run(command).await?,
        Command::Stock { command } => invoice_cmd::stock(command).await?,
        Command::VoidReceipt { db, case_no, receipt_no, reason, operator } => {
            let app = open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            let request = contract::cashier::VoidReceiptRequest { case_no, receipt_no, reason };
            println!("{}", json(&app.void_receipt(&operator, &request).await?)?);
        }
        Command::Recall { db, case_no, kind, settlement, reason, approver, operator } => {
            invoice_cmd::recall(db, case_no, kind, settlement, reason, approver, operator).await?
        }
        Command::Report { command } => report_cmd::run(command).await?,
        Command::Close(args) => close_cmd::close(args).await?,
        Command::HandIn(args) => close_cmd::hand_in(args).await?,
        Command::Reconcile(args) => reconcile_cmd::run(args)?,
        Command::Words { amount } => {
            println!("{}", app::words(&amount)?);
        }
        Command::Demo { command: DemoCommand::Seed { db, patients, seed, now, no_fees } } => {
            let now = match now {
                Some(text) => parse_time(&text)?,
                None => Clock::System.now(),
            };
            let fees = if no_fees { demo::FeeDetail::None } else { demo::FeeDetail::Full };
            let report = app::seed_demo(&db, &SeedOptions { seed, patients, now, fees }).await?;
            println!(
                "已生成演示医院：{} 位住院患者，{} 条费用明细，{} 笔预交金，用时 {} ms → {}",
                report.admissions,
                report.fee_lines,
                report.deposits,
                report.millis,
                db.display()
            );
        }
        Command::Patient { command: PatientCommand::Find { db, query } } => {
            let app = open(&db).await?;
            for hit in app.find_patients(&query).await? {
                println!("{}", serde_json::to_string(&hit).map_err(|e| AppError::Io(e.to_string()))?);
            }
        }
        Command::Deposit { db, case_no, tenders, slips, auth_codes, cash_received, operator, pdf } => {
            // A linked counter logs in at the platform (CASHIER_PASSWORD): a WeChat or Alipay code
            // is collected there.
            let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, None).await?;
            let mut tenders = tenders.iter().map(|t| app::tender_argument(t)).collect::<Result<Vec<_>, _>>()?;
            app::attach_slips(&mut tenders, &slips)?;
            app::attach_codes(&mut tenders, &auth_codes)?;
            let request = DepositRequest { case_no: case_no.clone(), key: app.operation_key(), tenders, cash_received };
            let receipt = app.take_deposit(&operator, &request).await?;
            if let Some(out) = pdf {
                let printed = app.print_deposit_receipt(&operator, &case_no, &receipt.receipt_no).await?;
                std::fs::copy(&printed.path, &out)
                    .map_err(|e| AppError::Io(format!("无法写入 {}：{e}", out.display())))?;
            }
            println!("{}", json(&receipt)?);
        }
        Command::Reverse { db, case_no, receipt_no, receipt, amount, tenders, to_cash, reason, operator } => {
            // A linked counter logs in at the platform: a refund by a channel's route goes there.
            let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, None).await?;
            let receipt_no = receipt_no.or(receipt).unwrap_or_default();
            let (amount, tenders) = match amount {
                Some(amount) => (amount, tenders.iter().map(|t| app::tender_argument(t)).collect::<Result<_, _>>()?),
                None => app.reversal_by_route(&case_no, &receipt_no, to_cash).await?,
            };
            let request = ReversalRequest { case_no, key: app.operation_key(), receipt_no, amount, tenders, reason };
            println!("{}", json(&app.reverse_deposit(&operator, &request).await?)?);
        }
        Command::Refund { command } => refund_cmd::run(command).await?,
        Command::Backup { command } => backup_cmd::run(command).await?,
        Command::Settle { db, case_no, trial, kind, tenders, slips, auth_codes, cash_received, operator, pdf } => {
            let (app, operator) = sync_cmd::open_for_settlement(&db, &operator, pause_from_env()).await?;
            let shown = app.trial(&operator, &TrialRequest { case_no: case_no.clone(), kind: kind.clone() }).await?;
            if trial {
                println!("{}", json(&shown)?);
                return Ok(());
            }
            let mut tenders = tenders.iter().map(|t| app::tender_argument(t)).collect::<Result<Vec<_>, _>>()?;
            app::attach_slips(&mut tenders, &slips)?;
            app::attach_codes(&mut tenders, &auth_codes)?;
            if tenders.is_empty() && shown.due.money().is_negative() {
                tenders = shown
                    .refund_suggestion
                    .iter()
                    .map(|t| TenderInput::new(t.tender.code.clone(), t.amount.to_string()))
                    .collect();
            }
            let request = SettleRequest {
                case_no: case_no.clone(),
                key: app.operation_key(),
                kind,
                version: shown.version.clone(),
                expected_due: shown.due.to_string(),
                tenders,
                cash_received,
            };
            let settlement = app.settle(&operator, &request).await?;
            if let Some(out) = pdf {
                let rendered = app.settlement_pdf(&case_no, &settlement.settlement_no, &operator.display_name).await?;
                std::fs::write(&out, &rendered.bytes)
                    .map_err(|e| AppError::Io(format!("无法写入 {}：{e}", out.display())))?;
            }
            println!("{}", json(&settlement)?);
        }
        Command::StatementPdf { db, case_no, out } | Command::FeeListPdf { db, case_no, out } => {
            let app = open(&db).await?;
            let pdf = app.statement_pdf(&case_no, "命令行").await?;
            std::fs::write(&out, &pdf.bytes).map_err(|e| AppError::Io(format!("无法写入 {}：{e}", out.display())))?;
            eprintln!("已写入 {}（{} 页）", out.display(), pdf.pages);
        }
    }
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Io(e.to_string()))
}

/// Opens an existing database; the command line never invents one.
pub(crate) async fn open(db: &Path) -> Result<App, AppError> {
    sync_cmd::open(db, pause_from_env()).await
}

/// `CASHIER_PAUSE_BEFORE_COMMIT_MS`: fault injection for crash tests (see `AppConfig`), compiled
/// only into builds with the `fault-injection` feature (scripts/test.sh).
#[cfg(feature = "fault-injection")]
fn pause_from_env() -> Option<std::time::Duration> {
    std::env::var("CASHIER_PAUSE_BEFORE_COMMIT_MS").ok()?.parse().ok().map(std::time::Duration::from_millis)
}

#[cfg(not(feature = "fault-injection"))]
fn pause_from_env() -> Option<std::time::Duration> {
    None
}

fn parse_time(text: &str) -> Result<NaiveDateTime, AppError> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .map_err(|_| AppError::invalid("TIME_MALFORMED", format!("时间格式应为 YYYY-MM-DD HH:MM:SS：“{text}”"), "now"))
}
