//! 票据 (F3) through the real desktop app at a counter linked to the real platform, whose sandbox
//! fiscal platform a kiosk shares (`platform sandbox-kiosk`, one register file): a self-pay
//! settlement's e-invoice shows 已开具 once the platform issued it; the kiosk prints it on its own
//! paper and the copy reaches the window through the feed; the recall is refused naming that
//! paper number and offers the void step with it filled in; the cashier voids the kiosk's copy by
//! typing its number as a scanner does (number, Enter, reason, Enter, Enter), the recall goes
//! through and the invoice shows 已冲红; at the window the cashier receives a range of paper,
//! writes two numbers off, prints a paper copy and reprints it (the confirmation naming the number
//! it voids) and prints the invoice's layout file, read back with pdftotext; finance reads the
//! voided kiosk copy in 自助机报表. Each step is compared with what the counter's store (`cashier
//! invoice show`, `cashier report kiosk-invoices`) and the platform hold. Needs
//! `CASHIER_TEST_PG`, the platform and cashier binaries and the desktop app (scripts/test.sh).

#[path = "../../crates/cashier/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Counter, PASSWORD, Platform, text};
use e2e::{Desktop, ENTER, ESCAPE, F11};
use serde_json::Value;
use thirtyfour::By;

/// Keys as WebDriver encodes them.
const F3: &str = "\u{E033}";
const ALT: &str = "\u{E00A}";
const NULL: &str = "\u{E000}";
const KIOSK_PAPER: &str = "KS00000001";

/// `platform sandbox-kiosk ARGS…` against `platform`'s database and fiscal register.
fn kiosk(platform: &Platform, register: &Path, args: &[&str]) -> Output {
    Command::new(common::platform_bin())
        .arg("sandbox-kiosk")
        .args(args)
        .env("DATABASE_URL", &platform.url)
        .env("PLATFORM_FISCAL_REGISTER", register)
        .output()
        .expect("the platform binary runs")
}

fn pdftotext(path: &str) -> String {
    let out = Command::new("pdftotext").arg("-layout").arg(path).arg("-").output().expect("pdftotext is installed");
    assert!(out.status.success(), "pdftotext {path}");
    String::from_utf8(out.stdout).unwrap()
}

/// The counter's invoices of `case_no`, as its store holds them (`cashier invoice show`).
fn invoices(counter: &Counter, case_no: &str) -> Vec<Value> {
    let out = counter.run(&["invoice", "show", case_no, "--json"]);
    assert!(out.status.success(), "invoice show: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Waits up to `within` until the text of the element `css` selects satisfies `accept`; on a
/// timeout the screen is kept and the open dialog's text quoted.
async fn wait_css(desktop: &Desktop, css: &str, within: Duration, accept: impl Fn(&str) -> bool) -> String {
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
        if started.elapsed() > within {
            desktop.screenshot("invoices-failed.png").await;
            let modal = desktop.driver().find_all(By::Css(".modal")).await.unwrap_or_default();
            let said = match modal.first() {
                Some(m) => m.text().await.unwrap_or_default(),
                None => String::new(),
            };
            let notice = desktop.find_id("notice").await.text().await.unwrap_or_default();
            panic!("{css} never showed the expected text; last: {text:?}\nstatus line: {notice}\ndialog:\n{said}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn wait_id(desktop: &Desktop, id: &str, accept: impl Fn(&str) -> bool) -> String {
    wait_css(desktop, &format!("#{id}"), Duration::from_secs(30), accept).await
}

/// Waits for what comes through the platform (a push, the platform's work, the next pull).
async fn wait_feed(desktop: &Desktop, id: &str, accept: impl Fn(&str) -> bool) -> String {
    wait_css(desktop, &format!("#{id}"), Duration::from_secs(90), accept).await
}

async fn click(desktop: &Desktop, id: &str) {
    desktop.find_id(id).await.click().await.unwrap_or_else(|e| panic!("#{id} could not be clicked: {e}"));
}

async fn type_into(desktop: &Desktop, id: &str, text: &str) {
    let field = desktop.find_id(id).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn value_of(desktop: &Desktop, id: &str) -> String {
    desktop.find_id(id).await.prop("value").await.unwrap().unwrap_or_default()
}

async fn wait_enabled(desktop: &Desktop, id: &str) {
    let started = Instant::now();
    while !desktop.find_id(id).await.is_enabled().await.unwrap() {
        assert!(started.elapsed() < Duration::from_secs(20), "#{id} never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until no dialog is open (the desk's search box has the keyboard again).
async fn wait_closed(desktop: &Desktop) {
    let started = Instant::now();
    while !desktop.driver().find_all(By::Css(".modal")).await.unwrap().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the dialog did not close");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desktop.wait_focus("search-input").await;
}

async fn wait_online(desktop: &Desktop) {
    wait_css(desktop, "#link-status", Duration::from_secs(30), |t| t == "在线").await;
}

/// F11 with the reason and the supervisor's credentials typed, confirmed.
async fn recall(desktop: &Desktop) {
    desktop.press(F11).await;
    desktop.find_id("recall-reason").await;
    // Typed until the form holds it: once (under a full test run's load) the reason typed right
    // after the dialog opened was gone when the recall was confirmed.
    let fields =
        [("recall-reason", "患者要求退费"), ("approval-username", "supervisor"), ("approval-password", PASSWORD)];
    for attempt in 0.. {
        for (id, text) in fields {
            type_into(desktop, id, text).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut held = true;
        for (id, text) in fields {
            held &= value_of(desktop, id).await == text;
        }
        if held {
            break;
        }
        assert!(attempt < 3, "the recall form does not keep what is typed");
    }
    click(desktop, "recall-confirm").await;
}

#[tokio::test]
#[ignore = "needs the desktop app, PostgreSQL and the platform: scripts/test.sh runs it under Xvfb"]
async fn invoices_paper_copies_the_kiosk_and_its_report_through_the_desktop() {
    let mut platform = Platform::start("desk_inv", 40);
    let register = platform.certs.path().join("fiscal.jsonl");
    platform.serve_env = vec![("PLATFORM_FISCAL_REGISTER".into(), register.display().to_string())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "一楼收费窗口1");
    counter.drain("cashier");
    // `ready_self_pay` runs its own runtime: off this test's one.
    let ready = std::thread::scope(|s| s.spawn(|| counter.ready_self_pay()).join().expect("the store reads"));
    let (at_kiosk, at_window) = (ready[0].clone(), ready[1].clone());
    for case_no in [&at_kiosk, &at_window] {
        let out = counter.settle("cashier", case_no);
        assert!(out.status.success(), "settle {case_no}: {}", text(&out.stderr));
    }

    // The app pushes the settlements; the platform invoices them; the feed brings the invoices.
    let desktop = Desktop::start_with(counter.dir.path(), &[("CASHIER_DEMO", "0")]).await;
    desktop.log_in("cashier").await;
    wait_online(&desktop).await;
    desktop.scan(&at_kiosk).await;
    desktop.press(F3).await;
    wait_feed(&desktop, "invoice-list", |t| t.contains("已开具")).await;
    desktop.screenshot("invoices-issued.png").await;
    let invoice = invoices(&counter, &at_kiosk).remove(0);
    assert_eq!(invoice["status"], "issued");
    let number = invoice["number"].as_str().unwrap().to_owned();
    let shown = wait_id(&desktop, "invoice-list", |t| t.contains(number.as_str())).await;
    assert!(shown.contains(invoice["check_code"].as_str().unwrap()), "{shown}");

    // The kiosk prints it on its own paper; the window learns the copy through the feed.
    let out =
        kiosk(&platform, &register, &["receive", "--kiosk", "自助机1", "--prefix", "KS", "--from", "1", "--to", "100"]);
    assert!(out.status.success(), "kiosk receive: {}", text(&out.stderr));
    let out = kiosk(&platform, &register, &["print", &number, "--kiosk", "自助机1"]);
    assert!(out.status.success(), "kiosk print: {}", text(&out.stderr));
    wait_feed(&desktop, "invoice-list", |t| t.contains(&format!("{KIOSK_PAPER}（自助机1，有效）"))).await;
    desktop.screenshot("invoices-kiosk-copy.png").await;
    desktop.press(ESCAPE).await;
    wait_closed(&desktop).await;

    // The recall is refused while the kiosk's copy is valid, naming it; the dialog offers the
    // void step with the number filled in.
    recall(&desktop).await;
    let refused = wait_css(&desktop, "#recall-dialog .dialog-error", Duration::from_secs(30), |t| !t.is_empty()).await;
    assert!(refused.contains(KIOSK_PAPER) && refused.contains("INVOICE_PAPER_VALID"), "{refused}");
    desktop.screenshot("invoices-recall-refused.png").await;
    click(&desktop, "recall-void-paper").await;
    desktop.find_id("paper-void-reason").await;
    assert_eq!(value_of(&desktop, "paper-void-no").await, KIOSK_PAPER);
    desktop.screenshot("invoices-recall-void-step.png").await;
    desktop.wait_focus("paper-void-reason").await;
    desktop.press(ESCAPE).await;
    desktop.find_id("recall-confirm").await;
    desktop.wait_focus("recall-kind").await;
    desktop.press(ESCAPE).await;
    wait_closed(&desktop).await;

    // 作废纸质 in the 票据 area: the number scanned (typed, then Enter), the reason, Enter, Enter.
    desktop.press(F3).await;
    desktop.find_id("invoice-list").await;
    desktop.press(&format!("{ALT}v{NULL}")).await;
    desktop.wait_focus("paper-void-no").await;
    desktop.type_into_focus(&format!("{KIOSK_PAPER}{ENTER}")).await;
    desktop.wait_focus("paper-void-reason").await;
    desktop.type_into_focus(&format!("患者要求退费{ENTER}")).await;
    desktop.wait_focus("paper-void-confirm").await;
    desktop.press(ENTER).await;
    let voided = wait_id(&desktop, "paper-void-result", |t| t.contains("已作废")).await;
    assert!(voided.contains(KIOSK_PAPER) && voided.contains("自助机1") && voided.contains(&number), "{voided}");
    desktop.screenshot("invoices-kiosk-voided.png").await;
    let paper = &invoices(&counter, &at_kiosk)[0]["paper"];
    assert_eq!((paper[0]["number"].as_str(), paper[0]["status"].as_str()), (Some(KIOSK_PAPER), Some("void")));
    assert_eq!(platform.sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.paper_void'").trim(), "1");
    desktop.press(ESCAPE).await;
    wait_closed(&desktop).await;

    // Now the recall goes through; the platform reverses the invoice and the window shows it.
    recall(&desktop).await;
    wait_id(&desktop, "recall-result", |t| t.contains("已召回")).await;
    click(&desktop, "recall-done").await;
    wait_closed(&desktop).await;
    desktop.press(F3).await;
    wait_feed(&desktop, "invoice-list", |t| t.contains("已冲红")).await;
    desktop.screenshot("invoices-reversed.png").await;
    let reversed = invoices(&counter, &at_kiosk).remove(0);
    assert_eq!(reversed["status"], "reversed");
    let red = reversed["red_number"].as_str().expect("a red invoice number").to_owned();
    wait_id(&desktop, "invoice-list", |t| t.contains(&format!("红票 {red}"))).await;
    desktop.press(ESCAPE).await;
    wait_closed(&desktop).await;

    // At the window: paper received, two numbers written off, a copy printed and reprinted.
    desktop.scan(&at_window).await;
    desktop.press(F3).await;
    wait_feed(&desktop, "invoice-list", |t| t.contains("已开具")).await;
    desktop.press(&format!("{ALT}s{NULL}")).await;
    desktop.wait_focus("stock-prefix").await;
    wait_id(&desktop, "stock-ranges", |t| t == "未领用").await;
    type_into(&desktop, "stock-prefix", "CK").await;
    type_into(&desktop, "stock-from", "1").await;
    type_into(&desktop, "stock-to", "20").await;
    click(&desktop, "stock-receive").await;
    wait_id(&desktop, "stock-next", |t| t == "CK00000001").await;
    assert_eq!(wait_id(&desktop, "stock-left", |t| t == "20").await, "20");
    // The dialog puts the keyboard back on the prefix after a change; type once it has.
    desktop.wait_focus("stock-prefix").await;
    type_into(&desktop, "stock-from", "19").await;
    type_into(&desktop, "stock-to", "20").await;
    type_into(&desktop, "stock-reason", "受潮损毁").await;
    click(&desktop, "stock-write-off").await;
    wait_id(&desktop, "stock-written-off", |t| t == "2").await;
    wait_id(&desktop, "stock-left", |t| t == "18").await;
    desktop.screenshot("invoices-stock.png").await;

    desktop.press(&format!("{ALT}p{NULL}")).await;
    wait_id(&desktop, "paper-next", |t| t.contains("CK00000001")).await;
    wait_enabled(&desktop, "paper-print").await;
    click(&desktop, "paper-print").await;
    wait_id(&desktop, "paper-result", |t| t.contains("CK00000001")).await;
    wait_id(&desktop, "invoice-list", |t| t.contains("CK00000001（")).await;
    wait_id(&desktop, "paper-next", |t| t.contains("CK00000002")).await;
    desktop.screenshot("invoices-window-paper.png").await;
    wait_enabled(&desktop, "paper-reprint").await;
    click(&desktop, "paper-reprint").await;
    let confirm = wait_id(&desktop, "paper-reissue-confirmation", |t| t.contains("将作废纸质票据")).await;
    assert!(confirm.contains("将作废纸质票据 CK00000001") && confirm.contains("CK00000002"), "{confirm}");
    desktop.screenshot("invoices-reissue-confirm.png").await;
    click(&desktop, "paper-reissue-confirm").await;
    let reprinted = wait_id(&desktop, "paper-result", |t| t.contains("CK00000002")).await;
    assert!(reprinted.contains("已作废纸质票据 CK00000001"), "{reprinted}");
    desktop.screenshot("invoices-reissued.png").await;
    let copies: Vec<(String, String)> = invoices(&counter, &at_window)[0]["paper"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["number"].as_str().unwrap().to_owned(), p["status"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(copies, [("CK00000001".to_owned(), "void".to_owned()), ("CK00000002".to_owned(), "valid".to_owned())]);

    // 查看/打印: the invoice's layout file, saved (no printer here) and read back.
    click(&desktop, "invoice-print").await;
    let notice = wait_id(&desktop, "notice", |t| t.contains("电子票据（") && t.contains("已保存并打开：")).await;
    let path = notice.rsplit('：').next().unwrap().trim().to_owned();
    let layout = pdftotext(&path);
    let window_invoice = invoices(&counter, &at_window).remove(0);
    for expected in [window_invoice["number"].as_str().unwrap(), window_invoice["settlement_no"].as_str().unwrap()] {
        assert!(layout.contains(expected), "{expected} missing from the printed invoice:\n{layout}");
    }
    assert_eq!(platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'paper_printed'").trim(), "3");
    assert_eq!(platform.sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.paper_void'").trim(), "2");
    let stock = counter.run(&["stock", "show", "--kind", "invoice", "--as", "cashier"]);
    assert!(stock.status.success(), "stock show: {}", text(&stock.stderr));
    let stock: Value = serde_json::from_slice(&stock.stdout).unwrap();
    assert_eq!((stock["next"].as_str(), stock["left"].as_u64()), (Some("CK00000003"), Some(16)), "{stock}");
    desktop.press(ESCAPE).await;
    wait_closed(&desktop).await;

    // Finance reads the day's kiosk copies: the voided one, with who voided it and why.
    click(&desktop, "log-out").await;
    desktop.find_id("login-username").await;
    desktop.log_in("finance").await;
    desktop.press(F3).await;
    desktop.find_id("invoices-tab-kiosk").await;
    assert!(desktop.driver().find_all(By::Id("invoices-tab-void")).await.unwrap().is_empty(), "finance voids nothing");
    let day = platform.sql("SELECT to_char(min(at), 'YYYY-MM-DD') FROM invoice_events WHERE kind = 'paper_printed'");
    type_into(&desktop, "kiosk-day", day.trim()).await;
    click(&desktop, "kiosk-query").await;
    let report = wait_id(&desktop, "kiosk-report", |t| t.contains(KIOSK_PAPER)).await;
    assert!(report.contains("已作废（") && report.contains("患者要求退费") && report.contains(&number), "{report}");
    assert!(!report.contains("CK00000001"), "the window's copies are not the kiosks': {report}");
    let summary = wait_id(&desktop, "kiosk-summary", |t| t.contains(day.trim())).await;
    desktop.screenshot("invoices-kiosk-report.png").await;
    let out = counter.run(&["report", "kiosk-invoices", "--date", day.trim(), "--json"]);
    assert!(out.status.success(), "report: {}", text(&out.stderr));
    let stored: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((stored["count"].as_u64(), stored["voided"].as_u64()), (Some(0), Some(1)), "{stored}");
    let said = format!("有效 {} 张", stored["count"]);
    assert!(summary.contains(&said) && summary.contains("作废 1 张"), "{summary}");
    assert_eq!(stored["kiosks"][0]["lines"][0]["void_reason"], "患者要求退费");
    desktop.quit().await;
}
