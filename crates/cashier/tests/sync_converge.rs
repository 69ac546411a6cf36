//! Two counters and the platform (real PostgreSQL, real TLS): operations made at each counter
//! reach the platform once and the other counter by the feed; the same admission settled at two
//! disconnected counters is decided by the platform, the loser lands in the pending list and a
//! supervisor resolves it. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use common::{Counter, Platform, text};

fn ok(out: std::process::Output, what: &str) -> serde_json::Value {
    assert!(out.status.success(), "{what}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn two_counters_converge_with_the_platform() {
    let platform = Platform::start("converge", 40);
    let a = Counter::register(&platform, &platform.https(), "一楼收费窗口1");
    let b = Counter::register(&platform, &platform.https(), "一楼收费窗口2");
    a.drain("cashier");
    b.drain("cashier2");
    let before = platform.ledger();
    assert_eq!(a.ledger(), before, "the bootstrap brought every money row");
    let cases = common::case_numbers(&platform);
    let ready = a.ready_self_pay();
    assert!(ready.len() >= 2, "the demo hospital has self-pay patients ready: {ready:?}");

    let d1 = ok(a.deposit("cashier", &cases[0], "现金:100.00"), "deposit A1");
    ok(a.deposit("cashier", &cases[1], "银行卡:200.00"), "deposit A2");
    ok(b.deposit("cashier2", &cases[1], "现金:50.00"), "deposit B1");
    ok(b.deposit("cashier2", &cases[2], "支票:300.00"), "deposit B2");
    ok(a.settle("cashier", &ready[0]), "settle A");
    ok(b.settle("cashier2", &ready[1]), "settle B");
    // Receipt numbers come from ranges the platform gave each device: never the same.
    let d2 = ok(b.deposit("cashier2", &cases[3], "现金:10.00"), "deposit B3");
    assert_ne!(d1["receipt_no"], d2["receipt_no"]);
    // A reversal's reason (冲红原因) travels with it to the platform and the other counter.
    let receipt = d1["receipt_no"].as_str().unwrap();
    let reversal = ok(
        a.run(&[
            "reverse",
            &cases[0],
            "--receipt",
            receipt,
            "--amount",
            "30.00",
            "--tender",
            "现金:30.00",
            "--reason",
            "患者要求退回部分",
        ]),
        "reversal A",
    );
    assert_eq!(reversal["reason"], "患者要求退回部分");

    a.drain("cashier");
    b.drain("cashier2");
    a.drain("cashier");
    let server = platform.ledger();
    assert_eq!(server.len(), before.len() + 8, "8 new money rows on the platform");
    let reversal_no = reversal["receipt_no"].as_str().unwrap();
    let reason_at_b = b.sqlite(&format!("SELECT reason FROM deposits WHERE receipt_no = '{reversal_no}'"));
    assert_eq!(reason_at_b.trim(), "患者要求退回部分", "the reason reached counter B");
    assert_eq!(a.ledger(), server, "counter A agrees with the platform");
    assert_eq!(b.ledger(), server, "counter B agrees with the platform");
    for counter in [&a, &b] {
        for (key, outcome) in counter.outbox() {
            assert_eq!(outcome.as_deref(), Some("applied"), "operation {key}");
        }
    }
    let verify = std::process::Command::new(common::platform_bin())
        .args(["audit", "verify"])
        .env("DATABASE_URL", &platform.url)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", text(&verify.stdout));
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn one_admission_settled_at_two_offline_counters_first_wins_and_the_second_waits_for_a_supervisor() {
    let platform = Platform::start("conflict", 30);
    let a = Counter::register(&platform, &platform.https(), "窗口A");
    let b = Counter::register(&platform, &platform.https(), "窗口B");
    a.drain("cashier");
    b.drain("cashier2");
    let case_no = a.ready_self_pay().remove(0);
    ok(b.deposit("cashier2", &case_no, "现金:80.00"), "deposit at B");
    b.drain("cashier2");
    a.drain("cashier");
    // From here neither hears of the other until both have settled.
    ok(a.settle("cashier", &case_no), "settle at A");
    ok(b.settle("cashier2", &case_no), "settle at B");
    a.drain("cashier");
    let answer = b.drain("cashier2");
    assert!(answer["rejected"].as_u64().unwrap() >= 1, "{answer}");

    let outbox = b.outbox();
    let rejected: Vec<&String> =
        outbox.iter().filter(|(_, o)| o.as_deref() == Some("rejected")).map(|(key, _)| key).collect();
    assert_eq!(rejected.len(), 1, "only B's settlement is refused: {outbox:?}");
    a.drain("cashier");
    let server = platform.ledger();
    assert_eq!(a.ledger(), server);
    assert_eq!(b.ledger(), server, "B left its refused settlement out of the account");
    let settlements = server.values().filter(|(kind, _)| kind == "settlement").count();
    assert_eq!(settlements, 1 + seeded_settlements(&platform));

    // The cashier cannot see or resolve the pending list; the supervisor can.
    let refused = b.run(&["pending", "list", "--as", "cashier2"]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("FORBIDDEN"), "{}", text(&refused.stderr));
    let list = ok(b.run(&["pending", "list", "--as", "supervisor"]), "pending list");
    let item = list.as_array().unwrap().iter().find(|i| i["key"] == *rejected[0]).expect("listed");
    assert_eq!(item["status"], "open");
    assert!(!item["reason"].as_str().unwrap().is_empty());
    let resolved = ok(
        b.run(&[
            "pending",
            "resolve",
            rejected[0],
            "--action",
            "deposit",
            "--note",
            "患者同意转预交金",
            "--as",
            "supervisor",
        ]),
        "resolve",
    );
    assert_eq!(resolved["status"], "converted_to_deposit");
    let again =
        b.run(&["pending", "resolve", rejected[0], "--action", "refund", "--note", "再次", "--as", "supervisor"]);
    assert!(!again.status.success(), "a resolved item cannot be resolved twice");
    b.drain("cashier2");
    a.drain("cashier");
    let server = platform.ledger();
    assert_eq!(a.ledger(), server);
    assert_eq!(b.ledger(), server, "the converted deposit reached both counters");
    let audit = platform.sql("SELECT count(*) FROM audit_log WHERE action LIKE '%pending%'");
    assert_ne!(audit.trim(), "0", "the resolution is in the audit trail");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn money_kept_as_a_deposit_by_a_supervisor_is_dated_in_hospital_time() {
    let mut platform = Platform::start("resolve_day", 20);
    // The platform's clock reads 07:30 on 30 November, when UTC is still 29 November: the
    // deposit a resolution writes must carry the hospital's time and so its day.
    platform.serve_env.push(("PLATFORM_RECON_NOW".into(), "2026-11-30 07:30:00".into()));
    // The counters keep the real time, ahead of the shifted platform clock: allow for it.
    platform.serve_env.push(("PLATFORM_MAX_CLOCK_SKEW_SECS".into(), "31536000".into()));
    platform.restart();
    let a = Counter::register(&platform, &platform.https(), "窗口A");
    let b = Counter::register(&platform, &platform.https(), "窗口B");
    a.drain("cashier");
    b.drain("cashier2");
    let case_no = a.ready_self_pay().remove(0);
    ok(a.settle("cashier", &case_no), "discharge settlement at A");
    a.drain("cashier");
    // B has not heard of the settlement: it takes cash the platform then refuses.
    ok(b.deposit("cashier2", &case_no, "现金:66.00"), "deposit at B");
    let answer = b.drain("cashier2");
    assert!(answer["rejected"].as_u64().unwrap_or(0) >= 1, "{answer}");
    let (key, _) = b.outbox().into_iter().find(|(_, o)| o.as_deref() == Some("rejected")).expect("refused");
    let resolved = ok(
        b.run(&["pending", "resolve", &key, "--action", "deposit", "--note", "转预交金", "--as", "supervisor"]),
        "resolve",
    );
    assert_eq!(resolved["status"], "converted_to_deposit");
    let written = platform.sql(&format!(
        "SELECT record->>'at', record->>'amount' FROM journal WHERE kind = 'deposit' AND record->>'receipt_no' = 'DCL{}'",
        key.replace('-', "")
    ));
    let (at, amount) = written.trim().split_once('|').expect("the platform wrote the deposit");
    assert_eq!(amount, "66.00");
    assert!(at.starts_with("2026-11-30T07:3"), "hospital time, not UTC: {at}");
}

/// Settlements the demo hospital came with (written by the platform, not pushed by a device).
fn seeded_settlements(platform: &Platform) -> usize {
    platform.sql("SELECT count(*) FROM journal WHERE kind = 'settlement' AND origin IS NULL").trim().parse().unwrap()
}
