//! Fuzz target: the insurance 3202 detail/result parser must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let zero = domain::Money::ZERO;
    let totals = statements::InsuranceTotals { medfee_sumamt: zero, fund_pay_sumamt: zero, acct_pay: zero, setl_cnt: 1 };
    let _ = statements::read_insurance("fuzz.zip", data, Some(&totals), |row| {
        let _ = row.amount();
    });
});
