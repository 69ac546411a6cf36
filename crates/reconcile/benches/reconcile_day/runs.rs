//! The timed runs, from the files: the ledger into a compact table and a join built on it, the
//! WeChat bill streamed through the join. `sequential` does it on one thread; `pipelined` parses
//! the bill on a second thread meanwhile, handing rows over in bounded batches.
// Timing figures only (seconds for the printout), never money.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

use std::fs::File;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use reconcile::{Config, DayResult, Join, Record, RecordTable, Records};
use statements::{Channel, ReadOptions, read_ledger_with, read_wechat_with};

use crate::generate::Day;

pub struct Run {
    pub elapsed: Duration,
    /// User + system CPU time of the process during the run (both threads).
    pub cpu: Option<Duration>,
    pub stages: String,
    pub result: DayResult,
}

/// The engine refuses duplicate keys itself (RECONCILE_DUPLICATE_KEY): the parsers need not
/// keep a second hash table of every key.
const OPTIONS: ReadOptions = ReadOptions { check_duplicates: false };
const BATCH: usize = 8_192;
const BATCHES_IN_FLIGHT: usize = 128;

fn config(date: NaiveDate) -> Config {
    let mut config = Config::for_channel(date, Channel::Wechat);
    config.fee_rate_ppm = Some(6_000);
    config
}

fn load_ledger(day: &Day) -> RecordTable {
    let rows = usize::try_from(day.expected.ledger_rows).unwrap_or(0);
    let mut table = RecordTable::with_capacity(rows, rows * 50);
    let mut failed = None;
    let ledger = File::open(&day.ledger).expect("open the ledger");
    read_ledger_with("platform_ledger.csv", ledger, OPTIONS, |row| {
        if let Err(e) = table.push(&Record::from_ledger(row)) {
            failed.get_or_insert(e);
        }
    })
    .expect("parse the ledger");
    assert_eq!(failed, None);
    table
}

/// One thread: ledger → table → join, then the bill streamed straight into the join.
pub fn sequential(day: &Day, date: NaiveDate) -> Run {
    let cpu_before = cpu_time();
    let start = Instant::now();
    let table = load_ledger(day);
    let loaded = start.elapsed();
    let mut join = Join::new(config(date), &table, &[]).expect("build the join");
    let built = start.elapsed();
    let mut failed = None;
    let bill = File::open(&day.wechat).expect("open the bill");
    read_wechat_with("wechat_all.csv", bill, OPTIONS, |row| {
        if let Err(e) = join.probe(&Record::from_wechat(row)) {
            failed.get_or_insert(e);
        }
    })
    .expect("parse the bill");
    assert_eq!(failed, None);
    let probed = start.elapsed();
    let result = join.finish().expect("finish");
    let elapsed = start.elapsed();
    let stages = format!(
        "ledger → table {:.3} s, build join {:.3} s, bill parse + probe {:.3} s, finish {:.3} s",
        loaded.as_secs_f64(),
        (built - loaded).as_secs_f64(),
        (probed - built).as_secs_f64(),
        (elapsed - probed).as_secs_f64()
    );
    Run { elapsed, cpu: cpu_since(cpu_before), stages, result }
}

/// Two threads: the bill is parsed into batches of compact records on one while the other
/// loads the ledger and builds the join, then probes the batches as they come.
pub fn pipelined(day: &Day, date: NaiveDate) -> Run {
    let cpu_before = cpu_time();
    let start = Instant::now();
    let in_flight = std::env::var("IN_FLIGHT").ok().and_then(|v| v.parse().ok()).unwrap_or(BATCHES_IN_FLIGHT);
    let (full_tx, full_rx) = mpsc::sync_channel::<RecordTable>(in_flight);
    let (empty_tx, empty_rx) = mpsc::channel::<RecordTable>();
    std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let mut batch = RecordTable::with_capacity(BATCH, BATCH * 64);
            let mut failed = None;
            let bill = File::open(&day.wechat).expect("open the bill");
            read_wechat_with("wechat_all.csv", bill, OPTIONS, |row| {
                if let Err(e) = batch.push(&Record::from_wechat(row)) {
                    failed.get_or_insert(e);
                }
                if batch.len() == BATCH {
                    let next = empty_rx.try_recv().unwrap_or_else(|_| RecordTable::with_capacity(BATCH, BATCH * 64));
                    // The receiver only goes away if the other thread panicked.
                    let _ = full_tx.send(std::mem::replace(&mut batch, next));
                }
            })
            .expect("parse the bill");
            assert_eq!(failed, None);
            let _ = full_tx.send(batch);
            start.elapsed()
        });
        let table = load_ledger(day);
        let loaded = start.elapsed();
        let mut join = Join::new(config(date), &table, &[]).expect("build the join");
        let built = start.elapsed();
        for mut batch in full_rx {
            join.probe_all(&batch).expect("probe");
            batch.clear();
            let _ = empty_tx.send(batch);
        }
        let probed = start.elapsed();
        let hits = join.hint_hits();
        let result = join.finish().expect("finish");
        let elapsed = start.elapsed();
        let parsed = parser.join().expect("the parser thread");
        let stages = format!(
            "thread 1: ledger → table {:.3} s, build join {:.3} s, probe until {:.3} s ({:.0}% at the hinted slot); thread 2: bill parsed by {:.3} s",
            loaded.as_secs_f64(),
            (built - loaded).as_secs_f64(),
            probed.as_secs_f64(),
            hits as f64 * 100.0 / result.counterpart_classes.len().max(1) as f64,
            parsed.as_secs_f64()
        );
        Run { elapsed, cpu: cpu_since(cpu_before), stages, result }
    })
}

/// Parsing alone (no engine): the bill and the ledger, each on one thread.
pub fn parse_only(day: &Day) -> String {
    let start = Instant::now();
    let bill = File::open(&day.wechat).expect("open the bill");
    read_wechat_with("wechat_all.csv", bill, OPTIONS, |_| {}).expect("parse the bill");
    let bill_time = start.elapsed();
    let ledger = File::open(&day.ledger).expect("open the ledger");
    read_ledger_with("platform_ledger.csv", ledger, OPTIONS, |_| {}).expect("parse the ledger");
    let ledger_time = start.elapsed() - bill_time;
    let strict = Instant::now();
    let bill = File::open(&day.wechat).expect("open the bill");
    statements::read_wechat("wechat_all.csv", bill, |_| {}).expect("parse the bill");
    format!(
        "parse only: bill {:.3} s, ledger {:.3} s; bill with the parser's own duplicate check {:.3} s",
        bill_time.as_secs_f64(),
        ledger_time.as_secs_f64(),
        strict.elapsed().as_secs_f64()
    )
}

/// The hash join alone, on tables already in memory: the best of `runs` builds and probes.
pub fn join_only(day: &Day, date: NaiveDate, runs: usize) -> String {
    let table = load_ledger(day);
    let mut bill = RecordTable::new();
    let file = File::open(&day.wechat).expect("open the bill");
    read_wechat_with("wechat_all.csv", file, OPTIONS, |row| bill.push(&Record::from_wechat(row)).expect("push"))
        .expect("parse the bill");
    let (mut build, mut grouped, mut single) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut scan = Duration::MAX;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        for index in 0..bill.len() {
            std::hint::black_box(bill.record(index));
        }
        scan = scan.min(start.elapsed());
        let start = Instant::now();
        let mut join = Join::new(config(date), &table, &[]).expect("build the join");
        build = build.min(start.elapsed());
        let start = Instant::now();
        join.probe_all(&bill).expect("probe");
        grouped = grouped.min(start.elapsed());
        let mut join = Join::new(config(date), &table, &[]).expect("build the join");
        let start = Instant::now();
        for index in 0..bill.len() {
            join.probe(&bill.record(index)).expect("probe");
        }
        single = single.min(start.elapsed());
    }
    format!(
        "join only (best of {runs}): read every bill record {:.3} s, build {:.3} s, probe_all {:.3} s, probe one by one {:.3} s",
        scan.as_secs_f64(),
        build.as_secs_f64(),
        grouped.as_secs_f64(),
        single.as_secs_f64()
    )
}

/// User + system time of this process so far, from /proc/self/stat (clock ticks of 10 ms).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn cpu_since(before: Option<Duration>) -> Option<Duration> {
    Some(cpu_time()?.saturating_sub(before?))
}
