//! The kiosk-printed invoice report (自助打印发票报表) over a month: 300 settled admissions whose
//! invoices kiosks printed, voided and printed again every day for 30 days (9,000 kiosk copies,
//! 8,700 of them voided, plus 600 window copies that the report leaves out), on a real SQLite
//! file. Times the month's report and each day's in the app's own time. Goal: the month ≤ 1 s.
// Floats here are timing statistics, never money.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

use std::time::{Duration, Instant};

use app::{App, AppConfig, Clock, Printing, SeedOptions};
use chrono::NaiveDate;
use contract::cashier::{SettleRequest, TenderInput, TrialRequest};
use contract::session::LoginRequest;
use demo::FeeDetail;
use demo::scenario::Scenario;
use store::invoices::{self, InvoiceEvent};

const ADMISSIONS: usize = 300;
const DAYS: u32 = 30;

#[tokio::main]
async fn main() {
    let now = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap().and_hms_opt(8, 0, 0).unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kiosk-month-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("cashier.db");
    app::seed_demo(&db, &SeedOptions { seed: 9, patients: 10, now, fees: FeeDetail::None }).await.unwrap();
    let app = App::open(AppConfig {
        printing: Printing { dir: dir.join("prints"), printer: None, open_saved: false },
        clock: Clock::Fixed(now),
        ..AppConfig::new(db)
    })
    .await
    .unwrap();
    let cashier =
        app.log_in(&LoginRequest { username: "cashier".into(), password: demo::DEMO_PASSWORD.into() }).await.unwrap();
    let finance =
        app.log_in(&LoginRequest { username: "finance".into(), password: demo::DEMO_PASSWORD.into() }).await.unwrap();
    let mut keys = Vec::with_capacity(ADMISSIONS);
    for i in 0..ADMISSIONS {
        let case_no = format!("2026{:06}", 700_000 + i);
        app::demo_seed::add_admission(&app, &Scenario::audited(&case_no, now).build()).await.unwrap();
        let trial =
            app.trial(&cashier, &TrialRequest { case_no: case_no.clone(), kind: "discharge".into() }).await.unwrap();
        let due = trial.due.money();
        let tenders = if due.is_positive() {
            vec![TenderInput::new("cash", due.to_string())]
        } else {
            trial
                .refund_suggestion
                .iter()
                .map(|t| TenderInput::new(t.tender.code.clone(), t.amount.to_string()))
                .collect()
        };
        let key = app.operation_key();
        let request = SettleRequest {
            case_no,
            key: key.clone(),
            kind: "discharge".into(),
            version: trial.version.clone(),
            expected_due: due.to_string(),
            tenders,
            cash_received: None,
        };
        app.settle(&cashier, &request).await.unwrap();
        keys.push(uuid::Uuid::parse_str(&key).unwrap());
    }
    // Each day every invoice's kiosk copy is voided and printed anew; the window prints twice.
    let mut conn = app.store().conn().await.unwrap();
    let mut n = 0u64;
    for day in 0..DAYS {
        for (i, key) in keys.iter().enumerate() {
            let at =
                now + chrono::Duration::days(i64::from(day)) + chrono::Duration::seconds(i64::try_from(i).unwrap());
            n += 1;
            let paper_no = format!("KS{n:08}");
            let kiosk = format!("自助机{}", i % 4 + 1);
            let printed = InvoiceEvent::PaperPrinted { paper_no: paper_no.clone(), by: kiosk, place: "kiosk".into() };
            invoices::append(&mut conn, uuid::Uuid::now_v7(), *key, &printed, at).await.unwrap();
            if day + 1 < DAYS {
                let voided = InvoiceEvent::PaperVoided {
                    paper_no,
                    reason: "重新打印".into(),
                    by: "王丽".into(),
                    place: "counter".into(),
                };
                invoices::append(&mut conn, uuid::Uuid::now_v7(), *key, &voided, at + chrono::Duration::hours(1))
                    .await
                    .unwrap();
            }
        }
    }
    drop(conn);

    let started = Instant::now();
    let month = app
        .kiosk_invoices_between(&finance, now.date(), now.date() + chrono::Duration::days(i64::from(DAYS) - 1))
        .await
        .unwrap();
    let month_time = started.elapsed();
    let lines: usize = month.kiosks.iter().map(|k| k.lines.len()).sum();
    assert_eq!((lines, month.voided), (ADMISSIONS * DAYS as usize, ADMISSIONS * (DAYS as usize - 1)));
    let mut days = Vec::new();
    for day in 0..DAYS {
        let started = Instant::now();
        app.kiosk_invoices(&finance, now.date() + chrono::Duration::days(i64::from(day))).await.unwrap();
        days.push(started.elapsed());
    }
    days.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "kiosk invoice report: {ADMISSIONS} invoices, a kiosk copy a day for {DAYS} days ({lines} copies, {} voided)",
        month.voided
    );
    println!(
        "  month: {:.1} ms; one day: median {:.1} ms, max {:.1} ms",
        ms(month_time),
        ms(days[days.len() / 2]),
        ms(*days.last().unwrap())
    );
    let verdict = if month_time <= Duration::from_secs(1) { "meets" } else { "MISSES" };
    println!("  the month {verdict} the 1 s goal");
    let _ = std::fs::remove_dir_all(&dir);
}
