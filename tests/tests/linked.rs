//! A counter linked to the real platform, through the real desktop app: the online login
//! bootstraps the wards and the status bar says 在线; when the platform stops the bar says
//! 离线（自 … 起）, a cash deposit taken meanwhile waits (待上传 1 笔); when the platform is
//! back the outbox drains by itself and the platform holds the deposit once.
//! Needs `CASHIER_TEST_PG` and the platform binary as well as the desktop app (scripts/test.sh).

#[path = "../../crates/cashier/tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Counter, Platform};
use e2e::Desktop;

/// Waits up to `within` for the status bar to satisfy `accept`.
async fn wait_link(desktop: &Desktop, within: Duration, accept: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let text = desktop.find_id("link-status").await.text().await.unwrap_or_default();
        if accept(&text) {
            return text;
        }
        assert!(started.elapsed() < within, "the status bar still says {text:?} after {within:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
#[ignore = "needs the desktop app, PostgreSQL and the platform: scripts/test.sh runs it under Xvfb"]
async fn the_counter_works_offline_and_drains_by_itself_when_the_platform_is_back() {
    let mut platform = Platform::start("desktop", 20);
    let counter = Counter::register(&platform, &platform.https(), "一楼收费窗口1");
    let desktop = Desktop::start_with(counter.dir.path(), &[("CASHIER_DEMO", "0")]).await;
    // The user exists only on the platform: this login can only succeed online.
    desktop.log_in("cashier").await;
    wait_link(&desktop, Duration::from_secs(20), |t| t == "在线").await;
    // The login's first round bootstraps the wards and fetches this cashier's receipt numbers.
    let started = Instant::now();
    while counter.sqlite("SELECT count(*) FROM receipt_ranges WHERE cashier = 'cashier'").trim() == "0" {
        assert!(started.elapsed() < Duration::from_secs(60), "no receipt numbers reached the counter");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let before = platform.ledger();

    platform.kill();
    let offline = wait_link(&desktop, Duration::from_secs(30), |t| t.starts_with("离线（自 ")).await;
    desktop.screenshot("linked-offline.png").await;
    let case_no = common::case_numbers(&platform).remove(0);
    // The deposit is taken on this counter's database while the app runs (through the same use
    // case the F4 dialog calls; the dialog itself is driven in settlement.rs).
    let taken = counter.deposit("cashier", &case_no, "现金:300.00");
    assert!(taken.status.success(), "{}", common::text(&taken.stderr));
    let waiting = wait_link(&desktop, Duration::from_secs(10), |t| t.contains("待上传 1 笔")).await;
    assert!(waiting.starts_with("离线"), "{waiting} (was {offline})");
    desktop.screenshot("linked-waiting.png").await;

    platform.restart();
    wait_link(&desktop, Duration::from_secs(30), |t| t == "在线").await;
    let after = platform.ledger();
    assert_eq!(after.len(), before.len() + 1, "the deposit reached the platform once");
    let new: Vec<_> = after.iter().filter(|(k, _)| !before.contains_key(*k)).collect();
    assert_eq!(new[0].1, &("deposit".to_owned(), 30_000));
    desktop.quit().await;
    assert_eq!(counter.ledger(), platform.ledger(), "the counter and the platform agree");
}
