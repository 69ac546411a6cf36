//! No parser panics, whatever the bytes: random input, and the good fixtures with random bytes
//! changed, cut or inserted (the cargo-fuzz targets do the same at length on nightly).

use std::path::PathBuf;

use chrono::NaiveDate;
use proptest::prelude::*;
use statements::{InsuranceTotals, read_alipay, read_his, read_insurance, read_ledger, read_unionpay, read_wechat};

const FIXTURES: [&str; 9] = [
    "wechat_all.csv",
    "wechat_legacy.csv",
    "wechat_refund.csv",
    "alipay.zip",
    "INN24030188ZM_898111148990123",
    "insurance_detail.zip",
    "insurance_result.zip",
    "his.csv",
    "ledger.csv",
];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).unwrap()
}

/// Feeds the bytes to every parser; only a panic fails the test.
fn every_parser(bytes: &[u8]) {
    let settle = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let totals = InsuranceTotals {
        medfee_sumamt: domain::Money::ZERO,
        fund_pay_sumamt: domain::Money::ZERO,
        acct_pay: domain::Money::ZERO,
        setl_cnt: 0,
    };
    let _ = read_wechat("f", bytes, |_| {});
    let _ = read_alipay("f", bytes, |_| {});
    let _ = read_unionpay("f", bytes, settle, |_| {});
    let _ = read_insurance("f", bytes, Some(&totals), |_| {});
    let _ = read_his("f", bytes, |_| {});
    let _ = read_ledger("f", bytes, |_| {});
}

#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Cut(usize),
    Insert(usize, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Set(at, byte)),
        any::<usize>().prop_map(Edit::Cut),
        (
            any::<usize>(),
            prop::sample::select(vec![&b","[..], b"`", b"\n", b"\r\n", b"\t", b"#", b"-", b".", b"\xff", b"\xe5"])
        )
            .prop_map(|(at, bytes)| Edit::Insert(at, bytes.to_vec())),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        if bytes.is_empty() {
            break;
        }
        match edit {
            Edit::Set(at, byte) => {
                let at = at % bytes.len();
                bytes[at] = *byte;
            }
            Edit::Cut(at) => bytes.truncate(at % bytes.len()),
            Edit::Insert(at, inserted) => {
                let at = at % bytes.len();
                bytes.splice(at..at, inserted.iter().copied());
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        every_parser(&bytes);
    }

    #[test]
    fn edited_fixtures_never_panic(which in 0..FIXTURES.len(), edits in prop::collection::vec(edit(), 1..6)) {
        let bytes = apply(fixture(FIXTURES[which]), &edits);
        every_parser(&bytes);
    }
}
