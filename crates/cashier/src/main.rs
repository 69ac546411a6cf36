//! `cashier`: the command line over the app's use cases, for operations, scripts and checks.
//! Exit status 0 on success, 2 for refused input, 1 for anything else; messages in zh-CN.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use app::{App, AppConfig, AppError, Clock, Printing, SeedOptions};
use chrono::NaiveDateTime;
use clap::{Parser, Subcommand};

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
            let refused_input =
                matches!(error, AppError::Invalid { .. } | AppError::NotFound(_) | AppError::Refused(_));
            ExitCode::from(if refused_input { 2 } else { 1 })
        }
    }
}

async fn run(command: Command) -> Result<(), AppError> {
    match command {
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
        Command::StatementPdf { db, case_no, out } => {
            let app = open(&db).await?;
            let pdf = app.statement_pdf(&case_no, "命令行").await?;
            std::fs::write(&out, &pdf.bytes).map_err(|e| AppError::Io(format!("无法写入 {}：{e}", out.display())))?;
            eprintln!("已写入 {}（{} 页）", out.display(), pdf.pages);
        }
    }
    Ok(())
}

/// Opens an existing database; the command line never invents one.
async fn open(db: &Path) -> Result<App, AppError> {
    App::open(AppConfig {
        db_path: db.to_owned(),
        demo: false,
        printing: Printing { dir: std::env::temp_dir(), printer: None, open_saved: false },
        clock: Clock::System,
    })
    .await
}

fn parse_time(text: &str) -> Result<NaiveDateTime, AppError> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .map_err(|_| AppError::invalid("TIME_MALFORMED", format!("时间格式应为 YYYY-MM-DD HH:MM:SS：“{text}”"), "now"))
}
