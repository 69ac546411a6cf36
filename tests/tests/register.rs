//! A fresh install's first start, through the real desktop app and the real platform: no
//! database yet, the window offers 登记本机; a wrong administrator password is refused by the
//! platform and leaves nothing behind; the right one registers the counter (the platform lists
//! it), and started again the app is linked: a platform user logs in and the bar says 在线.
//! Needs `CASHIER_TEST_PG` and the platform binary as well as the desktop app (scripts/test.sh).

#[path = "../../crates/cashier/tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{PASSWORD, Platform};
use e2e::Desktop;

async fn type_into(desktop: &Desktop, id: &str, text: &str) {
    let field = desktop.find_id(id).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[tokio::test]
#[ignore = "needs the desktop app, PostgreSQL and the platform: scripts/test.sh runs it under Xvfb"]
async fn a_fresh_counter_registers_from_its_first_window_and_starts_linked() {
    let platform = Platform::start("e2e_register", 3);
    let dir = tempfile::tempdir().unwrap();
    let desktop = Desktop::start_with(dir.path(), &[("CASHIER_DEMO", "0")]).await;
    desktop.find_id("register-counter").await;
    type_into(&desktop, "register-url", &platform.https()).await;
    type_into(&desktop, "register-ca", platform.ca().to_str().unwrap()).await;
    type_into(&desktop, "register-name", "二楼收费窗口").await;
    type_into(&desktop, "register-admin", "admin").await;
    type_into(&desktop, "register-password", "wrong-password").await;
    desktop.click_id("register-submit").await;
    let refused = desktop.wait_text("register-error", |t| !t.is_empty()).await;
    assert!(!refused.is_empty());
    assert!(!dir.path().join("cashier.db").exists(), "a refused registration leaves no database behind");
    assert_eq!(platform.sql("SELECT count(*) FROM devices WHERE name = '二楼收费窗口'"), "0");

    type_into(&desktop, "register-password", PASSWORD).await;
    desktop.click_id("register-submit").await;
    let done = desktop.wait_text("register-done", |t| t.contains("已登记")).await;
    desktop.find_id("register-done").await.scroll_into_view().await.unwrap();
    desktop.screenshot("register-counter.png").await;
    let device = platform.sql("SELECT id FROM devices WHERE name = '二楼收费窗口'");
    assert!(done.contains(device.trim()), "{done} / {device}");
    desktop.quit().await;

    // Started again: linked, the platform's users log in.
    let desktop = Desktop::start_with(dir.path(), &[("CASHIER_DEMO", "0")]).await;
    desktop.log_in("cashier").await;
    let started = Instant::now();
    loop {
        let text = desktop.find_id("link-status").await.text().await.unwrap_or_default();
        if text == "在线" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the bar says {text:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    desktop.quit().await;
}
