//! Every good fixture parses to the rows and totals written in it by hand.

use std::path::PathBuf;

use chrono::NaiveDate;
use domain::Money;
use statements::{
    Channel, Fee, Format, InsuranceTotals, Kind, Status, Summary, check, read_alipay, read_his, read_insurance,
    read_ledger, read_unionpay, read_wechat,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

#[test]
fn wechat_all_in_every_packing() {
    for name in ["wechat_all.csv", "wechat_all_crlf_bom.csv", "wechat_all.csv.gz"] {
        let bytes = fixture(name);
        let mut rows = Vec::new();
        let parsed = read_wechat(name, &bytes[..], |row| {
            rows.push((
                row.key().to_owned(),
                row.kind,
                row.status,
                row.amount(),
                row.fee,
                row.transaction_id.to_owned(),
            ))
        })
        .unwrap();
        assert_eq!(parsed.format, "wechat-all", "{name}");
        assert_eq!(parsed.summary, Summary::Agreed);
        assert_eq!(parsed.totals.rows, 4);
        assert_eq!((parsed.totals.payments, parsed.totals.refunds), (3, 1));
        assert_eq!(parsed.totals.payment_amount, m("1580.50"));
        assert_eq!(parsed.totals.refund_amount, m("80.00"));
        assert_eq!(parsed.totals.fees, Fee::parse("9.00300").unwrap());
        assert_eq!(rows[0].0, "P20240301000001");
        assert_eq!(rows[0].5, "4200002024030100000000000001");
        assert_eq!(rows[2].4.units(), 300, "0.00300 kept exactly");
        assert_eq!(
            rows[3],
            (
                "R20240301000001".to_owned(),
                Kind::Refund,
                Status::Success,
                m("80.00"),
                Fee::from_units(-48_000),
                "4200002024030100000000000001".to_owned()
            )
        );
    }
}

#[test]
fn wechat_success_refund_and_legacy_layouts() {
    let parsed = read_wechat("s.csv", &fixture("wechat_success.csv")[..], |_| {}).unwrap();
    assert_eq!((parsed.format, parsed.totals.rows, parsed.totals.refunds), ("wechat-success", 3, 0));
    assert_eq!(parsed.totals.fees.to_string(), "9.48300");

    let mut refunds = Vec::new();
    let parsed = read_wechat("r.csv", &fixture("wechat_refund.csv")[..], |row| {
        refunds.push((row.out_refund_no.to_owned(), row.status, row.traded_at.to_string()))
    })
    .unwrap();
    assert_eq!(parsed.format, "wechat-refund");
    assert_eq!(parsed.totals.refund_amount, m("100.00"));
    assert_eq!(refunds[0], ("R20240301000009".to_owned(), Status::Success, "2024-03-01 10:00:03".to_owned()));
    assert_eq!(refunds[1].1, Status::Pending, "退款状态 PROCESSING");

    let mut times = Vec::new();
    let parsed = read_wechat("l.csv", &fixture("wechat_legacy.csv")[..], |row| {
        times.push((row.traded_at.to_string(), row.amount()));
    })
    .unwrap();
    assert_eq!(parsed.format, "wechat-legacy-all");
    assert_eq!(parsed.summary, Summary::Agreed);
    assert_eq!(times[0], ("2016-05-01 16:33:45".to_owned(), m("0.01")));
    assert_eq!(times[2].1, m("50.00"), "a legacy refund compares its 退款金额");
}

#[test]
fn alipay_zip_with_gbk_names_and_contents() {
    let mut rows = Vec::new();
    let parsed = read_alipay("alipay.zip", &fixture("alipay.zip"), |row| {
        rows.push((
            row.trade_no.to_owned(),
            row.key().to_owned(),
            row.kind,
            row.amount(),
            row.fee(),
            row.product.to_owned(),
        ))
    })
    .unwrap();
    assert_eq!(parsed.format, "alipay-trade");
    assert_eq!(parsed.summary, Summary::Agreed);
    assert_eq!((parsed.totals.payments, parsed.totals.refunds), (3, 1));
    assert_eq!(parsed.totals.payment_amount, m("880.00"));
    assert_eq!(parsed.totals.refund_amount, m("80.00"));
    assert_eq!(parsed.totals.fees.to_string(), "4.80000");
    assert_eq!(rows[0].0, "2024030122001458860500000001", "trailing TAB trimmed");
    assert_eq!(rows[0].5, "住院预交金");
    assert_eq!(rows[3].1, "R20240301100001");
    assert_eq!((rows[3].2, rows[3].3, rows[3].4), (Kind::Refund, m("80.00"), Fee::from_units(-48_000)));
}

#[test]
fn unionpay_zm_plain_and_zipped() {
    let settle = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    for name in ["INN24030188ZM_898111148990123", "unionpay.zip"] {
        let mut rows = Vec::new();
        let parsed = read_unionpay(name, &fixture(name), settle, |row| {
            rows.push((
                row.query_id.to_owned(),
                row.order_id.to_owned(),
                row.kind,
                row.amount,
                row.fee,
                row.transmitted_at,
            ))
        })
        .unwrap();
        assert_eq!((parsed.format, parsed.summary), ("unionpay-zm", Summary::Absent));
        assert_eq!(parsed.totals.payment_amount, m("1780.00"));
        assert_eq!(parsed.totals.refund_amount, m("80.00"));
        assert_eq!(rows[0].0, "202403010915021234567");
        assert_eq!(rows[0].4, Fee::parse("7.68").unwrap(), "D: charged");
        assert_eq!(rows[1].4, Fee::parse("3.00").unwrap(), "plain digits on a payment: charged");
        assert_eq!(rows[2].4, Fee::parse("-0.48").unwrap(), "C: given back");
        assert_eq!((rows[2].1.as_str(), rows[2].2), ("R20240301200001", Kind::Refund));
        assert_eq!(rows[2].5.to_string(), "2024-03-01 15:20:11");
    }
}

#[test]
fn insurance_detail_and_result_files() {
    let totals = InsuranceTotals {
        medfee_sumamt: m("3500.50"),
        fund_pay_sumamt: m("2100.30"),
        acct_pay: m("0.00"),
        setl_cnt: 3,
    };
    let mut rows = Vec::new();
    let parsed = read_insurance("d.zip", &fixture("insurance_detail.zip"), Some(&totals), |row| {
        rows.push((row.setl_id.to_owned(), row.kind, row.amount()))
    })
    .unwrap();
    assert_eq!(parsed.summary, Summary::Agreed);
    assert_eq!(rows[0], ("330100S0000001".to_owned(), Kind::Payment, m("9000.00")));
    assert_eq!(rows[1].2, m("2100.30"), "null acct_pay is zero");
    assert_eq!((rows[2].1, rows[2].2), (Kind::Refund, m("9000.00")));

    let mut results = Vec::new();
    let parsed = read_insurance("r.zip", &fixture("insurance_result.zip"), None, |row| {
        results.push((row.stmt_rslt.map(str::to_owned), row.memo.map(str::to_owned)))
    })
    .unwrap();
    assert_eq!(parsed.summary, Summary::Absent);
    assert_eq!(results[0], (Some("0".to_owned()), Some(String::new())));
    assert_eq!(results[1], (Some("1".to_owned()), Some("基金支付金额不符".to_owned())));
}

#[test]
fn his_export_and_platform_ledger() {
    let mut his = Vec::new();
    let parsed = read_his("his.csv", &fixture("his.csv")[..], |row| {
        his.push((row.his_trade_no.to_owned(), row.key().to_owned(), row.channel))
    })
    .unwrap();
    assert_eq!((parsed.summary, parsed.totals.rows), (Summary::Agreed, 3));
    assert_eq!(his[1], ("H20240301000002".to_owned(), "R20240301000001".to_owned(), Channel::Wechat));

    let mut ledger = Vec::new();
    let parsed = read_ledger("ledger.csv", &fixture("ledger.csv")[..], |row| {
        ledger.push((row.key().to_owned(), row.channel, row.status, row.amount))
    })
    .unwrap();
    assert_eq!((parsed.summary, parsed.totals.rows, parsed.totals.refunds), (Summary::Absent, 6, 1));
    assert_eq!(ledger[2], ("R20240301000001".to_owned(), Channel::Wechat, Status::Success, m("80.00")));
    assert_eq!(ledger[4].2, Status::Pending);
}

#[test]
fn check_reports_figures_and_fingerprints() {
    let bytes = fixture("wechat_all.csv");
    let report = check(Format::Wechat, "wechat_all.csv", &bytes).unwrap();
    assert_eq!((report.rows, report.payments, report.refunds), (4, 3, 1));
    assert_eq!(report.payment_amount.to_string(), "1580.50");
    assert_eq!(report.refund_amount.to_string(), "80.00");
    assert_eq!(report.fees.to_string(), "9.00300");
    assert_eq!((report.summary_agreed, report.summary_problem.clone()), (Some(true), None));
    assert_eq!(report.fingerprint.len(), 64);
    let again = check(Format::Wechat, "copy.csv", &bytes).unwrap();
    assert_eq!(again.fingerprint, report.fingerprint, "the same statement is recognised");
    let gz = check(Format::Wechat, "wechat_all.csv.gz", &fixture("wechat_all.csv.gz")).unwrap();
    assert_ne!(gz.fingerprint, report.fingerprint, "fingerprints are of the bytes as downloaded");

    let zm = check(
        Format::Unionpay { settle_date: None },
        "INN24030188ZM_898111148990123",
        &fixture("INN24030188ZM_898111148990123"),
    )
    .unwrap();
    assert_eq!((zm.summary_agreed, zm.rows), (None, 3), "ZM has no summary; the date comes from the name");
    let alipay = check(Format::for_channel(Channel::Alipay).unwrap(), "a.zip", &fixture("alipay.zip")).unwrap();
    assert_eq!(alipay.summary_agreed, Some(true));
    assert_eq!(Format::for_channel(Channel::Cash), None);

    let bad = check(Format::Wechat, "m.csv", &fixture("bad/wechat_summary_mismatch.csv")).unwrap();
    assert_eq!(bad.summary_agreed, Some(false));
    let problem = bad.summary_problem.unwrap();
    assert_eq!(problem.code(), "STATEMENT_SUMMARY_MISMATCH");
    assert!(problem.to_string().contains("9.00400") && problem.to_string().contains("9.00300"), "{problem}");
}
