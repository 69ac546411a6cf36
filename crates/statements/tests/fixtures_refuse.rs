//! Every bad fixture is refused with the right code, naming the file and the line.

use std::path::PathBuf;

use chrono::NaiveDate;
use domain::Money;
use statements::{
    InsuranceTotals, StatementError, read_alipay, read_his, read_insurance, read_ledger, read_unionpay, read_wechat,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn refused(name: &str, result: Result<statements::Parsed, StatementError>) -> StatementError {
    match result {
        Ok(parsed) => panic!("{name} was accepted: {parsed:?}"),
        Err(e) => {
            assert!(e.to_string().contains(name), "the message names the file: {e}");
            e
        }
    }
}

fn assert_refused(name: &str, result: Result<statements::Parsed, StatementError>, code: &str, line: Option<u64>) {
    let err = refused(name, result);
    assert_eq!(err.code(), code, "{name}: {err}");
    assert_eq!(err.line(), line, "{name}: {err}");
}

fn wechat(name: &str) -> Result<statements::Parsed, StatementError> {
    read_wechat(name, &fixture(name)[..], |_| {})
}

#[test]
fn bad_wechat_bills() {
    assert_refused("wechat_truncated.csv", wechat("wechat_truncated.csv"), "STATEMENT_TRUNCATED", Some(4));
    assert_refused("wechat_no_summary.csv", wechat("wechat_no_summary.csv"), "STATEMENT_TRUNCATED", Some(5));
    let gz = refused("wechat_truncated.csv.gz", wechat("wechat_truncated.csv.gz"));
    assert_eq!(gz.code(), "STATEMENT_TRUNCATED", "{gz}");
    assert_refused("wechat_gbk.csv", wechat("wechat_gbk.csv"), "STATEMENT_ENCODING", Some(3));
    let dup = refused("wechat_duplicate.csv", wechat("wechat_duplicate.csv"));
    assert_eq!((dup.code(), dup.line()), ("STATEMENT_DUPLICATE_ROW", Some(4)));
    assert!(dup.to_string().contains("第 3 行") && dup.to_string().contains("P20240301000002"), "{dup}");
    let mismatch = refused("wechat_summary_mismatch.csv", wechat("wechat_summary_mismatch.csv"));
    assert_eq!((mismatch.code(), mismatch.line()), ("STATEMENT_SUMMARY_MISMATCH", Some(7)));
    assert_eq!(
        mismatch.to_string(),
        "账单文件 wechat_summary_mismatch.csv 第 7 行汇总“手续费总金额”为 9.00400，明细合计为 9.00300，两者不符"
    );
    let amount = refused("wechat_bad_amount.csv", wechat("wechat_bad_amount.csv"));
    assert_eq!((amount.code(), amount.line()), ("STATEMENT_BAD_AMOUNT", Some(3)));
    assert!(amount.to_string().contains("300.0O"), "{amount}");
    assert_refused("wechat_comma.csv", wechat("wechat_comma.csv"), "STATEMENT_CELL_COUNT", Some(4));
}

#[test]
fn bad_alipay_bills() {
    let alipay = |name: &str| read_alipay(name, &fixture(name), |_| {});
    assert_refused("alipay_truncated.zip", alipay("alipay_truncated.zip"), "STATEMENT_TRUNCATED", Some(7));
    assert_refused("alipay_utf8.zip", alipay("alipay_utf8.zip"), "STATEMENT_ENCODING", Some(1));
    assert_refused("alipay_duplicate.zip", alipay("alipay_duplicate.zip"), "STATEMENT_DUPLICATE_ROW", Some(7));
    let summary = refused("alipay_summary_mismatch.zip", alipay("alipay_summary_mismatch.zip"));
    assert_eq!((summary.code(), summary.line()), ("STATEMENT_SUMMARY_MISMATCH", Some(7)));
    assert!(summary.to_string().contains("801.00") && summary.to_string().contains("800.00"), "{summary}");
    assert!(summary.to_string().contains("汇总"), "names the summary entry: {summary}");
    let trailer = refused("alipay_trailer_mismatch.zip", alipay("alipay_trailer_mismatch.zip"));
    assert_eq!((trailer.code(), trailer.line()), ("STATEMENT_SUMMARY_MISMATCH", Some(11)));
    assert_refused("alipay_bad_amount.zip", alipay("alipay_bad_amount.zip"), "STATEMENT_BAD_AMOUNT", Some(7));
    assert_refused("alipay_missing_summary.zip", alipay("alipay_missing_summary.zip"), "STATEMENT_MISSING_INPUT", None);
    let not_zip = read_alipay("plain.csv", b"#\xd6\xa7", |_| {}).unwrap_err();
    assert_eq!(not_zip.code(), "STATEMENT_ARCHIVE");
}

#[test]
fn bad_unionpay_files() {
    let settle = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let zm = |name: &str| read_unionpay(name, &fixture(name), settle, |_| {});
    assert_refused("unionpay_truncated", zm("unionpay_truncated"), "STATEMENT_TRUNCATED", Some(3));
    assert_refused("unionpay_utf8", zm("unionpay_utf8"), "STATEMENT_ENCODING", Some(1));
    assert_refused("unionpay_duplicate", zm("unionpay_duplicate"), "STATEMENT_DUPLICATE_ROW", Some(4));
    assert_refused("unionpay_bad_amount", zm("unionpay_bad_amount"), "STATEMENT_BAD_AMOUNT", Some(1));
    assert_refused("unionpay_unknown_type", zm("unionpay_unknown_type"), "STATEMENT_BAD_VALUE", Some(1));
}

#[test]
fn bad_insurance_files() {
    let ins = |name: &str| read_insurance(name, &fixture(name), None, |_| {});
    assert_refused("insurance_duplicate.zip", ins("insurance_duplicate.zip"), "STATEMENT_DUPLICATE_ROW", Some(5));
    assert_refused("insurance_bad_amount.zip", ins("insurance_bad_amount.zip"), "STATEMENT_BAD_AMOUNT", Some(3));
    assert_refused("insurance_gbk.zip", ins("insurance_gbk.zip"), "STATEMENT_ENCODING", Some(4));
    assert_refused("insurance_truncated.zip", ins("insurance_truncated.zip"), "STATEMENT_TRUNCATED", Some(4));
    let m = |s: &str| Money::parse(s).unwrap();
    let off =
        InsuranceTotals { medfee_sumamt: m("3500.50"), fund_pay_sumamt: m("2100.31"), acct_pay: m("0"), setl_cnt: 3 };
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insurance_detail.zip");
    let bytes = std::fs::read(path).unwrap();
    let err = read_insurance("insurance_detail.zip", &bytes, Some(&off), |_| {}).unwrap_err();
    assert_eq!(err.code(), "STATEMENT_SUMMARY_MISMATCH");
    assert!(err.to_string().contains("2100.31") && err.to_string().contains("2100.30"), "{err}");
}

#[test]
fn bad_his_exports_and_ledgers() {
    let his = |name: &str| read_his(name, &fixture(name)[..], |_| {});
    assert_refused("his_no_trailer.csv", his("his_no_trailer.csv"), "STATEMENT_TRUNCATED", Some(4));
    assert_refused("his_trailer_mismatch.csv", his("his_trailer_mismatch.csv"), "STATEMENT_SUMMARY_MISMATCH", Some(5));
    assert_refused("his_duplicate.csv", his("his_duplicate.csv"), "STATEMENT_DUPLICATE_ROW", Some(4));
    assert_refused("his_bad_amount.csv", his("his_bad_amount.csv"), "STATEMENT_BAD_AMOUNT", Some(4));
    let ledger = |name: &str| read_ledger(name, &fixture(name)[..], |_| {});
    assert_refused("ledger_truncated.csv", ledger("ledger_truncated.csv"), "STATEMENT_TRUNCATED", Some(7));
    assert_refused("ledger_duplicate.csv", ledger("ledger_duplicate.csv"), "STATEMENT_DUPLICATE_ROW", Some(8));
    assert_refused("ledger_bad_amount.csv", ledger("ledger_bad_amount.csv"), "STATEMENT_BAD_AMOUNT", Some(3));
    assert_refused("ledger_bad_status.csv", ledger("ledger_bad_status.csv"), "STATEMENT_BAD_VALUE", Some(6));
    assert_refused("ledger_gbk.csv", ledger("ledger_gbk.csv"), "STATEMENT_ENCODING", Some(8));
    let empty = read_ledger("empty.csv", &b""[..], |_| {}).unwrap_err();
    assert_eq!(empty.code(), "STATEMENT_EMPTY");
    let wrong_header = read_ledger("h.csv", &b"platform_order_no,channel\n"[..], |_| {}).unwrap_err();
    assert_eq!(wrong_header.code(), "STATEMENT_MISSING_COLUMN");
}
