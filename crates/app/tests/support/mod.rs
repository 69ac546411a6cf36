//! Shared set-up for the app's integration tests: a seeded demo database, a fixed clock, and
//! admissions written exactly as a test needs them.

#![allow(dead_code)]

use app::{App, AppConfig, Clock, Operator, Printing, SeedOptions};
use chrono::{NaiveDate, NaiveDateTime};
use contract::cashier::TenderInput;
use contract::session::LoginRequest;
use demo::FeeDetail;
use demo::scenario::Scenario;
use domain::{AdmissionEvent, CaseNo, FeeCategory, FeeStatus, InsuranceType, Money, Tender};
use store::{journal, patients};
use tempfile::TempDir;

pub fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

pub fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

pub fn config(dir: &TempDir, clock: Clock) -> AppConfig {
    AppConfig {
        printing: Printing { dir: dir.path().join("prints"), printer: None, open_saved: false },
        clock,
        ..AppConfig::new(dir.path().join("cashier.db"))
    }
}

/// A demo hospital of `patients` admissions, opened at a fixed time.
pub async fn seeded(dir: &TempDir, patients: usize) -> App {
    let options = SeedOptions { seed: 11, patients, now: now(), fees: FeeDetail::Full };
    app::seed_demo(&dir.path().join("cashier.db"), &options).await.unwrap();
    App::open(config(dir, Clock::Fixed(now()))).await.unwrap()
}

/// A demo hospital of one admission whose counter issues invoices through `sandbox`, in-process
/// (a test changes its faults or reads its register).
pub async fn with_fiscal_sandbox(dir: &TempDir) -> (App, std::sync::Arc<fiscal::SandboxFiscal>) {
    let sandbox = std::sync::Arc::new(fiscal::SandboxFiscal::demo(std::time::Duration::ZERO));
    let options = SeedOptions { seed: 11, patients: 1, now: now(), fees: FeeDetail::Full };
    app::seed_demo(&dir.path().join("cashier.db"), &options).await.unwrap();
    let mut config = config(dir, Clock::Fixed(now()));
    config.fiscal = Some(std::sync::Arc::new(sandbox.adapter()));
    (App::open(config).await.unwrap(), sandbox)
}

pub async fn reopen(app: App, dir: &TempDir, clock: Clock) -> App {
    app.store().close().await;
    App::open(config(dir, clock)).await.unwrap()
}

pub async fn login(app: &App, username: &str) -> Operator {
    app.log_in(&LoginRequest { username: username.into(), password: demo::DEMO_PASSWORD.into() }).await.unwrap()
}

/// A tender as the cashier enters it; a card taken on the POS names a slip, as the terminal
/// prints one (a new 参考号 each time).
pub fn tender(name: &str, amount: &str) -> TenderInput {
    let input = TenderInput::new(name, amount);
    match Tender::parse(name) {
        Ok(t) if t.on_pos_terminal() => input.with_reference(slip()),
        Ok(t) if domain::account::pay_code::PayCode::scanned_for(t) => input.with_auth_code(pay_code(t)),
        _ => input,
    }
}

/// A payer's code of `tender`'s channel not scanned before in this process (the sandbox takes
/// each once).
pub fn pay_code(tender: Tender) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    match tender {
        Tender::Alipay => format!("28{n:014}"),
        _ => format!("13{n:016}"),
    }
}

/// A POS slip with a 参考号 not used before in this process.
pub fn slip() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    format!("T0000001:{:012}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

/// What a test admission starts with.
pub struct Stay {
    pub case_no: &'static str,
    pub insurance: InsuranceType,
    pub fees: Vec<(FeeCategory, &'static str, FeeStatus)>,
    /// Tender, amount, days before `now()`.
    pub deposits: Vec<(Tender, &'static str, i64)>,
    pub events: Vec<AdmissionEvent>,
}

impl Stay {
    pub fn audited(case_no: &'static str) -> Stay {
        Stay {
            case_no,
            insurance: InsuranceType::SelfPay,
            fees: vec![
                (FeeCategory::Drug, "1200.00", FeeStatus::Confirmed),
                (FeeCategory::Bed, "300.00", FeeStatus::Confirmed),
            ],
            deposits: vec![(Tender::Cash, "500.00", 3)],
            events: vec![AdmissionEvent::DischargeOrdered, AdmissionEvent::AuditPassed],
        }
    }
}

/// Writes an admission straight into the store (as the HIS feed would).
pub async fn admit(app: &App, stay: &Stay) {
    let scenario = Scenario {
        case_no: stay.case_no.to_owned(),
        name: "测试患者".to_owned(),
        insurance: stay.insurance,
        fees: stay.fees.iter().map(|(c, amount, status)| (*c, m(amount), *status)).collect(),
        deposits: stay.deposits.iter().map(|(t, amount, days)| (*t, m(amount), *days)).collect(),
        events: stay.events.clone(),
        now: now(),
    };
    app::demo_seed::add_admission(app, &scenario.build()).await.unwrap();
}

/// The journal version of an admission: unchanged means nothing was written.
pub async fn version(app: &App, case_no: &str) -> String {
    let mut conn = app.store().conn().await.unwrap();
    let summary = patients::by_case_no(&mut conn, &CaseNo::parse(case_no).unwrap()).await.unwrap().unwrap();
    journal::version(&mut conn, summary.admission.id).await.unwrap().to_string()
}

/// A fresh operation key, as the screen gets one when a dialog opens (the app's fixed clock
/// would stamp every key with the same moment; tests only need them distinct).
pub fn key() -> String {
    Clock::Fixed(now()).key().to_string()
}

/// A stand-alone counter with one seeded patient whose channels (the sandboxes, in-process)
/// are asked every 10 ms for up to 80 ms while the payer confirms.
pub async fn channel_counter(dir: &TempDir) -> App {
    let seeded = seeded(dir, 1).await;
    seeded.store().close().await;
    let mut config = config(dir, Clock::Fixed(now()));
    config.pay_patience = channels::Patience {
        every: std::time::Duration::from_millis(10),
        timeout: std::time::Duration::from_millis(80),
    };
    App::open(config).await.unwrap()
}
