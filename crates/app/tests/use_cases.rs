//! Use cases against real SQLite files seeded with the demo hospital.

use app::{App, AppConfig, AppError, Clock, Printing, SeedOptions};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use contract::session::LoginRequest;
use demo::FeeDetail;
use tempfile::TempDir;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

fn config(dir: &TempDir, demo: bool, clock: Clock) -> AppConfig {
    AppConfig {
        demo,
        printing: Printing { dir: dir.path().join("prints"), printer: None, open_saved: false },
        clock,
        ..AppConfig::new(dir.path().join("cashier.db"))
    }
}

async fn seeded(dir: &TempDir, patients: usize) -> App {
    let options = SeedOptions { seed: 11, patients, now: now(), fees: FeeDetail::Full };
    app::seed_demo(&dir.path().join("cashier.db"), &options).await.unwrap();
    App::open(config(dir, false, Clock::Fixed(now()))).await.unwrap()
}

fn login(username: &str, password: &str) -> LoginRequest {
    LoginRequest { username: username.into(), password: password.into() }
}

#[tokio::test]
async fn demo_mode_seeds_once_and_plain_mode_invents_nothing() {
    let dir = TempDir::new().unwrap();
    let err = App::open(config(&dir, false, Clock::Fixed(now()))).await.unwrap_err();
    assert_eq!(err.code(), "DB_MISSING");
    assert!(!dir.path().join("cashier.db").exists());
    let app = App::open(config(&dir, true, Clock::Fixed(now()))).await.unwrap();
    assert_eq!(app.hospital(), demo::HOSPITAL_NAME);
    let hits = app.find_patients("张三").await.unwrap();
    assert_eq!(hits[0].name, "张三");
    app.store().close().await;
    // A second start keeps the data it has: no reseeding, no second 张三 admission.
    let again = App::open(config(&dir, true, Clock::Fixed(now() + Duration::days(1)))).await.unwrap();
    assert_eq!(again.find_patients("张三").await.unwrap().len(), hits.len());
}

#[tokio::test]
async fn seeding_never_overwrites_a_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("cashier.db");
    std::fs::write(&path, b"precious").unwrap();
    let err = app::seed_demo(&path, &SeedOptions::default()).await.unwrap_err();
    assert!(matches!(err, AppError::Refused(_)));
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
}

#[tokio::test]
async fn login_accepts_the_right_password_and_locks_after_five_failures() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 3).await;
    let operator = app.log_in(&login("cashier", demo::DEMO_PASSWORD)).await.unwrap();
    assert_eq!((operator.display_name.as_str(), operator.role), ("王丽", domain::Role::Cashier));
    assert_eq!(app.session(&operator).role.label, "收费员");

    let err = app.log_in(&login("cashier", "wrong")).await.unwrap_err();
    assert_eq!(err.code(), "LOGIN_FAILED");
    assert_eq!(err.to_string(), "用户名或密码错误，还可尝试 4 次");
    for _ in 0..4 {
        app.log_in(&login("cashier", "wrong")).await.unwrap_err();
    }
    // Locked: even the right password is refused until the lockout ends.
    let err = app.log_in(&login("cashier", demo::DEMO_PASSWORD)).await.unwrap_err();
    assert_eq!(err.code(), "LOGIN_LOCKED");
    assert!(err.to_string().contains("已锁定"), "{err}");
    // Other users are not affected.
    assert!(app.log_in(&login("finance", demo::DEMO_PASSWORD)).await.is_ok());
    app.store().close().await;
    let later = App::open(config(&dir, false, Clock::Fixed(now() + Duration::minutes(16)))).await.unwrap();
    assert!(later.log_in(&login("cashier", demo::DEMO_PASSWORD)).await.is_ok());
}

#[tokio::test]
async fn unknown_users_and_empty_fields_get_the_same_careful_answers() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let err = app.log_in(&login("nobody", "x")).await.unwrap_err();
    assert_eq!(err.code(), "LOGIN_FAILED", "no hint whether the user exists");
    let err = app.log_in(&login("  ", "")).await.unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), ("LOGIN_EMPTY", "请输入用户名和密码"));
}

#[tokio::test]
async fn bad_searches_are_refused_with_a_reason() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 2).await;
    for (query, code) in [
        ("", "QUERY_EMPTY"),
        ("   ", "QUERY_EMPTY"),
        ("110105194912310021", "RESIDENT_ID_CHECK_DIGIT"),
        ("' OR 1=1 --", "QUERY_UNRECOGNISED"),
        ("12", "QUERY_UNRECOGNISED"),
    ] {
        let err = app.find_patients(query).await.unwrap_err();
        assert_eq!(err.code(), code, "{query:?}");
        let api = err.to_api();
        assert_eq!(api.field.as_deref(), Some("query"));
        assert!(!api.message.is_empty());
    }
    assert!(app.find_patients("9999999999").await.unwrap().is_empty());
}

#[tokio::test]
async fn the_account_shows_what_the_journal_holds() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 10).await;
    let zhang = &app.find_patients("zs").await.unwrap()[0];
    let view = app.account(&zhang.case_no).await.unwrap();
    assert_eq!(view.patient.name, "张三");
    let fees: domain::Money = view.categories.iter().map(|c| c.total.money()).sum();
    assert_eq!(fees, view.totals.fees.money());
    let line_sum: domain::Money = view
        .categories
        .iter()
        .flat_map(|c| c.lines.iter())
        .filter(|l| l.status.code != "cancelled")
        .map(|l| l.amount.money())
        .sum();
    assert_eq!(line_sum, view.totals.fees.money());
    let deposits: domain::Money = view.deposits.iter().map(|d| d.amount.money()).sum();
    assert_eq!(deposits, view.totals.deposits.money());
    assert_eq!(view.totals.balance.money(), deposits - fees);
    assert_eq!(view.totals.balance_words, view.totals.balance.money().words());
    let err = app.account("9999999999").await.unwrap_err();
    assert_eq!(err.code(), "NOT_FOUND");
    let err = app.account("abc").await.unwrap_err();
    assert_eq!(err.code(), "CASE_NO_MALFORMED");
}

#[tokio::test]
async fn printing_without_a_printer_saves_the_pdf() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 3).await;
    let operator = app.log_in(&login("cashier", demo::DEMO_PASSWORD)).await.unwrap();
    let case_no = app.find_patients("zs").await.unwrap()[0].case_no.clone();
    let outcome = app.print_statement(&operator, &case_no).await.unwrap();
    assert_eq!(outcome.printer, None);
    let bytes = std::fs::read(&outcome.path).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    assert!(outcome.pages >= 1);
}
