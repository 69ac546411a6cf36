//! Fuzz target: the Alipay trade-bill zip parser must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = statements::read_alipay("fuzz.zip", data, |row| {
        let _ = (row.amount(), row.fee(), row.key());
    });
});
