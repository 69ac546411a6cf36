//! Sync under faults, against the real platform: the counter killed with SIGKILL at random
//! moments while writing and while pushing, the platform restarted in the middle of a push, the
//! connection cut and slowed by a proxy, the same batch delivered twice. After each: the
//! platform and the counter hold the same money rows, none lost, none doubled.
//! Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::proxy::Proxy;
use common::{Counter, Platform, text};

/// A small deterministic generator: the trials are the same on every run (seed printed).
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn seed() -> u64 {
    std::env::var("CASHIER_FAULT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261125)
}

/// Every operation the counter made is on the platform exactly once, and they agree.
fn assert_converged(platform: &Platform, counter: &Counter, made_before: usize) -> usize {
    let server = platform.ledger();
    let local = counter.ledger();
    assert_eq!(local, server, "the counter and the platform disagree");
    let outbox = counter.outbox();
    for (key, outcome) in &outbox {
        assert!(matches!(outcome.as_deref(), Some("applied" | "duplicate")), "operation {key}: {outcome:?}");
        assert!(server.contains_key(key) || !local.contains_key(key), "operation {key} lost");
    }
    let pushed: usize =
        platform.sql("SELECT count(*) FROM operations WHERE outcome = 'applied'").trim().parse().unwrap();
    assert_eq!(pushed, outbox.len(), "each operation applied once on the platform");
    assert!(outbox.len() >= made_before);
    outbox.len()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn killed_while_writing_and_while_pushing_loses_and_doubles_nothing() {
    let platform = Platform::start("kill", 30);
    let counter = Counter::register(&platform, &platform.https(), "窗口K");
    counter.drain("cashier");
    let rows_before: usize = counter.sqlite("SELECT count(*) FROM deposits").trim().parse().unwrap();
    let cases = common::case_numbers(&platform);
    let mut dice = Dice(seed());
    let (mut trials, mut killed) = (0, 0);
    for round in 0..40 {
        // A deposit, killed at a random moment (often before, sometimes after its commit).
        let case_no = &cases[usize::try_from(dice.below(cases.len() as u64)).unwrap()];
        // Half the trials hold the transaction open for 300 ms, so the kill lands inside it.
        let pause = if dice.below(2) == 0 { "300" } else { "0" };
        let mut child = counter
            .command(&["deposit", case_no, "--as", "cashier", "--tender", &format!("现金:{}.00", 10 + round)])
            .env("CASHIER_PAUSE_BEFORE_COMMIT_MS", pause)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + dice.below(400)));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        trials += 1;
        // Every third round, a push killed at a random moment.
        if round % 3 == 2 {
            // The pause sits after the platform applied the batch, before the answers are kept.
            let mut child = counter
                .command(&["sync", "--as", "cashier"])
                .env("CASHIER_PAUSE_BEFORE_COMMIT_MS", "400")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(50 + dice.below(700)));
            if child.try_wait().unwrap().is_none() {
                killed += 1;
            }
            let _ = child.kill();
            let _ = child.wait();
            trials += 1;
        }
    }
    let integrity = counter.sqlite("PRAGMA integrity_check");
    assert_eq!(integrity.trim(), "ok");
    // Every deposit row written locally has its outbox entry (same transaction).
    let rows_after: usize = counter.sqlite("SELECT count(*) FROM deposits").trim().parse().unwrap();
    let queued: usize = counter.sqlite("SELECT count(*) FROM outbox").trim().parse().unwrap();
    assert_eq!(rows_after - rows_before, queued, "every deposit written has its outbox entry, and no more");
    counter.drain("cashier");
    let made = assert_converged(&platform, &counter, 0);
    eprintln!("kill -9 trials: {trials} run, {killed} killed mid-way; {made} operations reached the platform once");
    assert!(killed > 0, "no trial was actually interrupted");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn the_platform_restarted_in_the_middle_of_a_push() {
    let mut platform = Platform::start("restart", 30);
    let counter = Counter::register(&platform, &platform.https(), "窗口R");
    counter.drain("cashier");
    let cases = common::case_numbers(&platform);
    for (i, case_no) in cases.iter().cycle().take(60).enumerate() {
        let out = counter.deposit("cashier", case_no, &format!("现金:{}.00", 1 + i));
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut dice = Dice(seed());
    for _ in 0..3 {
        let mut child = counter.command(&["sync", "--as", "cashier"]).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(100 + dice.below(400)));
        platform.restart();
        let _ = child.wait();
    }
    counter.drain("cashier");
    assert_eq!(assert_converged(&platform, &counter, 60), 60);
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_cut_and_slow_connection_drains_once_it_is_back() {
    let platform = Platform::start("proxy", 30);
    let proxy = Proxy::start(platform.port);
    let counter = Counter::register(&platform, &proxy.url(), "窗口P");
    counter.drain("cashier");
    let cases = common::case_numbers(&platform);
    for (i, case_no) in cases.iter().take(20).enumerate() {
        assert!(counter.deposit("cashier", case_no, &format!("现金:{}.50", 1 + i)).status.success());
    }
    // Cut: the sync fails as unreachable and nothing is lost.
    proxy.cut();
    let err = counter.sync("cashier", 1).expect_err("no platform behind a cut line");
    assert!(err.contains("PLATFORM_UNREACHABLE"), "{err}");
    // Cut in the middle of a slow push.
    proxy.restore();
    proxy.delay(Duration::from_millis(150));
    let child = counter.command(&["sync", "--as", "cashier"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
    let mut child = child.unwrap();
    std::thread::sleep(Duration::from_millis(700));
    proxy.cut();
    let _ = child.wait();
    proxy.restore();
    // Slow but whole.
    let answer = counter.drain("cashier");
    assert_eq!(answer["waiting"], 0);
    proxy.delay(Duration::ZERO);
    assert_eq!(assert_converged(&platform, &counter, 20), 20);
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn the_same_batch_delivered_twice_is_applied_once() {
    let platform = Platform::start("twice", 30);
    let counter = Counter::register(&platform, &platform.https(), "窗口T");
    counter.drain("cashier");
    let cases = common::case_numbers(&platform);
    for (i, case_no) in cases.iter().take(10).enumerate() {
        assert!(counter.deposit("cashier", case_no, &format!("银行卡:{}.00", 100 + i)).status.success());
    }
    // A copy of the counter from before its push: its acknowledgements are lost, as after a
    // crash or a restored backup, so it delivers the very same batch again.
    let copy = tempfile::tempdir().unwrap();
    let copied = copy.path().join("cashier.db");
    counter.sqlite(&format!("VACUUM INTO '{}'", copied.display()));
    // The device's secret is not in the database: the copy takes the file beside it along.
    std::fs::copy(sync::device_secret::file_of(&counter.db), sync::device_secret::file_of(&copied)).unwrap();
    let first = counter.drain("cashier");
    assert_eq!(first["applied"], 10, "{first}");
    let twin = Counter { dir: copy, db: copied };
    let second = twin.drain("cashier");
    assert_eq!(second["duplicate"], 10, "{second}");
    assert_eq!(second["applied"], 0, "{second}");
    assert_converged(&platform, &counter, 10);
    assert_eq!(twin.ledger(), platform.ledger());
}
