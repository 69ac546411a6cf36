//! Finance's reconciliation review through the real desktop app, linked to the real platform:
//! F8 opens 对账复核; a run started from the app shows its progress and ends with the day's
//! batches; a batch row drills into its items; the filters narrow them; a cause is assigned; one
//! entry is resolved 以平台为准, another 以渠道为准 and approved by a supervisor in the dialog;
//! the shown list is exported (read back as XLSX), the original WeChat bill is saved byte for
//! byte, the batch's report is saved as a PDF (read back), and a second run no longer reports the corrected entry.
//! Needs `CASHIER_TEST_PG` and the platform binary as well as the desktop app (scripts/test.sh).

#[path = "../../crates/cashier/tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx};
use common::{Counter, Platform, busy_day, platform_bin, sandbox_bills, text};
use e2e::Desktop;
use thirtyfour::prelude::*;

const F8: &str = "\u{E038}";

/// Sets a field's value as the user's input would (input and change events). Typing through
/// WebDriver dropped keystrokes under load (see linked.rs); the dialogs' keyboard handling is
/// driven in settlement.rs.
async fn fill(desktop: &Desktop, id: &str, value: &str) {
    desktop.find_id(id).await;
    let script = "var e = document.getElementById(arguments[0]); e.value = arguments[1];
        e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));";
    desktop.driver().execute(script, vec![id.into(), value.into()]).await.expect("fill");
}

async fn css(desktop: &Desktop, selector: &str) -> WebElement {
    desktop
        .driver()
        .query(By::Css(selector))
        .wait(Duration::from_secs(20), Duration::from_millis(100))
        .first()
        .await
        .unwrap_or_else(|e| panic!("{selector} did not appear: {e}"))
}

async fn click(desktop: &Desktop, selector: &str) {
    css(desktop, selector).await.click().await.unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

/// Waits until an item row carries `state`.
async fn wait_state(desktop: &Desktop, id: &str, state: &str) {
    css(desktop, &format!("#recon-items tr[data-id='{id}'][data-state='{state}']")).await;
}

async fn item_rows(desktop: &Desktop) -> usize {
    desktop.driver().find_all(By::Css("#recon-items tbody tr[data-id]")).await.map(|r| r.len()).unwrap_or(0)
}

async fn wait_rows(desktop: &Desktop, count: usize) {
    let started = Instant::now();
    while item_rows(desktop).await != count {
        assert!(started.elapsed() < Duration::from_secs(20), "the list never showed {count} rows");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Starts a run from the app and waits for it to end.
async fn run_day(desktop: &Desktop) {
    click(desktop, "#recon-run").await;
    let started = Instant::now();
    loop {
        let progress = css(desktop, "#recon-progress").await.text().await.unwrap_or_default();
        if progress.contains("对账完成") {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the run did not end: {progress:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
#[ignore = "needs the desktop app, PostgreSQL and the platform: scripts/test.sh runs it under Xvfb"]
async fn finance_reviews_a_day_in_the_app() {
    let platform = Platform::start("review", 40);
    let day = busy_day(&platform);
    sandbox_bills(&platform, &day);
    let counter = Counter::register(&platform, &platform.https(), "财务科电脑");
    // Each export pauses 2.5 s at its start (fault injection), long enough to cancel one.
    let desktop =
        Desktop::start_with(counter.dir.path(), &[("CASHIER_DEMO", "0"), ("CASHIER_EXPORT_PAUSE_MS", "2500")]).await;
    desktop.log_in("finance").await;
    desktop.wait_text("link-status", |t| t == "在线").await;

    desktop.press(F8).await;
    desktop.find_id("recon-view").await;
    fill(&desktop, "recon-day", &day).await;
    click(&desktop, "#recon-load").await;
    run_day(&desktop).await;
    let wechat_row = css(&desktop, "#recon-batches tr[data-channel='wechat']").await;
    let shown = wechat_row.text().await.unwrap();
    assert!(shown.contains("已完成"), "{shown}");
    desktop.screenshot("recon-batches.png").await;
    let items = |channel: &str| {
        platform.sql(&format!(
            "SELECT class || '|' || id FROM recon_items WHERE day = '{day}' AND channel = '{channel}' ORDER BY class"
        ))
    };
    let wechat_items = items("wechat");
    let id_of =
        |class: &str| wechat_items.lines().find_map(|l| l.strip_prefix(&format!("{class}|"))).unwrap().to_owned();
    let (platform_only, channel_only) = (id_of("platform_only"), id_of("counterpart_only"));

    // Drill into WeChat, then narrow to 平台单边.
    click(&desktop, "#recon-batches tr[data-channel='wechat'] td:first-child").await;
    wait_rows(&desktop, 3).await;
    fill(&desktop, "filter-class", "platform_only").await;
    wait_rows(&desktop, 1).await;
    click(&desktop, &format!("#recon-items tr[data-id='{platform_only}'] .assign-cause")).await;
    desktop.find_id("cause-dialog").await;
    fill(&desktop, "cause-select", "platform_deposit/payment").await;
    click(&desktop, "#cause-confirm").await;
    let started = Instant::now();
    loop {
        let row = css(&desktop, &format!("#recon-items tr[data-id='{platform_only}']")).await;
        if row.text().await.unwrap_or_default().contains("平台-预交金") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the cause never showed");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    click(&desktop, &format!("#recon-items tr[data-id='{platform_only}'] .resolve-platform")).await;
    desktop.find_id("resolve-dialog").await;
    click(&desktop, "#resolve-confirm").await;
    desktop.wait_text("resolve-dialog", |t| t.contains("请填写处理说明")).await;
    fill(&desktop, "resolve-reason", "患者已办理退款，渠道次日入账").await;
    click(&desktop, "#resolve-confirm").await;
    wait_state(&desktop, &platform_only, "handled").await;

    // 以渠道为准: supplement the payment the platform missed; a supervisor approves it.
    fill(&desktop, "filter-class", "").await;
    wait_rows(&desktop, 3).await;
    click(&desktop, &format!("#recon-items tr[data-id='{channel_only}'] .resolve-channel")).await;
    desktop.find_id("resolve-dialog").await;
    fill(&desktop, "correction-select", "supplement").await;
    fill(&desktop, "resolve-reason", "渠道流水确有此笔，平台漏记").await;
    click(&desktop, "#resolve-confirm").await;
    wait_state(&desktop, &channel_only, "awaiting_approval").await;
    click(&desktop, &format!("#recon-items tr[data-id='{channel_only}'] .decide")).await;
    desktop.find_id("decide-dialog").await;
    fill(&desktop, "decide-supervisor", "supervisor").await;
    fill(&desktop, "decide-password", "wrong-password").await;
    click(&desktop, "#decide-approve").await;
    desktop.wait_text("decide-dialog", |t| t.contains("用户名或密码错误")).await;
    assert_eq!(platform.sql("SELECT count(*) FROM recon_adjustments"), "0", "a wrong password approves nothing");
    fill(&desktop, "decide-password", common::PASSWORD).await;
    fill(&desktop, "decide-note", "核对渠道流水无误").await;
    click(&desktop, "#decide-approve").await;
    wait_state(&desktop, &channel_only, "corrected").await;
    desktop.screenshot("recon-items.png").await;
    let approved = platform.sql("SELECT requested_by || '/' || approved_by FROM recon_adjustments");
    assert_eq!(approved, "finance/supervisor");
    let supervisor_sessions = platform.sql("SELECT count(*) FROM sessions WHERE username = 'supervisor'");
    assert_eq!(supervisor_sessions, "0", "the approval's session ended with the approval");

    // An export shows its progress and can be cancelled: nothing is saved.
    click(&desktop, "#recon-export").await;
    desktop.wait_text("recon-notice", |t| t.contains("可取消")).await;
    click(&desktop, "#recon-export-cancel").await;
    desktop.wait_text("recon-notice", |t| t.contains("已取消导出")).await;
    let saved: Vec<_> = std::fs::read_dir(counter.dir.path().join("exports"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert!(!saved.iter().any(|n| n.contains("对账差异")), "a cancelled export saved {saved:?}");

    // Export what is shown (WeChat, every class): three rows, read back.
    click(&desktop, "#recon-export").await;
    let notice = desktop.wait_text("recon-notice", |t| t.contains("已导出")).await;
    let path = notice.split('：').next_back().unwrap().trim().to_owned();
    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<String> =
        sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
    let data: Vec<&String> = rows.iter().filter(|r| r.starts_with("微信|")).collect();
    assert_eq!(data.len(), 3, "{rows:?}");
    assert!(data.iter().any(|r| r.contains("已更正")), "{rows:?}");

    // The original WeChat bill, byte for byte.
    click(&desktop, "#recon-batches tr[data-channel='wechat'] .download-statement").await;
    let notice = desktop.wait_text("recon-notice", |t| t.contains("已保存")).await;
    let saved = notice.split('：').next_back().unwrap().trim().to_owned();
    let original = std::fs::read(platform.statements.path().join(&day).join("wechat.csv")).unwrap();
    assert_eq!(std::fs::read(&saved).unwrap(), original, "{saved}");

    // The batch's result and single-sided reports as a PDF.
    click(&desktop, "#recon-batches tr[data-channel='wechat'] .download-report-pdf").await;
    let notice = desktop.wait_text("recon-notice", |t| t.contains("已保存") && t.contains("对账报表")).await;
    let pdf = notice.split('：').next_back().unwrap().trim().to_owned();
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext is installed");
    let words = text(&out.stdout);
    for expected in ["对账结果", "平台多出", "渠道多出", &day] {
        assert!(words.contains(expected), "{expected} missing from {pdf}");
    }

    // The next run takes the supplement in: the WeChat-only entry is gone.
    // The progress line may still say 对账完成 from the first run: wait for the result itself.
    let finished =
        platform.sql(&format!("SELECT finished_at FROM recon_batches WHERE day = '{day}' AND channel = 'wechat'"));
    run_day(&desktop).await;
    let started = Instant::now();
    while platform.sql(&format!("SELECT finished_at FROM recon_batches WHERE day = '{day}' AND channel = 'wechat'"))
        == finished
    {
        assert!(started.elapsed() < Duration::from_secs(30), "the second run did not finish");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let after = items("wechat");
    assert!(!after.contains(&channel_only), "{after}");
    assert!(after.contains(&platform_only), "{after}");
    wait_rows(&desktop, 2).await;
    desktop.screenshot("recon-rerun.png").await;
    desktop.quit().await;
    let out =
        Command::new(platform_bin()).args(["audit", "verify"]).env("DATABASE_URL", &platform.url).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}
