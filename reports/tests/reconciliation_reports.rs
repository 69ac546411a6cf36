//! The reconciliation reports read back: the XLSX with calamine (sheet names, headers, numbers,
//! totals) and its raw XML (frozen header, filter, money format); the PDF with pdftotext
//! (Chinese headings, figures, causes, page numbers).
// Spreadsheet numbers come back from calamine as floats; they are compared as formatted text.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::float_cmp)]

use std::io::{Cursor, Read};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use domain::Money;
use reports::reconciliation::{
    CountAmount, DiscrepancyLine, MismatchFigures, ReconciliationReport, ResultLine, SingleSidedLine,
    reconciliation_pdf, reconciliation_xlsx, result_xlsx, single_sided_pdf, single_sided_xlsx,
    xlsx::CONSTANT_MEMORY_ROWS,
};

fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn ca(count: u64, amount: &str) -> CountAmount {
    CountAmount { count, amount: m(amount) }
}

fn line(label: &str, matched: CountAmount, platform: CountAmount, counterpart: CountAmount) -> ResultLine {
    ResultLine {
        label: label.to_owned(),
        matched,
        platform_only: platform,
        counterpart_only: counterpart,
        amount_mismatch: ca(1, "300.00"),
        status_mismatch: ca(0, "0.00"),
        fee_mismatch: ca(0, "0.00"),
        cross_day_deferred: ca(1, "66.60"),
    }
}

fn entry(i: usize, kind: &str, amount: &str) -> SingleSidedLine {
    SingleSidedLine {
        channel: "微信".into(),
        kind: kind.into(),
        status: "成功".into(),
        order_no: format!("P2024030100{i:04}"),
        third_party_no: format!("42000020240301{i:014}"),
        refund_no: if kind == "退款" { format!("R{i:06}") } else { String::new() },
        at: "2024-03-01 14:30:59".into(),
        day: "2024-03-01".into(),
        amount: m(amount),
        provider: "平台-微信".into(),
        cause: kind.into(),
    }
}

fn report(counterpart: &str, extra: usize) -> ReconciliationReport {
    let mut counterpart_extra = vec![entry(3, "支付", "0.50"), entry(4, "退款", "-80.00")];
    counterpart_extra.extend((0..extra).map(|i| entry(100 + i, "支付", "1.25")));
    ReconciliationReport {
        day: "2024-03-01".into(),
        scope: "平台与微信对账单".into(),
        counterpart: counterpart.into(),
        generated_at: "2024-03-02 08:30:00".into(),
        channels: vec![line("微信", ca(3, "1500.00"), ca(1, "20.00"), ca(2, "-79.50"))],
        total: line("合计", ca(3, "1500.00"), ca(1, "20.00"), ca(2, "-79.50")),
        figures: MismatchFigures {
            long: 1,
            short: 0,
            amount_difference: m("1.00"),
            cross_day_resolved: 0,
            void: 1,
            out_of_scope: 3,
            channel_fees: Some(m("9.00")),
        },
        discrepancies: vec![DiscrepancyLine {
            class: "金额不符".into(),
            channel: "微信".into(),
            kind: "支付".into(),
            order_no: "P20240301000002".into(),
            third_party_no: "4200002024030100000000000002".into(),
            refund_no: String::new(),
            platform_at: "2024-03-01 11:02:39".into(),
            platform_status: "成功".into(),
            counterpart_status: "成功".into(),
            platform_amount: m("300.00"),
            counterpart_amount: m("301.00"),
            difference: m("1.00"),
            direction: "长款".into(),
            counterpart_fee: "1.80600".into(),
        }],
        platform_extra: vec![entry(5, "支付", "20.00")],
        counterpart_extra,
    }
}

fn book(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX calamine can open")
}

/// A cell as text (a count reads `3`).
fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

/// A money cell as text with two decimals (`"1500.00"`); fails on a cell that is not a number.
fn amount(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => format!("{f:.2}"),
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

fn is_number(range: &calamine::Range<Data>, row: u32, col: u32) -> bool {
    matches!(range.get_value((row, col)), Some(Data::Float(_) | Data::Int(_)))
}

fn xml(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn result_workbook_has_figures_as_numbers_and_a_total_row() {
    let bytes = result_xlsx(&report("渠道", 0)).unwrap();
    let mut wb = book(bytes.clone());
    assert_eq!(wb.sheet_names(), ["对账结果", "不符明细"]);
    let r = wb.worksheet_range("对账结果").unwrap();
    assert_eq!(cell(&r, 0, 0), "对账结果报表");
    assert!(cell(&r, 1, 0).contains("2024-03-01") && cell(&r, 1, 0).contains("平台与微信对账单"));
    let header: Vec<String> = (0..13).map(|c| cell(&r, 2, c)).collect();
    assert_eq!(
        header[..7],
        ["渠道", "已对平笔数", "已对平金额", "平台单边笔数", "平台单边金额", "渠道单边笔数", "渠道单边金额"]
    );
    assert_eq!(header[12], "跨天待定金额");
    assert_eq!((cell(&r, 3, 0), cell(&r, 3, 1), amount(&r, 3, 2)), ("微信".into(), "3".into(), "1500.00".into()));
    assert!(is_number(&r, 3, 1) && is_number(&r, 3, 2) && is_number(&r, 3, 6), "counts and amounts are numbers");
    assert_eq!(amount(&r, 3, 6), "-79.50", "net of a refund");
    assert_eq!((cell(&r, 4, 0), amount(&r, 4, 4)), ("合计".into(), "20.00".into()), "the total row, as values");
    let labels: Vec<String> = (6..14).map(|row| cell(&r, row, 0)).collect();
    assert!(labels.contains(&"长款笔数".to_owned()) && labels.contains(&"渠道手续费".to_owned()), "{labels:?}");
    let d = wb.worksheet_range("不符明细").unwrap();
    assert_eq!((cell(&d, 3, 1), amount(&d, 3, 12), cell(&d, 3, 13)), ("金额不符".into(), "1.00".into(), "长款".into()));
    assert_eq!((cell(&d, 4, 0), cell(&d, 4, 1)), ("合计".into(), "1".into()));

    let sheet = xml(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("state=\"frozen\"") && sheet.contains("topLeftCell=\"A4\""), "header frozen");
    assert!(sheet.contains("<autoFilter ref=\"A3:M4\""), "filter over header and channel rows: {sheet}");
    assert!(xml(&bytes, "xl/styles.xml").contains("#,##0.00"));
}

#[test]
fn detail_workbook_has_two_tabs_with_causes_and_totals() {
    for (counterpart, tab) in [("渠道", "渠道多出"), ("HIS", "HIS多出")] {
        let bytes = single_sided_xlsx(&report(counterpart, 0)).unwrap();
        let mut wb = book(bytes);
        assert_eq!(wb.sheet_names(), ["平台多出", tab]);
        let p = wb.worksheet_range("平台多出").unwrap();
        let header: Vec<String> = (0..12).map(|c| cell(&p, 2, c)).collect();
        assert_eq!(header[3..6], ["平台订单号", "第三方单号", "退款单号"]);
        assert_eq!(header[9..], ["金额", "原因（提供方）", "原因（类别）"]);
        assert_eq!(
            (cell(&p, 3, 3), amount(&p, 3, 9), cell(&p, 3, 10)),
            ("P20240301000005".into(), "20.00".into(), "平台-微信".into())
        );
        let c = wb.worksheet_range(tab).unwrap();
        assert_eq!(cell(&c, 4, 11), "退款");
        assert_eq!((cell(&c, 4, 5), amount(&c, 4, 9)), ("R000004".into(), "-80.00".into()));
        assert!(is_number(&c, 4, 9));
        assert_eq!((cell(&c, 5, 0), cell(&c, 5, 1), amount(&c, 5, 9)), ("合计".into(), "2".into(), "-79.50".into()));
    }
    let all = reconciliation_xlsx(&report("渠道", 0)).unwrap();
    assert_eq!(book(all).sheet_names(), ["对账结果", "不符明细", "平台多出", "渠道多出"]);
}

#[test]
fn a_large_detail_tab_is_written_in_constant_memory() {
    let extra = CONSTANT_MEMORY_ROWS + 10;
    let bytes = single_sided_xlsx(&report("渠道", extra)).unwrap();
    let mut wb = book(bytes);
    let c = wb.worksheet_range("渠道多出").unwrap();
    let last = 3 + 2 + u32::try_from(extra).unwrap();
    assert_eq!(cell(&c, last - 1, 3), format!("P2024030100{:04}", 100 + extra - 1));
    assert_eq!((cell(&c, last, 0), cell(&c, last, 1)), ("合计".into(), (extra + 2).to_string()));
    let total = m("1.25").times((extra as u64).into()).unwrap() + m("-79.50");
    assert_eq!(amount(&c, last, 9), total.to_string());
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output().expect("pdftotext runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pdf_reads_back_with_headings_figures_and_causes() {
    let pdf = reconciliation_pdf(&report("渠道", 0)).unwrap();
    assert!(pdf.missing_glyphs.is_empty(), "{:?}", pdf.missing_glyphs);
    let text = pdftotext(&pdf.bytes);
    for expected in [
        "对账结果报表",
        "2024-03-01",
        "已对平笔数",
        "1,500.00",
        "合计",
        "长款 1 笔",
        "单边账明细 · 平台多出",
        "单边账明细 · 渠道多出",
        "P20240301000005",
        "平台-微信 · 退款",
        "-80.00",
        "-79.50",
        "P20240301000002",
        "第 1 页 / 共 3 页",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
    assert_eq!(pdf.pages, 3, "result, then each tab on its own page");
}

#[test]
fn a_long_detail_pdf_continues_under_its_header() {
    let pdf = single_sided_pdf(&report("HIS", 200)).unwrap();
    let text = pdftotext(&pdf.bytes);
    assert!(pdf.pages >= 5, "{} pages", pdf.pages);
    assert!(text.contains("单边账明细 · HIS多出") && text.contains("（续）"), "{text}");
    assert!(text.contains("202 笔") && text.contains("170.50"), "the total line: 200 × 1.25 − 79.50");
    assert!(text.contains(&format!("第 {} 页 / 共 {} 页", pdf.pages, pdf.pages)));
}
