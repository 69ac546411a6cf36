//! The platform's backup, as its operators run it (`scripts/platform-backup.sh`): a dump of a
//! platform that took a counter's deposits, restored into an empty database, holds the same
//! journal and audit chain (verified by `platform audit verify`), and a platform served from it
//! answers the counter's login. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::process::Command;

use common::{Counter, Platform, pg_admin_url, platform_bin, psql, text};

fn script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/platform-backup.sh")
}

fn fingerprint(url: &str) -> String {
    psql(
        url,
        "SELECT (SELECT count(*) || ':' || md5(string_agg(record::text, ',' ORDER BY seq)) FROM journal) || '|' ||
                (SELECT count(*) || ':' || md5(string_agg(hash, ',' ORDER BY id)) FROM audit_log)",
    )
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_dump_restores_into_an_empty_database_whole() {
    let mut platform = Platform::start("platform_backup", 4);
    let counter = Counter::register(&platform, &platform.https(), "备份窗口");
    counter.drain("cashier");
    let case_no = common::case_numbers(&platform).remove(0);
    let out = counter.deposit("cashier", &case_no, "现金:120.00");
    assert!(out.status.success(), "{}", text(&out.stderr));
    counter.drain("cashier");
    let before = fingerprint(&platform.url);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("platform.dump");
    let out =
        Command::new("bash").arg(script()).args(["dump", &platform.url, file.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A dump cut short is refused before anything is restored.
    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path().join("cut.dump");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();

    let admin = pg_admin_url();
    let restored = format!("t_platform_restored_{}", std::process::id());
    psql(&admin, &format!("DROP DATABASE IF EXISTS {restored} WITH (FORCE)"));
    psql(&admin, &format!("CREATE DATABASE {restored}"));
    let url = format!("{}/{restored}", admin.rsplit_once('/').unwrap().0);
    let out = Command::new("bash").arg(script()).args(["restore", cut.to_str().unwrap(), &url]).output().unwrap();
    assert!(!out.status.success(), "a cut dump restored");
    assert_eq!(
        psql(&url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").trim(),
        "0",
        "nothing half-restored"
    );
    let out = Command::new("bash").arg(script()).args(["restore", file.to_str().unwrap(), &url]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(fingerprint(&url), before, "the same journal and audit chain");
    let verified = Command::new(platform_bin()).args(["audit", "verify"]).env("DATABASE_URL", &url).output().unwrap();
    assert!(verified.status.success() && text(&verified.stdout).contains("审计日志完整"), "{}", text(&verified.stdout));

    // Served from the restored database, the platform knows the counter and its deposit.
    platform.kill();
    platform.url = url;
    platform.restart();
    let ledger = platform.ledger();
    assert!(ledger.values().any(|(kind, fen)| kind == "deposit" && *fen == 12_000), "{ledger:?}");
    let out = counter.run(&["sync", "--as", "cashier"]);
    assert!(out.status.success(), "the counter logs in at the restored platform: {}", text(&out.stderr));
}
