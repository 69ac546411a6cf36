//! Fuzz target: the WeChat bill parser (plain or gzip) and `check` must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = statements::read_wechat("fuzz.csv", data, |row| {
        let _ = (row.amount(), row.key());
    });
    let _ = statements::check(statements::Format::Wechat, "fuzz.csv", data);
});
