//! The e-invoice at the platform, over real HTTPS against the real platform on PostgreSQL with
//! its sandbox fiscal platform: a linked counter's settlement is invoiced as soon as the platform
//! applies it, sealed, and the invoice reaches the counter through the feed; an offline
//! settlement is invoiced when it syncs; a recall reverses it (冲红); an unreachable fiscal
//! platform leaves it on the pending list until a retry, with one invoice in the end; a counter
//! cannot push an invoice of its own; a receipt void reaches the platform and every counter.
//! Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;
mod invoice_support;

use common::proxy::Proxy;
use common::{Counter, Platform, runtime, text, token_at};
use invoice_support::{invoices, recall, until_status};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// The sandbox's public key, as a hospital configures it.
fn seal_key() -> ed25519_dalek::VerifyingKey {
    fiscal::seal::signing_key(fiscal::DEMO_SEAL_SECRET).verifying_key()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_settlement_is_invoiced_by_the_platform_and_a_recall_reverses_it() {
    let platform = Platform::start("inv_issue", 40);
    let proxy = Proxy::start(platform.port);
    let counter = Counter::register(&platform, &proxy.url(), "窗口票");
    counter.drain("cashier");
    let ready = counter.ready_self_pay();
    let (online, offline) = (&ready[0], &ready[1]);

    let out = counter.settle("cashier", online);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let settled: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(settled["invoice_status"]["code"], "pending", "a linked counter waits for the platform's invoice");
    let shown = until_status(&counter, online, "issued");
    let invoice = &shown[0];
    assert_eq!(invoice["settlement_no"], settled["settlement_no"]);
    assert_eq!(invoice["amount"], settled["fees"]);
    assert_eq!(invoice["code"].as_str().unwrap().len(), 8);
    // The seal the counter keeps verifies with the fiscal platform's public key.
    let row = counter.sqlite(&format!(
        "SELECT settlement_key, code, number, check_code, qr, seal, amount_fen, e.at FROM invoice_events e
         JOIN settlements s ON s.idempotency_key = e.settlement_key WHERE s.settlement_no = '{}' AND e.kind = 'issued'",
        settled["settlement_no"].as_str().unwrap()
    ));
    let f: Vec<&str> = row.trim().split('|').collect();
    let issued = fiscal::Issued {
        bus_no: f[0].parse().unwrap(),
        code: f[1].into(),
        number: f[2].into(),
        check_code: f[3].into(),
        qr: f[4].into(),
        seal: f[5].into(),
        total: domain::Money::from_fen(f[6].parse().unwrap()).unwrap(),
        issued_at: settled_at(&platform, f[0]),
    };
    assert!(fiscal::seal::verify(&seal_key(), &issued), "the seal verifies: {row}");

    // Cut off: the settlement waits in the outbox, and is invoiced once it syncs.
    proxy.cut();
    let out = counter.settle("cashier", offline);
    assert!(out.status.success(), "offline settle: {}", text(&out.stderr));
    assert_eq!(invoices(&counter, offline)[0]["status"], "pending");
    proxy.restore();
    until_status(&counter, offline, "issued");

    // A recall reverses the invoice; the next settlement gets a new one.
    recall(&counter, online);
    let reversed = until_status(&counter, online, "reversed");
    assert!(reversed[0]["red_number"].is_string());
    let out = counter.settle("cashier", online);
    assert!(out.status.success(), "settle again: {}", text(&out.stderr));
    let both = until_status(&counter, online, "issued");
    let states: Vec<&str> = both.iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["reversed", "issued"]);
    assert_eq!(
        platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'issued'").trim(),
        "3",
        "three settlements, three invoices"
    );
}

/// The time the platform's sandbox stamped on the invoice of settlement `key` (its busDateTime:
/// the settlement's own time).
fn settled_at(platform: &Platform, key: &str) -> chrono::NaiveDateTime {
    let record: Value = serde_json::from_str(
        platform.sql(&format!("SELECT record FROM journal WHERE kind = 'settlement' AND key = '{key}'")).trim(),
    )
    .unwrap();
    chrono::NaiveDateTime::parse_from_str(record["at"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%.f").unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn an_unreachable_fiscal_platform_is_retried_and_invoices_once() {
    let mut platform = Platform::start("inv_fault", 12);
    platform.serve_env =
        vec![("CASHIER_FISCAL_FAULT".into(), "unavailable".into()), ("PLATFORM_INVOICE_RETRY_SECS".into(), "1".into())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口票F");
    counter.drain("cashier");
    let case_no = counter.ready_self_pay().remove(0);
    let out = counter.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let failed = until_status(&counter, &case_no, "failed");
    assert!(failed[0]["failure"].as_str().unwrap().contains("FISCAL_UNAVAILABLE"), "{failed:?}");
    // On the platform's pending list, for finance.
    let c = platform.client();
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let (status, list) = c.raw(Method::GET, "/api/v1/invoices/unfinished", Some(&finance), None).await.unwrap();
        assert_eq!(status, 200, "{list}");
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["reverse"], false);
        let cashier = token_at(&c, &counter, "cashier").await;
        let (status, _) = c.raw(Method::GET, "/api/v1/invoices/unfinished", Some(&cashier), None).await.unwrap();
        assert_eq!(status, 403, "a cashier does not see the list");
    });

    // The fiscal platform is back, and loses the first answer of each call: still one invoice.
    platform.serve_env =
        vec![("CASHIER_FISCAL_FAULT".into(), "lose-answer".into()), ("PLATFORM_INVOICE_RETRY_SECS".into(), "1".into())];
    platform.restart();
    until_status(&counter, &case_no, "issued");
    assert_eq!(platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'issued'").trim(), "1");
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let (_, list) = c.raw(Method::GET, "/api/v1/invoices/unfinished", Some(&finance), None).await.unwrap();
        assert_eq!(list, json!([]));
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_counter_cannot_push_an_invoice() {
    let platform = Platform::start("inv_attack", 12);
    let counter = Counter::register(&platform, &platform.https(), "窗口票A");
    counter.drain("cashier");
    let case_no = counter.ready_self_pay().remove(0);
    let out = counter.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    counter.drain("cashier");
    let settlement: Value =
        serde_json::from_str(platform.sql("SELECT record FROM journal WHERE kind = 'settlement' LIMIT 1").trim())
            .unwrap();
    let device = counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let forged = json!({
        "key": Uuid::now_v7(),
        "admission_id": settlement["admission_id"],
        "cashier": "cashier",
        "at": settlement["at"],
        "records": [{
            "kind": "invoice", "key": Uuid::now_v7(), "admission_id": settlement["admission_id"],
            "settlement": settlement["key"], "event": "reversed", "code": null, "number": null,
            "check_code": null, "qr": null, "seal": null, "amount": null, "message": "伪造的冲红",
            "red_code": "33012602", "red_number": "0000009999", "at": settlement["at"]
        }]
    });
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [forged]})).unwrap();
        let (status, answer) = c.raw(Method::POST, "/api/v1/sync/push", Some(&cashier), Some(body)).await.unwrap();
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["results"][0]["outcome"], "invalid", "{answer}");
        assert_eq!(answer["results"][0]["code"], "FORBIDDEN", "{answer}");
    });
    assert_eq!(platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'reversed'").trim(), "0");
    assert_eq!(platform.sql("SELECT count(*) FROM journal WHERE record->>'message' = '伪造的冲红'").trim(), "0");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_receipt_void_reaches_the_platform_and_every_counter() {
    let platform = Platform::start("rcpt_void", 12);
    let a = Counter::register(&platform, &platform.https(), "窗口作废A");
    let b = Counter::register(&platform, &platform.https(), "窗口作废B");
    a.drain("cashier");
    b.drain("cashier");
    let case_no = common::case_numbers(&platform).remove(0);
    let out = a.deposit("cashier", &case_no, "现金:500.00");
    assert!(out.status.success(), "deposit: {}", text(&out.stderr));
    let deposit: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = deposit["receipt_no"].as_str().unwrap().to_owned();
    a.drain("cashier");

    let refused = a.run(&["void-receipt", &case_no, &first]);
    assert!(text(&refused.stderr).contains("REASON_REQUIRED"), "{}", text(&refused.stderr));
    let out = a.run(&["void-receipt", &case_no, &first, "--reason", "打印卡纸"]);
    assert!(out.status.success(), "void: {}", text(&out.stderr));
    let reissued: Value = serde_json::from_slice(&out.stdout).unwrap();
    let second = reissued["receipt_no"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    a.drain("cashier");
    let held = platform
        .sql("SELECT record->>'voided_no' || ' ' || (record->>'new_no') FROM journal WHERE kind = 'receipt_void'");
    assert_eq!(held.trim(), format!("{first} {second}"));

    // Counter B shows the deposit under its new number.
    b.drain("cashier");
    assert_eq!(
        b.sqlite("SELECT voided_no || ' ' || new_no FROM pulled_receipt_voids").trim(),
        format!("{first} {second}")
    );
    // Counter A does not take its own void twice.
    assert_eq!(a.sqlite("SELECT count(*) FROM pulled_receipt_voids").trim(), "0");

    // Forged: voiding a number that is no longer the deposit's, or renumbering outside the blocks.
    let envelope: Value = serde_json::from_str(
        platform
            .sql(
                "SELECT envelope FROM operations o JOIN journal j ON j.operation = o.key WHERE j.kind = 'receipt_void'",
            )
            .trim(),
    )
    .unwrap();
    let device = a.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &a, "cashier").await;
        let push = |envelope: Value| {
            let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [envelope]})).unwrap();
            let c = &c;
            let cashier = &cashier;
            async move {
                let (status, answer) =
                    c.raw(Method::POST, "/api/v1/sync/push", Some(cashier), Some(body)).await.unwrap();
                assert_eq!(status, 200, "{answer}");
                answer["results"][0].clone()
            }
        };
        let mut stale = envelope.clone();
        stale["key"] = json!(Uuid::now_v7());
        stale["records"][0]["key"] = json!(Uuid::now_v7());
        let result = push(stale.clone()).await;
        assert_eq!(result["code"], "NUMBER_USED", "the new number was used already: {result}");
        stale["records"][0]["new_no"] = json!("YJ9999999999");
        let result = push(stale).await;
        assert_eq!(result["code"], "NUMBER_NOT_ALLOCATED", "{result}");
    });
}
