//! The blood waiver at linked counters, against the real platform on PostgreSQL over HTTPS with
//! its sandbox blood platform: a registration and its review travel through the outbox, the
//! scanned pages follow in chunks, the platform forwards the approved registration, the waiver
//! is granted through the platform from the blood products *its* ledger holds, the settlement
//! carrying it is checked against the platform's register and reaches the other counters. A
//! counter cut off from the platform settles with the last confirmed entitlement and the
//! platform re-checks it. Forged records — a clerk approving their own, a waiver nobody granted,
//! a bigger one than granted — are refused. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod blood_support;
mod common;

use blood_support::*;
use common::proxy::Proxy;
use common::{Counter, Platform, runtime, text, token_at};
use reqwest::Method;
use serde_json::{Value, json};
use std::process::Command;
use uuid::Uuid;

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_registration_travels_is_forwarded_and_waives_a_linked_settlement() {
    let platform = Platform::start("blood_linked", 3);
    let a = Counter::register(&platform, &platform.https(), "窗口血A");
    let b = Counter::register(&platform, &platform.https(), "窗口血B");
    let (case_no, admission) = transfused_admission(&platform, "88000001");
    a.drain("cashier");
    a.drain("supervisor");
    b.drain("cashier");

    let registered = register_spouse(&a, &case_no, "ZJ2024000777");
    assert_eq!(registered["status"], "submitted", "{registered}");
    let reviewed = approve(&a, &registered);
    assert_eq!(reviewed["status"]["code"], "approved", "{reviewed}");
    // The clerk's operation goes with the clerk's token, the review with the reviewer's; the
    // four pages follow in chunks.
    let first = a.sync("cashier", 1).unwrap();
    assert_eq!(first["materials_uploaded"], 4, "{first}");
    assert!(first["material_chunks_sent"].as_u64().unwrap() >= 4, "{first}");
    a.drain("supervisor");
    assert_eq!(
        platform.sql("SELECT count(*) FROM journal WHERE kind IN ('blood_registration', 'blood_review')").trim(),
        "2"
    );
    assert_eq!(platform.sql("SELECT count(*) FROM materials WHERE complete_at IS NOT NULL").trim(), "4");
    // Nothing is sent twice: the pages are remembered.
    assert_eq!(a.sync("cashier", 1).unwrap()["material_chunks_sent"], 0);

    // The trial asks through the platform: 300 of the 400 ml, ¥330.00 of the ¥440.00.
    let shown = trial(&a, &case_no);
    assert_eq!(
        (shown["blood_reimbursement"].as_str(), shown["blood_ml"].as_u64()),
        (Some("330.00"), Some(300)),
        "{shown}"
    );
    assert_eq!(shown["blood_offline"], false);
    assert_eq!(platform.sql("SELECT count(*) FROM blood_forwarded").trim(), "1");
    let out = a.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    a.drain("cashier");
    let record = settlement_record(&platform, admission);
    assert_eq!(record["blood_reimbursement"], "330.00", "{record}");
    assert_eq!(
        (record["blood_waiver"]["amount"].as_str(), record["blood_waiver"]["ml"].as_u64()),
        (Some("330.00"), Some(300))
    );
    assert_eq!(
        platform
            .sql(&format!(
                "SELECT amount_fen || '/' || ml FROM blood_grants WHERE key = '{}'",
                record["key"].as_str().unwrap()
            ))
            .trim(),
        "33000/300"
    );

    // Counter B gets the registration, its review and the settlement with its waiver.
    b.drain("cashier");
    assert_eq!(b.sqlite("SELECT count(*) FROM blood_registrations").trim(), "1");
    assert_eq!(b.sqlite("SELECT count(*) FROM blood_reviews").trim(), "1");
    assert_eq!(b.sqlite("SELECT amount_fen || '/' || ml FROM blood_waivers").trim(), "33000/300");
    assert_eq!(a.ledger(), b.ledger(), "both counters hold the same money");

    // Finance's monthly claim at counter B: the waivers B holds through the feed, matched with
    // the blood platform's statement, which the platform fetches for it.
    let month = b.sqlite("SELECT substr(at, 1, 7) FROM blood_waivers").trim().to_owned();
    let out = Command::new(common::cashier_bin())
        .args(["report", "blood-monthly", "--db"])
        .arg(&b.db)
        .args(["--month", &month, "--json"])
        .env("CASHIER_PASSWORD", common::PASSWORD)
        .output()
        .unwrap();
    let claim: Value = json_of(&out);
    let outcomes: Vec<&str> =
        claim["lines"].as_array().unwrap().iter().map(|l| l["outcome"]["code"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["matched"], "{claim}");
    assert_eq!((claim["total"].as_str(), claim["theirs_total"].as_str()), (Some("330.00"), Some("330.00")));
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn forged_blood_records_are_refused() {
    let platform = Platform::start("blood_attacks", 3);
    let counter = Counter::register(&platform, &platform.https(), "窗口血F");
    let (case_no, admission) = transfused_admission(&platform, "88000002");
    counter.drain("cashier");
    counter.drain("supervisor");
    let registered = register_spouse(&counter, &case_no, "ZJ2024000888");
    approve(&counter, &registered);
    let queued: Vec<Value> = counter
        .sqlite("SELECT envelope FROM outbox ORDER BY seq")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let review = queued.iter().find(|e| e["records"][0]["kind"] == "blood_review").unwrap().clone();
    let device = counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let supervisor = token_at(&c, &counter, "supervisor").await;
        let push = |token: String, envelope: Value| {
            let c = c.clone();
            let device = device.clone();
            async move {
                let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [envelope]})).unwrap();
                let (status, answer) =
                    c.raw(Method::POST, "/api/v1/sync/push", Some(&token), Some(body)).await.unwrap();
                assert_eq!(status, 200, "{answer}");
                let result = &answer["results"][0];
                (result["outcome"].as_str().unwrap().to_owned(), result["code"].as_str().unwrap_or("").to_owned())
            }
        };
        // A review before its registration reached the platform names what is missing.
        assert_eq!(push(supervisor.clone(), review.clone()).await, ("invalid".into(), "MISSING_IDS".into()));
        // A registration without the relationship's proof or a pledge is refused as such.
        let genuine = queued.iter().find(|e| e["records"][0]["kind"] == "blood_registration").unwrap().clone();
        let mut short = genuine.clone();
        short["key"] = json!(Uuid::now_v7());
        short["records"][0]["key"] = json!(Uuid::now_v7());
        short["records"][0]["materials"].as_array_mut().unwrap().retain(|m| m["item"] != "relationship");
        assert_eq!(push(cashier.clone(), short).await, ("invalid".into(), "BLOOD_MATERIALS_MISSING".into()));
        let mut bad_id = genuine.clone();
        bad_id["key"] = json!(Uuid::now_v7());
        bad_id["records"][0]["key"] = json!(Uuid::now_v7());
        bad_id["records"][0]["donor_id"] = json!("110105194912310021");
        assert_eq!(push(cashier.clone(), bad_id).await.0, "invalid");
        // The genuine registration goes in; the clerk approving it themself is refused, so is a
        // cashier (no permission to review), so is a review pushed under someone else's name.
        assert_eq!(push(cashier.clone(), genuine).await.0, "applied");
        let mut own = review.clone();
        own["key"] = json!(Uuid::now_v7());
        own["cashier"] = json!("cashier");
        own["records"][0]["key"] = own["key"].clone();
        own["records"][0]["reviewer"] = json!("cashier");
        assert_eq!(push(cashier.clone(), own).await, ("invalid".into(), "FORBIDDEN".into()));
        let mut not_mine = review.clone();
        not_mine["records"][0]["reviewer"] = json!("supervisor2");
        assert_eq!(push(supervisor.clone(), not_mine).await, ("invalid".into(), "NOT_THE_CALLER".into()));
        assert_eq!(push(supervisor.clone(), review.clone()).await.0, "applied");
        let mut twice = review.clone();
        twice["key"] = json!(Uuid::now_v7());
        twice["records"][0]["key"] = twice["key"].clone();
        let (outcome, code) = push(supervisor.clone(), twice).await;
        assert_eq!((outcome.as_str(), code.as_str()), ("rejected", "BLOOD_ALREADY_REVIEWED"));
    });
    counter.sync("cashier", 1).unwrap();
    counter.sync("supervisor", 1).unwrap();

    // A settlement whose waiver is bigger than the blood platform grants is refused to the
    // pending list, and the grant the platform asked for it is given back.
    let out = counter.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let settlement: Value =
        serde_json::from_str(counter.sqlite("SELECT envelope FROM outbox ORDER BY seq DESC LIMIT 1").trim()).unwrap();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let mut bigger = settlement.clone();
        let forged_key = Uuid::now_v7();
        bigger["key"] = json!(forged_key);
        let record = bigger["records"].as_array_mut().unwrap().iter_mut().find(|r| r["kind"] == "settlement").unwrap();
        record["key"] = json!(forged_key);
        record["blood_waiver"]["amount"] = json!("340.00");
        record["blood_waiver"]["ml"] = json!(310);
        record["blood_reimbursement"] = json!("340.00");
        let due = common::fen(record["due"].as_str().unwrap()) - 1000;
        let yuan = |fen: i64| format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, fen.abs() / 100, fen.abs() % 100);
        record["due"] = json!(yuan(due));
        record["payments"][0]["amount"] = json!(yuan(due));
        let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [bigger]})).unwrap();
        let (status, answer) = c.raw(Method::POST, "/api/v1/sync/push", Some(&cashier), Some(body)).await.unwrap();
        assert_eq!(status, 200, "{answer}");
        let result = &answer["results"][0];
        assert_eq!(
            (result["outcome"].as_str(), result["code"].as_str()),
            (Some("rejected"), Some("FIGURE_DIFFERS")),
            "{answer}"
        );
        assert!(result["message"].as_str().unwrap().contains("用血减免"), "{answer}");
        let standing = platform
            .sql(&format!("SELECT count(*) FROM blood_grants WHERE key = '{forged_key}' AND cancelled_at IS NULL"));
        assert_eq!(standing.trim(), "0", "a refused settlement's grant is given back");
    });
    // The genuine one goes in.
    counter.drain("cashier");
    assert_eq!(settlement_record(&platform, admission)["blood_waiver"]["amount"], "330.00");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn an_offline_waiver_is_rechecked_by_the_platform() {
    let platform = Platform::start("blood_offline", 2);
    let proxy = Proxy::start(platform.port);
    let a = Counter::register(&platform, &proxy.url(), "窗口血O");
    let b = Counter::register(&platform, &platform.https(), "窗口血P");
    let (first, first_admission) = transfused_admission(&platform, "88000004");
    let (second, second_admission) = transfused_admission(&platform, "88000005");
    a.drain("cashier");
    a.drain("supervisor");
    b.drain("cashier");
    // The same donor's certificate for both stays: 300 ml in all.
    for case_no in [&first, &second] {
        let registered = register_spouse(&a, case_no, "ZJ2024000555");
        approve(&a, &registered);
    }
    a.sync("cashier", 1).unwrap();
    a.drain("supervisor");
    // Online trials forward both registrations and keep what the blood platform said is left.
    assert_eq!(trial(&a, &first)["blood_reimbursement"], "330.00");
    assert_eq!(trial(&a, &second)["blood_reimbursement"], "330.00");

    // Cut off: the trial says it is an estimate from the last confirmed entitlement.
    proxy.cut();
    let shown = trial(&a, &first);
    assert_eq!(
        (shown["blood_reimbursement"].as_str(), shown["blood_offline"].as_bool()),
        (Some("330.00"), Some(true)),
        "{shown}"
    );
    let out = a.settle("cashier", &first);
    assert!(out.status.success(), "offline settle: {}", text(&out.stderr));
    let out = a.settle("cashier", &second);
    assert!(out.status.success(), "offline settle: {}", text(&out.stderr));

    proxy.restore();
    a.sync("cashier", 1).unwrap();
    // The first is granted by the blood platform as estimated; the certificate is then used up,
    // so the second's waiver is refused to the pending list, named.
    let record = settlement_record(&platform, first_admission);
    assert_eq!(record["blood_waiver"]["amount"], "330.00", "{record}");
    assert_eq!(record["blood_waiver"]["offline"], true);
    assert_eq!(settlement_record(&platform, second_admission), Value::Null);
    let refused = platform.sql(&format!(
        "SELECT code || ' ' || message FROM operations WHERE admission_id = '{second_admission}' AND outcome = 'rejected'"
    ));
    assert!(refused.starts_with("FIGURE_DIFFERS") && refused.contains("用血减免"), "{refused}");
    assert_eq!(
        platform
            .sql(&format!(
                "SELECT count(*) FROM blood_grants WHERE admission_id = '{second_admission}' AND cancelled_at IS NULL"
            ))
            .trim(),
        "0"
    );
    // The other counter holds the first waiver, not the refused one.
    b.drain("cashier");
    assert_eq!(b.sqlite("SELECT group_concat(amount_fen) FROM blood_waivers").trim(), "33000");
}
