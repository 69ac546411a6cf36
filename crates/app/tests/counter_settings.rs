//! 设置: who may change what, each refusal changing nothing, each change recorded with who made
//! it, the 套打 offsets reaching the printed receipt, 打印测试页, and the place taking effect at the
//! next start.

mod support;

use app::{App, Clock};
use contract::cashier::DepositRequest;
use contract::counter_settings::{PlatformSettings, PrintChoice, PrintSettings};
use rust_decimal::Decimal;
use support::*;
use tempfile::TempDir;

fn asked(receipt_right: &str, receipt_down: &str, place: &str) -> PrintSettings {
    PrintSettings {
        choices: vec![
            PrintChoice {
                kind: "receipt".into(),
                printer: String::new(),
                right_mm: receipt_right.into(),
                down_mm: receipt_down.into(),
            },
            PrintChoice {
                kind: "settlement".into(),
                printer: String::new(),
                right_mm: String::new(),
                down_mm: String::new(),
            },
        ],
        preview: false,
        place: place.into(),
    }
}

/// The text of a PDF with its layout (poppler's pdftotext), and the x of `word`'s first box.
fn x_of(pdf: &std::path::Path, word: &str) -> Decimal {
    let out = std::process::Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let line = html.lines().find(|l| l.contains(word)).unwrap_or_else(|| panic!("{word} not in {html}"));
    let x = line.split("xMin=\"").nth(1).unwrap().split('"').next().unwrap();
    x.parse().unwrap()
}

async fn changes(app: &App) -> usize {
    let mut conn = app.store().conn().await.unwrap();
    store::settings::changes(&mut conn, 1000).await.unwrap().len()
}

#[tokio::test]
async fn settings_are_changed_by_those_allowed_recorded_and_used() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 3).await;
    let cashier = login(&app, "cashier").await;
    let supervisor = login(&app, "supervisor").await;
    let admin = login(&app, "admin").await;

    // Everyone reads; a cashier changes nothing.
    let shown = app.counter_settings(&cashier).await.unwrap();
    assert!(!shown.editable && !shown.administrator);
    assert_eq!(shown.kinds.iter().filter(|k| k.preprinted).count(), 2);
    assert_eq!(shown.place, "counter");
    let refused = app.save_print_settings(&cashier, &asked("1.5", "", "counter")).await.unwrap_err();
    assert_eq!(refused.code(), contract::error::codes::FORBIDDEN);
    assert_eq!(changes(&app).await, 0);

    // Bad input: named, nothing kept (the good rows before the bad one included).
    for (bad, code) in [
        (asked("25", "", "counter"), "SETTING_OFFSET_INVALID"),
        (asked("1.25", "", "counter"), "SETTING_OFFSET_INVALID"),
        (asked("1.5", "", "moon"), "SETTING_PLACE_UNKNOWN"),
    ] {
        assert_eq!(app.save_print_settings(&supervisor, &bad).await.unwrap_err().code(), code);
    }
    let mut offset_on_a4 = asked("", "", "counter");
    offset_on_a4.choices[1].right_mm = "2".into();
    assert_eq!(
        app.save_print_settings(&supervisor, &offset_on_a4).await.unwrap_err().code(),
        "SETTING_OFFSET_NOT_PREPRINTED"
    );
    let mut unknown_printer = asked("", "", "counter");
    unknown_printer.choices[0].printer = "no-such-printer".into();
    assert_eq!(app.save_print_settings(&supervisor, &unknown_printer).await.unwrap_err().code(), "PRINTER_UNKNOWN");
    assert_eq!(changes(&app).await, 0);

    // A receipt before and after the offsets: everything moves 5 mm right.
    let case_no = {
        let mut conn = app.store().conn().await.unwrap();
        store::patients::case_numbers(&mut conn).await.unwrap().remove(0)
    };
    let paid = app
        .take_deposit(
            &cashier,
            &DepositRequest {
                case_no: case_no.clone(),
                key: key(),
                tenders: vec![tender("现金", "100.00")],
                cash_received: None,
            },
        )
        .await
        .unwrap();
    let before = app.print_deposit_receipt(&cashier, &case_no, &paid.receipt_no).await.unwrap();
    let before_x = x_of(std::path::Path::new(&before.path), "金额");
    let saved = app.save_print_settings(&supervisor, &asked("5", "-1.5", "ward_station")).await.unwrap();
    let receipt = saved.kinds.iter().find(|k| k.kind.code == "receipt").unwrap();
    assert_eq!((receipt.choice.right_mm.as_str(), receipt.choice.down_mm.as_str()), ("5.0", "-1.5"));
    assert_eq!(saved.place, "ward_station");
    assert_eq!(saved.place_now, "counter", "the place changes at the next start");
    let recorded = &saved.changes;
    assert!(recorded.iter().all(|c| c.by == "supervisor"), "{recorded:?}");
    assert!(recorded.iter().any(|c| c.what.starts_with("套打偏移") && c.after == "50,-15"), "{recorded:?}");
    assert!(recorded.iter().any(|c| c.what == "结算地点" && c.before.is_empty() && c.after == "ward_station"));
    let after = app.print_deposit_receipt(&cashier, &case_no, &paid.receipt_no).await.unwrap();
    let moved = x_of(std::path::Path::new(&after.path), "金额") - before_x;
    // 5 mm is 14.17 pt.
    assert!((moved - Decimal::new(1417, 2)).abs() < Decimal::new(2, 1), "moved {moved} pt");
    // Saving the same again records nothing new.
    let count = changes(&app).await;
    app.save_print_settings(&supervisor, &asked("5", "-1.5", "ward_station")).await.unwrap();
    assert_eq!(changes(&app).await, count);

    // The test page, through the same delivery and offsets.
    let page = app.print_test_page(&supervisor, "receipt").await.unwrap();
    assert_eq!(page.printer, None);
    let text = std::process::Command::new("pdftotext").arg(&page.path).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("打印测试页") && text.contains("右移 5.0 mm，下移 -1.5 mm"), "{text}");
    assert_eq!(app.print_test_page(&cashier, "receipt").await.unwrap_err().code(), contract::error::codes::FORBIDDEN);

    // The platform part: an administrator's, https only, a readable PEM.
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").unwrap();
    let platform =
        |url: &str, ca: &std::path::Path| PlatformSettings { url: url.into(), ca_file: ca.display().to_string() };
    let good = platform("https://platform.hospital.local:8443", &ca);
    assert_eq!(
        app.save_platform_settings(&supervisor, &good).await.unwrap_err().code(),
        contract::error::codes::FORBIDDEN
    );
    let count = changes(&app).await;
    for (bad, code) in [
        (platform("http://platform.hospital.local", &ca), "PLATFORM_URL_NOT_HTTPS"),
        (platform("https://", &ca), "PLATFORM_URL_NOT_HTTPS"),
        (platform("https://p", &dir.path().join("missing.pem")), "PLATFORM_CA_UNREADABLE"),
        (platform("https://p", &dir.path().join("cashier.db")), "PLATFORM_CA_UNREADABLE"),
    ] {
        let said = app.save_platform_settings(&admin, &bad).await.unwrap_err();
        assert!(
            said.code() == code || (code == "PLATFORM_CA_UNREADABLE" && said.code() == "PLATFORM_CA_NOT_PEM"),
            "{said:?}"
        );
    }
    assert_eq!(changes(&app).await, count);
    let shown = app.save_platform_settings(&admin, &good).await.unwrap();
    assert!(shown.administrator && shown.editable);
    assert_eq!(shown.platform.url, "https://platform.hospital.local:8443");
    assert_eq!(shown.changes[0].by, "admin");

    // The place set here is the place at the next start, unless a start option names one.
    let dir_path = dir;
    let mut config = support::config(&dir_path, Clock::Fixed(now()));
    config.place_from_settings = true;
    app.store().close().await;
    let reopened = App::open(config).await.unwrap();
    assert_eq!(reopened.counter_settings(&cashier).await.unwrap().place_now, "ward_station");
    reopened.store().close().await;
    let fixed = App::open(support::config(&dir_path, Clock::Fixed(now()))).await.unwrap();
    assert_eq!(fixed.counter_settings(&cashier).await.unwrap().place_now, "counter");
}
