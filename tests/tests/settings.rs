//! 设置 through the real desktop app: a cashier reads it and changes nothing; the supervisor
//! sets the receipt paper's 套打 offsets and the place, prints a test page that says them, and
//! sees the change recorded under their name; a wrong offset is refused and kept out; the
//! administrator sees the platform part, where a plain http:// address is refused. The place
//! set here is the one the next start uses.

use e2e::{Desktop, ESCAPE, seeded_data_dir, store_app};
use thirtyfour::By;

const ALT: &str = "\u{E00A}";
const NULL: &str = "\u{E000}";

async fn type_into(desktop: &Desktop, id: &str, text: &str) {
    let field = desktop.find_id(id).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn open_settings(desktop: &Desktop) {
    desktop.press(&format!("{ALT}o{NULL}")).await;
    desktop.find_id("settings-printers").await;
}

async fn log_out(desktop: &Desktop) {
    desktop.press(ESCAPE).await;
    let started = std::time::Instant::now();
    while !desktop.driver().find_all(By::Css(".modal")).await.unwrap().is_empty() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "Esc did not close 设置");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    desktop.click_id("log-out").await;
    desktop.find_id("login-username").await;
}

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn the_supervisor_sets_the_receipt_paper_and_the_place_and_the_change_is_recorded() {
    let dir = seeded_data_dir(5).await;
    let desktop = Desktop::start(dir.path()).await;

    // A cashier reads the settings; the fields are locked and there is nothing to save.
    desktop.log_in("cashier").await;
    open_settings(&desktop).await;
    desktop.find_id("settings-readonly").await;
    assert!(desktop.driver().find_all(By::Id("settings-save")).await.unwrap().is_empty());
    assert!(!desktop.find_id("settings-printer-receipt").await.is_enabled().await.unwrap());
    assert!(
        desktop.driver().find_all(By::Id("settings-url")).await.unwrap().is_empty(),
        "the platform part is the administrator's"
    );
    log_out(&desktop).await;

    // The supervisor: a wrong offset is refused by name and nothing is recorded.
    desktop.log_in("supervisor").await;
    desktop.click_id("settings-open").await;
    desktop.find_id("settings-printers").await;
    type_into(&desktop, "settings-right-receipt", "30").await;
    desktop.click_id("settings-save").await;
    let refused = desktop.wait_css("#settings-error", |t| t.contains("SETTING_OFFSET_INVALID")).await;
    assert!(refused.contains("预交金收据"), "{refused}");
    assert!(desktop.driver().find_all(By::Css("#settings-changes tbody tr")).await.unwrap().is_empty());

    // Then the right ones, the place, and a test page that says them.
    type_into(&desktop, "settings-right-receipt", "1.5").await;
    type_into(&desktop, "settings-down-receipt", "-0.5").await;
    desktop
        .find_id("settings-place")
        .await
        .find(By::Css("option[value='ward_station']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    desktop.wait_text("settings-place-note", |t| t.contains("下次启动")).await;
    desktop.click_id("settings-save").await;
    desktop.wait_text("notice", |t| t.contains("打印设置已保存")).await;
    let changes = desktop.wait_css("#settings-changes", |t| t.contains("结算地点")).await;
    assert!(
        changes.contains("supervisor") && changes.contains("15,-5") && changes.contains("ward_station"),
        "{changes}"
    );
    desktop.click_id("settings-test-receipt").await;
    let said = desktop.wait_text("notice", |t| t.contains("测试页已")).await;
    desktop.screenshot("settings.png").await;
    let path = said.split_once("：").unwrap().1.trim().to_owned();
    let text = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("打印测试页") && text.contains("右移 1.5 mm，下移 -0.5 mm"), "{text}");
    log_out(&desktop).await;

    // The administrator: the platform part, https only.
    desktop.log_in("admin").await;
    open_settings(&desktop).await;
    type_into(&desktop, "settings-url", "http://platform.hospital.local").await;
    type_into(&desktop, "settings-ca", "/etc/ssl/certs/ca-certificates.crt").await;
    desktop.click_id("settings-platform-save").await;
    desktop.wait_css("#settings-error", |t| t.contains("PLATFORM_URL_NOT_HTTPS")).await;
    let device = desktop.find_id("settings-device").await.text().await.unwrap();
    assert!(device.contains("未登记到平台"), "{device}");
    desktop.screenshot("settings-admin.png").await;
    desktop.quit().await;

    // What was kept: the offsets and the place, changed once each, by the supervisor.
    let app = store_app(dir.path()).await;
    let mut conn = app.store().conn().await.unwrap();
    let kept = store::settings::changes(&mut conn, 100).await.unwrap();
    assert!(kept.iter().all(|c| c.by_user == "supervisor"), "{kept:?}");
    assert_eq!(kept.iter().filter(|c| c.key == "place").count(), 1);
    assert_eq!(store::settings::get(&mut conn, "print.offset.receipt").await.unwrap().as_deref(), Some("15,-5"));
    assert_eq!(store::settings::get(&mut conn, "platform.url").await.unwrap(), None);
}
