//! A cashier's round trip at the window — trial (试算), settle (结算) and print the settlement
//! statement (结算单, rendered and saved) — timed over many admissions, in the app's own time
//! (sandbox insurance answers without delay). Goal: ≤ 200 ms.
// Floats here are timing statistics, never money.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

use std::time::{Duration, Instant};

use app::{App, AppConfig, Clock, Printing, SeedOptions};
use chrono::NaiveDate;
use contract::cashier::{SettleRequest, TenderInput, TrialRequest};
use contract::session::LoginRequest;
use demo::FeeDetail;
use demo::scenario::Scenario;
use domain::{FeeCategory, FeeStatus, InsuranceType, Money};

const ROUNDS: usize = 60;

#[tokio::main]
async fn main() {
    let now = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("round-trip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("cashier.db");
    app::seed_demo(&db, &SeedOptions { seed: 5, patients: 300, now, fees: FeeDetail::Full }).await.unwrap();
    let app = App::open(AppConfig {
        printing: Printing { dir: dir.join("prints"), printer: None, open_saved: false },
        clock: Clock::Fixed(now),
        ..AppConfig::new(db)
    })
    .await
    .unwrap();
    let cashier =
        app.log_in(&LoginRequest { username: "cashier".into(), password: demo::DEMO_PASSWORD.into() }).await.unwrap();
    // Realistic stays: 300 fee lines across categories, insured, two deposits.
    for i in 0..ROUNDS {
        let mut scenario = Scenario::audited(&format!("2026{:06}", 800_000 + i), now);
        scenario.insurance = if i % 2 == 0 { InsuranceType::Employee } else { InsuranceType::Resident };
        scenario.fees = (0..300)
            .map(|n| {
                (
                    FeeCategory::ALL[n % 11],
                    Money::from_fen(1_000 + i64::try_from(n).unwrap() * 37).unwrap(),
                    FeeStatus::Confirmed,
                )
            })
            .collect();
        app::demo_seed::add_admission(&app, &scenario.build()).await.unwrap();
    }
    let mut times = Vec::with_capacity(ROUNDS);
    let (mut trial_t, mut settle_t, mut print_t) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for i in 0..ROUNDS {
        let case_no = format!("2026{:06}", 800_000 + i);
        let started = Instant::now();
        let trial =
            app.trial(&cashier, &TrialRequest { case_no: case_no.clone(), kind: "discharge".into() }).await.unwrap();
        let after_trial = Instant::now();
        let due = trial.due.money();
        let tenders = if due.is_positive() {
            vec![TenderInput::new("card", due.to_string()).with_reference("BENCH001:000000000001")]
        } else {
            trial
                .refund_suggestion
                .iter()
                .map(|t| TenderInput::new(t.tender.code.clone(), t.amount.to_string()))
                .collect()
        };
        let request = SettleRequest {
            case_no: case_no.clone(),
            key: app.operation_key(),
            kind: "discharge".into(),
            version: trial.version.clone(),
            expected_due: due.to_string(),
            tenders,
            cash_received: None,
        };
        let settled = app.settle(&cashier, &request).await.unwrap();
        let after_settle = Instant::now();
        app.print_settlement(&cashier, &case_no, &settled.settlement_no).await.unwrap();
        let done = Instant::now();
        trial_t += after_trial - started;
        settle_t += after_settle - after_trial;
        print_t += done - after_settle;
        times.push(done - started);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let n = ROUNDS as f64;
    println!("trial + settle + print round trip, {ROUNDS} admissions of 300 fee lines (app's own time)");
    println!(
        "  mean parts: trial {:.1} ms, settle {:.1} ms, print {:.1} ms",
        ms(trial_t) / n,
        ms(settle_t) / n,
        ms(print_t) / n
    );
    println!("  p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms", ms(p(0.5)), ms(p(0.95)), ms(*times.last().unwrap()));
    let verdict = if p(0.95) <= Duration::from_millis(200) { "meets" } else { "MISSES" };
    println!("  p95 {verdict} the 200 ms goal");
    let _ = std::fs::remove_dir_all(&dir);
}
