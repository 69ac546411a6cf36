//! Paper and the day's check at the platform, over real HTTPS against the real platform on
//! PostgreSQL with its sandbox fiscal platform on a register file shared with the kiosk command:
//! a kiosk prints an invoice on its own paper, every counter learns it through the feed, a
//! cashier voids it at the window (audited) before the recall can reverse the invoice, and it
//! shows in the kiosk report (JSON, PDF, XLSX); a window's paper copy at a linked counter goes
//! through the platform; the day's invoice check finds and fixes what only one side holds. Run
//! by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;
mod invoice_support;

use std::time::Duration;

use common::{Counter, Platform, runtime, text, token_at};
use invoice_support::{invoices, recall, until_status};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// `platform sandbox-kiosk ARGS…` against `platform`'s database and fiscal register.
fn kiosk(platform: &Platform, register: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(common::platform_bin())
        .arg("sandbox-kiosk")
        .args(args)
        .env("DATABASE_URL", &platform.url)
        .env("PLATFORM_FISCAL_REGISTER", register)
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_kiosk_paper_copy_is_voided_at_the_window_and_reported() {
    let mut platform = Platform::start("inv_kiosk", 40);
    let register = platform.certs.path().join("fiscal.jsonl");
    platform.serve_env = vec![("PLATFORM_FISCAL_REGISTER".into(), register.display().to_string())];
    platform.restart();
    let a = Counter::register(&platform, &platform.https(), "窗口票K");
    let b = Counter::register(&platform, &platform.https(), "窗口票L");
    a.drain("cashier");
    b.drain("cashier");
    let ready = a.ready_self_pay();
    let (at_kiosk, at_window) = (&ready[0], &ready[1]);
    for case_no in [at_kiosk, at_window] {
        let out = a.settle("cashier", case_no);
        assert!(out.status.success(), "settle: {}", text(&out.stderr));
    }
    let invoice = until_status(&a, at_kiosk, "issued").remove(0);
    until_status(&a, at_window, "issued");

    // The kiosk prints the patient's invoice on its own paper.
    let out = kiosk(&platform, &register, &["print", invoice["number"].as_str().unwrap(), "--kiosk", "自助机1"]);
    assert!(!out.status.success(), "a kiosk without paper cannot print");
    assert!(text(&out.stderr).contains("PAPER_NO_STOCK"), "{}", text(&out.stderr));
    let out =
        kiosk(&platform, &register, &["receive", "--kiosk", "自助机1", "--prefix", "KS", "--from", "1", "--to", "100"]);
    assert!(out.status.success(), "receive: {}", text(&out.stderr));
    let out = kiosk(
        &platform,
        &register,
        &["receive", "--kiosk", "自助机2", "--prefix", "KS", "--from", "100", "--to", "200"],
    );
    assert!(!out.status.success() && text(&out.stderr).contains("重叠"), "{}", text(&out.stderr));
    let out = kiosk(&platform, &register, &["print", invoice["number"].as_str().unwrap(), "--kiosk", "自助机1"]);
    assert!(out.status.success(), "kiosk print: {}", text(&out.stderr));

    // Counter B learns it through the feed; the recall waits for the paper copy to be voided.
    b.drain("cashier");
    let shown = invoices(&b, at_kiosk);
    assert_eq!(shown[0]["paper"], json!([{"number": "KS00000001", "status": "valid", "printed_by": "自助机1"}]));
    let refused = b
        .command(&["recall", at_kiosk, "--kind", "settlement", "--reason", "退费", "--approver", "supervisor"])
        .env("CASHIER_APPROVER_PASSWORD", common::PASSWORD)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("KS00000001"), "{}", text(&refused.stderr));
    let void = b.run(&["invoice", "void-paper", "KS00000001", "--reason", "患者要求退费"]);
    assert!(void.status.success(), "void: {}", text(&void.stderr));
    let voided: Value = serde_json::from_slice(&void.stdout).unwrap();
    assert_eq!((voided["kiosk"].as_bool(), voided["printed_by"].as_str()), (Some(true), Some("自助机1")));
    let again = b.run(&["invoice", "void-paper", "KS00000001", "--reason", "再次"]);
    assert!(text(&again.stderr).contains("PAPER_ALREADY_VOID"), "{}", text(&again.stderr));
    assert_eq!(
        platform.sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.paper_void'").trim(),
        "1",
        "the void is audited at the platform"
    );
    recall(&b, at_kiosk);
    until_status(&b, at_kiosk, "reversed");

    // A window's own paper copy at a linked counter goes through the platform.
    let out = a.run(&["stock", "receive", "--kind", "invoice", "--prefix", "CK", "--from", "1", "--to", "20"]);
    assert!(out.status.success(), "stock: {}", text(&out.stderr));
    let out = a.run(&["invoice", "paper", at_window]);
    assert!(out.status.success(), "paper: {}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["paper_no"], "CK00000001");
    b.drain("cashier");
    assert_eq!(invoices(&b, at_window)[0]["paper"][0]["number"], "CK00000001");

    // The kiosk report at counter A: one kiosk copy, voided; the window's copy is not in it.
    a.drain("cashier");
    let day = platform.sql("SELECT to_char(at, 'YYYY-MM-DD') FROM invoice_events WHERE kind = 'paper_printed' LIMIT 1");
    let pdf = a.dir.path().join("kiosk.pdf");
    let xlsx = a.dir.path().join("kiosk.xlsx");
    let out = a.run(&[
        "report",
        "kiosk-invoices",
        "--date",
        day.trim(),
        "--json",
        "--pdf",
        pdf.to_str().unwrap(),
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "report: {}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["count"].as_u64(), report["voided"].as_u64()), (Some(0), Some(1)), "{report}");
    assert_eq!(report["kiosks"][0]["kiosk"], "自助机1");
    assert_eq!(report["kiosks"][0]["lines"][0]["void_reason"], "患者要求退费");
    assert_eq!(report["kiosks"][0]["lines"][0]["invoice_no"], invoice["number"]);
    let text = std::process::Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for expected in ["自助机1", "KS00000001", "已作废（王丽", "作废 1"] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    assert!(cells.iter().any(|c| c == "KS00000001"), "{cells:?}");
}

/// An invoice the fiscal platform issues for a business number the platform never saw (as if a
/// lost settlement had been invoiced), written to the sandbox's register the server shares.
fn fiscal_only_invoice(register: &std::path::Path) -> Uuid {
    use domain::invoice::{InvoiceAmounts, PayChannel};
    let sandbox = std::sync::Arc::new(fiscal::SandboxFiscal::demo_on_file(register, Duration::ZERO).unwrap());
    let total = domain::Money::parse("88.00").unwrap();
    let bus_no = Uuid::now_v7();
    let request = fiscal::InvoiceRequest {
        bus_no,
        settlement_no: "JSX".into(),
        payer: "外来".into(),
        resident_id: String::new(),
        case_no: "X".into(),
        admitted_on: chrono::Local::now().date_naive(),
        discharged_on: None,
        at: chrono::Local::now().naive_local(),
        place: "收费窗口".into(),
        hospital: "演示".into(),
        cashier: "某人".into(),
        amounts: InvoiceAmounts {
            total,
            charges: vec![(domain::FeeCategory::Drug, total)],
            channels: vec![(PayChannel::Tender(domain::Tender::Cash), total)],
            insurance_fund: domain::Money::ZERO,
            personal_account: domain::Money::ZERO,
            self_paid: total,
            deposits_used: domain::Money::ZERO,
        },
    };
    runtime().block_on(async { fiscal::FiscalPlatform::issue(&sandbox.adapter(), &request).await.unwrap() });
    bus_no
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn the_days_invoice_check_finds_and_fixes_both_sides() {
    let mut platform = Platform::start("inv_check", 40);
    let register = platform.certs.path().join("fiscal.jsonl");
    platform.serve_env = vec![("PLATFORM_FISCAL_REGISTER".into(), register.display().to_string())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口对票");
    counter.drain("cashier");
    let ready = counter.ready_self_pay();
    for case_no in &ready[..2] {
        let out = counter.settle("cashier", case_no);
        assert!(out.status.success(), "settle: {}", text(&out.stderr));
    }
    until_status(&counter, &ready[0], "issued");
    until_status(&counter, &ready[1], "issued");
    recall(&counter, &ready[1]);
    until_status(&counter, &ready[1], "reversed");
    let stray = fiscal_only_invoice(&register);
    let day = platform.sql("SELECT to_char(max(at), 'YYYY-MM-DD') FROM invoice_events").trim().to_owned();

    let c = platform.client();
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let path = format!("/api/v1/invoices/check?day={day}");
        let (status, check) = c.raw(Method::GET, &path, Some(&finance), None).await.unwrap();
        assert_eq!(status, 200, "{check}");
        // Two issued and one reversed: 1 on the platform; the fiscal platform also has the stray.
        assert_eq!((check["platform_count"].as_i64(), check["fiscal_count"].as_i64()), (Some(1), Some(2)), "{check}");
        let differences = check["differences"].as_array().unwrap();
        assert_eq!(differences.len(), 1, "{check}");
        assert_eq!(
            (
                differences[0]["side"].as_str(),
                differences[0]["fix"].as_str(),
                differences[0]["line"]["bus_no"].as_str()
            ),
            (Some("fiscal_only"), Some("reverse"), Some(stray.to_string().as_str()))
        );
        let cashier = token_at(&c, &counter, "cashier").await;
        let (status, _) = c.raw(Method::GET, &path, Some(&cashier), None).await.unwrap();
        assert_eq!(status, 403, "a cashier does not check the day");
        let fix = serde_json::to_vec(&json!({"day": day, "bus_no": stray})).unwrap();
        let (status, after) =
            c.raw(Method::POST, "/api/v1/invoices/check/fix", Some(&finance), Some(fix)).await.unwrap();
        assert_eq!(status, 200, "{after}");
        assert_eq!(after["differences"], json!([]), "the stray is reversed at the fiscal platform: {after}");
        assert_eq!(after["fiscal_count"], 1);
    });
    assert_eq!(platform.sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.check_reverse'").trim(), "1");

    // The fiscal platform loses its register: the platform's invoices show as its own only, and
    // the fix issues them again there — the platform's record is unchanged.
    let lost = platform.certs.path().join("fiscal-lost.jsonl");
    platform.serve_env = vec![("PLATFORM_FISCAL_REGISTER".into(), lost.display().to_string())];
    platform.restart();
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let (_, check) =
            c.raw(Method::GET, &format!("/api/v1/invoices/check?day={day}"), Some(&finance), None).await.unwrap();
        let fixes: Vec<&str> =
            check["differences"].as_array().unwrap().iter().map(|d| d["fix"].as_str().unwrap()).collect();
        assert_eq!(fixes, ["reissue", "reissue", "reverse"], "{check}");
        let first = check["differences"][0]["line"]["bus_no"].clone();
        let fix = serde_json::to_vec(&json!({"day": day, "bus_no": first})).unwrap();
        let (status, after) =
            c.raw(Method::POST, "/api/v1/invoices/check/fix", Some(&finance), Some(fix)).await.unwrap();
        assert_eq!(status, 200, "{after}");
        assert_eq!(after["differences"].as_array().unwrap().len(), 2, "{after}");
    });
    assert_eq!(platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'issued'").trim(), "2");
}
