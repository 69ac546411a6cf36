//! What the platform refuses, over real HTTPS: each role's forbidden endpoints (403), expired
//! and forged tokens, throttled logins, malformed, oversize and unknown-field bodies, unknown
//! devices, unbalanced amounts, a key replayed with another payload, SQL-looking searches, HIS
//! imports with duplicate or missing ids — each with its code, and nothing written. Also: a
//! tampered audit row is named by `platform audit verify`, and no token sits in the counter's
//! data folder. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::sync::Arc;

use common::{Counter, PASSWORD, Platform, runtime, text, token};
use reqwest::Method;
use serde_json::{Value, json};
use sync::Client;
use wire::api::LoginRequest;

async fn call(client: &Client, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    client.raw(method, path, token, body.map(|b| serde_json::to_vec(&b).unwrap())).await.unwrap()
}

/// Rows that must not move when a request is refused.
fn footprint(platform: &Platform) -> String {
    platform.sql(
        "SELECT (SELECT count(*) FROM journal) || '/' || (SELECT count(*) FROM operations) || '/' ||
                (SELECT count(*) FROM admissions) || '/' || (SELECT count(*) FROM devices) || '/' ||
                (SELECT count(*) FROM users)",
    )
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn each_role_is_refused_what_it_may_not_do() {
    let platform = Platform::start("roles", 10);
    let counter = Counter::register(&platform, &platform.https(), "窗口S");
    let device = counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let key = uuid::Uuid::now_v7();
    let c = platform.client();
    runtime().block_on(async {
        let user = json!({"username": "x1", "display_name": "某", "role": "cashier", "password": "abcdefgh1", "receipt_prefix": "07"});
        let push = json!({"device_id": device, "envelopes": []});
        let resolve = json!({"action": "deposit", "note": "转预交金"});
        let import = json!({"admissions": [], "fees": [], "events": []});
        let register = json!({"name": "新窗口", "place": "counter", "wards": []});
        let range = json!({"device_id": device, "series": "deposit", "count": 10});
        let forbidden: &[(&str, Method, String, Option<Value>)] = &[
            ("cashier", Method::POST, "/api/v1/users".into(), Some(user.clone())),
            ("cashier", Method::POST, "/api/v1/devices".into(), Some(register.clone())),
            ("cashier", Method::GET, "/api/v1/pending".into(), None),
            ("cashier", Method::POST, format!("/api/v1/pending/{key}/resolve"), Some(resolve.clone())),
            ("cashier", Method::POST, "/api/v1/his/import".into(), Some(import.clone())),
            ("cashier", Method::GET, "/api/v1/audit/verify".into(), None),
            ("finance", Method::POST, "/api/v1/users".into(), Some(user.clone())),
            ("finance", Method::POST, format!("/api/v1/pending/{key}/resolve"), Some(resolve.clone())),
            ("finance", Method::POST, format!("/api/v1/devices/{device}/ranges"), Some(range.clone())),
            ("supervisor", Method::POST, "/api/v1/users".into(), Some(user.clone())),
            ("supervisor", Method::POST, "/api/v1/devices".into(), Some(register.clone())),
            ("supervisor", Method::POST, "/api/v1/his/import".into(), Some(import.clone())),
            ("admin", Method::POST, "/api/v1/sync/push".into(), Some(push.clone())),
            ("admin", Method::GET, format!("/api/v1/sync/changes?device_id={device}&after=0"), None),
            ("admin", Method::GET, "/api/v1/patients?q=zs".into(), None),
            ("admin", Method::POST, format!("/api/v1/pending/{key}/resolve"), Some(resolve.clone())),
        ];
        let before = footprint(&platform);
        for (role, method, path, body) in forbidden {
            let t = token(&c, role).await;
            let (status, answer) = call(&c, method.clone(), path, Some(&t), body.clone()).await;
            assert_eq!(status, 403, "{role} {method} {path}: {answer}");
            assert_eq!(answer["code"], "FORBIDDEN", "{role} {path}");
            assert!(!answer["message"].as_str().unwrap().is_empty());
        }
        assert_eq!(footprint(&platform), before, "a refused request wrote something");
        // Without a token: 401 everywhere but login and health.
        let (status, answer) = call(&c, Method::GET, "/api/v1/pending", None, None).await;
        assert_eq!((status, answer["code"].as_str()), (401, Some("UNAUTHENTICATED")));
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn expired_forged_and_throttled_logins_are_refused() {
    let platform = Platform::start("tokens", 10);
    let c = platform.client();
    runtime().block_on(async {
        let t = token(&c, "supervisor").await;
        let (status, _) = call(&c, Method::GET, "/api/v1/pending", Some(&t), None).await;
        assert_eq!(status, 200);
        // The same token with its last character changed (to a different one, whatever it was).
        let last = if t.ends_with('A') { 'B' } else { 'A' };
        let forged = format!("{}{last}", &t[..t.len() - 1]);
        assert_ne!(forged, t);
        let (status, answer) = call(&c, Method::GET, "/api/v1/pending", Some(&forged), None).await;
        assert_eq!((status, answer["code"].as_str()), (401, Some("UNAUTHENTICATED")), "{answer}");
        platform.sql("UPDATE sessions SET expires_at = now() - interval '1 minute'");
        let (status, answer) = call(&c, Method::GET, "/api/v1/pending", Some(&t), None).await;
        assert_eq!((status, answer["code"].as_str()), (401, Some("TOKEN_EXPIRED")), "{answer}");

        // Five wrong passwords, then even the right one waits.
        for _ in 0..5 {
            let wrong = LoginRequest {
                username: "cashier".into(),
                password: "wrong-pass".into(),
                device_id: None,
                device_secret: None,
            };
            let err = c.log_in(&wrong).await.unwrap_err();
            assert_eq!(err.code(), "LOGIN_FAILED");
        }
        let right = LoginRequest {
            username: "cashier".into(),
            password: PASSWORD.into(),
            device_id: None,
            device_secret: None,
        };
        assert_eq!(c.log_in(&right).await.unwrap_err().code(), "LOGIN_THROTTLED");
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn bad_requests_get_a_code_and_change_nothing() {
    let platform = Platform::start("badinput", 10);
    let counter = Counter::register(&platform, &platform.https(), "窗口B");
    counter.drain("cashier");
    let case_no = common::case_numbers(&platform).remove(0);
    assert!(counter.deposit("cashier", &case_no, "现金:100.00").status.success());
    let queued: Value = serde_json::from_str(counter.sqlite("SELECT envelope FROM outbox").trim()).unwrap();
    let device = counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let c = platform.client();
    runtime().block_on(async {
        let t = common::token_at(&c, &counter, "cashier").await;
        let admin = token(&c, "admin").await;
        let before = footprint(&platform);
        let raw = |body: Vec<u8>| c.raw(Method::POST, "/api/v1/sync/push", Some(&t), Some(body));
        // Malformed JSON, a wrong type, an unknown field, an oversize body.
        for (body, status, code) in [
            (b"{\"device_id\": ".to_vec(), 400, "MALFORMED_REQUEST"),
            (br#"{"device_id": 5, "envelopes": []}"#.to_vec(), 400, "MALFORMED_REQUEST"),
            (
                format!(r#"{{"device_id": "{device}", "envelopes": [], "sneaky": 1}}"#).into_bytes(),
                400,
                "MALFORMED_REQUEST",
            ),
            (vec![b' '; (common::BODY_LIMIT_KB + 64) * 1024], 413, "BODY_TOO_LARGE"),
        ] {
            let (got, answer) = raw(body).await.unwrap();
            assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{answer}");
        }
        // An unknown device.
        let stranger = json!({"device_id": uuid::Uuid::now_v7(), "envelopes": [queued.clone()]});
        let (status, answer) = call(&c, Method::POST, "/api/v1/sync/push", Some(&t), Some(stranger)).await;
        assert_eq!((status, answer["code"].as_str()), (403, Some("UNKNOWN_DEVICE")), "{answer}");
        // Amounts that do not balance: the tenders say 100, the deposit says 90.
        let mut unbalanced = queued.clone();
        unbalanced["key"] = json!(uuid::Uuid::now_v7());
        let record = &mut unbalanced["records"][0];
        record["key"] = json!(uuid::Uuid::now_v7());
        record["amount"] = json!("90.00");
        let batch = json!({"device_id": device, "envelopes": [unbalanced]});
        let (status, answer) = call(&c, Method::POST, "/api/v1/sync/push", Some(&t), Some(batch)).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["results"][0]["outcome"], "invalid", "{answer}");
        assert_eq!(answer["results"][0]["code"], "AMOUNTS_UNBALANCED", "{answer}");
        // SQL in a search is just text (searched from the registered device: a session bound
        // to no device may not search).
        let request = LoginRequest {
            username: "cashier".into(),
            password: PASSWORD.into(),
            device_id: Some(device.parse().unwrap()),
            device_secret: Some(counter.device().1),
        };
        let bound = c.log_in(&request).await.unwrap().token;
        for q in ["'; DROP TABLE admissions; --", "' OR '1'='1", "%"] {
            let path = format!("/api/v1/patients?q={}", urlencode(q));
            let (status, answer) = call(&c, Method::GET, &path, Some(&bound), None).await;
            assert_eq!(status, 200, "{q}: {answer}");
            assert_eq!(answer.as_array().map(Vec::len), Some(0), "{q} found something: {answer}");
        }
        // HIS imports with duplicate or missing ids.
        let admission: Value = serde_json::from_str(
            platform.sql("SELECT record FROM journal WHERE kind = 'admission' ORDER BY seq LIMIT 1").trim(),
        )
        .unwrap();
        let fee: Value = serde_json::from_str(
            platform.sql("SELECT record FROM journal WHERE kind = 'fee' ORDER BY seq LIMIT 1").trim(),
        )
        .unwrap();
        // The journal keeps records tagged with their kind; the import takes them bare.
        let (mut admission, mut fee) = (admission, fee);
        admission.as_object_mut().unwrap().remove("kind");
        fee.as_object_mut().unwrap().remove("kind");
        let mut fresh = admission.clone();
        fresh["admission_id"] = json!(uuid::Uuid::now_v7());
        fresh["case_no"] = json!("99999999");
        let mut orphan = fee.clone();
        orphan["key"] = json!(uuid::Uuid::now_v7());
        orphan["admission_id"] = json!(uuid::Uuid::now_v7());
        for (body, code) in [
            (json!({"admissions": [fresh.clone(), fresh.clone()], "fees": [], "events": []}), "DUPLICATE_IDS"),
            (json!({"admissions": [fresh.clone()], "fees": [orphan], "events": []}), "MISSING_IDS"),
        ] {
            let (status, answer) = call(&c, Method::POST, "/api/v1/his/import", Some(&admin), Some(body)).await;
            assert_eq!((status, answer["code"].as_str()), (400, Some(code)), "{answer}");
        }
        assert_eq!(footprint(&platform), before, "a refused request wrote something");

        // The real operation goes in once; the same key with another payload is a conflict.
        let batch = json!({"device_id": device, "envelopes": [queued.clone()]});
        let (_, answer) = call(&c, Method::POST, "/api/v1/sync/push", Some(&t), Some(batch)).await;
        assert_eq!(answer["results"][0]["outcome"], "applied", "{answer}");
        let after_first = footprint(&platform);
        let mut changed = queued.clone();
        changed["records"][0]["amount"] = json!("200.00");
        changed["records"][0]["tenders"][0]["amount"] = json!("200.00");
        let batch = json!({"device_id": device, "envelopes": [changed]});
        let (_, answer) = call(&c, Method::POST, "/api/v1/sync/push", Some(&t), Some(batch)).await;
        assert_eq!(answer["results"][0]["outcome"], "invalid", "{answer}");
        assert_eq!(answer["results"][0]["code"], "KEY_CONFLICT", "{answer}");
        assert_eq!(footprint(&platform), after_first, "the conflicting replay wrote something");
    });
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_tampered_audit_row_is_named_by_verify() {
    let platform = Platform::start("audit", 10);
    let counter = Counter::register(&platform, &platform.https(), "窗口V");
    counter.drain("cashier");
    let verify = || {
        std::process::Command::new(common::platform_bin())
            .args(["audit", "verify"])
            .env("DATABASE_URL", &platform.url)
            .output()
            .unwrap()
    };
    let ok = verify();
    assert!(ok.status.success(), "{}", text(&ok.stdout));
    let rows: i64 = platform.sql("SELECT count(*) FROM audit_log").trim().parse().unwrap();
    assert!(rows >= 2, "registration and login are audited");
    // Someone with database access edits row 2, going around the append-only trigger.
    platform.sql(
        "ALTER TABLE audit_log DISABLE TRIGGER USER;
         UPDATE audit_log SET detail = replace(detail, 'cashier', 'cashierX') WHERE id = 2;
         ALTER TABLE audit_log ENABLE TRIGGER USER",
    );
    let broken = verify();
    assert_eq!(broken.status.code(), Some(1));
    assert!(text(&broken.stdout).contains("第 2 行"), "{}", text(&broken.stdout));
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn no_token_is_readable_from_the_counters_data_folder() {
    let platform = Platform::start("keyring", 10);
    let counter = Counter::register(&platform, &platform.https(), "窗口K");
    runtime().block_on(async {
        let config = app::AppConfig::new(counter.db.clone());
        let app = app::App::open(config).await.unwrap();
        let device = sync::session::device_of(&app).await.unwrap().unwrap();
        // The desktop's own store: the OS keyring, and the running app's memory (where this
        // machine has no Secret Service the token lives in memory only: "log in again" after a
        // restart). Either way, not in the data folder.
        let request = contract::session::LoginRequest { username: "cashier".into(), password: PASSWORD.into() };
        // As `sync::counter::open` does: the device proves itself with the secret it was given.
        let secret = sync::device_secret::load(&counter.db, device);
        assert!(secret.is_some(), "registration kept the device secret");
        let session =
            Arc::new(sync::Session::new(platform.client(), device, sync::TokenStore::keyring()).proven(secret));
        session.log_in(&app, &request).await.expect("a missing keyring is not a failed login");
        let token = session.token("cashier").expect("the running app holds its token");
        let syncer = sync::Syncer::new(app.clone(), session.clone(), app::link::Link::default().into());
        syncer.set_user(Some("cashier".into()));
        let _ = syncer.round().await;
        app.store().close().await;
        let mut files = 0;
        for entry in walk(counter.dir.path()) {
            let bytes = std::fs::read(&entry).unwrap();
            files += 1;
            assert!(!contains(&bytes, token.as_bytes()), "the token is readable in {}", entry.display());
        }
        assert!(files >= 1);
    });
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
