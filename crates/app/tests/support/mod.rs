//! Shared set-up for the app's integration tests: a seeded demo database, a fixed clock, and
//! admissions written exactly as a test needs them.

#![allow(dead_code)]

use app::{App, AppConfig, Clock, Operator, Printing, SeedOptions};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use contract::cashier::TenderInput;
use contract::session::LoginRequest;
use demo::FeeDetail;
use domain::{
    Admission, AdmissionEvent, CaseNo, DepositEntry, DepositKind, FeeCategory, FeeLine, FeeStatus, InsuranceType,
    Money, Patient, PersonName, Sex, Tender, TenderLine, Ward,
};
use rust_decimal::Decimal;
use store::{journal, patients};
use tempfile::TempDir;
use uuid::Uuid;

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

pub async fn reopen(app: App, dir: &TempDir, clock: Clock) -> App {
    app.store().close().await;
    App::open(config(dir, clock)).await.unwrap()
}

pub async fn login(app: &App, username: &str) -> Operator {
    app.log_in(&LoginRequest { username: username.into(), password: demo::DEMO_PASSWORD.into() }).await.unwrap()
}

pub fn tender(name: &str, amount: &str) -> TenderInput {
    TenderInput { tender: name.into(), amount: amount.into() }
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
    let mut tx = app.store().begin().await.unwrap();
    let admitted_at = now() - Duration::days(10);
    let admission = Admission {
        id: Uuid::now_v7(),
        case_no: CaseNo::parse(stay.case_no).unwrap(),
        patient: Patient {
            id: Uuid::now_v7(),
            name: PersonName::parse("测试患者").unwrap(),
            sex: Sex::Female,
            birth_date: NaiveDate::from_ymd_opt(1970, 3, 1).unwrap(),
            resident_id: None,
        },
        ward: Ward { code: "W01".into(), name: "心血管内科一病区".into() },
        bed_no: "99床".into(),
        insurance: stay.insurance,
        admitted_at,
        department: "心血管内科".into(),
        doctor: "周建国".into(),
        diagnosis: "心力衰竭".into(),
    };
    patients::insert_admission(&mut tx, &admission).await.unwrap();
    for (i, (category, amount, status)) in stay.fees.iter().enumerate() {
        let amount = m(amount);
        let fee = FeeLine {
            id: 0,
            item_code: format!("T{i:04}"),
            item_name: format!("测试项目{i}"),
            category: *category,
            spec: String::new(),
            unit: "次".into(),
            quantity: Decimal::ONE,
            unit_price: amount,
            amount,
            charged_at: admitted_at + Duration::hours(i64::try_from(i).unwrap() + 1),
            department: "心血管内科".into(),
            status: *status,
        };
        journal::append_fee(&mut tx, admission.id, Uuid::now_v7(), &fee).await.unwrap();
    }
    for (i, (tender, amount, days)) in stay.deposits.iter().enumerate() {
        let amount = m(amount);
        let entry = DepositEntry {
            id: 0,
            receipt_no: format!("HIS{}{i:03}", stay.case_no),
            kind: DepositKind::Deposit,
            amount,
            tenders: vec![TenderLine { tender: *tender, amount, reference: Some(format!("REF{i}")) }],
            at: now() - Duration::days(*days),
            cashier: "孙浩".into(),
        };
        journal::append_deposit(&mut tx, admission.id, Uuid::now_v7(), &entry).await.unwrap();
    }
    for (i, event) in stay.events.iter().enumerate() {
        let at = now() - Duration::hours(5) + Duration::minutes(i64::try_from(i).unwrap());
        journal::append_event(&mut tx, admission.id, Uuid::now_v7(), *event, at, "测试", None).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// The journal version of an admission: unchanged means nothing was written.
pub async fn version(app: &App, case_no: &str) -> String {
    let mut conn = app.store().conn().await.unwrap();
    let summary = patients::by_case_no(&mut conn, &CaseNo::parse(case_no).unwrap()).await.unwrap().unwrap();
    journal::version(&mut conn, summary.admission.id).await.unwrap().to_string()
}
