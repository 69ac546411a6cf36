//! Benchmark: one day of 1,000,000 WeChat orders (5% refunded) in the real backtick ALL bill
//! plus the platform ledger, reconciled from the files (parse + match + classify), timed and
//! measured for peak memory; then DuckDB on the same files doing the same full outer join.
//!
//! `cargo bench -p reconcile --bench reconcile_day` (env `ORDERS=n` for another size,
//! `RUNS=n` for more timed runs, `REUSE=1` to keep files already written, `NO_DUCKDB=1`, `ONLY=parse` or `ONLY=join` to time
//! the parsers or the hash join alone). Goals on the 2-core machine: ≤ 1 s, ≤ 300 MB, ≥ 4× DuckDB.
// Timing statistics below are seconds and ratios for the printout, never money.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

mod generate;
mod runs;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use reconcile::{Class, DayResult};

use generate::{Day, Expected, generate};

fn main() {
    let orders: u64 = std::env::var("ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = std::env::var("RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reconcile_day");
    let date = NaiveDate::from_ymd_opt(2024, 3, 1).expect("a date");
    let started = Instant::now();
    let day = generate(&dir, orders, date, std::env::var_os("REUSE").is_some()).expect("write the benchmark files");
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "reconcile_day: {orders} orders, {} WeChat rows, {} ledger rows",
        day.expected.wechat_rows, day.expected.ledger_rows
    );
    println!(
        "  files: {} ({:.0} MB), {} ({:.0} MB), written in {:.1} s",
        day.wechat.display(),
        size(&day.wechat),
        day.ledger.display(),
        size(&day.ledger),
        started.elapsed().as_secs_f64()
    );

    if std::env::var("ONLY").is_ok_and(|v| v == "parse") {
        for _ in 0..runs.max(1) {
            println!("  {}", runs::parse_only(&day));
        }
        return;
    }
    if std::env::var("ONLY").is_ok_and(|v| v == "join") {
        println!("  {}", runs::join_only(&day, date, runs));
        return;
    }
    let reset = reset_peak_memory();
    let (mut times, mut single_times) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs.max(1) {
        let run = runs::pipelined(&day, date);
        println!("  ours (2 threads): {:.3} s, CPU {}  ({})", run.elapsed.as_secs_f64(), cpu(run.cpu), run.stages);
        times.push(run.elapsed);
        last = Some(run.result);
        let single = runs::sequential(&day, date);
        println!(
            "  ours (1 thread):  {:.3} s, CPU {}  ({})",
            single.elapsed.as_secs_f64(),
            cpu(single.cpu),
            single.stages
        );
        single_times.push(single.elapsed);
        assert_eq!(single.result, *last.as_ref().expect("a result"), "one thread or two, the same result");
    }
    let peak_mb = peak_memory_kb().map(|kb| kb as f64 / 1024.0);
    println!("  {}", runs::parse_only(&day));
    let result = last.expect("at least one run");
    times.sort();
    single_times.sort();
    let best = times[0].as_secs_f64();
    let median = times[times.len() / 2].as_secs_f64();
    let single_best = single_times[0].as_secs_f64();
    check(&result, &day.expected);
    let s = &result.summary;
    println!(
        "  classes: matched {} ({} net), amount_mismatch {} (长款 {} 短款 {}), status_mismatch {}, fee_mismatch {}, platform_only {}, channel_only {}, cross_day_deferred {}",
        s.matched.count,
        s.matched.net(),
        s.amount_mismatch.count,
        s.long,
        s.short,
        s.status_mismatch.count,
        s.fee_mismatch.count,
        s.platform_only.count,
        s.counterpart_only.count,
        s.cross_day_deferred.count
    );
    let peak_text = match (peak_mb, reset) {
        (Some(mb), true) => format!("{mb:.0} MB peak RSS (VmHWM, reset after generating the files)"),
        (Some(mb), false) => format!("{mb:.0} MB peak RSS (VmHWM of the whole process, incl. generation)"),
        (None, _) => "peak RSS unavailable".to_owned(),
    };
    println!(
        "  ours (2 threads): best {best:.3} s, median {median:.3} s of {} runs (1 thread: best {single_best:.3} s); {peak_text}",
        times.len()
    );
    println!("  goals: ≤ 1 s {}, ≤ 300 MB {}", verdict(best <= 1.0), verdict(peak_mb.is_some_and(|mb| mb <= 300.0)));

    if std::env::var_os("NO_DUCKDB").is_some() {
        return;
    }
    match duckdb(&day, &result) {
        Ok(seconds) => println!(
            "  duckdb: {seconds:.3} s (same files, same full outer join, 2 threads); ours is {:.1}× faster (goal ≥ 4×: {})",
            seconds / best,
            verdict(seconds / best >= 4.0)
        ),
        Err(why) => println!("  duckdb: skipped ({why}); `pip install duckdb` to compare"),
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

fn cpu(time: Option<Duration>) -> String {
    time.map_or_else(|| "n/a".to_owned(), |t| format!("{:.2} s", t.as_secs_f64()))
}

fn check(result: &DayResult, e: &Expected) {
    let s = &result.summary;
    let found = (
        s.matched.count,
        s.amount_mismatch.count,
        s.status_mismatch.count,
        s.fee_mismatch.count,
        s.platform_only.count,
        s.counterpart_only.count,
    );
    let put = (e.matched, e.amount_mismatch, e.status_mismatch, e.fee_mismatch, e.platform_only, e.channel_only);
    assert_eq!(found, put, "the engine finds exactly the discrepancies generated");
    assert_eq!(result.platform_classes.iter().filter(|c| **c == Class::Deferred).count(), 0);
}

/// Runs the DuckDB baseline; its class counts must equal ours. Returns its seconds.
fn duckdb(day: &Day, ours: &DayResult) -> Result<f64, String> {
    let probe = Command::new("python3").args(["-c", "import duckdb"]).output().map_err(|e| e.to_string())?;
    if !probe.status.success() {
        return Err("python3 cannot import duckdb".into());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reconcile_day/duckdb_join.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(&day.ledger)
        .arg(&day.wechat)
        .arg("2")
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut seconds = None;
    let s = &ours.summary;
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["seconds", value] => seconds = value.parse::<f64>().ok(),
            ["class", name, count, _net] => {
                let mine = match *name {
                    "matched" => s.matched.count,
                    "amount_mismatch" => s.amount_mismatch.count,
                    "status_mismatch" => s.status_mismatch.count,
                    "fee_mismatch" => s.fee_mismatch.count,
                    "platform_only" => s.platform_only.count,
                    "channel_only" => s.counterpart_only.count,
                    _ => u64::MAX,
                };
                let theirs: u64 = count.parse().unwrap_or(0);
                if mine != theirs {
                    return Err(format!("class {name}: DuckDB {theirs}, ours {mine}"));
                }
            }
            _ => {}
        }
    }
    println!("  duckdb: class counts agree with ours");
    seconds.ok_or_else(|| format!("no timing in DuckDB's output: {text}"))
}

/// Resets the peak-RSS mark (Linux: `5` to clear_refs) so it measures the runs only.
fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
