//! The e-invoice tests' helpers (for `invoice_platform` and `invoice_paper`): an admission's
//! invoices as the counter shows them, waiting for a state, a recall through the command line.

#![allow(dead_code)] // each test file uses its own share

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{self, Counter, text};

/// The counter's invoices of `case_no` (`cashier invoice show`).
pub fn invoices(counter: &Counter, case_no: &str) -> Vec<Value> {
    let out = counter.run(&["invoice", "show", case_no, "--json"]);
    assert!(out.status.success(), "invoice show: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Syncs `counter` until its invoice of `case_no` (the newest) is in state `status`.
pub fn until_status(counter: &Counter, case_no: &str, status: &str) -> Vec<Value> {
    let start = Instant::now();
    loop {
        counter.drain("cashier");
        let seen = invoices(counter, case_no);
        if seen.last().is_some_and(|i| i["status"] == status) {
            return seen;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no {status} invoice for {case_no}: {seen:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn recall(counter: &Counter, case_no: &str) {
    let out = counter
        .command(&[
            "recall",
            case_no,
            "--kind",
            "settlement",
            "--reason",
            "收费项目录入错误",
            "--approver",
            "supervisor",
        ])
        .env("CASHIER_APPROVER_PASSWORD", common::PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "recall: {}", text(&out.stderr));
}
