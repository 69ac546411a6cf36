//! Attacks on the platform itself, against the real binary on PostgreSQL: the audit log's tail
//! deleted behind the triggers' back (named by `platform audit verify` against the signed
//! checkpoint), `TRUNCATE` of every append-only table (refused), an edited audit row (named);
//! 50 parallel wrong passwords (at most 5 tried, then even the right one is throttled), an
//! unknown user checked as slowly as a wrong password, an over-long username (refused, nothing
//! written). Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{PASSWORD, Platform, text};
use wire::api::LoginRequest;

fn login(username: &str, password: &str) -> LoginRequest {
    LoginRequest { username: username.into(), password: password.into(), device_id: None, device_secret: None }
}

/// `platform audit verify`, with the checkpoint files or without.
fn verify(platform: &Platform, files: Option<(&Path, &Path)>) -> Output {
    let mut command = Command::new(common::platform_bin());
    command.args(["audit", "verify"]).env("DATABASE_URL", &platform.url);
    if let Some((key, checkpoints)) = files {
        command.arg("--audit-key").arg(key).arg("--audit-checkpoint").arg(checkpoints);
    }
    command.output().unwrap()
}

fn count(platform: &Platform, sql: &str) -> i64 {
    platform.sql(sql).trim().parse().unwrap()
}

/// The row count of the newest checkpoint line.
fn checkpointed(path: &Path) -> Option<i64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().last()?.split(' ').next()?.parse().ok()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_cut_tail_a_truncate_and_an_edit_are_caught() {
    let mut platform = Platform::start("attack_audit", 5);
    let files = tempfile::tempdir().unwrap();
    let (key, checkpoints) = (files.path().join("audit.key"), files.path().join("audit.checkpoints"));
    platform.serve_env.extend([
        ("PLATFORM_AUDIT_KEY_FILE".to_owned(), key.display().to_string()),
        ("PLATFORM_AUDIT_CHECKPOINT".to_owned(), checkpoints.display().to_string()),
        ("PLATFORM_AUDIT_CHECKPOINT_SECS".to_owned(), "1".to_owned()),
    ]);
    platform.restart();
    let c = platform.client();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        for user in ["cashier", "finance", "supervisor", "admin"] {
            c.log_in(&login(user, PASSWORD)).await.unwrap();
        }
        // A patient search is audited too: who looked for whom (from a registered device).
        let admin = c.log_in(&login("admin", PASSWORD)).await.unwrap().token;
        let counter =
            wire::api::RegisterDevice { name: "收费处".into(), place: "counter".into(), wards: Vec::new() };
        let registered = c.register_device(&admin, &counter).await.unwrap();
        let request = LoginRequest {
            device_id: Some(registered.device_id),
            device_secret: Some(registered.device_secret),
            ..login("cashier", PASSWORD)
        };
        let token = c.log_in(&request).await.unwrap().token;
        let (status, _) = c.raw(reqwest::Method::GET, "/api/v1/patients?q=zz", Some(&token), None).await.unwrap();
        assert_eq!(status, 200);
    });
    let searched = platform.sql("SELECT actor || ' ' || detail FROM audit_log WHERE action = 'patient.search'");
    assert!(searched.starts_with("cashier ") && searched.contains("\"q\":\"zz\""), "{searched}");
    let rows = count(&platform, "SELECT count(*) FROM audit_log");
    assert!(rows >= 6, "{rows}");
    assert_eq!(count(&platform, "SELECT count(*) FROM audit_log WHERE hash_version = 2"), rows, "new rows are v2");
    let start = Instant::now();
    while checkpointed(&checkpoints) != Some(rows) {
        assert!(start.elapsed() < Duration::from_secs(20), "no checkpoint of {rows} rows: {checkpoints:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "the key is private");
    }
    let files = Some((key.as_path(), checkpoints.as_path()));
    let ok = verify(&platform, files);
    assert!(ok.status.success(), "{}{}", text(&ok.stdout), text(&ok.stderr));

    // TRUNCATE is refused on every append-only table (CASCADE reaches the tables that point at them).
    let sizes = "SELECT (SELECT count(*) FROM journal) || '/' || (SELECT count(*) FROM operations) || '/' ||
                        (SELECT count(*) FROM audit_log) || '/' || (SELECT count(*) FROM recon_statements)";
    let before = platform.sql(sizes);
    for table in [
        "audit_log",
        "journal",
        "operations",
        "pending_resolutions",
        "recon_statements",
        "recon_actions",
        "recon_adjustments",
    ] {
        let out = Command::new("psql")
            .args([platform.url.as_str(), "-v", "ON_ERROR_STOP=1", "-c", &format!("TRUNCATE {table} CASCADE")])
            .output()
            .unwrap();
        assert!(!out.status.success(), "TRUNCATE {table} went through");
        assert!(text(&out.stderr).contains("append-only"), "TRUNCATE {table}: {}", text(&out.stderr));
    }
    assert_eq!(platform.sql(sizes), before, "a refused TRUNCATE changed something");

    // The database owner cuts the last three rows off behind the triggers' back: the chain that
    // is left still holds, but the checkpoint names what is missing.
    platform.sql(&format!(
        "ALTER TABLE audit_log DISABLE TRIGGER USER;
         DELETE FROM audit_log WHERE id > {};
         ALTER TABLE audit_log ENABLE TRIGGER USER",
        rows - 3
    ));
    let chain_only = verify(&platform, None);
    assert!(chain_only.status.success(), "the chain alone cannot see a cut tail: {}", text(&chain_only.stdout));
    let cut = verify(&platform, files);
    let said = text(&cut.stdout);
    assert_eq!(cut.status.code(), Some(1), "{said}{}", text(&cut.stderr));
    assert!(said.contains(&format!("第 {}–{rows} 行缺失", rows - 2)), "{said}");
    // The running checkpointer does not accept the shorter chain as the new head.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(checkpointed(&checkpoints), Some(rows), "the checkpointer took the cut chain");
    assert_eq!(verify(&platform, files).status.code(), Some(1));

    // An edited row is named (with the checkpoint or without).
    platform.sql(
        "ALTER TABLE audit_log DISABLE TRIGGER USER;
         UPDATE audit_log SET actor = actor || 'X' WHERE id = 2;
         ALTER TABLE audit_log ENABLE TRIGGER USER",
    );
    for files in [None, files] {
        let edited = verify(&platform, files);
        assert_eq!(edited.status.code(), Some(1), "{}", text(&edited.stdout));
        assert!(text(&edited.stdout).contains("第 2 行"), "{}", text(&edited.stdout));
    }
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn parallel_wrong_passwords_get_five_tries_and_long_names_none() {
    let platform = Platform::start("attack_login", 5);
    let c = platform.client();
    let footprint = || {
        platform.sql(
            "SELECT (SELECT count(*) FROM login_failures) || '/' || (SELECT count(*) FROM sessions) || '/' ||
                    (SELECT count(*) FROM audit_log)",
        )
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    runtime.block_on(async {
        // An over-long username is refused before anything is looked up or written.
        let before = footprint();
        let long = "a".repeat(65);
        let err = c.log_in(&login(&long, PASSWORD)).await.unwrap_err();
        assert_eq!(err.code(), "MALFORMED_REQUEST", "{err}");
        let err = c.log_in(&login("cashier", &"p".repeat(2000))).await.unwrap_err();
        assert_eq!(err.code(), "MALFORMED_REQUEST", "{err}");
        assert_eq!(footprint(), before, "a refused login wrote something");
        // 64 characters is a username (unknown here): an ordinary failure.
        let err = c.log_in(&login(&"a".repeat(64), PASSWORD)).await.unwrap_err();
        assert_eq!(err.code(), "LOGIN_FAILED", "{err}");

        // An unknown user costs what a wrong password costs (argon2 against a dummy hash).
        let timed = |username: &'static str| {
            let c = c.clone();
            async move {
                let start = Instant::now();
                let err = c.log_in(&login(username, "wrong-pass")).await.unwrap_err();
                assert_eq!(err.code(), "LOGIN_FAILED");
                start.elapsed()
            }
        };
        let mut wrong = Vec::new();
        let mut unknown = Vec::new();
        for _ in 0..3 {
            wrong.push(timed("finance").await);
            unknown.push(timed("nobody-here").await);
        }
        wrong.sort();
        unknown.sort();
        assert!(unknown[1] * 2 >= wrong[1], "unknown {unknown:?} vs wrong {wrong:?}: the difference tells names apart");

        // 50 wrong passwords at once: the count is read and written under one lock per user.
        let sessions = count(&platform, "SELECT count(*) FROM sessions");
        let tries: Vec<_> = (0..50)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(
                    async move { c.log_in(&login("cashier", "wrong-pass")).await.unwrap_err().code().to_owned() },
                )
            })
            .collect();
        let mut codes = Vec::new();
        for attempt in tries {
            codes.push(attempt.await.unwrap());
        }
        let failed = codes.iter().filter(|c| *c == "LOGIN_FAILED").count();
        let throttled = codes.iter().filter(|c| *c == "LOGIN_THROTTLED").count();
        assert_eq!((failed, throttled), (5, 45), "{codes:?}");
        assert_eq!(count(&platform, "SELECT count(*) FROM login_failures WHERE username = 'cashier'"), 5);
        let audited = "SELECT count(*) FROM audit_log WHERE actor = 'cashier' AND action = 'login.failed'";
        assert_eq!(count(&platform, audited), 5);
        // Now the right password waits too, and no session was opened.
        let err = c.log_in(&login("cashier", PASSWORD)).await.unwrap_err();
        assert_eq!(err.code(), "LOGIN_THROTTLED", "{err}");
        assert_eq!(count(&platform, "SELECT count(*) FROM sessions"), sessions);
        // Another user is not locked out by it.
        c.log_in(&login("supervisor", PASSWORD)).await.unwrap();
    });
}
