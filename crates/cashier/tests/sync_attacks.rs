//! Attacks on the push, over real HTTPS against the real platform on PostgreSQL: a user with a
//! valid token forging operations their counter would never send. The platform re-decides each
//! one — the permission of every record kind for the pushing user and the user the operation
//! names, no self-approved recall, recall transfers only inside their recall and for exactly
//! the recalled money, receipt and settlement numbers only from this device's and cashier's
//! blocks and never twice, operations only in the pushing user's own name, stated times checked
//! against the platform's clock (and the reversal window at receipt) — answering `invalid` with
//! a code and writing nothing. Run by
//! `scripts/test.sh` (needs `CASHIER_TEST_PG`).

#[path = "common/attack.rs"]
mod attack;
mod common;

use attack::*;
use common::{Counter, Platform, runtime, text, token, token_at};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;
use wire::api::LoginRequest;

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn each_record_kind_needs_its_permission_for_pusher_and_maker() {
    let platform = Platform::start("atk_roles", 10);
    let (counter, deposit) = counter_with_a_deposit(&platform, "窗口P");
    let device = device_of(&counter);
    let admission = deposit["admission_id"].as_str().unwrap().to_owned();
    let fee_key = platform.sql(&format!(
        "SELECT key FROM journal WHERE kind = 'fee' AND admission_id = '{admission}' ORDER BY seq LIMIT 1"
    ));
    let number = bump(deposit["records"][0]["receipt_no"].as_str().unwrap(), 1);
    let forged = forged_deposit(&deposit, &number, None);
    let c = platform.client();
    runtime().block_on(async {
        let (cashier, finance) = (token_at(&c, &counter, "cashier").await, token_at(&c, &counter, "finance").await);
        let before = footprint(&platform);
        // 财务 may sync but not take money: a deposit in its push is refused.
        refused(push(&c, &finance, &device, &forged).await, "FORBIDDEN", "finance pushes a deposit");
        // A cashier naming 财务 as the one who took it: the named user may not take money either.
        let as_finance = forged_deposit(&deposit, &number, Some("finance"));
        refused(push(&c, &cashier, &device, &as_finance).await, "FORBIDDEN", "deposit made by finance");
        // A cashier passing the fee audit, or cancelling a fee, in a supervisor's name.
        let at = stamp(chrono::Duration::zero());
        let event = |record: Value| {
            json!({"key": Uuid::now_v7(), "admission_id": admission, "cashier": "supervisor",
                   "at": at, "records": [record]})
        };
        let audit = event(json!({"kind": "admission_event", "key": Uuid::now_v7(), "admission_id": admission,
            "event": "audit_passed", "at": at, "actor": "刘强", "reason": null}));
        refused(push(&c, &cashier, &device, &audit).await, "FORBIDDEN", "cashier passes the fee audit");
        let cancel = event(json!({"kind": "fee_event", "key": Uuid::now_v7(), "admission_id": admission,
            "fee_key": fee_key, "event": "cancelled", "at": at, "actor": "刘强", "reason": "退药"}));
        refused(push(&c, &cashier, &device, &cancel).await, "FORBIDDEN", "cashier cancels a fee");
        assert_eq!(footprint(&platform), before, "a refused operation wrote something");
        // The same forged deposit from the cashier who holds the block is an ordinary deposit.
        let (outcome, code, message) = push(&c, &cashier, &device, &forged).await;
        assert_eq!(outcome, "applied", "{code} {message}");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn recall_transfers_come_only_with_their_recall_for_the_recalled_money() {
    let platform = Platform::start("atk_recall", 10);
    let (counter, settlement) = counter_with_a_settlement(&platform, "窗口R");
    let device = device_of(&counter);
    let net: i64 =
        settlement["payments"].as_array().unwrap().iter().map(|p| common::fen(p["amount"].as_str().unwrap())).sum();
    assert_ne!(net, 0, "the settlement collected or refunded something");
    // A deposit number of the cashier's block on this device that the counter has not printed.
    let number = bump(&first_of_block(&platform, &device, "cashier"), 100);
    let c = platform.client();
    runtime().block_on(async {
        let (cashier, supervisor) =
            (token_at(&c, &counter, "cashier").await, token_at(&c, &counter, "supervisor").await);
        let before = footprint(&platform);
        // Money out of nothing: a transfer without the recall.
        let alone = recall_envelope(&settlement, "cashier", "supervisor", Some((net, &number)), true);
        refused(push(&c, &cashier, &device, &alone).await, "RECALL_TRANSFER_ALONE", "a transfer alone");
        // A real recall (approved for what it says) moving 100.00 more into the deposits than
        // the settlement took, or 0.01 less.
        let more = recall_envelope(&settlement, "cashier", "supervisor", Some((net + 10_000, &number)), false);
        let more = approved(&c, &cashier, &more, net + 10_000).await;
        refused(push(&c, &cashier, &device, &more).await, "RECALL_TRANSFER_AMOUNT", "a transfer of more");
        let less = recall_envelope(&settlement, "cashier", "supervisor", Some((net - 1, &number)), false);
        let less = approved(&c, &cashier, &less, net - 1).await;
        refused(push(&c, &cashier, &device, &less).await, "RECALL_TRANSFER_AMOUNT", "a transfer of less");
        // A supervisor approving their own recall.
        let own = recall_envelope(&settlement, "supervisor", "supervisor", Some((net, &number)), false);
        refused(push(&c, &supervisor, &device, &own).await, "SELF_APPROVAL", "a self-approved recall");
        assert_eq!(footprint(&platform), before, "a refused operation wrote something");
        // The recall as the counter makes it goes in.
        let real = recall_envelope(&settlement, "cashier", "supervisor", Some((net, &number)), false);
        let real = approved(&c, &cashier, &real, net).await;
        let (outcome, code, message) = push(&c, &cashier, &device, &real).await;
        assert_eq!(outcome, "applied", "{code} {message}");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn numbers_come_only_from_this_devices_and_cashiers_blocks_once() {
    let platform = Platform::start("atk_numbers", 10);
    let (a, deposit) = counter_with_a_deposit(&platform, "窗口A");
    let b = Counter::register(&platform, &platform.https(), "窗口B");
    b.drain("cashier");
    a.drain("cashier2");
    let (device_a, device_b) = (device_of(&a), device_of(&b));
    let used = deposit["records"][0]["receipt_no"].as_str().unwrap().to_owned();
    let on_b = first_of_block(&platform, &device_b, "cashier");
    let of_cashier2 = first_of_block(&platform, &device_a, "cashier2");
    let seeded =
        platform.sql("SELECT record->>'receipt_no' FROM journal WHERE kind = 'deposit' AND origin IS NULL LIMIT 1");
    let c = platform.client();
    runtime().block_on(async {
        let (cashier, cashier_b) = (token_at(&c, &a, "cashier").await, token_at(&c, &b, "cashier").await);
        let before = footprint(&platform);
        for (number, code, what) in [
            (used.clone(), "NUMBER_USED", "a number already printed"),
            (bump(&used, 50_000), "NUMBER_NOT_ALLOCATED", "a number past the block"),
            (on_b.clone(), "NUMBER_NOT_ALLOCATED", "a number of another device's block"),
            (of_cashier2.clone(), "NUMBER_NOT_ALLOCATED", "a number of another cashier's block"),
            (seeded.trim().to_owned(), "NUMBER_NOT_ALLOCATED", "a number the demo seed printed"),
            (format!("DCL{}", Uuid::now_v7().simple()), "NUMBER_NOT_ALLOCATED", "a platform-style number"),
        ] {
            refused(push(&c, &cashier, &device_a, &forged_deposit(&deposit, &number, None)).await, code, what);
        }
        assert_eq!(footprint(&platform), before, "a refused operation wrote something");
        // Device B's number pushed for device B is fine — once.
        let from_b = forged_deposit(&deposit, &on_b, None);
        let (outcome, code, message) = push(&c, &cashier_b, &device_b, &from_b).await;
        assert_eq!(outcome, "applied", "{code} {message}");
        let again = forged_deposit(&deposit, &on_b, None);
        refused(push(&c, &cashier_b, &device_b, &again).await, "NUMBER_USED", "device B's number twice");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_card_collected_names_the_pos_slip_the_platform_reads() {
    let platform = Platform::start("atk_pos_slip", 4);
    let (a, deposit) = counter_with_a_deposit(&platform, "窗口A");
    let device = device_of(&a);
    let used = deposit["records"][0]["receipt_no"].as_str().unwrap().to_owned();
    let card = |number: i64, reference: Value| {
        let mut forged = forged_deposit(&deposit, &bump(&used, number), None);
        forged["records"][0]["tenders"][0]["tender"] = json!("card");
        forged["records"][0]["tenders"][0]["reference"] = reference;
        forged
    };
    let c = platform.client();
    let journal = || platform.sql("SELECT count(*) FROM journal");
    runtime().block_on(async {
        let cashier = token_at(&c, &a, "cashier").await;
        let (before, money) = (journal(), platform.ledger());
        // The counter took the money, so the platform decides: rejected, named, to the pending list.
        for (number, reference, code) in
            [(1, Value::Null, "TENDER_REFERENCE_REQUIRED"), (2, json!("123456789012"), "TENDER_REFERENCE_MALFORMED")]
        {
            let (outcome, said, message) = push(&c, &cashier, &device, &card(number, reference)).await;
            assert_eq!((outcome.as_str(), said.as_str()), ("rejected", code), "{message}");
            assert!(message.contains("参考号"), "{message}");
        }
        assert_eq!((journal(), platform.ledger()), (before, money), "a rejected deposit moved money");
        let pending = platform
            .sql("SELECT count(*) FROM operations WHERE outcome = 'rejected' AND code LIKE 'TENDER_REFERENCE%'");
        assert_eq!(pending.trim(), "2", "both wait in the pending list");
        let (outcome, code, message) = push(&c, &cashier, &device, &card(3, json!("AB123456:123456789012"))).await;
        assert_eq!(outcome, "applied", "{code} {message}");
    });
    // The counter's own card deposit names its slip, kept as the record says.
    let case_no = common::case_numbers(&platform).remove(0);
    let out = a.run(&["deposit", &case_no, "--as", "cashier", "--tender", "card:200.00"]);
    assert!(!out.status.success() && text(&out.stderr).contains("TENDER_REFERENCE_REQUIRED"), "{}", text(&out.stderr));
    let out =
        a.run(&["deposit", &case_no, "--as", "cashier", "--tender", "card:200.00", "--ref", "cd654321:210987654321"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let receipt: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(receipt["tenders"][0]["reference"], "CD654321:210987654321", "{receipt}");
    a.drain("cashier");
    let held = platform.sql(&format!(
        "SELECT record #>> '{{tenders,0,reference}}' FROM journal WHERE record ->> 'receipt_no' = '{}'",
        receipt["receipt_no"].as_str().unwrap()
    ));
    assert_eq!(held.trim(), "CD654321:210987654321");
}

/// `envelope` (one deposit) restated at `at`, under new keys and the number `receipt_no`.
fn restated(envelope: &Value, receipt_no: &str, at: &str) -> Value {
    let mut forged = forged_deposit(envelope, receipt_no, None);
    forged["at"] = json!(at);
    forged["records"][0]["at"] = json!(at);
    forged
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn stated_times_are_checked_against_the_platforms_clock() {
    let platform = Platform::start("atk_times", 10);
    let (counter, deposit) = counter_with_a_deposit(&platform, "窗口T");
    let device = device_of(&counter);
    let number = bump(deposit["records"][0]["receipt_no"].as_str().unwrap(), 1);
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let before = footprint(&platform);
        let ahead = restated(&deposit, &number, &stamp(chrono::Duration::hours(1)));
        refused(push(&c, &cashier, &device, &ahead).await, "TIME_IN_FUTURE", "a deposit an hour ahead");
        let mut record_ahead = restated(&deposit, &number, &stamp(chrono::Duration::zero()));
        record_ahead["records"][0]["at"] = json!(stamp(chrono::Duration::hours(1)));
        refused(push(&c, &cashier, &device, &record_ahead).await, "TIME_IN_FUTURE", "a record an hour ahead");
        let old = restated(&deposit, &number, &stamp(-chrono::Duration::days(8)));
        refused(push(&c, &cashier, &device, &old).await, "TIME_TOO_OLD", "a deposit 8 days back");
        let before_device = restated(&deposit, &number, &stamp(-chrono::Duration::hours(2)));
        refused(push(&c, &cashier, &device, &before_device).await, "TIME_TOO_OLD", "before the device existed");
        assert_eq!(footprint(&platform), before, "a refused operation wrote something");
        let on_time = restated(&deposit, &number, &stamp(chrono::Duration::zero()));
        let (outcome, code, message) = push(&c, &cashier, &device, &on_time).await;
        assert_eq!(outcome, "applied", "{code} {message}");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_reversal_inside_its_window_when_stated_but_received_after_it_is_refused() {
    let mut platform = Platform::start("atk_window", 10);
    let (counter, cash) = counter_with_a_deposit(&platform, "窗口W");
    let device = device_of(&counter);
    let card_no = bump(cash["records"][0]["receipt_no"].as_str().unwrap(), 1);
    let mut card = forged_deposit(&cash, &card_no, None);
    card["records"][0]["tenders"] =
        json!([{"tender": "card", "amount": "100.00", "reference": "T0000001:000006222001"}]);
    let c = platform.client();
    let deposit_at = card["records"][0]["at"].as_str().unwrap().to_owned();
    runtime().block_on(async {
        let (outcome, code, message) = push(&c, &token_at(&c, &counter, "cashier").await, &device, &card).await;
        assert_eq!(outcome, "applied", "{code} {message}");
    });
    // The platform's clock 181 days on: the bank card's 180-day refund window has closed.
    let later =
        chrono::NaiveDateTime::parse_from_str(&deposit_at, "%Y-%m-%dT%H:%M:%S").unwrap() + chrono::Duration::days(181);
    platform.serve_env.push(("PLATFORM_RECON_NOW".into(), later.format("%Y-%m-%d %H:%M:%S").to_string()));
    platform.serve_env.push(("PLATFORM_MAX_OFFLINE_DAYS".into(), "400".into()));
    platform.restart();
    let stated = (chrono::NaiveDateTime::parse_from_str(&deposit_at, "%Y-%m-%dT%H:%M:%S").unwrap()
        + chrono::Duration::hours(1))
    .format("%Y-%m-%dT%H:%M:%S")
    .to_string();
    let mut reversal = restated(&card, &bump(&card_no, 1), &stated);
    let record = &mut reversal["records"][0];
    record["deposit_kind"] = json!("reversal");
    record["reverses"] = card["records"][0]["key"].clone();
    record["amount"] = json!("-100.00");
    record["tenders"] = json!([{"tender": "card", "amount": "-100.00", "reference": "T0000001:000006222001"}]);
    let c = platform.client();
    runtime().block_on(async {
        let before = footprint(&platform);
        let answer = push(&c, &token_at(&c, &counter, "cashier").await, &device, &reversal).await;
        refused(answer, "WINDOW_PASSED_AT_PLATFORM", "a card reversal stated an hour after the deposit");
        assert_eq!(footprint(&platform), before, "a refused operation wrote something");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn operations_are_the_pushers_own_and_the_audit_names_user_and_device() {
    let platform = Platform::start("atk_identity", 10);
    let (counter, deposit) = counter_with_a_deposit(&platform, "窗口I");
    counter.drain("cashier2");
    let device = device_of(&counter);
    let number = bump(deposit["records"][0]["receipt_no"].as_str().unwrap(), 1);
    let of_cashier2 = bump(&first_of_block(&platform, &device, "cashier2"), 1);
    let other_name = platform.sql("SELECT display_name FROM users WHERE username = 'cashier2'").trim().to_owned();
    let c = platform.client();
    runtime().block_on(async {
        let (cashier, cashier2) = (token_at(&c, &counter, "cashier").await, token_at(&c, &counter, "cashier2").await);
        let before = footprint(&platform);
        // The cashier pushing a deposit in cashier2's name, with cashier2's number.
        let as_cashier2 = forged_deposit(&deposit, &of_cashier2, Some("cashier2"));
        refused(push(&c, &cashier, &device, &as_cashier2).await, "NOT_THE_CALLER", "in cashier2's name");
        // cashier2 pushing the cashier's operation.
        let theirs = forged_deposit(&deposit, &number, None);
        refused(push(&c, &cashier2, &device, &theirs).await, "NOT_THE_CALLER", "cashier2 pushes cashier's");
        // The cashier's own operation whose receipt names another person as taking the money.
        let mut other_actor = forged_deposit(&deposit, &number, None);
        other_actor["records"][0]["cashier"] = json!(other_name);
        refused(push(&c, &cashier, &device, &other_actor).await, "NOT_THE_CALLER", "another actor");
        assert_eq!(footprint(&platform), before, "a refused operation wrote something");
        let (outcome, code, message) = push(&c, &cashier, &device, &theirs).await;
        assert_eq!(outcome, "applied", "{code} {message}");
    });
    let audit = platform.sql(
        "SELECT actor || '|' || (detail::jsonb->>'user') || '|' || (detail::jsonb->>'device')
         FROM audit_log WHERE action = 'sync.push' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(audit.trim(), format!("cashier|cashier|{device}"), "the push's audit row");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_counter_pushes_only_the_logged_in_users_operations() {
    let platform = Platform::start("atk_makers", 10);
    let counter = Counter::register(&platform, &platform.https(), "窗口M");
    counter.drain("cashier");
    counter.drain("cashier2");
    let cases = common::case_numbers(&platform);
    for (user, case_no) in [("cashier2", &cases[0]), ("cashier", &cases[0]), ("cashier", &cases[1])] {
        let out = counter.deposit(user, case_no, "现金:10.00");
        assert!(out.status.success(), "deposit: {}", text(&out.stderr));
    }
    let outcomes = || counter.outbox().into_iter().rev().take(3).rev().map(|(_, o)| o).collect::<Vec<_>>();
    // The cashier's round: cashier2's deposit waits, and the cashier's later one of the same
    // admission behind it; the other admission goes.
    counter.sync("cashier", 1).unwrap();
    assert_eq!(outcomes(), [None, None, Some("applied".to_owned())]);
    // cashier2 logs in: their deposit goes; then the cashier's.
    counter.sync("cashier2", 1).unwrap();
    assert_eq!(outcomes(), [Some("applied".to_owned()), None, Some("applied".to_owned())]);
    counter.drain("cashier");
    assert!(outcomes().iter().all(|o| o.as_deref() == Some("applied")), "{:?}", outcomes());
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_device_proves_itself_and_a_session_acts_for_its_own_device_only() {
    let platform = Platform::start("atk_devices", 10);
    let (a, deposit) = counter_with_a_deposit(&platform, "窗口D");
    let b = Counter::register(&platform, &platform.https(), "窗口E");
    let ((device_a, secret_a), (device_b, _)) = (a.device(), b.device());
    // The secret is not in the counter's database: a copy of it cannot log in as the device.
    let db = std::fs::read(&a.db).unwrap();
    assert!(!db.windows(secret_a.len()).any(|w| w == secret_a.as_bytes()), "the device secret is in the database");
    let number = bump(deposit["records"][0]["receipt_no"].as_str().unwrap(), 1);
    let forged = forged_deposit(&deposit, &number, None);
    let c = platform.client();
    runtime().block_on(async {
        let before = footprint(&platform);
        let login = |device: Option<Uuid>, secret: Option<String>| LoginRequest {
            username: "cashier".into(),
            password: common::PASSWORD.into(),
            device_id: device,
            device_secret: secret,
        };
        // Naming a device without its secret, or with another's: refused before any password check.
        for (secret, what) in [(None, "no secret"), (Some("x".repeat(43)), "a guessed secret")] {
            let e = c.log_in(&login(Some(device_a), secret)).await.unwrap_err();
            assert_eq!(e.code(), wire::codes::DEVICE_NOT_PROVEN, "{what}: {e}");
        }
        let e = c.log_in(&login(Some(device_b), Some(secret_a.clone()))).await.unwrap_err();
        assert_eq!(e.code(), wire::codes::DEVICE_NOT_PROVEN, "device A's secret for device B: {e}");
        // A session bound to no device, or to device A, cannot push, pull or take numbers for A or B.
        let bare = token(&c, "cashier").await;
        let on_a = token_at(&c, &a, "cashier").await;
        let batch = |device: Uuid| serde_json::to_vec(&json!({"device_id": device, "envelopes": [forged]})).unwrap();
        let range =
            |device: Uuid| serde_json::to_vec(&json!({"device_id": device, "series": "deposit", "count": 10})).unwrap();
        for (token, device, what) in [(&bare, device_a, "no device"), (&on_a, device_b, "device A for B")] {
            let (status, answer) =
                c.raw(Method::POST, "/api/v1/sync/push", Some(token), Some(batch(device))).await.unwrap();
            assert_eq!((status, answer["code"].as_str()), (403, Some("DEVICE_NOT_PROVEN")), "push, {what}: {answer}");
            let feed = format!("/api/v1/sync/changes?device_id={device}&after=0");
            let (status, answer) = c.raw(Method::GET, &feed, Some(token), None).await.unwrap();
            assert_eq!((status, answer["code"].as_str()), (403, Some("DEVICE_NOT_PROVEN")), "pull, {what}: {answer}");
            let path = format!("/api/v1/devices/{device}/ranges");
            let (status, answer) = c.raw(Method::POST, &path, Some(token), Some(range(device))).await.unwrap();
            assert_eq!((status, answer["code"].as_str()), (403, Some("DEVICE_NOT_PROVEN")), "range, {what}: {answer}");
        }
        assert_eq!(footprint(&platform), before, "a refused request wrote something");
        // Device A's own session, proven with its secret, pushes for A.
        let (outcome, code, message) = push(&c, &on_a, &device_a.to_string(), &forged).await;
        assert_eq!(outcome, "applied", "{code} {message}");
    });
}
