//! `cashier report …`: the finance reports a counter can make from its own records — the
//! monthly blood-waiver claim (`report blood-monthly`), reconciled with the blood platform, and
//! the day's kiosk-printed invoices (`report kiosk-invoices`).
//! JSON on stdout; `--xlsx` and `--pdf` also write the report.

use std::path::PathBuf;

use app::AppError;
use clap::Subcommand;

use crate::recon_input::write_output;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The hospital's day (住院日报): takings by tender and cashier, income, the roll-forwards
    /// and the identities.
    Daily {
        #[arg(long)]
        db: PathBuf,
        /// YYYY-MM-DD
        #[arg(long)]
        date: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
        #[arg(long = "as", default_value = "finance")]
        operator: String,
    },
    /// The hospital's month (住院月报): each day and the totals, with a chart of takings.
    Monthly {
        #[arg(long)]
        db: PathBuf,
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
        #[arg(long = "as", default_value = "finance")]
        operator: String,
    },
    /// The month's blood waivers (用血减免月结) against the blood platform's statement.
    BloodMonthly {
        #[arg(long)]
        db: PathBuf,
        /// YYYY-MM
        #[arg(long)]
        month: String,
        /// JSON (the form on stdout; accepted for the scripts that say it).
        #[arg(long)]
        json: bool,
        #[arg(long)]
        xlsx: Option<PathBuf>,
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long = "as", default_value = "finance")]
        operator: String,
    },
    /// The day's invoices printed at kiosks (自助打印发票报表): per kiosk, count, amount, numbers,
    /// the voided ones.
    KioskInvoices {
        #[arg(long)]
        db: PathBuf,
        /// YYYY-MM-DD
        #[arg(long, required_unless_present = "month", conflicts_with = "month")]
        date: Option<String>,
        /// YYYY-MM: the whole month instead of one day.
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        xlsx: Option<PathBuf>,
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long = "as", default_value = "finance")]
        operator: String,
    },
}

pub async fn run(command: ReportCommand) -> Result<(), AppError> {
    match command {
        ReportCommand::Daily { db, date, json: _, pdf, xlsx, operator } => {
            let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| {
                AppError::invalid("DATE_MALFORMED", format!("日期格式应为 YYYY-MM-DD：“{}”", date.trim()), "date")
            })?;
            let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, None).await?;
            let report = app.daily_report(&operator, day).await?;
            app.write_daily_report(&report, pdf.as_deref(), xlsx.as_deref())?;
            println!("{}", crate::json(&report)?);
        }
        ReportCommand::Monthly { db, month, json: _, pdf, xlsx, operator } => {
            let first = app::month_start(&month)?;
            let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, None).await?;
            let report =
                app.monthly_report(&operator, chrono::Datelike::year(&first), chrono::Datelike::month(&first)).await?;
            app.write_monthly_report(&report, pdf.as_deref(), xlsx.as_deref())?;
            println!("{}", crate::json(&report)?);
        }
        ReportCommand::BloodMonthly { db, month, json: _, xlsx, pdf, operator } => {
            let first = app::month_start(&month)?;
            // A linked counter asks the blood platform's statement through the platform: the
            // user logs in there when `CASHIER_PASSWORD` holds their password.
            let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, crate::pause_from_env()).await?;
            let view = app.blood_month(&operator, first).await?;
            if let Some(path) = &xlsx {
                let bytes = reports::blood_month_xlsx(&view).map_err(|e| AppError::Io(e.to_string()))?;
                write_output(path, &bytes)?;
            }
            if let Some(path) = &pdf {
                app::Printing::load_fallback_font();
                let rendered = reports::blood_month_pdf(&view, app.hospital())?;
                write_output(path, &rendered.bytes)?;
            }
            println!("{}", crate::json(&view)?);
        }
        ReportCommand::KioskInvoices { db, date, month, json: _, xlsx, pdf, operator } => {
            let (first, last) = match (date, month) {
                (Some(date), _) => {
                    let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| {
                        AppError::invalid(
                            "DATE_MALFORMED",
                            format!("日期格式应为 YYYY-MM-DD：“{}”", date.trim()),
                            "date",
                        )
                    })?;
                    (day, day)
                }
                (None, month) => {
                    let first = app::month_start(month.as_deref().unwrap_or_default())?;
                    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
                    (first, next.pred_opt().unwrap_or(first))
                }
            };
            // At a linked counter the user logs in at the platform when `CASHIER_PASSWORD` holds
            // their password (finance may never have logged in at this counter).
            let (app, operator) = crate::sync_cmd::open_for_settlement(&db, &operator, crate::pause_from_env()).await?;
            let view = app.kiosk_invoices_between(&operator, first, last).await?;
            let printed_at = app.clock().now().format("%Y-%m-%d %H:%M").to_string();
            let model = app::kiosk_report_model(&view, app.hospital(), &printed_at);
            if let Some(path) = &xlsx {
                let bytes = reports::kiosk_report_xlsx(&model).map_err(|e| AppError::Io(e.to_string()))?;
                write_output(path, &bytes)?;
            }
            if let Some(path) = &pdf {
                app::Printing::load_fallback_font();
                let rendered = reports::kiosk_report_pdf(&model)?;
                write_output(path, &rendered.bytes)?;
            }
            println!("{}", crate::json(&view)?);
        }
    }
    Ok(())
}
