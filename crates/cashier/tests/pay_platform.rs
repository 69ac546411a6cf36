//! 付款码收款 at a linked counter against the real platform (PostgreSQL, HTTPS, the channels'
//! sandboxes in the platform): the counter's WeChat deposit is collected by the platform under
//! the counter's order number and kept there with the channel's transaction number; a payer with
//! too little money or one who never confirms leaves nothing at the counter; and a pushed
//! deposit naming a WeChat payment the platform never collected, one already recorded, or one
//! of another amount, is refused (`invalid`, nothing kept). Run by `scripts/test.sh` (needs
//! `CASHIER_TEST_PG`).

#[path = "common/attack.rs"]
mod attack;
mod common;

use attack::*;
use common::{Counter, Platform, runtime, text, token_at};
use serde_json::{Value, json};

fn deposit_by_code(counter: &Counter, case_no: &str, code: &str) -> std::process::Output {
    counter.run(&["deposit", case_no, "--as", "cashier", "--tender", "微信:300.00", "--auth-code", code])
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_linked_counters_wechat_deposit_is_collected_by_the_platform_which_checks_every_push() {
    let mut platform = Platform::start("pay_platform", 4);
    platform.serve_env =
        vec![("PLATFORM_PAY_POLL_MS".into(), "20".into()), ("PLATFORM_PAY_TIMEOUT_MS".into(), "300".into())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口微信");
    counter.drain("cashier");
    let case_no = common::case_numbers(&platform).remove(0);
    // The demo's seeded WeChat and Alipay deposits are orders too: only this test's are looked at.
    let seeded = platform.sql("SELECT coalesce(max(id), 0) FROM channel_order_events").trim().to_owned();
    let local = || counter.sqlite("SELECT count(*) FROM deposits").trim().to_owned();
    let before = local();

    for (code, said) in [("134567890123459991", "余额不足"), ("134567890123459993", "撤销")] {
        let out = deposit_by_code(&counter, &case_no, code);
        assert!(!out.status.success() && text(&out.stderr).contains(said), "{code}: {}", text(&out.stderr));
    }
    assert_eq!(local(), before, "a refused payment wrote nothing at the counter");
    let outcomes = platform
        .sql(&format!("SELECT string_agg(outcome, ',' ORDER BY id) FROM channel_order_events WHERE id > {seeded}"));
    assert_eq!(outcomes.trim(), "refused,timed_out");

    let out = deposit_by_code(&counter, &case_no, "134567890123450031");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let receipt: Value = serde_json::from_slice(&out.stdout).unwrap();
    let transaction = receipt["tenders"][0]["reference"].as_str().unwrap().to_owned();
    assert!(transaction.starts_with("4200"), "{receipt}");
    let kept = platform.sql(&format!(
        "SELECT o.tender, o.amount_fen, o.cashier, o.case_no FROM channel_orders o JOIN channel_order_events e ON e.order_no = o.order_no
         WHERE e.transaction_id = '{transaction}' AND e.outcome = 'paid'"
    ));
    assert_eq!(kept.trim(), format!("wechat|30000|cashier|{case_no}"));
    let envelope = newest_envelope(&counter);
    counter.drain("cashier");
    // Asked again for the same order, even after a restart (the sandbox channel forgets), the
    // platform answers the payment it holds and pays nothing more.
    platform.restart();
    let order_no = platform.sql(&format!(
        "SELECT order_no FROM channel_order_events WHERE transaction_id = '{transaction}' AND outcome = 'paid'"
    ));
    let again = json!({"order_no": order_no.trim(), "tender": "wechat", "amount": "300.00",
                       "auth_code": "134567890123450031", "case_no": case_no, "subject": "住院预交金"});
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let body = serde_json::to_vec(&again).unwrap();
        let (status, answer) =
            c.raw(reqwest::Method::POST, "/api/v1/pay/code", Some(&cashier), Some(body)).await.unwrap();
        assert_eq!((status, answer["transaction_id"].as_str()), (200, Some(transaction.as_str())), "{answer}");
    });
    let paid =
        platform.sql(&format!("SELECT count(*) FROM channel_order_events WHERE outcome = 'paid' AND id > {seeded}"));
    assert_eq!(paid.trim(), "1", "one payment");
    let held = platform.sql(&format!("SELECT count(*) FROM channel_order_uses WHERE transaction_id = '{transaction}'"));
    assert_eq!(held.trim(), "1", "the deposit pushed names the platform's transaction");

    // Forged deposits naming WeChat money: none kept.
    let device = device_of(&counter);
    let used = envelope["records"][0]["receipt_no"].as_str().unwrap().to_owned();
    let forged = |n: i64, reference: Value, amount: &str| {
        let mut forged = forged_deposit(&envelope, &bump(&used, n), None);
        forged["records"][0]["amount"] = json!(amount);
        forged["records"][0]["tenders"] = json!([{"tender": "wechat", "amount": amount, "reference": reference}]);
        forged
    };
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let before = footprint(&platform);
        for (n, reference, amount, code) in [
            (1, json!("4200000000000000000000009999"), "300.00", "CHANNEL_PAYMENT_UNKNOWN"),
            (2, Value::Null, "300.00", "CHANNEL_PAYMENT_UNKNOWN"),
            (3, json!(transaction), "300.00", "CHANNEL_PAYMENT_USED"),
            (4, json!(transaction), "200.00", "CHANNEL_PAYMENT_MISMATCH"),
        ] {
            refused(push(&c, &cashier, &device, &forged(n, reference, amount)).await, code, code);
        }
        assert_eq!(footprint(&platform), before, "a refused operation wrote something");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_code_payment_no_record_names_is_given_back_by_itself() {
    let mut platform = Platform::start("pay_orphan", 2);
    platform.serve_env =
        vec![("PLATFORM_PAY_ORPHAN_SECS".into(), "1".into()), ("PLATFORM_PAY_SWEEP_SECS".into(), "1".into())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口崩溃");
    counter.drain("cashier");
    let case_no = common::case_numbers(&platform).remove(0);
    let seeded = platform.sql("SELECT coalesce(max(id), 0) FROM channel_order_events").trim().to_owned();
    // Collected, then the counter crashed before writing the deposit and nobody retried it.
    let order = json!({"order_no": "0194f0c2a1b2c3d4e5f6a7b8c9d0e1wx", "tender": "wechat", "amount": "88.00",
                       "auth_code": "134567890123450051", "case_no": case_no, "subject": "住院预交金"});
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let body = serde_json::to_vec(&order).unwrap();
        let (status, answer) =
            c.raw(reqwest::Method::POST, "/api/v1/pay/code", Some(&cashier), Some(body)).await.unwrap();
        assert_eq!(status, 200, "{answer}");
    });
    let outcome = || {
        platform.sql(&format!(
            "SELECT string_agg(outcome || ':' || coalesce(code, ''), ',' ORDER BY id) FROM channel_order_events WHERE id > {seeded}"
        ))
    };
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(15) && !outcome().contains("cancelled") {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(outcome().trim(), "paid:,cancelled:ORPHAN", "given back once, and logged");
}
