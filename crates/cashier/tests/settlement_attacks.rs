//! Settlements re-derived by the platform, over real HTTPS against the real platform on
//! PostgreSQL. A linked counter's insurance goes through the platform, which keeps insurance's
//! answer in its register; a settlement whose figures differ from what the platform derives from
//! its own ledger and that register — more insurance, a blood waiver nobody approved, deposits
//! held back, fee lines left out — is rejected to the pending list with the differing figure
//! named, and nothing enters the journal. A claim for fees the platform does not hold is refused
//! before insurance is asked. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use common::{Counter, Platform, runtime, text, token, token_at};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

fn device_of(counter: &Counter) -> String {
    counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned()
}

/// The counter's newest queued operation, as it will push it.
fn newest_envelope(counter: &Counter) -> Value {
    serde_json::from_str(counter.sqlite("SELECT envelope FROM outbox ORDER BY seq DESC LIMIT 1").trim()).unwrap()
}

/// Yuan text ± `fen`.
fn moved(yuan: &Value, fen: i64) -> Value {
    let total = common::fen(yuan.as_str().unwrap()) + fen;
    let sign = if total < 0 { "-" } else { "" };
    json!(format!("{sign}{}.{:02}", total.abs() / 100, total.abs() % 100))
}

/// The settlement operation under a new key with `field` moved by `fen` and the due (and so the
/// payments) moved to keep it balanced: self-consistent, so only re-deriving it catches it.
fn forged(envelope: &Value, field: &str, fen: i64) -> Value {
    let mut forged = envelope.clone();
    forged["key"] = json!(Uuid::now_v7());
    let settlement = forged["records"].as_array_mut().unwrap().iter_mut().find(|r| r["kind"] == "settlement").unwrap();
    settlement[field] = moved(&settlement[field], fen);
    let due_change = if field == "fees" { fen } else { -fen };
    settlement["due"] = moved(&settlement["due"], due_change);
    match settlement["payments"].as_array_mut().unwrap().first_mut() {
        Some(payment) => payment["amount"] = moved(&payment["amount"], due_change),
        None => {
            let due = settlement["due"].clone();
            settlement["payments"] = json!([{"tender": "cash", "amount": due, "reference": null, "deposit": null}]);
        }
    }
    forged
}

async fn push(c: &sync::Client, token: &str, device: &str, envelope: &Value) -> (String, String, String) {
    let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [envelope]})).unwrap();
    let (status, answer) = c.raw(Method::POST, "/api/v1/sync/push", Some(token), Some(body)).await.unwrap();
    assert_eq!(status, 200, "{answer}");
    let result = &answer["results"][0];
    let field = |name: &str| result[name].as_str().unwrap_or_default().to_owned();
    (field("outcome"), field("code"), field("message"))
}

fn journal_settlements(platform: &Platform) -> String {
    platform.sql("SELECT count(*) FROM journal WHERE kind = 'settlement'")
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn forged_settlement_figures_are_rejected_naming_the_figure() {
    let platform = Platform::start("atk_figures", 12);
    let counter = Counter::register(&platform, &platform.https(), "窗口F");
    counter.drain("cashier");
    let case_no = counter.ready_self_pay().remove(0);
    // Settled at the counter; the operation is taken from the outbox before it is pushed.
    let out = counter.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let genuine = newest_envelope(&counter);
    let device = device_of(&counter);
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let before = journal_settlements(&platform);
        for (field, fen, named) in [
            ("insurance_fund", 10_000, "医保统筹支付"),
            ("personal_account", 5_000, "个人账户支付"),
            ("blood_reimbursement", 10_000, "用血减免"),
            ("deposits_applied", -10_000, "预交金冲抵"),
        ] {
            let attack = forged(&genuine, field, fen);
            let (outcome, code, message) = push(&c, &cashier, &device, &attack).await;
            assert_eq!((outcome.as_str(), code.as_str()), ("rejected", "FIGURE_DIFFERS"), "{field}: {message}");
            assert!(message.contains(named), "{field}: {message}");
            // Kept for the supervisor (待处理), with the reason, and nothing in the journal.
            let kept = platform.sql(&format!(
                "SELECT outcome || '|' || code FROM operations WHERE key = '{}'",
                attack["key"].as_str().unwrap()
            ));
            assert_eq!(kept.trim(), "rejected|FIGURE_DIFFERS", "{field}");
            assert_eq!(journal_settlements(&platform), before, "{field}: a forged settlement entered the journal");
        }
        // A fee line left out (and its money with it).
        let mut partial = genuine.clone();
        partial["key"] = json!(Uuid::now_v7());
        let settlement =
            partial["records"].as_array_mut().unwrap().iter_mut().find(|r| r["kind"] == "settlement").unwrap();
        settlement["fee_keys"].as_array_mut().unwrap().pop();
        let (outcome, code, message) = push(&c, &cashier, &device, &partial).await;
        assert_eq!((outcome.as_str(), code.as_str()), ("rejected", "FEES_CHANGED"), "{message}");
        assert_eq!(journal_settlements(&platform), before);
    });
    // The operation as the counter made it goes through.
    counter.drain("cashier");
    let applied =
        platform.sql(&format!("SELECT outcome FROM operations WHERE key = '{}'", genuine["key"].as_str().unwrap()));
    assert_eq!(applied.trim(), "applied");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn insured_settlements_are_checked_against_the_platforms_insurance_register() {
    let platform = Platform::start("atk_insurance", 16);
    let counter = Counter::register(&platform, &platform.https(), "窗口I");
    counter.drain("cashier");
    let ready = counter.ready(true);
    assert!(!ready.is_empty(), "the demo needs an insured admission ready to settle");
    let out = counter.settle("cashier", &ready[0]);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let genuine = newest_envelope(&counter);
    let settlement = genuine["records"].as_array().unwrap().iter().find(|r| r["kind"] == "settlement").unwrap().clone();
    // Insurance was asked through the platform, which kept its answer.
    let kept = platform.sql(&format!(
        "SELECT reference || '|' || fund_fen || '|' || personal_fen || '|' || settled_by FROM insurance_claims WHERE key = '{}'",
        settlement["key"].as_str().unwrap()
    ));
    let fields: Vec<&str> = kept.trim().split('|').collect();
    assert_eq!(fields.len(), 4, "no insurance register row: {kept}");
    assert_eq!(Some(fields[0]), settlement["insurance_ref"].as_str());
    assert_eq!(fields[1].parse::<i64>().unwrap(), common::fen(settlement["insurance_fund"].as_str().unwrap()));
    assert!(fields[1].parse::<i64>().unwrap() > 0, "an insured stay with no fund share");
    assert_eq!(fields[3], "cashier");
    let device = device_of(&counter);
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        // A larger fund share than insurance answered.
        let (outcome, code, message) = push(&c, &cashier, &device, &forged(&genuine, "insurance_fund", 100)).await;
        assert_eq!((outcome.as_str(), code.as_str()), ("rejected", "FIGURE_DIFFERS"), "{message}");
        assert!(message.contains("医保统筹支付"), "{message}");
        // A claim to insurance for fees the platform does not hold is refused before insurance
        // is asked, and nothing lands in the register.
        let claims = platform.sql("SELECT count(*) FROM insurance_claims");
        let admission = genuine["admission_id"].as_str().unwrap().to_owned();
        let claim = json!({"key": Uuid::now_v7(), "claim": {"admission_id": admission,
            "settlement_kind": "discharge", "insurance": "employee", "person": "x",
            "categories": [{"category": "drug", "total": "90000.00", "lines": 1}], "paid_this_year": "0.00"}});
        let (status, answer) = c
            .raw(Method::POST, "/api/v1/insurance/settle", Some(&cashier), Some(serde_json::to_vec(&claim).unwrap()))
            .await
            .unwrap();
        assert_eq!((status, answer["code"].as_str()), (409, Some("CLAIM_DIFFERS")), "{answer}");
        assert_eq!(platform.sql("SELECT count(*) FROM insurance_claims"), claims);
        // Finance may not call insurance at all.
        let finance = token(&c, "finance").await;
        let (status, _) = c
            .raw(Method::POST, "/api/v1/insurance/settle", Some(&finance), Some(serde_json::to_vec(&claim).unwrap()))
            .await
            .unwrap();
        assert_eq!(status, 403);
        // Reversing a claim the register does not hold is refused.
        let reverse = json!({"key": Uuid::now_v7(), "reference": "SETL-NOT-OURS"});
        let (status, _) = c
            .raw(Method::POST, "/api/v1/insurance/reverse", Some(&cashier), Some(serde_json::to_vec(&reverse).unwrap()))
            .await
            .unwrap();
        assert_eq!(status, 404);
        // Reversing the standing claim (as if recalling it) without a supervisor's approval
        // token for that recall: refused, and the claim stands.
        let reference = settlement["insurance_ref"].as_str().unwrap();
        let reverse = json!({"key": Uuid::now_v7(), "reference": reference});
        let (status, answer) = c
            .raw(Method::POST, "/api/v1/insurance/reverse", Some(&cashier), Some(serde_json::to_vec(&reverse).unwrap()))
            .await
            .unwrap();
        assert_eq!((status, answer["code"].as_str()), (403, Some("APPROVAL_MISSING")), "{answer}");
        // Under the settlement's own key (the crash sweep of a settlement the journal never
        // received) only the device that settled it may reverse: not a session of no device.
        let foreign = token(&c, "cashier").await;
        let sweep = json!({"key": settlement["key"], "reference": reference});
        let (status, answer) = c
            .raw(Method::POST, "/api/v1/insurance/reverse", Some(&foreign), Some(serde_json::to_vec(&sweep).unwrap()))
            .await
            .unwrap();
        assert_eq!((status, answer["code"].as_str()), (403, Some("APPROVAL_MISSING")), "{answer}");
        let standing =
            platform.sql(&format!("SELECT reversed_at IS NULL FROM insurance_claims WHERE reference = '{reference}'"));
        assert_eq!(standing.trim(), "t", "the claim was reversed");
    });
    // The counter's own operation goes through.
    counter.drain("cashier");
    let applied =
        platform.sql(&format!("SELECT outcome FROM operations WHERE key = '{}'", genuine["key"].as_str().unwrap()));
    assert_eq!(applied.trim(), "applied");
}
