//! 用血减免 through the real desktop app, with SANE's `test` backend as the counter's scanner
//! (configured for the app's process through SANE_CONFIG_DIR): the supervisor sets the scanner up,
//! the cashier registers the spouse's certificate with a scan for every checklist item (submit
//! stays disabled, saying what is missing, until the last one is captured), the supervisor
//! approves in the review list beside the pages, the discharge trial and settlement show the
//! waiver the store keeps, the month's claim counts it, and the reimbursement form is printed and read back with pdftotext.

use std::process::Command;
use std::time::{Duration, Instant};

use demo::scenario::Scenario;
use domain::{FeeCategory, FeeStatus, Money};
use e2e::{Desktop, ENTER, ESCAPE, F5, F9, seed_time, seeded_data_dir, store_app};
use tempfile::TempDir;
use thirtyfour::By;

const CASE_NO: &str = "2026990021";
const CERTIFICATE: &str = "ZJ2024000777";
/// F7 as WebDriver encodes it.
const F7: &str = "\u{E037}";
const ALT: &str = "\u{E00A}";
const NULL: &str = "\u{E000}";

/// A self-paying stay with two units of red cells (400 ml, ¥440.00) and ¥1,000.00 of drugs, a
/// ¥500.00 deposit, discharge ordered and fees audited.
async fn prepared() -> TempDir {
    let dir = seeded_data_dir(10).await;
    let app = store_app(dir.path()).await;
    let m = |fen: i64| Money::from_fen(fen).unwrap();
    let mut stay = Scenario::audited(CASE_NO, seed_time());
    stay.fees = vec![
        (FeeCategory::Drug, m(100_000), FeeStatus::Confirmed),
        (FeeCategory::Blood, m(22_000), FeeStatus::Confirmed),
        (FeeCategory::Blood, m(22_000), FeeStatus::Confirmed),
    ];
    app::demo_seed::add_admission(&app, &stay.build()).await.unwrap();
    app.store().close().await;
    dir
}

/// SANE's own test backend as the only scanner: one device, `test:0`.
fn sane_config() -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("dll.conf"), "test\n").unwrap();
    std::fs::write(
        dir.path().join("test.conf"),
        "number_of_devices 1\ngeometry_max 300.0\ntest-picture \"Color pattern\"\n",
    )
    .unwrap();
    dir
}

async fn click(desktop: &Desktop, id: &str) {
    desktop.find_id(id).await.click().await.unwrap_or_else(|e| panic!("#{id} could not be clicked: {e}"));
}

async fn type_into(desktop: &Desktop, id: &str, text: &str) {
    let field = desktop.find_id(id).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Waits until `#id` is enabled (`true`) or disabled.
async fn wait_enabled(desktop: &Desktop, id: &str, enabled: bool) {
    let started = Instant::now();
    while desktop.find_id(id).await.is_enabled().await.unwrap() != enabled {
        if started.elapsed() > Duration::from_secs(20) {
            desktop.screenshot(&format!("blood-failed-{id}.png")).await;
            let dialog = desktop.find_id("blood-dialog").await.text().await.unwrap_or_default();
            panic!("#{id} never became enabled={enabled}; the dialog says:\n{dialog}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the status line says `needle`; on a timeout the screen is kept and the dialog's
/// text quoted, so a refusal shows why.
async fn wait_notice(desktop: &Desktop, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let text = desktop.find_id("notice").await.text().await.unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        if started.elapsed() > Duration::from_secs(30) {
            desktop.screenshot("blood-failed-notice.png").await;
            let dialog = desktop.driver().find_all(By::Id("blood-dialog")).await.unwrap();
            let said = match dialog.first() {
                Some(d) => d.text().await.unwrap_or_default(),
                None => String::new(),
            };
            panic!("the status line never said {needle:?} (last: {text:?}); the dialog says:\n{said}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn log_out(desktop: &Desktop) {
    click(desktop, "log-out").await;
    desktop.find_id("login-username").await;
}

/// Scans a page for checklist item `item` and waits until it is shown as captured.
async fn capture(desktop: &Desktop, item: &str) {
    click(desktop, &format!("capture-{item}")).await;
    let started = Instant::now();
    loop {
        let text = desktop.find_id(&format!("blood-item-{item}")).await.text().await.unwrap_or_default();
        if text.contains("已采集") {
            break;
        }
        let error = desktop.driver().find_all(By::Css("#blood-dialog .dialog-error")).await.unwrap().first().cloned();
        if let Some(error) = error {
            let said = error.text().await.unwrap_or_default();
            assert!(said.is_empty(), "capturing {item} was refused: {said}");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{item} was never captured: {text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn pdftotext(path: &str) -> String {
    let out = Command::new("pdftotext").arg("-layout").arg(path).arg("-").output().expect("pdftotext is installed");
    assert!(out.status.success(), "pdftotext {path}");
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn a_scanned_registration_is_reviewed_and_deducted_at_the_discharge_settlement() {
    let dir = prepared().await;
    let sane = sane_config();
    let sane_dir = sane.path().display().to_string();
    let desktop = Desktop::start_with(dir.path(), &[("SANE_CONFIG_DIR", sane_dir.as_str())]).await;

    // The supervisor sets the counter's scanner up: SANE's test device, 150 dpi, grey.
    desktop.log_in("supervisor").await;
    desktop.press(F7).await;
    desktop.find_id("blood-tab-review").await;
    desktop.wait_text("blood-waiting-empty", |t| t.contains("没有待审核")).await;
    desktop.press(&format!("{ALT}s{NULL}")).await;
    type_into(&desktop, "capture-device", "test:0").await;
    type_into(&desktop, "capture-dpi", "150").await;
    desktop.find_id("capture-mode").await.find(By::Css("option[value='gray']")).await.unwrap().click().await.unwrap();
    click(&desktop, "capture-save").await;
    wait_notice(&desktop, "采集设置已保存").await;
    desktop.press(ESCAPE).await;
    log_out(&desktop).await;

    // The cashier registers the spouse's certificate: 2 × 150 ml within five years.
    desktop.log_in("cashier").await;
    desktop.scan(CASE_NO).await;
    desktop.press(F7).await;
    desktop.wait_text("blood-registrations", |t| t.contains("还没有")).await;
    desktop.wait_focus("blood-new").await;
    desktop.press(ENTER).await;
    desktop.wait_focus("blood-donor").await;
    desktop.find_id("blood-donor").await.find(By::Css("option[value='spouse']")).await.unwrap().click().await.unwrap();
    type_into(&desktop, "blood-donor-name", "李建国").await;
    type_into(&desktop, "blood-donor-id", "11010519491231002X").await;
    type_into(&desktop, "blood-cert-no", CERTIFICATE).await;
    type_into(&desktop, "blood-cert-date", "2024-05-01").await;
    // Enter walks on: ml → kind → 添加, and Enter on 添加 adds the line.
    desktop.find_id("blood-cert-ml").await.send_keys(format!("150{ENTER}")).await.unwrap();
    desktop.wait_focus("blood-cert-kind").await;
    desktop.press(ENTER).await;
    desktop.wait_focus("blood-cert-add").await;
    desktop.press(ENTER).await;
    desktop.wait_text("blood-certificates", |t| t.contains(CERTIFICATE)).await;
    assert_eq!(desktop.wait_text("blood-entitled", |t| t.contains("毫升")).await, "300 毫升");
    assert_eq!(desktop.wait_text("blood-remaining", |t| t.contains("毫升")).await, "300 毫升");

    // A page for each item but the proof of the relationship: submitting is refused, saying why.
    for item in ["donor_id", "certificate", "patient_id"] {
        capture(&desktop, item).await;
    }
    wait_enabled(&desktop, "blood-submit", false).await;
    let reason = desktop.wait_text("blood-submit-reason", |t| t.contains("缺少材料")).await;
    assert!(reason.contains("关系证明"), "{reason}");
    desktop.screenshot("blood-missing-material.png").await;

    capture(&desktop, "relationship").await;
    // The certificate was scanned sideways: turned a quarter.
    let thumb = desktop.driver().find(By::Css("#blood-item-certificate .thumb img")).await.unwrap();
    let before = thumb.attr("src").await.unwrap().unwrap_or_default();
    desktop.driver().find(By::Css("#blood-item-certificate button.rotate")).await.unwrap().click().await.unwrap();
    let started = Instant::now();
    loop {
        let now = desktop.driver().find(By::Css("#blood-item-certificate .thumb img")).await.unwrap();
        if now.attr("src").await.unwrap().unwrap_or_default() != before {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the page was never turned");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_enabled(&desktop, "blood-submit", true).await;
    assert_eq!(desktop.find_id("blood-submit-reason").await.text().await.unwrap(), "");
    desktop.screenshot("blood-registration.png").await;
    click(&desktop, "blood-submit").await;
    wait_notice(&desktop, "已提交").await;
    desktop.wait_text("blood-registrations", |t| t.contains("待审核")).await;

    let app = store_app(dir.path()).await;
    let found = app.blood_registrations(CASE_NO).await.unwrap();
    assert_eq!(found.len(), 1);
    let registration = found[0].registration;
    assert_eq!((found[0].status.code.as_str(), found[0].entitled_ml), ("submitted", Some(300)));
    let mut items: Vec<&str> = found[0].materials.iter().map(|m| m.code.as_str()).collect();
    items.sort_unstable();
    assert_eq!(items, ["certificate", "donor_id", "patient_id", "relationship"]);
    app.store().close().await;
    desktop.press(ESCAPE).await;
    log_out(&desktop).await;

    // The supervisor approves it in the review list, the pages beside the data.
    desktop.log_in("supervisor").await;
    desktop.press(F7).await;
    desktop.wait_text("blood-review-detail", |t| t.contains("李建国")).await;
    let started = Instant::now();
    while desktop.driver().find_all(By::Css("#blood-review-pages img")).await.unwrap().len() < 4 {
        assert!(started.elapsed() < Duration::from_secs(20), "the reviewer never saw the four pages");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    desktop.screenshot("blood-review.png").await;
    desktop.wait_focus("blood-approve").await;
    desktop.press(ENTER).await;
    wait_notice(&desktop, "审核通过").await;
    desktop.wait_text("blood-waiting-empty", |t| t.contains("没有待审核")).await;
    desktop.press(ESCAPE).await;
    log_out(&desktop).await;

    // The discharge trial shows the waiver: 300 of the 400 ml, three quarters of ¥440.00.
    desktop.log_in("cashier").await;
    desktop.scan(CASE_NO).await;
    desktop.press(F5).await;
    assert_eq!(desktop.wait_text("trial-blood", |t| t.starts_with('¥')).await, "¥330.00");
    let figures = desktop.find_id("trial-figures").await.text().await.unwrap();
    assert!(figures.contains("用血减免（300 毫升）"), "{figures}");
    // ¥1,440.00 of fees − ¥330.00 waived − ¥500.00 deposit.
    assert_eq!(desktop.wait_text("trial-due", |t| t.starts_with('¥')).await, "¥610.00");
    desktop.screenshot("blood-trial.png").await;
    desktop.press(F9).await;
    desktop.wait_focus("settle-confirm").await;
    desktop.press(ENTER).await;
    let number = desktop.wait_text("settlement-no", |t| t.starts_with("JS")).await;
    assert_eq!(desktop.find_id("settled-blood").await.text().await.unwrap(), "¥330.00");
    desktop.screenshot("blood-settled.png").await;

    // The store keeps what the screen showed.
    let app = store_app(dir.path()).await;
    let account = app.account(CASE_NO).await.unwrap();
    assert_eq!(account.settlements.len(), 1);
    assert_eq!(account.settlements[0].settlement_no, number);
    assert_eq!(account.totals.blood_approved.to_string(), "330.00");
    let mut conn = app.store().conn().await.unwrap();
    assert_eq!(store::registrations::used_ml(&mut conn, CERTIFICATE).await.unwrap(), 300);
    drop(conn);
    // …and the month's claim counts it, matched with the blood platform's statement.
    let finance = app.console_operator("finance").await.unwrap();
    let month = app::month_start(&account.settlements[0].at[..7]).unwrap();
    let claim = app.blood_month(&finance, month).await.unwrap();
    let lines: Vec<(&str, String)> =
        claim.lines.iter().map(|l| (l.outcome.code.as_str(), l.settlement_no.clone())).collect();
    assert_eq!(lines, [("matched", number.clone())], "{claim:?}");
    assert_eq!(claim.total.to_string(), "330.00");
    app.store().close().await;

    // The reimbursement form, printed from the registration list and read back.
    desktop.press(ENTER).await;
    desktop.press(F7).await;
    click(&desktop, &format!("print-form-{registration}")).await;
    let notice = wait_notice(&desktop, "用血报销单已打印").await;
    let path = notice.split('：').next_back().unwrap().trim().to_owned();
    let text = pdftotext(&path);
    for expected in [number.as_str(), CERTIFICATE, "悬浮红细胞", "330.00", "叁佰叁拾元整", "配偶", "李建国"]
    {
        assert!(text.contains(expected), "{expected} missing from the printed form:\n{text}");
    }
    desktop.screenshot("blood-form-printed.png").await;
    desktop.quit().await;
}
