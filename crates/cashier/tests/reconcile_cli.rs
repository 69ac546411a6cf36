//! `cashier statement check` and `cashier reconcile` as finance scripts call them: the JSON
//! figures, the refusals of bad files, a day run twice, and the reports read back.

use std::process::{Command, Output};

fn cashier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cashier")).args(args).output().expect("the cashier binary runs")
}

fn fixture(name: &str) -> String {
    format!("{}/../statements/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn a_wechat_bill_is_counted_and_its_summary_agrees() {
    let v = json(&cashier(&["statement", "check", "--channel", "wechat", &fixture("wechat_all.csv")]));
    assert_eq!(v["rows"], 4);
    assert_eq!(v["payments"], 3);
    assert_eq!(v["refunds"], 1);
    assert_eq!(v["payment_amount"], "1580.50");
    assert_eq!(v["refund_amount"], "80.00");
    assert_eq!(v["summary_agreed"], true);
    // The gzip copy is the same bill.
    let gz = json(&cashier(&["statement", "check", "--channel", "wechat", &fixture("wechat_all.csv.gz")]));
    assert_eq!(gz["payment_amount"], v["payment_amount"]);
}

#[test]
fn a_bad_statement_exits_non_zero_naming_the_file_and_the_problem() {
    for (channel, file, code) in [
        ("alipay", "bad/alipay_truncated.zip", "STATEMENT_TRUNCATED"),
        ("alipay", "bad/alipay_duplicate.zip", "DUPLICATE"),
        ("wechat", "his.csv", ""),
    ] {
        let out = cashier(&["statement", "check", "--channel", channel, &fixture(file)]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file} was accepted");
        assert!(out.stdout.is_empty(), "{file} printed figures: {}", String::from_utf8_lossy(&out.stdout));
        assert!(err.contains(file.rsplit('/').next().unwrap()), "{file}: {err}");
        assert!(err.contains(code), "{file}: {err}");
    }
}

#[test]
fn a_day_reconciled_twice_gives_the_same_result_and_its_reports_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("result.xlsx");
    let pdf = dir.path().join("result.pdf");
    let run = |extra: &[&str]| {
        let mut args = vec!["reconcile", "--date", "2024-03-01", "--channel", "wechat", "--json"];
        let (platform, statement) = (fixture("ledger.csv"), fixture("wechat_all.csv"));
        args.extend(["--platform", &platform, "--statement", &statement]);
        args.extend(extra);
        json(&cashier(&args))
    };
    let first = run(&["--xlsx", xlsx.to_str().unwrap(), "--pdf", pdf.to_str().unwrap()]);
    let second = run(&[]);
    for field in [
        "matched",
        "matched_amount",
        "platform_only",
        "channel_only",
        "amount_mismatch",
        "status_mismatch",
        "fee_mismatch",
        "cross_day_deferred",
    ] {
        assert!(!first[field].is_null(), "missing {field}");
        assert_eq!(first[field], second[field], "{field} changed on the second run");
    }
    assert_eq!(first["matched"], 3);
    assert_eq!(first["matched_amount"], "1500.00");
    assert_eq!(first["channel_only"], 1);
    assert_eq!(first["channel_only_entries"][0]["order_no"], "P20240301000003");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("the workbook opens");
    let sheets = calamine::Reader::sheet_names(&book);
    assert!(sheets.len() >= 2, "{sheets:?}");
    let found = sheets.iter().any(|name| {
        let range = calamine::Reader::worksheet_range(&mut book, name).unwrap();
        range.rows().flatten().any(|cell| matches!(cell, calamine::Data::String(s) if s == "P20240301000003"))
    });
    assert!(found, "the single-sided entry is not in the workbook");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("P20240301000003"), "the single-sided entry is not in the PDF: {text}");
}
