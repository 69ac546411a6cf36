//! Users the platform no longer trusts, against the real binaries on PostgreSQL: a cashier
//! disabled while their token is in use (the next pull is 401, the login refused with
//! `USER_DISABLED`, nothing the counter holds is pushed); a changed password (the old token
//! 401, the old password refused, the new one works); a log-out (the token revoked on the
//! platform, forgotten at the counter even when the platform cannot be reached); a device of
//! one ward searching a patient of another (not found, nor in its feed). Run by
//! `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Counter, PASSWORD, Platform, text};
use sync::Client;
use uuid::Uuid;
use wire::api::LoginRequest;

fn login(username: &str, password: &str, device: Option<Uuid>) -> LoginRequest {
    LoginRequest { username: username.into(), password: password.into(), device_id: device, device_secret: None }
}

/// A login on `counter`'s device, proven with its secret.
fn login_at(username: &str, password: &str, counter: &Counter) -> LoginRequest {
    let (device, secret) = counter.device();
    LoginRequest { device_id: Some(device), device_secret: Some(secret), ..login(username, password, None) }
}

fn device_of(counter: &Counter) -> Uuid {
    counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().parse().unwrap()
}

fn count(platform: &Platform, sql: &str) -> i64 {
    platform.sql(sql).trim().parse().unwrap()
}

/// `platform ARGS…` against the test's database.
fn platform_cli(platform: &Platform, args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut command = Command::new(common::platform_bin());
    command.args(args).env("DATABASE_URL", &platform.url);
    if let Some(p) = password {
        command.env("PLATFORM_USER_PASSWORD", p);
    }
    command.output().unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_disabled_cashier_is_cut_off_at_once() {
    let platform = Platform::start("users_disable", 3);
    let counter = Counter::register(&platform, &platform.https(), "收费处 1");
    let device = device_of(&counter);
    counter.drain("cashier");
    let case_no = common::case_numbers(&platform)[0].clone();
    let journal = count(&platform, "SELECT count(*) FROM journal");
    let c = platform.client();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let token = runtime.block_on(async {
        let answer = c.log_in(&login_at("cashier", PASSWORD, &counter)).await.unwrap();
        // The password hash goes to the registered device the user logs in at, for its offline
        // logins; never to a login that names no device.
        assert!(answer.password_hash.is_some());
        let bare = c.log_in(&login("cashier2", PASSWORD, None)).await.unwrap();
        assert_eq!(bare.password_hash, None, "a bare API client got a password hash");
        c.changes(&answer.token, device, 0, 10).await.unwrap();
        answer.token
    });
    // A deposit taken at the counter, then the cashier disabled before it is pushed.
    let out = counter.deposit("cashier", &case_no, "现金:500.00");
    assert!(out.status.success(), "deposit: {}", text(&out.stderr));
    let out = platform_cli(&platform, &["user-disable", "cashier"], None);
    assert!(out.status.success(), "user-disable: {}", text(&out.stderr));
    assert_eq!(count(&platform, "SELECT count(*) FROM sessions WHERE username = 'cashier'"), 0);
    runtime.block_on(async {
        let e = c.changes(&token, device, 0, 10).await.unwrap_err();
        assert!(e.needs_login(), "{e}");
        let (status, _) =
            c.raw(reqwest::Method::POST, "/api/v1/sync/push", Some(&token), Some(b"{}".to_vec())).await.unwrap();
        assert_eq!(status, 401);
        let e = c.log_in(&login_at("cashier", PASSWORD, &counter)).await.unwrap_err();
        assert_eq!(e.code(), wire::codes::USER_DISABLED, "{e}");
        // A wrong password does not learn that the user is disabled.
        let e = c.log_in(&login_at("cashier", "wrong-password", &counter)).await.unwrap_err();
        assert_eq!(e.code(), wire::codes::LOGIN_FAILED, "{e}");
    });
    assert!(counter.sync("cashier", 1).is_err(), "a disabled cashier's counter must not sync");
    assert_eq!(count(&platform, "SELECT count(*) FROM journal"), journal, "nothing pushed");
    assert_eq!(count(&platform, "SELECT count(*) FROM user_changes WHERE change = 'disabled'"), 1);
    assert_eq!(count(&platform, "SELECT count(*) FROM audit_log WHERE action = 'user.disable'"), 1);
    // The admin API does the same to another user; a cashier may not.
    runtime.block_on(async {
        let admin = c.log_in(&login("admin", PASSWORD, None)).await.unwrap().token;
        let finance = c.log_in(&login("finance", PASSWORD, None)).await.unwrap().token;
        let path = "/api/v1/users/finance/disable";
        let (status, _) = c.raw(reqwest::Method::POST, path, Some(&finance), None).await.unwrap();
        assert_eq!(status, 403, "a finance user may not disable users");
        let (status, body) = c.raw(reqwest::Method::POST, path, Some(&admin), None).await.unwrap();
        assert_eq!(status, 200, "{body}");
        let (status, _) = c.raw(reqwest::Method::GET, "/api/v1/pending", Some(&finance), None).await.unwrap();
        assert_eq!(status, 401);
        let (status, _) =
            c.raw(reqwest::Method::POST, "/api/v1/users/nobody/disable", Some(&admin), None).await.unwrap();
        assert_eq!(status, 404);
    });
    // Another user's next pull at that counter drops the disabled users' cached hashes: no
    // offline login for them there either.
    let hash = |user: &str| {
        counter.sqlite(&format!("SELECT password_hash FROM users WHERE username = '{user}'")).trim().to_owned()
    };
    assert!(!hash("cashier").is_empty(), "the counter cached the cashier's hash at login");
    counter.sync("supervisor", 1).expect("the supervisor syncs");
    assert_eq!(hash("cashier"), "", "the disabled cashier's hash is still cached");
    assert!(!hash("supervisor").is_empty());
    // Enabled again (CLI), the cashier logs in anew and the waiting deposit goes up; the change
    // is recorded and audited.
    let out = platform_cli(&platform, &["user-enable", "cashier"], None);
    assert!(out.status.success(), "user-enable: {}", text(&out.stderr));
    counter.sync("cashier", 1).expect("the cashier syncs again");
    assert!(!hash("cashier").is_empty());
    assert_eq!(count(&platform, "SELECT count(*) FROM journal"), journal + 1, "the waiting deposit");
    assert_eq!(count(&platform, "SELECT count(*) FROM user_changes WHERE change = 'enabled'"), 1);
    assert_eq!(count(&platform, "SELECT count(*) FROM audit_log WHERE action = 'user.enable'"), 1);
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_changed_password_ends_the_old_sessions() {
    let platform = Platform::start("users_password", 2);
    let c = platform.client();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let old = runtime.block_on(async { c.log_in(&login("cashier", PASSWORD, None)).await.unwrap().token });
    let out = platform_cli(&platform, &["user-password", "cashier"], Some("new-password-1"));
    assert!(out.status.success(), "user-password: {}", text(&out.stderr));
    runtime.block_on(async {
        let (status, _) = c.raw(reqwest::Method::GET, "/api/v1/pending", Some(&old), None).await.unwrap();
        assert_eq!(status, 401, "the old token ends with the old password");
        let e = c.log_in(&login("cashier", PASSWORD, None)).await.unwrap_err();
        assert_eq!(e.code(), wire::codes::LOGIN_FAILED, "{e}");
        let token = c.log_in(&login("cashier", "new-password-1", None)).await.unwrap().token;
        // The admin API: a new password, the admin's own session kept, the cashier's ended.
        let admin = c.log_in(&login("admin", PASSWORD, None)).await.unwrap().token;
        let path = "/api/v1/users/cashier/password";
        let (status, _) =
            c.raw(reqwest::Method::POST, path, Some(&admin), Some(br#"{"password":"short"}"#.to_vec())).await.unwrap();
        assert_eq!(status, 400, "a password under 8 characters is refused");
        let body = br#"{"password":"newer-password-2"}"#.to_vec();
        let (status, answer) = c.raw(reqwest::Method::POST, path, Some(&token), Some(body.clone())).await.unwrap();
        assert_eq!(status, 403, "a cashier may not set passwords: {answer}");
        let (status, answer) = c.raw(reqwest::Method::POST, path, Some(&admin), Some(body)).await.unwrap();
        assert_eq!(status, 200, "{answer}");
        let (status, _) = c.raw(reqwest::Method::GET, "/api/v1/pending", Some(&token), None).await.unwrap();
        assert_eq!(status, 401);
        c.log_in(&login("cashier", "newer-password-2", None)).await.unwrap();
        assert!(c.log_in(&login("cashier", "new-password-1", None)).await.is_err());
    });
    assert_eq!(count(&platform, "SELECT count(*) FROM user_changes WHERE change = 'password'"), 2);
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn logging_out_revokes_the_token() {
    let platform = Platform::start("users_logout", 2);
    let device = Uuid::nil();
    let session = sync::Session::new(platform.client(), device, sync::TokenStore::memory());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let token = session.client.log_in(&login("cashier", PASSWORD, None)).await.unwrap().token;
        session.tokens.set(&format!("{device}:cashier"), &token);
        assert_eq!(session.token("cashier").as_deref(), Some(token.as_str()));
        assert!(session.log_out("cashier").await, "the platform revokes the token");
        assert_eq!(session.token("cashier"), None, "and the counter forgets it");
        let (status, _) =
            session.client.raw(reqwest::Method::GET, "/api/v1/pending", Some(&token), None).await.unwrap();
        assert_eq!(status, 401, "a revoked token is refused");
        // The platform unreachable: the token is forgotten all the same.
        let token = session.client.log_in(&login("cashier", PASSWORD, None)).await.unwrap().token;
        let ca = std::fs::read(platform.ca()).unwrap();
        let gone = Client::new(&format!("https://127.0.0.1:{}", common::free_port()), &ca, Duration::from_secs(5));
        let offline = sync::Session::new(gone.unwrap(), device, sync::TokenStore::memory());
        offline.tokens.set(&format!("{device}:cashier"), &token);
        assert!(!offline.log_out("cashier").await);
        assert_eq!(offline.token("cashier"), None);
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_device_finds_only_the_patients_of_its_wards() {
    let platform = Platform::start("users_wards", 20);
    let wards: Vec<String> =
        platform.sql("SELECT DISTINCT ward_code FROM admissions ORDER BY 1").lines().map(str::to_owned).collect();
    assert!(wards.len() >= 2, "the demo hospital has several wards: {wards:?}");
    let in_ward =
        |ward: &str| platform.sql(&format!("SELECT case_no FROM admissions WHERE ward_code = '{ward}' LIMIT 1"));
    let (ours, theirs) = (in_ward(&wards[0]).trim().to_owned(), in_ward(&wards[1]).trim().to_owned());
    let c = platform.client();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let admin = c.log_in(&login("admin", PASSWORD, None)).await.unwrap().token;
        let station = wire::api::RegisterDevice {
            name: "病区护士站".into(),
            place: "ward_station".into(),
            wards: vec![wards[0].clone()],
        };
        let registered = c.register_device(&admin, &station).await.unwrap();
        let device = registered.device_id;
        let proven =
            LoginRequest { device_secret: Some(registered.device_secret), ..login("cashier", PASSWORD, Some(device)) };
        let token = c.log_in(&proven).await.unwrap().token;
        let search = |q: String| {
            let token = token.clone();
            let c = c.clone();
            async move {
                let (status, found) =
                    c.raw(reqwest::Method::GET, &format!("/api/v1/patients?q={q}"), Some(&token), None).await.unwrap();
                assert_eq!(status, 200, "{found}");
                found.as_array().unwrap().len()
            }
        };
        assert_eq!(search(ours.clone()).await, 1, "a patient of the device's ward is found");
        assert_eq!(search(theirs.clone()).await, 0, "a patient of another ward is not");
        // The feed, too, carries only the device's ward.
        let feed = c.changes(&token, device, 0, 5_000).await.unwrap();
        assert!(!feed.changes.is_empty());
        let admissions: Vec<String> =
            feed.changes.iter().map(|ch| serde_json::to_string(&ch.record).unwrap()).collect();
        assert!(admissions.iter().any(|r| r.contains(&ours)), "the feed carries the device's ward");
        assert!(!admissions.iter().any(|r| r.contains(&theirs)), "the feed carries another ward's patient");
        // A session bound to no device may not search at all.
        let loose = c.log_in(&login("cashier", PASSWORD, None)).await.unwrap().token;
        let (status, answer) =
            c.raw(reqwest::Method::GET, &format!("/api/v1/patients?q={ours}"), Some(&loose), None).await.unwrap();
        assert_eq!(status, 403, "{answer}");
    });
}
