//! The change feed and the push under the faults issue 10 names, against the real platform:
//! a journal record whose transaction commits after a later one (a long HIS import, a parallel
//! push) still reaches every counter — the feed serves records in commit order, never past one
//! still being written; an operation the platform fails to apply (a payload that parses but that
//! PostgreSQL refuses) is answered `failed` alone while the rest of its batch is applied, and the
//! counter retries it with back-off while later operations keep syncing; a HIS import with one
//! bad record is refused naming it, with nothing imported.
//! Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use common::{Counter, PASSWORD, Platform, runtime, text};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;
use wire::api::LoginRequest;

/// A transaction kept open in a `psql` child: what it wrote is invisible until [`Held::commit`].
struct Held {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Held {
    /// Runs `sql` inside `BEGIN` and returns once it has run (the transaction still open).
    fn open(url: &str, sql: &str) -> Held {
        let mut child = Command::new("psql")
            .args([url, "-q", "-At", "-v", "ON_ERROR_STOP=1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("psql runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut held = Held { child, stdin, stdout };
        held.say(&format!("BEGIN;\n{sql};\n"));
        held
    }

    /// Sends `sql` and waits until psql has run it.
    fn say(&mut self, sql: &str) {
        writeln!(self.stdin, "{sql}\n\\echo done").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        while line.trim() != "done" {
            line.clear();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "psql ended before `{sql}` ran");
        }
    }

    fn commit(mut self) {
        self.say("COMMIT;");
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success(), "the held transaction did not commit");
    }
}

/// A copy of the platform's first fee record under a new key (as the HIS would send one more).
/// These tests run one at a time: the late-commit test holds a transaction open on purpose, and
/// the feed holds back every record server-wide while it does (xmin is the server's), so a
/// counter bootstrapping beside it would wait for records it needs.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn fee_copy(key: Uuid) -> String {
    format!(
        "INSERT INTO journal (key, admission_id, ward_code, kind, record)
         SELECT '{key}', admission_id, ward_code, kind, jsonb_set(record, '{{key}}', '\"{key}\"')
         FROM journal WHERE kind = 'fee' ORDER BY seq LIMIT 1"
    )
}

fn count(counter: &Counter, table: &str, key: &str) -> usize {
    counter.sqlite(&format!("SELECT count(*) FROM {table} WHERE idempotency_key = '{key}'")).trim().parse().unwrap()
}

fn keys(rows: &str) -> std::collections::BTreeSet<String> {
    rows.lines().map(str::to_owned).collect()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_record_committed_late_still_reaches_the_counter() {
    let _serial = one_at_a_time();
    let platform = Platform::start("feed", 10);
    let reader = Counter::register(&platform, &platform.https(), "窗口F");
    let writer = Counter::register(&platform, &platform.https(), "窗口W");
    reader.drain("cashier");
    writer.drain("cashier");
    let (late, early) = (Uuid::now_v7(), Uuid::now_v7());
    // The late record takes its journal seq first and commits last.
    let held = Held::open(&platform.url, &fee_copy(late));
    platform.sql(&fee_copy(early));
    // Another admission than the held record's (whose row the held insert keeps key-share locked).
    let case_no = platform.sql(
        "SELECT case_no FROM admissions WHERE id <> (SELECT admission_id FROM journal WHERE kind = 'fee' ORDER BY seq LIMIT 1)
         ORDER BY case_no LIMIT 1",
    );
    let out = writer.deposit("cashier", &case_no, "现金:12.34");
    assert!(out.status.success(), "{}", text(&out.stderr));
    writer.drain("cashier");
    let deposit = writer.outbox().last().unwrap().0.clone();
    let seqs = platform.sql(&format!("SELECT seq FROM journal WHERE key IN ('{late}', '{early}', '{deposit}')"));
    assert_eq!(seqs.lines().count(), 2, "the held record is not visible yet: {seqs}");
    let pulled = reader.sync("cashier", 1).unwrap();
    assert_eq!(count(&reader, "fee_items", &late.to_string()), 0);
    // Records committed after the held one began wait for it: the cursor never passes it.
    assert_eq!(count(&reader, "fee_items", &early.to_string()), 0, "{pulled}");
    assert_eq!(count(&reader, "deposits", &deposit), 0, "{pulled}");
    held.commit();
    let late_seq: i64 = platform.sql(&format!("SELECT seq FROM journal WHERE key = '{late}'")).parse().unwrap();
    let early_seq: i64 = platform.sql(&format!("SELECT seq FROM journal WHERE key = '{early}'")).parse().unwrap();
    assert!(late_seq < early_seq, "the late record has the smaller seq ({late_seq} vs {early_seq})");
    // Another test's transaction open on the same server (a demo seed) may hold the feed back
    // a moment longer: xmin is cluster-wide.
    for _ in 0..10 {
        reader.sync("cashier", 1).unwrap();
        if count(&reader, "fee_items", &late.to_string()) > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    for (table, key) in [("fee_items", late.to_string()), ("fee_items", early.to_string()), ("deposits", deposit)] {
        assert_eq!(count(&reader, table, &key), 1, "{table} {key} on the counter");
    }
    // Every record of the platform is on the counter, once.
    let fees = keys(&platform.sql("SELECT key FROM journal WHERE kind = 'fee' ORDER BY key"));
    assert_eq!(keys(&reader.sqlite("SELECT idempotency_key FROM fee_items ORDER BY 1")), fees);
    let deposits = keys(&platform.sql("SELECT key FROM journal WHERE kind = 'deposit' ORDER BY key"));
    assert_eq!(keys(&reader.sqlite("SELECT idempotency_key FROM deposits ORDER BY 1")), deposits);
    // The feed gave each record one position, in commit order after the cursor.
    assert_eq!(
        platform.sql("SELECT count(*) FROM journal j WHERE NOT EXISTS (SELECT 1 FROM feed f WHERE f.seq = j.seq)"),
        "0"
    );
}

async fn call(platform: &Platform, user: &str, path: &str, body: Value) -> (u16, Value) {
    let ca = std::fs::read(platform.ca()).unwrap();
    let client = sync::Client::new(&platform.https(), &ca, Duration::from_secs(30)).unwrap();
    let login = LoginRequest { username: user.into(), password: PASSWORD.into(), device_id: None, device_secret: None };
    let token = client.log_in(&login).await.unwrap().token;
    client.raw(Method::POST, path, Some(&token), Some(serde_json::to_vec(&body).unwrap())).await.unwrap()
}

/// Rewrites one queued envelope as a bug at the counter could have written it (the outbox is
/// append-only: the test lifts the trigger for this one change and puts it back).
fn corrupt(counter: &Counter, key: &str, envelope: &Value) {
    let json = envelope.to_string().replace('\'', "''");
    counter.sqlite(&format!(
        "DROP TRIGGER outbox_append_only_u;
         UPDATE outbox SET envelope = '{json}' WHERE key = '{key}';
         CREATE TRIGGER outbox_append_only_u BEFORE UPDATE ON outbox
         BEGIN SELECT RAISE(ABORT, 'outbox is append-only'); END;"
    ));
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn one_failing_operation_neither_blocks_its_batch_nor_the_counter() {
    let _serial = one_at_a_time();
    let platform = Platform::start("failed", 10);
    let counter = Counter::register(&platform, &platform.https(), "窗口X");
    counter.drain("cashier");
    let cases = common::case_numbers(&platform);
    for (i, case_no) in cases.iter().take(4).enumerate() {
        let out = counter.deposit("cashier", case_no, &format!("现金:{}.00", 20 + i));
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // The second operation's tender reference carries a NUL: valid JSON, valid UTF-8, every
    // rule passes — and PostgreSQL refuses to store it (jsonb has no \u0000).
    let outbox = counter.outbox();
    let bad = outbox[1].0.clone();
    let mut envelope: Value =
        serde_json::from_str(counter.sqlite(&format!("SELECT envelope FROM outbox WHERE key = '{bad}'")).trim())
            .unwrap();
    envelope["records"][0]["tenders"][0]["reference"] = json!("POS\u{0}0001");
    corrupt(&counter, &bad, &envelope);
    let first = counter.sync("cashier", 1).unwrap();
    assert_eq!((first["applied"].as_u64(), first["failed_now"].as_u64()), (Some(3), Some(1)), "{first}");
    assert_eq!((first["waiting"].as_u64(), first["failed"].as_u64()), (Some(0), Some(1)), "{first}");
    let answered =
        counter.sqlite(&format!("SELECT attempt, code, retry_at > at FROM outbox_failures WHERE key = '{bad}'"));
    assert_eq!(answered.trim(), "1|INTERNAL|1");
    assert_eq!(platform.sql(&format!("SELECT count(*) FROM operations WHERE key = '{bad}'")), "0");
    for (key, outcome) in outbox.iter().filter(|(k, _)| *k != bad) {
        assert_eq!(counter.sqlite(&format!("SELECT outcome FROM outbox_acks WHERE key = '{key}'")).trim(), "applied");
        assert_eq!(
            platform.sql(&format!("SELECT count(*) FROM journal WHERE operation = '{key}'")),
            "1",
            "{outcome:?}"
        );
    }
    // Later operations keep going while the failed one waits out its back-off.
    for case_no in cases.iter().skip(4).take(2) {
        assert!(counter.deposit("cashier", case_no, "银行卡:8.00").status.success());
    }
    let second = counter.sync("cashier", 1).unwrap();
    assert_eq!((second["applied"].as_u64(), second["failed_now"].as_u64()), (Some(2), Some(0)), "{second}");
    assert_eq!((second["waiting"].as_u64(), second["failed"].as_u64()), (Some(0), Some(1)), "{second}");
    // After the wait (10 s) it goes again, fails again, and waits twice as long.
    std::thread::sleep(Duration::from_secs(11));
    let third = counter.sync("cashier", 1).unwrap();
    assert_eq!((third["sent"].as_u64(), third["failed_now"].as_u64()), (Some(1), Some(1)), "{third}");
    let attempts = counter.sqlite(&format!("SELECT count(*) FROM outbox_failures WHERE key = '{bad}'"));
    assert_eq!(attempts.trim(), "2");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_his_import_with_one_bad_record_names_it_and_imports_nothing() {
    let _serial = one_at_a_time();
    let platform = Platform::start("hisbad", 5);
    let footprint =
        || platform.sql("SELECT (SELECT count(*) FROM journal) || '/' || (SELECT count(*) FROM admissions)");
    let before = footprint();
    let mut admission: Value =
        serde_json::from_str(&platform.sql("SELECT record FROM journal WHERE kind = 'admission' ORDER BY seq LIMIT 1"))
            .unwrap();
    let mut fee: Value =
        serde_json::from_str(&platform.sql("SELECT record FROM journal WHERE kind = 'fee' ORDER BY seq LIMIT 1"))
            .unwrap();
    admission.as_object_mut().unwrap().remove("kind");
    fee.as_object_mut().unwrap().remove("kind");
    let admission_id = Uuid::now_v7();
    admission["admission_id"] = json!(admission_id);
    admission["case_no"] = json!("99999998");
    let fee_for = |key: Uuid| {
        let mut f = fee.clone();
        f["key"] = json!(key);
        f["admission_id"] = json!(admission_id);
        f
    };
    let good = fee_for(Uuid::now_v7());
    let bad_key = Uuid::now_v7();
    let mut bad_category = fee_for(bad_key);
    bad_category["category"] = json!("caviar");
    let mut bad_amount = fee_for(bad_key);
    bad_amount["amount"] = json!("99999.99");
    runtime().block_on(async {
        for bad in [bad_category, bad_amount] {
            let body = json!({"admissions": [admission.clone()], "fees": [good.clone(), bad], "events": []});
            let (status, answer) = call(&platform, "admin", "/api/v1/his/import", body).await;
            assert_eq!((status, answer["code"].as_str()), (400, Some("MALFORMED_REQUEST")), "{answer}");
            assert!(answer["message"].as_str().unwrap().contains(&bad_key.to_string()), "names the record: {answer}");
        }
        assert_eq!(footprint(), before, "a refused import wrote something");
        let body = json!({"admissions": [admission.clone()], "fees": [good.clone()], "events": []});
        let (status, answer) = call(&platform, "admin", "/api/v1/his/import", body).await;
        assert_eq!(status, 200, "the good records alone go in: {answer}");
    });
}
