//! Approvals with proof, against the real platform on PostgreSQL over HTTPS: a recall needs the
//! one-time token the platform issued for exactly it (asked with the supervisor's own password,
//! never for oneself); a counter cut off from the platform checks the supervisor itself, which
//! the platform believes only from a device it did not hear from at that moment, and lists for
//! a review by another supervisor. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

#[path = "common/attack.rs"]
mod attack;
mod common;

use attack::*;
use common::{Counter, Platform, runtime, text, token, token_at};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// Counts of what an approval writes: tokens issued and spent, offline approvals, audit rows.
fn approvals_footprint(platform: &Platform) -> String {
    platform.sql(
        "SELECT (SELECT count(*) FROM approval_tokens) || '/' || (SELECT count(*) FROM approval_tokens WHERE used_at IS NOT NULL)
            || '/' || (SELECT count(*) FROM offline_approvals)",
    )
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_recall_needs_the_token_the_platform_issued_for_exactly_it() {
    let platform = Platform::start("atk_approval", 10);
    let (counter, settlement) = counter_with_a_settlement(&platform, "窗口T");
    let device = device_of(&counter);
    let net: i64 =
        settlement["payments"].as_array().unwrap().iter().map(|p| common::fen(p["amount"].as_str().unwrap())).sum();
    let number = bump(&first_of_block(&platform, &device, "cashier"), 100);
    let c = platform.client();
    runtime().block_on(async {
        let (cashier, cashier2) = (token_at(&c, &counter, "cashier").await, token_at(&c, &counter, "cashier2").await);
        let recall = recall_envelope(&settlement, "cashier", "supervisor", Some((net, &number)), false);
        let issued = approvals_footprint(&platform);
        // Asking for a token: a wrong password, a cashier as approver, oneself, a session bound
        // to no device — none is issued.
        let (status, body) = ask_approval(&c, &cashier, &recall, "supervisor", "wrong-password", net).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("LOGIN_FAILED")), "{body}");
        let (status, body) = ask_approval(&c, &cashier, &recall, "cashier2", common::PASSWORD, net).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("FORBIDDEN")), "{body}");
        let (status, body) = ask_approval(&c, &cashier2, &recall, "cashier2", common::PASSWORD, net).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("SELF_APPROVAL")), "{body}");
        let unbound = token(&c, "cashier").await;
        let (status, body) = ask_approval(&c, &unbound, &recall, "supervisor", common::PASSWORD, net).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("DEVICE_NOT_PROVEN")), "{body}");
        assert_eq!(approvals_footprint(&platform), issued, "a refused ask issued a token");
        let audited =
            platform.sql("SELECT count(*) FROM audit_log WHERE action = 'approval.failed' AND actor = 'supervisor'");
        assert_eq!(audited.trim(), "1", "the wrong approval password is audited");

        let before = footprint(&platform);
        // No proof at all.
        refused(push(&c, &cashier, &device, &recall).await, "APPROVAL_MISSING", "a recall without approval");
        // A token the platform never issued.
        let mut forged = recall.clone();
        forged["approval"] = json!({"by": "token", "token": "Zm9yZ2VkLXRva2VuLWZvcmdlZC10b2tlbi1mb3JnZWQ"});
        refused(push(&c, &cashier, &device, &forged).await, "APPROVAL_INVALID", "a forged token");
        // A token issued for another amount, or for another operation.
        let cheaper = approved(&c, &cashier, &recall, net - 100).await;
        refused(push(&c, &cashier, &device, &cheaper).await, "APPROVAL_INVALID", "a token for another amount");
        let other = recall_envelope(&settlement, "cashier", "supervisor", Some((net, &number)), false);
        let mut borrowed = approved(&c, &cashier, &other, net).await;
        borrowed["key"] = recall["key"].clone();
        borrowed["records"] = recall["records"].clone();
        refused(push(&c, &cashier, &device, &borrowed).await, "APPROVAL_INVALID", "a token of another operation");
        // The right token with another printed approver's name.
        let mut renamed = approved(&c, &cashier, &recall, net).await;
        renamed["records"][0]["approved_by"] = json!("王丽");
        refused(push(&c, &cashier, &device, &renamed).await, "APPROVAL_INVALID", "another approver's name");
        assert_eq!(footprint(&platform), before, "a refused recall wrote something");

        // The right token goes in once; spent, it opens nothing else.
        let right = approved(&c, &cashier, &recall, net).await;
        let (outcome, code, message) = push(&c, &cashier, &device, &right).await;
        assert_eq!(outcome, "applied", "{code} {message}");
        let next = bump(&number, 1);
        let mut again = recall_envelope(&settlement, "cashier", "supervisor", Some((net, &next)), false);
        again["approval"] = right["approval"].clone();
        refused(push(&c, &cashier, &device, &again).await, "APPROVAL_INVALID", "a spent token");
        let spent = platform.sql(&format!(
            "SELECT count(*) FROM approval_tokens WHERE operation_key = '{}' AND used_at IS NOT NULL",
            recall["key"].as_str().unwrap()
        ));
        assert_eq!(spent.trim(), "1");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn an_offline_approval_counts_only_from_a_device_the_platform_did_not_hear_from() {
    let platform = Platform::start("atk_offline", 10);
    let (counter, settlement) = counter_with_a_settlement(&platform, "窗口O");
    let device = device_of(&counter);
    let net: i64 =
        settlement["payments"].as_array().unwrap().iter().map(|p| common::fen(p["amount"].as_str().unwrap())).sum();
    let number = bump(&first_of_block(&platform, &device, "cashier"), 100);
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        // Claimed offline while the device was talking to the platform: kept for a supervisor.
        let now = stamp(chrono::Duration::zero());
        let mut online = recall_at(&settlement, "cashier", "supervisor", Some((net, &number)), false, &now);
        online["approval"] = json!({"by": "offline_check", "checked_at": now});
        let (outcome, code, message) = push(&c, &cashier, &device, &online).await;
        assert_eq!((outcome.as_str(), code.as_str()), ("rejected", "APPROVAL_NOT_OFFLINE"), "{message}");
        let pending = platform.sql(&format!(
            "SELECT code FROM operations WHERE key = '{}' AND outcome = 'rejected'",
            online["key"].as_str().unwrap()
        ));
        assert_eq!(pending.trim(), "APPROVAL_NOT_OFFLINE", "the recall waits on the pending list");

        // Silence: nothing from the device for half a minute, then a recall checked offline
        // 12 seconds ago — the platform believes it and lists it for review.
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        let then = stamp(chrono::Duration::seconds(-12));
        let next = bump(&number, 1);
        let mut offline = recall_at(&settlement, "cashier", "supervisor", Some((net, &next)), false, &then);
        offline["approval"] = json!({"by": "offline_check", "checked_at": then});
        let (outcome, code, message) = push(&c, &cashier, &device, &offline).await;
        assert_eq!(outcome, "applied", "{code} {message}");
        let key = offline["key"].as_str().unwrap().to_owned();

        // The review: not by the cashier, not by the approver; by another supervisor, once.
        let admin = token(&c, "admin").await;
        let user = json!({"username": "supervisor2", "display_name": "周婷", "role": "supervisor",
            "password": common::PASSWORD, "receipt_prefix": "08"});
        let (status, body) =
            c.raw(Method::POST, "/api/v1/users", Some(&admin), Some(serde_json::to_vec(&user).unwrap())).await.unwrap();
        assert_eq!(status, 200, "{body}");
        let (supervisor, supervisor2) = (token(&c, "supervisor").await, token(&c, "supervisor2").await);
        let (status, list) = c.raw(Method::GET, "/api/v1/approvals/offline", Some(&supervisor2), None).await.unwrap();
        assert_eq!(status, 200, "{list}");
        let listed = list.as_array().unwrap();
        assert_eq!(listed.len(), 1, "{list}");
        assert_eq!(
            (listed[0]["key"].as_str(), listed[0]["approver"].as_str()),
            (Some(key.as_str()), Some("supervisor"))
        );
        assert!(listed[0]["verdict"].is_null());
        let (status, _) = c.raw(Method::GET, "/api/v1/approvals/offline", Some(&cashier), None).await.unwrap();
        assert_eq!(status, 403, "a cashier cannot read the review list");
        let review =
            |verdict: &str, note: &str| serde_json::to_vec(&json!({"verdict": verdict, "note": note})).unwrap();
        let path = format!("/api/v1/approvals/offline/{key}/review");
        let (status, body) =
            c.raw(Method::POST, &path, Some(&supervisor), Some(review("confirmed", "属实"))).await.unwrap();
        assert_eq!((status, body["code"].as_str()), (403, Some("SELF_APPROVAL")), "the approver reviews themself");
        let (status, body) =
            c.raw(Method::POST, &path, Some(&supervisor2), Some(review("fine", "属实"))).await.unwrap();
        assert_eq!((status, body["code"].as_str()), (400, Some("MALFORMED_REQUEST")), "{body}");
        let (status, body) =
            c.raw(Method::POST, &path, Some(&supervisor2), Some(review("confirmed", " "))).await.unwrap();
        assert_eq!((status, body["code"].as_str()), (400, Some("MALFORMED_REQUEST")), "{body}");
        let (status, body) =
            c.raw(Method::POST, &path, Some(&supervisor2), Some(review("confirmed", "电话核实属实"))).await.unwrap();
        assert_eq!(status, 204, "{body}");
        let (status, _) =
            c.raw(Method::POST, &path, Some(&supervisor2), Some(review("disputed", "再次复核"))).await.unwrap();
        assert_eq!(status, 409, "reviewed twice");
        let row = platform.sql(&format!(
            "SELECT verdict || '|' || reviewed_by || '|' || note FROM offline_approvals WHERE operation_key = '{key}'"
        ));
        assert_eq!(row.trim(), "confirmed|supervisor2|电话核实属实");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn the_counter_asks_the_platform_for_the_token_and_approves_offline_when_cut_off() {
    let platform = Platform::start("atk_app_approval", 40);
    let proxy = common::proxy::Proxy::start(platform.port);
    let counter = Counter::register(&platform, &proxy.url(), "窗口C");
    counter.drain("cashier");
    let ready = counter.ready_self_pay();
    for case_no in &ready[..2] {
        let out = counter.settle("cashier", case_no);
        assert!(out.status.success(), "settle: {}", text(&out.stderr));
    }
    counter.drain("cashier");
    runtime().block_on(async {
        let config = app::AppConfig::new(counter.db.clone());
        let opened = sync::counter::open(config, true, sync::TokenStore::memory()).await.unwrap();
        let (app, session) = (opened.app, opened.session.unwrap());
        let login = |username: &str| contract::session::LoginRequest {
            username: username.into(),
            password: common::PASSWORD.into(),
        };
        // The supervisor has worked at this counter before, so it can check them offline.
        session.log_in(&app, &login("supervisor")).await.unwrap();
        let (cashier, _) = session.log_in(&app, &login("cashier")).await.unwrap();
        let syncer = sync::Syncer::new(app.clone(), session.clone(), app.link().unwrap().clone());
        syncer.set_user(Some("cashier".into()));
        let recall = |case_no: &str, password: &str| contract::cashier::RecallRequest {
            case_no: case_no.into(),
            key: Uuid::now_v7().to_string(),
            kind: "settlement".into(),
            settlement_no: None,
            reason: "结算有误".into(),
            approval: contract::cashier::Approval { username: "supervisor".into(), password: password.into() },
        };
        let applied = |key: &Value| {
            let key = key.as_str().unwrap();
            platform.sql(&format!("SELECT outcome || ' ' || coalesce(code, '') || ' ' || coalesce(message, '') FROM operations WHERE key = '{key}'"))
        };

        // Online, a wrong password: the platform says no and nothing is queued.
        let queued = counter.outbox().len();
        let refused = app.recall(&cashier, &recall(&ready[0], "wrong-password")).await.unwrap_err();
        assert_eq!(refused.code(), "LOGIN_FAILED", "{refused}");
        assert_eq!(counter.outbox().len(), queued, "a refused approval queued an operation");
        // Online: the platform's token travels with the recall, which it applies.
        app.recall(&cashier, &recall(&ready[0], common::PASSWORD)).await.unwrap();
        let online = newest_envelope(&counter);
        assert_eq!(online["approval"]["by"], "token", "{online}");
        syncer.round().await.unwrap();
        assert_eq!(applied(&online["key"]).trim(), "applied");

        // Cut off: the counter checks the supervisor's password itself; the platform heard
        // nothing from it meanwhile, so it believes the check and lists it for review.
        proxy.cut();
        assert!(syncer.round().await.is_err());
        assert!(!app.link().unwrap().is_online(), "the counter knows it is offline");
        tokio::time::sleep(std::time::Duration::from_secs(25)).await;
        app.recall(&cashier, &recall(&ready[1], common::PASSWORD)).await.unwrap();
        let offline = newest_envelope(&counter);
        assert_eq!(offline["approval"]["by"], "offline_check", "{offline}");
        proxy.restore();
        syncer.round().await.unwrap();
        let presence = platform.sql("SELECT first_at || ' – ' || last_at FROM device_presence ORDER BY first_at");
        assert_eq!(applied(&offline["key"]).trim(), "applied", "heard from the device: {presence}");
        let listed = platform.sql(&format!(
            "SELECT approver FROM offline_approvals WHERE operation_key = '{}'",
            offline["key"].as_str().unwrap()
        ));
        assert_eq!(listed.trim(), "supervisor");
    });
}
