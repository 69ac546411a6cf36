//! The real desktop app, driven like a cashier drives it: log in, scan a wristband, read the
//! balance, print. Run by scripts/test.sh under Xvfb (`cargo test -p e2e -- --ignored`).

use e2e::{Desktop, ENTER, seeded_data_dir, store_app};
use tempfile::TempDir;

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn a_cashier_logs_in_scans_a_wristband_and_sees_the_stored_balance() {
    let dir = seeded_data_dir(60).await;
    let store = store_app(dir.path()).await;
    let zhang = store.find_patients("张三").await.unwrap().remove(0);
    let expected = store.account(&zhang.case_no).await.unwrap();
    store.store().close().await;

    let desktop = Desktop::start(dir.path()).await;
    // A wrong password is refused with a message, and the form keeps what was typed.
    desktop.find_id("login-username").await.send_keys("cashier").await.unwrap();
    desktop.find_id("login-password").await.send_keys(format!("wrong{ENTER}")).await.unwrap();
    let refusal = desktop.wait_text("login-error", |t| !t.is_empty()).await;
    assert!(refusal.contains("用户名或密码错误"), "{refusal}");
    assert_eq!(desktop.find_id("login-username").await.prop("value").await.unwrap().as_deref(), Some("cashier"));

    let password = desktop.find_id("login-password").await;
    password.clear().await.unwrap();
    password.send_keys(format!("{}{ENTER}", demo::DEMO_PASSWORD)).await.unwrap();
    desktop.find_id("search-input").await;
    let operator = desktop.wait_text("operator", |t| !t.is_empty()).await;
    assert!(operator.contains("王丽"), "{operator}");
    // The demo is a stand-alone counter, and the status bar says so.
    let link = desktop.wait_text("link-status", |t| !t.is_empty()).await;
    assert_eq!(link, "单机（未连接平台）");

    // The search box has focus: the scanner's burst and Enter load the patient, no click.
    assert_eq!(desktop.focused_id().await, "search-input");
    desktop.type_into_focus(&format!("ZY{}{ENTER}", zhang.case_no)).await;
    let name = desktop.wait_text("patient-name", |t| !t.is_empty()).await;
    assert_eq!(name, "张三");
    let shown = desktop.wait_text("total-balance", |t| t.starts_with('¥') || t.starts_with("-¥")).await;
    assert_eq!(shown, expected.totals.balance.display(), "the balance on screen is the store's");
    assert_eq!(desktop.find_id("total-fees").await.text().await.unwrap(), expected.totals.fees.display());
    assert_eq!(desktop.find_id("total-deposits").await.text().await.unwrap(), expected.totals.deposits.display());
    let state = desktop.find_id("patient-state").await.text().await.unwrap();
    assert_eq!(state, expected.patient.state.label);
    let shot = desktop.screenshot("account-view.png").await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "a real screenshot");

    // Focus went back to the search box, ready for the next scan.
    assert_eq!(desktop.focused_id().await, "search-input");
    // A malformed query is refused next to the field.
    desktop.type_into_focus(&format!("110105194912310021{ENTER}")).await;
    let error = desktop.wait_text("search-error", |t| !t.is_empty()).await;
    assert!(error.contains("校验位"), "{error}");

    // F12 prints the fee list (no printer configured: saved as PDF).
    desktop.driver().active_element().await.unwrap().send_keys("\u{E03C}").await.unwrap();
    let notice = desktop.wait_text("notice", |t| t.contains("费用清单已")).await;
    assert!(notice.contains(".pdf"), "{notice}");
    let prints: Vec<_> = std::fs::read_dir(dir.path().join("prints")).unwrap().collect();
    assert_eq!(prints.len(), 1);
    desktop.quit().await;
}

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn a_corrupt_database_is_shown_as_such_and_left_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("cashier.db");
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let desktop = Desktop::start(dir.path()).await;
    let text = desktop.wait_text("startup-problem", |t| !t.is_empty()).await;
    assert!(text.contains("已损坏"), "{text}");
    assert!(text.contains("DB_CORRUPT"), "{text}");
    desktop.screenshot("startup-corrupt.png").await;
    desktop.quit().await;
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}
