//! Benchmark: one day of 1,000,000 WeChat orders (5% refunded) in the real backtick ALL bill
//! plus the platform ledger, reconciled as a user runs it: the release `cashier reconcile
//! --json` as a whole process (parse both files, fingerprint them, join, classify, print),
//! paired run by run with DuckDB doing the same full outer join from the same files (python3 +
//! duckdb, whole process too). Wall time and peak RSS (GNU time's %M) of each; the floor beside
//! them: both files read from the page cache and split into lines, one thread each.
//!
//! `cargo bench -p reconcile --bench reconcile_day` with `CASHIER_BIN` (default: the release
//! build next to this one); env `ORDERS=n` for another size, `RUNS=n` paired runs (5),
//! `REUSE=1` to keep files already written, `NO_DUCKDB=1`. Goals (issue 16): wall ≤ 0.25×
//! DuckDB's, peak RSS ≤ 110 MB, the counts the generator put in. Prints `TABLE|…` lines that
//! scripts/bench.sh gathers into its summary.
// Timing statistics below are seconds, megabytes and ratios for the printout, never money.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

mod generate;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use generate::{Day, Expected, generate};

/// One whole-process run: wall time, peak RSS, what it printed.
struct Measured {
    wall: Duration,
    peak_mb: f64,
    stdout: String,
}

fn main() {
    let orders: u64 = std::env::var("ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = std::env::var("RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reconcile_day");
    let date = NaiveDate::from_ymd_opt(2024, 3, 1).expect("a date");
    let started = Instant::now();
    let day = generate(&dir, orders, date, std::env::var_os("REUSE").is_some()).expect("write the benchmark files");
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "reconcile_day: {orders} orders, {} WeChat rows ({:.0} MB), {} ledger rows ({:.0} MB), written in {:.1} s",
        day.expected.wechat_rows,
        size(&day.wechat),
        day.expected.ledger_rows,
        size(&day.ledger),
        started.elapsed().as_secs_f64()
    );
    let bin = std::env::var_os("CASHIER_BIN")
        .map_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("../release/cashier"), PathBuf::from);
    assert!(bin.exists(), "{} is missing: cargo build --release -p cashier (scripts/bench.sh does)", bin.display());
    let duckdb = std::env::var_os("NO_DUCKDB").is_none() && duckdb_available();
    if !duckdb {
        println!("  duckdb: skipped (NO_DUCKDB, or python3 cannot import duckdb: pip install duckdb)");
    }
    let floors: Vec<Duration> = (0..runs).map(|_| floor(&day)).collect();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let cli = measure(
            Command::new(&bin)
                .args(["reconcile", "--date", "2024-03-01", "--channel", "wechat", "--fee-rate", "0.6%", "--json"])
                .arg("--platform")
                .arg(&day.ledger)
                .arg("--statement")
                .arg(&day.wechat),
        );
        check(&cli.stdout, &day.expected);
        print!("  run {run}: cashier reconcile {:.3} s, {:.0} MB", cli.wall.as_secs_f64(), cli.peak_mb);
        ours.push(cli);
        if duckdb {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reconcile_day/duckdb_join.py");
            let peer = measure(Command::new("python3").arg(&script).arg(&day.ledger).arg(&day.wechat).arg("2"));
            check_duckdb(&peer.stdout, &day.expected);
            print!("; DuckDB {:.3} s, {:.0} MB", peer.wall.as_secs_f64(), peer.peak_mb);
            theirs.push(peer);
        }
        println!();
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let wall = median(ours.iter().map(|m| m.wall.as_secs_f64()).collect());
    let peak = ours.iter().map(|m| m.peak_mb).fold(0.0, f64::max);
    let floor = median(floors.iter().map(Duration::as_secs_f64).collect());
    println!("  floor (both files read and split into lines, a thread each): {floor:.3} s");
    println!("  cashier reconcile: median {wall:.3} s of {runs}, peak RSS {peak:.0} MB; counts as generated");
    let label = format!("reconcile {}k-order WeChat day", orders / 1000);
    if duckdb {
        let peer_wall = median(theirs.iter().map(|m| m.wall.as_secs_f64()).collect());
        let peer_peak = theirs.iter().map(|m| m.peak_mb).fold(0.0, f64::max);
        println!(
            "  DuckDB: median {peer_wall:.3} s, peak RSS {peer_peak:.0} MB; ours is {:.2}× its time (goal ≤ 0.25×)",
            wall / peer_wall
        );
        println!("TABLE|{label}: wall|{wall:.3} s|≤ 0.25× DuckDB|DuckDB {peer_wall:.3} s|{:.2}×", wall / peer_wall);
        println!("TABLE|{label}: peak RSS|{peak:.0} MB|≤ 110 MB|DuckDB {peer_peak:.0} MB|{:.2}×", peak / peer_peak);
    } else {
        println!("TABLE|{label}: wall|{wall:.3} s|≤ 0.25× DuckDB|—|—");
        println!("TABLE|{label}: peak RSS|{peak:.0} MB|≤ 110 MB|—|—");
    }
    println!("TABLE|{label}: floor (read + split)|{floor:.3} s|—|ours|{:.2}×", wall / floor);
}

/// Runs `command` to its end under GNU time: the wall time around it, its peak RSS.
fn measure(command: &mut Command) -> Measured {
    let rss_file = std::env::temp_dir().join(format!("reconcile-day-rss-{}", std::process::id()));
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
    let start = Instant::now();
    let mut child = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&rss_file)
        .arg(program)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("GNU time (/usr/bin/time) runs the command");
    let mut stdout = String::new();
    child.stdout.take().expect("piped").read_to_string(&mut stdout).expect("its output");
    let status = child.wait().expect("it ends");
    let wall = start.elapsed();
    assert!(status.success(), "the run failed: {status}\n{stdout}");
    let kb: f64 = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .expect("GNU time's %M");
    let _ = std::fs::remove_file(&rss_file);
    Measured { wall, peak_mb: kb / 1024.0, stdout }
}

/// Both files read (1 MiB at a time, as the parsers do) and their lines found, one thread each.
fn floor(day: &Day) -> Duration {
    let start = Instant::now();
    let count = |path: &Path| {
        let mut file = std::fs::File::open(path).expect("open");
        let mut buf = vec![0u8; 1 << 20];
        let mut lines = 0usize;
        loop {
            let n = file.read(&mut buf).expect("read");
            if n == 0 {
                return lines;
            }
            lines += memchr::memchr_iter(b'\n', &buf[..n]).count();
        }
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| count(&day.ledger));
        let b = count(&day.wechat);
        (a.join().expect("the other thread"), b)
    });
    assert!(a > 0 && b > 0);
    start.elapsed()
}

fn check(json: &str, e: &Expected) {
    let v: serde_json::Value = serde_json::from_str(json).expect("the command's JSON");
    let n = |k: &str| v[k].as_u64().unwrap_or(u64::MAX);
    let found = (
        n("matched"),
        n("amount_mismatch"),
        n("status_mismatch"),
        n("fee_mismatch"),
        n("platform_only"),
        n("channel_only"),
    );
    let put = (e.matched, e.amount_mismatch, e.status_mismatch, e.fee_mismatch, e.platform_only, e.channel_only);
    assert_eq!(found, put, "the command finds exactly the discrepancies generated");
    assert_eq!(n("cross_day_deferred"), 0);
}

fn check_duckdb(text: &str, e: &Expected) {
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["class", name, count, _net] = words.as_slice() {
            let expected = match *name {
                "matched" => e.matched,
                "amount_mismatch" => e.amount_mismatch,
                "status_mismatch" => e.status_mismatch,
                "fee_mismatch" => e.fee_mismatch,
                "platform_only" => e.platform_only,
                "channel_only" => e.channel_only,
                _ => u64::MAX,
            };
            assert_eq!(count.parse::<u64>().ok(), Some(expected), "DuckDB's {name}");
        }
    }
}

fn duckdb_available() -> bool {
    Command::new("python3").args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success())
}
