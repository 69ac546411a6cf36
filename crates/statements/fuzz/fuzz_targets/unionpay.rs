//! Fuzz target: the UnionPay ZM parser (plain or zipped) must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settle = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let _ = statements::read_unionpay("INN24010188ZM_1", data, settle, |_| {});
    let _ = statements::check(statements::Format::Unionpay { settle_date: None }, "INN24010188ZM_1", data);
});
