//! The day's end at speed, on real SQLite files, in the app's own time:
//! 1. a cashier's close over 5,000 operations (500 admissions, each with ten deposits of the
//!    cashier across the day, plus settlements that apply them) — goal ≤ 100 ms;
//! 2. the hospital's daily report over the demo generator's 100,000-admission hospital — goal
//!    ≤ 1 s; and its monthly report — goal ≤ 5 s;
//! 3. the same reports over a hospital with every fee line (10,000 admissions, millions of
//!    lines), beside the scans over the whole history the balances would cost without the day
//!    totals the database keeps (migration 0014).
// Floats here are timing statistics, never money.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

use std::time::{Duration, Instant};

use app::{App, AppConfig, Clock, Printing, SeedOptions};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use contract::close::CloseRequest;
use contract::session::LoginRequest;
use demo::FeeDetail;
use demo::scenario::Scenario;
use domain::{Money, Tender};

const ADMISSIONS: usize = 500;
const DEPOSITS: i64 = 10;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn open(db: &std::path::Path, dir: &std::path::Path, now: NaiveDateTime) -> App {
    App::open(AppConfig {
        printing: Printing { dir: dir.join("prints"), printer: None, open_saved: false },
        clock: Clock::Fixed(now),
        ..AppConfig::new(db.to_owned())
    })
    .await
    .unwrap()
}

async fn close_over_5000(dir: &std::path::Path, now: NaiveDateTime) {
    let db = dir.join("close.db");
    app::seed_demo(&db, &SeedOptions { seed: 5, patients: 10, now, fees: FeeDetail::None }).await.unwrap();
    let app = open(&db, dir, now).await;
    // 孙浩 (cashier3) took every scripted deposit.
    for i in 0..ADMISSIONS {
        let mut scenario = Scenario::audited(&format!("2026{:06}", 800_000 + i), now);
        let tender = [Tender::Cash, Tender::BankCard, Tender::WeChat][i % 3];
        scenario.deposits = (0..DEPOSITS).map(|d| (tender, Money::from_fen(10_000 + d).unwrap(), 0)).collect();
        app::demo_seed::add_admission(&app, &scenario.build()).await.unwrap();
    }
    let cashier =
        app.log_in(&LoginRequest { username: "cashier3".into(), password: demo::DEMO_PASSWORD.into() }).await.unwrap();
    let request = |key: String| CloseRequest { key, until: None, cashier: None };
    let mut previews = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let view = app.preview_close(&cashier, &request(app.operation_key())).await.unwrap();
        previews.push(started.elapsed());
        assert!(view.receipts >= ADMISSIONS * DEPOSITS as usize, "every deposit is counted");
    }
    previews.sort();
    let started = Instant::now();
    let closed = app.close_day(&cashier, &request(app.operation_key())).await.unwrap();
    let close_time = started.elapsed();
    println!(
        "close over {} operations: preview median {:.1} ms (min {:.1}, max {:.1}); the close itself {:.1} ms; cash {}",
        closed.receipts,
        ms(previews[previews.len() / 2]),
        ms(previews[0]),
        ms(*previews.last().unwrap()),
        ms(close_time),
        closed.cash_to_hand_in
    );
    let worst = previews.last().unwrap().max(&close_time);
    let verdict = if *worst <= Duration::from_millis(100) { "meets" } else { "MISSES" };
    println!("  {verdict} the 100 ms goal");
    app.store().close().await;
}

async fn hospital(dir: &std::path::Path, now: NaiveDateTime, patients: usize, fees: FeeDetail) {
    let db = dir.join(format!("hospital-{patients}.db"));
    let started = Instant::now();
    let seeded = app::seed_demo(&db, &SeedOptions { seed: 7, patients, now, fees }).await.unwrap();
    println!(
        "seeded a demo hospital of {patients} admissions ({} fee lines) in {:.1} s",
        seeded.fee_lines,
        started.elapsed().as_secs_f64()
    );
    let app = open(&db, dir, now).await;
    let finance =
        app.log_in(&LoginRequest { username: "finance".into(), password: demo::DEMO_PASSWORD.into() }).await.unwrap();
    let mut days = Vec::new();
    for back in 0..5 {
        let day = now.date() - chrono::Duration::days(back);
        let started = Instant::now();
        let report = app.daily_report(&finance, day).await.unwrap();
        days.push(started.elapsed());
        assert!(report.identity_holds, "{:?}", report.identities);
    }
    days.sort();
    let started = Instant::now();
    let month = app.monthly_report(&finance, now.year(), now.month()).await.unwrap();
    let month_time = started.elapsed();
    assert!(month.identity_holds);
    let mut conn = app.store().conn().await.unwrap();
    let midnight = now.date().and_hms_opt(0, 0, 0).unwrap();
    let started = Instant::now();
    let scanned = (
        store::day_book::deposit_balance(&mut conn, midnight).await.unwrap(),
        store::day_book::unsettled_fees(&mut conn, midnight).await.unwrap(),
    );
    let scan_time = started.elapsed();
    let started = Instant::now();
    let totals = store::day_book::balances_at(&mut conn, now.date()).await.unwrap();
    let totals_time = started.elapsed();
    assert_eq!(totals, scanned);
    drop(conn);
    println!(
        "  the balances at one midnight: from the day totals {:.2} ms, scanning the history {:.1} ms",
        ms(totals_time),
        ms(scan_time)
    );
    println!(
        "hospital of {patients} admissions: daily report median {:.1} ms (max {:.1}); monthly ({} days) {:.1} ms",
        ms(days[days.len() / 2]),
        ms(*days.last().unwrap()),
        month.days.len(),
        ms(month_time)
    );
    let daily = if *days.last().unwrap() <= Duration::from_secs(1) { "meets" } else { "MISSES" };
    let monthly = if month_time <= Duration::from_secs(5) { "meets" } else { "MISSES" };
    println!("  daily {daily} the 1 s goal; monthly {monthly} the 5 s goal");
}

#[tokio::main]
async fn main() {
    let now = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(18, 0, 0).unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("day-end-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    close_over_5000(&dir, now).await;
    hospital(&dir, now, 100_000, FeeDetail::None).await;
    hospital(&dir, now, 10_000, FeeDetail::Full).await;
    let _ = std::fs::remove_dir_all(&dir);
}
