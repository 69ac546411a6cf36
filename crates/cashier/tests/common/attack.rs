//! Helpers of the attack tests (`sync_attacks`, `approvals`, which include this file as their
//! `attack` module): pushing a forged envelope as a token's holder and reading the answer, what
//! a refusal must not move, counters with a deposit or a settlement pushed, recalls as envelopes
//! and approval tokens for them.

#![allow(dead_code)]

use reqwest::Method;
use serde_json::{Value, json};
use sync::Client;
use uuid::Uuid;

use crate::common::{Counter, Platform, text};

/// Now on the test machine's local clock (the platform's, unshifted), as the wire writes times.
pub fn stamp(shift: chrono::Duration) -> String {
    (chrono::Local::now().naive_local() + shift).format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Pushes one envelope as the holder of `token` for `device`; its answer (outcome, code, message).
pub async fn push(c: &Client, token: &str, device: &str, envelope: &Value) -> (String, String, String) {
    let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [envelope]})).unwrap();
    let (status, answer) = c.raw(Method::POST, "/api/v1/sync/push", Some(token), Some(body)).await.unwrap();
    assert_eq!(status, 200, "{answer}");
    let result = &answer["results"][0];
    let field = |name: &str| result[name].as_str().unwrap_or_default().to_owned();
    (field("outcome"), field("code"), field("message"))
}

/// Asserts an `invalid` answer with `code` and a sentence.
pub fn refused(answer: (String, String, String), code: &str, what: &str) {
    assert_eq!((answer.0.as_str(), answer.1.as_str()), ("invalid", code), "{what}: {}", answer.2);
    assert!(!answer.2.is_empty(), "{what}: no reason given");
}

/// What a refused push must not move: the journal, the operations, the money rows.
pub fn footprint(platform: &Platform) -> String {
    let counts = platform.sql("SELECT (SELECT count(*) FROM journal) || '/' || (SELECT count(*) FROM operations)");
    format!("{counts} {:?}", platform.ledger())
}

pub fn device_of(counter: &Counter) -> String {
    counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned()
}

/// The counter's newest queued operation, as it pushed it.
pub fn newest_envelope(counter: &Counter) -> Value {
    serde_json::from_str(counter.sqlite("SELECT envelope FROM outbox ORDER BY seq DESC LIMIT 1").trim()).unwrap()
}

/// `number` with its 8-digit sequence moved on by `by`.
pub fn bump(number: &str, by: i64) -> String {
    let (head, seq) = number.split_at(number.len() - 8);
    format!("{head}{:08}", seq.parse::<i64>().unwrap() + by)
}

/// The first deposit number of the first block the platform gave `cashier` on `device`.
pub fn first_of_block(platform: &Platform, device: &str, cashier: &str) -> String {
    let row = platform.sql(&format!(
        "SELECT u.receipt_prefix || '|' || r.first_seq FROM receipt_ranges r JOIN users u ON u.username = r.cashier
         WHERE r.device_id = '{device}' AND r.cashier = '{cashier}' AND r.series = 'deposit' ORDER BY r.first_seq LIMIT 1"
    ));
    let (prefix, first) = row.split_once('|').unwrap();
    format!("YJ{prefix}{:08}", first.parse::<i64>().unwrap())
}

/// A copy of a deposit operation under new keys, with another number (and cashier, if given).
pub fn forged_deposit(template: &Value, receipt_no: &str, cashier: Option<&str>) -> Value {
    let mut envelope = template.clone();
    envelope["key"] = json!(Uuid::now_v7());
    let record = &mut envelope["records"][0];
    record["key"] = json!(Uuid::now_v7());
    record["receipt_no"] = json!(receipt_no);
    if let Some(cashier) = cashier {
        envelope["cashier"] = json!(cashier);
    }
    envelope
}

/// A platform, a counter whose cashier took (and pushed) a 100.00 cash deposit; that deposit's
/// operation.
pub fn counter_with_a_deposit(platform: &Platform, name: &str) -> (Counter, Value) {
    let counter = Counter::register(platform, &platform.https(), name);
    counter.drain("cashier");
    let case_no = crate::common::case_numbers(platform).remove(0);
    let out = counter.deposit("cashier", &case_no, "现金:100.00");
    assert!(out.status.success(), "deposit: {}", text(&out.stderr));
    let envelope = newest_envelope(&counter);
    counter.drain("cashier");
    (counter, envelope)
}

/// A counter that settled a self-pay admission (pushed); the settlement's record on the platform.
pub fn counter_with_a_settlement(platform: &Platform, name: &str) -> (Counter, Value) {
    let counter = Counter::register(platform, &platform.https(), name);
    counter.drain("cashier");
    let ready = counter.ready_self_pay();
    let out = counter.settle("cashier", &ready[0]);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    counter.drain("cashier");
    let record = platform.sql("SELECT record FROM journal WHERE kind = 'settlement' AND origin IS NOT NULL");
    (counter, serde_json::from_str(record.trim()).unwrap())
}

/// `fen` as the wire writes an amount (`-0.05`, `12.30`).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// A recall operation of `settlement` by `cashier`, approved by `approver`, with a transfer of
/// `transfer` fen under `receipt_no` (none when `None`); or only the transfer, when `alone`.
pub fn recall_envelope(
    settlement: &Value,
    cashier: &str,
    approver: &str,
    transfer: Option<(i64, &str)>,
    alone: bool,
) -> Value {
    recall_at(settlement, cashier, approver, transfer, alone, &stamp(chrono::Duration::zero()))
}

/// [`recall_envelope`] stated at `at`.
pub fn recall_at(
    settlement: &Value,
    cashier: &str,
    approver: &str,
    transfer: Option<(i64, &str)>,
    alone: bool,
    at: &str,
) -> Value {
    let admission = settlement["admission_id"].clone();
    let mut records = Vec::new();
    if !alone {
        records.push(json!({"kind": "recall", "key": Uuid::now_v7(), "admission_id": admission,
            "settlement": settlement["key"], "recall_kind": "settlement", "at": at, "by": "王丽",
            "approved_by": "刘强", "approver": approver, "reason": "结算有误"}));
    }
    if let Some((fen, receipt_no)) = transfer {
        let amount = yuan(fen);
        records.push(json!({"kind": "deposit", "key": Uuid::now_v7(), "admission_id": admission,
            "receipt_no": receipt_no, "deposit_kind": "recall_transfer", "reverses": null,
            "settlement": settlement["key"], "amount": amount,
            "tenders": [{"tender": "cash", "amount": amount, "reference": null}], "at": at, "cashier": "王丽"}));
    }
    json!({"key": Uuid::now_v7(), "admission_id": admission, "cashier": cashier, "at": at, "records": records})
}

/// Asks the platform, as the holder of `token`, for an approval token of `approver` (typing
/// `password`) for `envelope`'s recall moving `fen`; the answer's status and body.
pub async fn ask_approval(
    c: &Client,
    token: &str,
    envelope: &Value,
    approver: &str,
    password: &str,
    fen: i64,
) -> (u16, Value) {
    let recall = envelope["records"].as_array().unwrap().iter().find(|r| r["kind"] == "recall").unwrap();
    let ask = json!({"key": envelope["key"], "admission_id": envelope["admission_id"],
        "settlement": recall["settlement"], "amount": yuan(fen), "username": approver, "password": password});
    c.raw(Method::POST, "/api/v1/approvals", Some(token), Some(serde_json::to_vec(&ask).unwrap())).await.unwrap()
}

/// `envelope` carrying the supervisor's token for it (moving `fen`), asked as `token`'s holder.
pub async fn approved(c: &Client, token: &str, envelope: &Value, fen: i64) -> Value {
    let (status, grant) = ask_approval(c, token, envelope, "supervisor", crate::common::PASSWORD, fen).await;
    assert_eq!(status, 200, "{grant}");
    let mut envelope = envelope.clone();
    envelope["approval"] = json!({"by": "token", "token": grant["token"]});
    envelope
}
