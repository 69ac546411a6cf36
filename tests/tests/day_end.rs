//! 日结 (F10) through the real desktop app on a stand-alone demo counter: the cashier previews
//! the close (every figure, the identities, 应缴现金 in 大写), confirms it with Enter and its
//! 收费员日报 is printed; finance then collects it in 缴款确认, counting the cash note by note,
//! and the 缴款收据 is printed; the month's 住院月报 shows its chart. Each step is compared with
//! what the counter's store holds, and screenshots are kept.

use std::time::{Duration, Instant};

use contract::close::CloseRequest;
use e2e::{Desktop, ENTER, seed_time, seeded_data_dir, store_app};
use thirtyfour::By;

/// Keys as WebDriver encodes them.
const F10: &str = "\u{E03A}";
const ALT: &str = "\u{E00A}";
const NULL: &str = "\u{E000}";

fn pdftotext(path: &str) -> String {
    let out = std::process::Command::new("pdftotext").arg("-layout").arg(path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext {path}");
    String::from_utf8(out.stdout).unwrap()
}

/// Waits until the text of `css` satisfies `accept`; on a timeout keeps the screen.
async fn wait_css(desktop: &Desktop, css: &str, accept: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let found = desktop.driver().find_all(By::Css(css)).await.unwrap_or_default();
        let text = match found.first() {
            Some(el) => el.text().await.unwrap_or_default(),
            None => String::new(),
        };
        if accept(&text) {
            return text;
        }
        if started.elapsed() > Duration::from_secs(20) {
            desktop.screenshot("day-end-failed.png").await;
            let notice = desktop.find_id("notice").await.text().await.unwrap_or_default();
            panic!("{css} never showed the expected text; last: {text:?}\nstatus line: {notice}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The cash as notes and coins, largest first (greedy), as finance would count it.
fn notes(fen: i64) -> Vec<(String, i64)> {
    let mut left = fen;
    let mut out = Vec::new();
    for face in domain::hand_in::DENOMINATIONS_FEN {
        let n = left / face;
        if n > 0 {
            out.push((domain::Money::from_fen(face).unwrap().to_string(), n));
            left -= n * face;
        }
    }
    assert_eq!(left, 0, "every amount is counted in notes down to 1 jiao");
    out
}

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn a_close_its_hand_in_and_the_month() {
    let dir = seeded_data_dir(20).await;
    // What the store says the cashier's close holds (the desktop closes up to now; every record
    // lies before the seed time).
    let app = store_app(dir.path()).await;
    let cashier = app.console_operator("cashier").await.unwrap();
    let expected = app
        .preview_close(&cashier, &CloseRequest { key: app.operation_key(), until: None, cashier: None })
        .await
        .unwrap();
    app.store().close().await;
    let cash = expected.cash_to_hand_in.to_string();

    let desktop = Desktop::start(dir.path()).await;
    desktop.log_in("cashier").await;
    desktop.press(F10).await;
    let shown = wait_css(&desktop, "#close-cash", |t| t.contains("应缴现金")).await;
    assert!(shown.contains(&cash) && shown.contains(&expected.cash_to_hand_in_words), "{shown}");
    let identities = wait_css(&desktop, "#close-identities", |t| t.contains("日结累计恒等式")).await;
    assert!(!identities.contains("不成立"), "{identities}");
    desktop.screenshot("day-end-preview.png").await;
    desktop.wait_focus("close-confirm").await;
    desktop.press(ENTER).await;
    let result = wait_css(&desktop, "#close-result", |t| t.contains("已日结")).await;
    let close_no =
        result.split_whitespace().find(|w| w.starts_with("RJ")).unwrap().split('：').next().unwrap().to_owned();
    let printed = wait_css(&desktop, "#notice", |t| t.contains("收费员日报已打印")).await;
    desktop.screenshot("day-end-closed.png").await;
    let pdf = printed.split('（').nth(1).unwrap().trim_end_matches('）').to_owned();
    let text = pdftotext(&pdf);
    assert!(text.contains("收费员日报") && text.contains(&close_no) && text.contains("收费员签字"), "{text}");
    desktop.quit().await;

    // The store holds the close with the figures the screen showed.
    let app = store_app(dir.path()).await;
    let finance_op = app.console_operator("finance").await.unwrap();
    let stored = app.close_by_no(&finance_op, &close_no).await.unwrap();
    assert_eq!(stored.cash_to_hand_in, expected.cash_to_hand_in);
    assert_eq!(stored.net, expected.net);
    app.store().close().await;

    // Finance collects it, counting the cash note by note.
    let desktop = Desktop::start(dir.path()).await;
    desktop.log_in("finance").await;
    desktop.press(F10).await;
    let row = wait_css(&desktop, &format!("tr[data-close='{close_no}']"), |t| t.contains(&close_no)).await;
    assert!(row.contains(&cash), "{row}");
    // Ticked from the keyboard: the box, then Space.
    desktop.find_id(&format!("hand-in-pick-{close_no}")).await.send_keys(" ").await.unwrap();
    for (face, pieces) in notes(expected.cash_to_hand_in.money().fen()) {
        desktop.find_id(&format!("hand-in-d-{face}")).await.send_keys(pieces.to_string()).await.unwrap();
    }
    let totals = wait_css(&desktop, "#hand-in-totals", |t| t.contains(&format!("点钞合计 {cash}"))).await;
    assert!(totals.contains(&format!("应缴现金 {cash}")), "{totals}");
    let cheques: domain::Money = expected.cheques.iter().map(|c| c.amount.money()).sum();
    if !cheques.is_zero() {
        // The cheques go to the bank separately: the difference is explained.
        desktop.find_id("hand-in-reason").await.send_keys("支票另行缴存银行").await.unwrap();
    }
    desktop.screenshot("day-end-hand-in.png").await;
    desktop.click_id("hand-in-confirm").await;
    let receipt = wait_css(&desktop, "#hand-in-result", |t| t.contains("JK")).await;
    let expected_label = if cheques.is_zero() { "无差额" } else { "短款" };
    assert!(receipt.contains(expected_label), "{receipt}");
    wait_css(&desktop, "#notice", |t| t.contains("缴款收据已打印")).await;
    wait_css(&desktop, "#hand-in-none", |t| t.contains("没有待缴款的日结")).await;
    desktop.screenshot("day-end-collected.png").await;

    // The month, with its chart.
    desktop.press(&format!("{ALT}b{NULL}")).await;
    let period = desktop.find_id("report-period").await;
    period.clear().await.unwrap();
    period.send_keys("2026-11").await.unwrap();
    desktop.click_id("report-query").await;
    let summary = wait_css(&desktop, "#report-summary", |t| t.contains("住院月报")).await;
    assert!(summary.contains("全部成立"), "{summary}");
    let bars = desktop.driver().find_all(By::Css("#report-chart g.chart-day")).await.unwrap();
    assert_eq!(bars.len(), 30, "a bar for each day of November");
    desktop.screenshot("day-end-month.png").await;
    desktop.quit().await;

    let app = store_app(dir.path()).await;
    let finance_op = app.console_operator("finance").await.unwrap();
    assert_eq!(app.close_by_no(&finance_op, &close_no).await.unwrap().status, "collected");
    let _ = seed_time();
}
