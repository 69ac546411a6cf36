//! Fuzz target: the platform ledger parser must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = statements::read_ledger("fuzz.csv", data, |row| {
        let _ = row.key();
    });
});
