//! The sync tests' harness: a real PostgreSQL (the URL in `CASHIER_TEST_PG`, which
//! `scripts/test.sh` starts), the real platform binary over TLS, counters as SQLite files
//! driven through the `cashier` binary, and ledgers read back from both sides.

#![allow(dead_code)]

pub mod proxy;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const PASSWORD: &str = "demo1234";
/// The platform's body limit in the tests: small, so an oversize body is refused with its
/// code while the client can still read the answer (a larger one is cut off mid-upload).
pub const BODY_LIMIT_KB: usize = 512;
pub const NOW: &str = "2026-11-25 09:00:00";

/// A runtime for the platform client's calls in a synchronous test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// A session token of `username` (password [`PASSWORD`], no device).
pub async fn token(client: &sync::Client, username: &str) -> String {
    let request = wire::api::LoginRequest {
        username: username.into(),
        password: PASSWORD.into(),
        device_id: None,
        device_secret: None,
    };
    client.log_in(&request).await.unwrap().token
}

/// A session token of `username` logged in on `counter`'s device, proven with its secret: what
/// pushing, pulling and taking numbers for that device need.
pub async fn token_at(client: &sync::Client, counter: &Counter, username: &str) -> String {
    let (device, secret) = counter.device();
    let request = wire::api::LoginRequest {
        username: username.into(),
        password: PASSWORD.into(),
        device_id: Some(device),
        device_secret: Some(secret),
    };
    client.log_in(&request).await.unwrap().token
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `cashier` binary: cargo's own for the cashier crate's tests, else `CASHIER_BIN`, else
/// the debug build (the end-to-end tests share this harness).
pub fn cashier_bin() -> PathBuf {
    if let Some(bin) = option_env!("CARGO_BIN_EXE_cashier") {
        return bin.into();
    }
    if let Ok(bin) = std::env::var("CASHIER_BIN") {
        return bin.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug/cashier")
}

/// The platform binary: `CASHIER_PLATFORM_BIN`, else built next to `cashier`.
pub fn platform_bin() -> PathBuf {
    if let Ok(bin) = std::env::var("CASHIER_PLATFORM_BIN") {
        return bin.into();
    }
    let bin = cashier_bin().with_file_name("platform");
    assert!(bin.exists(), "{} is missing: run `cargo build -p platform` first", bin.display());
    bin
}

pub fn pg_admin_url() -> String {
    std::env::var("CASHIER_TEST_PG").expect("CASHIER_TEST_PG must name a PostgreSQL server (scripts/pg.sh start)")
}

pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql").args([url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql]).output().expect("psql runs");
    assert!(out.status.success(), "psql {sql}: {}", text(&out.stderr));
    text(&out.stdout).trim_end().to_owned()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, within: Duration) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < within, "nothing listens on {port} after {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A POS slip (终端号:参考号) with a 参考号 not used before in this process.
pub fn slip() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    format!("T0000001:{:012}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

/// A platform server on its own fresh database, seeded with the demo hospital.
pub struct Platform {
    pub url: String,
    pub db: String,
    pub port: u16,
    pub certs: TempDir,
    /// Where the sandbox channels publish statements (`DIR/YYYY-MM-DD/<channel>.*`).
    pub statements: TempDir,
    /// More environment for `serve` (e.g. `PLATFORM_RECON_NOW`), applied at the next (re)start.
    pub serve_env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Platform {
    pub fn start(name: &str, patients: u32) -> Platform {
        let admin = pg_admin_url();
        let db = format!("t_{name}_{}", std::process::id());
        psql(&admin, &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
        psql(&admin, &format!("CREATE DATABASE {db}"));
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{db}"),
            None => panic!("odd PostgreSQL URL {admin}"),
        };
        let certs = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            let out = Command::new(platform_bin()).args(args).env("DATABASE_URL", &url).output().unwrap();
            assert!(out.status.success(), "platform {args:?}: {}", text(&out.stderr));
        };
        run(&["dev-cert", certs.path().to_str().unwrap()]);
        run(&["demo-seed", "--patients", &patients.to_string(), "--seed", "7", "--now", NOW]);
        let statements = tempfile::tempdir().unwrap();
        let mut platform =
            Platform { url, db, port: free_port(), certs, statements, serve_env: Vec::new(), child: None };
        platform.spawn();
        platform
    }

    pub fn ca(&self) -> PathBuf {
        self.certs.path().join("ca.pem")
    }

    /// The platform's HTTPS client, trusting its test CA, as an attacker with a password has it.
    pub fn client(&self) -> sync::Client {
        sync::Client::new(&self.https(), &std::fs::read(self.ca()).unwrap(), Duration::from_secs(60)).unwrap()
    }

    pub fn https(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        let dir = self.certs.path();
        let child = Command::new(platform_bin())
            .args(["serve", "--listen", &format!("127.0.0.1:{}", self.port)])
            .arg("--cert")
            .arg(dir.join("server.pem"))
            .arg("--key")
            .arg(dir.join("server.key"))
            .env("DATABASE_URL", &self.url)
            .env("PLATFORM_BODY_LIMIT_KB", BODY_LIMIT_KB.to_string())
            .env("PLATFORM_STATEMENTS_DIR", self.statements.path())
            .env("PLATFORM_RECON_TICK_SECS", "1")
            .envs(self.serve_env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            // CASHIER_PLATFORM_LOG=FILE keeps the platform's log, to see what a test or bench did.
            .stderr(std::env::var_os("CASHIER_PLATFORM_LOG").map_or_else(Stdio::null, |path| {
                std::fs::File::options()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_or_else(|_| Stdio::null(), Stdio::from)
            }))
            .spawn()
            .expect("the platform starts");
        self.child = Some(child);
        wait_for_port(self.port, Duration::from_secs(30));
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    pub fn sql(&self, sql: &str) -> String {
        psql(&self.url, sql)
    }

    /// The money rows of the system of record: key → (kind, fen).
    pub fn ledger(&self) -> BTreeMap<String, (String, i64)> {
        let rows = self.sql(
            "SELECT key, kind, CASE kind WHEN 'deposit' THEN record->>'amount' ELSE record->>'due' END
             FROM journal WHERE kind IN ('deposit', 'settlement')",
        );
        rows.lines()
            .map(|line| {
                let mut parts = line.split('|');
                let key = parts.next().unwrap().to_owned();
                let kind = parts.next().unwrap().to_owned();
                (key, (kind, fen(parts.next().unwrap())))
            })
            .collect()
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        self.kill();
        if !std::thread::panicking() {
            psql(&pg_admin_url(), &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db));
        }
    }
}

/// "123.45" → 12345.
pub fn fen(yuan: &str) -> i64 {
    let negative = yuan.starts_with('-');
    let digits = yuan.trim_start_matches('-');
    let (whole, part) = digits.split_once('.').unwrap_or((digits, "0"));
    let part = format!("{part:0<2}");
    let value = whole.parse::<i64>().unwrap() * 100 + part[..2].parse::<i64>().unwrap();
    if negative { -value } else { value }
}

/// A counter: its own SQLite file, registered with a platform at `url` (the platform or a proxy).
pub struct Counter {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Counter {
    pub fn register(platform: &Platform, url: &str, name: &str) -> Counter {
        let dir = tempfile::tempdir().unwrap();
        // The desktop app opens `cashier.db` in its data folder: the same name serves both.
        let db = dir.path().join("cashier.db");
        let counter = Counter { dir, db };
        let out = counter.run(&[
            "device",
            "register",
            "--platform",
            url,
            "--ca",
            platform.ca().to_str().unwrap(),
            "--name",
            name,
            "--admin",
            "admin",
        ]);
        assert!(out.status.success(), "register: {}", text(&out.stderr));
        counter
    }

    /// The device this counter was registered as, and the secret the platform gave it (kept
    /// beside the database: the test machine has no OS keyring).
    pub fn device(&self) -> (sync::session::DeviceId, String) {
        let id = self.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().parse().unwrap();
        let secret = std::fs::read_to_string(sync::device_secret::file_of(&self.db)).expect("the device secret file");
        (id, secret.trim().to_owned())
    }

    /// `cashier WORD [WORD2] --db THIS.db REST…` (`device`, `pending`, `invoice`, `stock`, `report` and `refund` take two
    /// words, as do `hand-in waiting|reverse` and `close cancel|show`).
    pub fn command(&self, args: &[&str]) -> Command {
        let words = match (args.first(), args.get(1)) {
            (Some(&"device" | &"pending" | &"invoice" | &"stock" | &"report" | &"refund"), _) => 2,
            (Some(&"hand-in"), Some(&"waiting" | &"reverse")) | (Some(&"close"), Some(&"cancel" | &"show")) => 2,
            _ => 1,
        };
        let mut command = Command::new(cashier_bin());
        command.args(&args[..words]).arg("--db").arg(&self.db).args(&args[words..]);
        command.env("CASHIER_ADMIN_PASSWORD", PASSWORD).env("CASHIER_PASSWORD", PASSWORD);
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("cashier runs")
    }

    /// Runs sync rounds as `user`; the JSON it printed, or the error.
    pub fn sync(&self, user: &str, rounds: u32) -> Result<serde_json::Value, String> {
        let out = self.run(&["sync", "--as", user, "--rounds", &rounds.to_string()]);
        if out.status.success() {
            Ok(serde_json::from_slice(&out.stdout).expect("sync prints JSON"))
        } else {
            Err(text(&out.stderr))
        }
    }

    /// Syncs until nothing waits (the outbox drained and acknowledged).
    pub fn drain(&self, user: &str) -> serde_json::Value {
        for _ in 0..10 {
            if let Ok(v) = self.sync(user, 1)
                && v["waiting"] == 0
            {
                return v;
            }
        }
        panic!("the outbox of {} did not drain", self.db.display());
    }

    /// A deposit of one tender; a card names a POS slip, as the terminal prints one.
    pub fn deposit(&self, user: &str, case_no: &str, tender: &str) -> Output {
        let on_pos = ["银行卡", "card", "社保卡", "sscard"].iter().any(|t| tender.starts_with(&format!("{t}:")));
        if on_pos {
            self.run(&["deposit", case_no, "--as", user, "--tender", tender, "--ref", &slip()])
        } else {
            self.run(&["deposit", case_no, "--as", user, "--tender", tender])
        }
    }

    pub fn sqlite(&self, sql: &str) -> String {
        let out = Command::new("sqlite3").arg(&self.db).arg(sql).output().expect("sqlite3 runs");
        assert!(out.status.success(), "sqlite3 {sql}: {}", text(&out.stderr));
        text(&out.stdout)
    }

    /// The counter's money rows (leaving out what the platform rejected): key → (kind, fen).
    pub fn ledger(&self) -> BTreeMap<String, (String, i64)> {
        let rows = self.sqlite(
            "SELECT idempotency_key, 'deposit', amount_fen FROM deposits
               WHERE idempotency_key NOT IN (SELECT key FROM rejected_records)
             UNION ALL
             SELECT idempotency_key, 'settlement', due_fen FROM settlements
               WHERE idempotency_key NOT IN (SELECT key FROM rejected_records)",
        );
        let mut ledger = BTreeMap::new();
        for line in rows.lines() {
            let mut parts = line.split('|');
            let key = parts.next().unwrap().to_owned();
            let kind = parts.next().unwrap().to_owned();
            let fen: i64 = parts.next().unwrap().parse().unwrap();
            assert!(ledger.insert(key.clone(), (kind, fen)).is_none(), "duplicated key {key}");
        }
        ledger
    }

    /// Trial then settle `case_no` as `user`, paying what is due in cash (a refund goes back by
    /// the deposits' routes). The settle command's output.
    pub fn settle(&self, user: &str, case_no: &str) -> Output {
        let trial = self.run(&["settle", case_no, "--trial", "--as", user]);
        assert!(trial.status.success(), "trial {case_no}: {}", text(&trial.stderr));
        let trial: serde_json::Value = serde_json::from_slice(&trial.stdout).unwrap();
        let due = trial["due"].as_str().unwrap().to_owned();
        let mut args = vec!["settle".to_owned(), case_no.to_owned(), "--as".into(), user.into()];
        if !due.starts_with('-') && due != "0.00" {
            args.extend(["--tender".into(), format!("现金:{due}")]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }

    /// Self-pay admissions whose fees passed the audit: settleable offline too.
    pub fn ready_self_pay(&self) -> Vec<String> {
        self.ready(false)
    }

    /// Admissions whose fees passed the audit, insured (settled with insurance, online only) or
    /// self-pay.
    pub fn ready(&self, insured: bool) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let store = store::Store::open(&self.db, store::OpenMode::MustExist).await.unwrap();
            let mut conn = store.conn().await.unwrap();
            let mut out = Vec::new();
            for case_no in store::patients::case_numbers(&mut conn).await.unwrap() {
                let parsed = domain::CaseNo::parse(&case_no).unwrap();
                let summary = store::patients::by_case_no(&mut conn, &parsed).await.unwrap().unwrap();
                if summary.state == domain::AdmissionState::FeesAudited
                    && summary.admission.insurance.is_insured() == insured
                {
                    out.push(case_no);
                }
            }
            drop(conn);
            store.close().await;
            out
        })
    }

    /// Keys of the operations made here, with their outcome at the platform (if acknowledged).
    pub fn outbox(&self) -> Vec<(String, Option<String>)> {
        self.sqlite("SELECT o.key, a.outcome FROM outbox o LEFT JOIN outbox_acks a ON a.key = o.key ORDER BY o.seq")
            .lines()
            .map(|line| {
                let (key, outcome) = line.split_once('|').unwrap();
                (key.to_owned(), Some(outcome.to_owned()).filter(|o| !o.is_empty()))
            })
            .collect()
    }
}

pub fn case_numbers(platform: &Platform) -> Vec<String> {
    platform.sql("SELECT case_no FROM admissions ORDER BY case_no").lines().map(str::to_owned).collect()
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}

/// The day before the demo's "now" with the most WeChat deposits (at least two) and a cash one.
pub fn busy_day(platform: &Platform) -> String {
    platform.sql(
        "SELECT d FROM (SELECT (record->>'at')::date d, t->>'tender' tender FROM journal,
            jsonb_array_elements(record->'tenders') t WHERE kind = 'deposit' AND record->>'reverses' IS NULL) x
         WHERE d < DATE '2026-11-25' GROUP BY d
         HAVING count(*) FILTER (WHERE tender = 'wechat') >= 2 AND count(*) FILTER (WHERE tender = 'cash') >= 1
         ORDER BY count(*) FILTER (WHERE tender = 'wechat') DESC, d DESC LIMIT 1",
    )
}

/// Publishes the sandbox channels' statements of `day` (WeChat, Alipay, HIS) for the platform.
pub fn sandbox_bills(platform: &Platform, day: &str) {
    let out = Command::new(platform_bin())
        .args(["sandbox-bills", "--day", day, "--dir"])
        .arg(platform.statements.path())
        .env("DATABASE_URL", &platform.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "sandbox-bills: {}", text(&out.stderr));
}

/// Waits (up to 20 s) until `sql` answers `want` on the platform.
pub fn settles_on(platform: &Platform, sql: &str, want: &str) {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if platform.sql(sql).trim() == want {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{sql}: {} (wanted {want})", platform.sql(sql).trim());
}

/// Where scripts/package.sh left the packages (`CASHIER_PACKAGES`, else the build cache's).
pub fn packages() -> PathBuf {
    if let Ok(dir) = std::env::var("CASHIER_PACKAGES") {
        return dir.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR").expect("CARGO_TARGET_DIR (scripts/cargo-env.sh sets it)");
    Path::new(&target).join("packages")
}

/// `dpkg-deb ARGS`' output; a failure fails the test.
pub fn dpkg(args: &[&str]) -> String {
    let out = Command::new("dpkg-deb").args(args).output().expect("dpkg-deb runs");
    assert!(out.status.success(), "dpkg-deb {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}
