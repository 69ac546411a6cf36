//! One day's run from files: the ledger and the counterpart file parsed at once on two threads
//! and streamed through the join in time order ([`reconcile_files`]), and the one place that knows which
//! parser reads which counterpart format and how its rows become [`Record`]s
//! ([`read_counterpart`]). Pure: it reads what it is handed (a file being streamed, or bytes the
//! platform keeps in its database), nothing else.

use std::io::Read;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use chrono::{NaiveDate, NaiveDateTime};
use statements::{Parsed, ReadOptions, StatementError};

use crate::{Config, DayResult, Deferred, Join, ReconcileError, Record, RecordTable, Records};

/// The counterpart file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterpartFile {
    Wechat,
    Alipay,
    /// A ZM file with its settle date.
    Unionpay(NaiveDate),
    Insurance,
    His,
}

/// Why a run from files could not finish.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// The platform ledger could not be read.
    #[error(transparent)]
    Ledger(StatementError),
    /// The counterpart file could not be read.
    #[error(transparent)]
    Statement(StatementError),
    #[error(transparent)]
    Engine(#[from] ReconcileError),
}

impl FilesError {
    pub fn code(&self) -> &'static str {
        match self {
            FilesError::Ledger(e) | FilesError::Statement(e) => e.code(),
            FilesError::Engine(e) => e.code(),
        }
    }
}

/// What a run read and decided.
#[derive(Debug)]
pub struct FilesRun {
    pub result: DayResult,
    pub ledger: Parsed,
    pub counterpart: Parsed,
}

/// Reads a counterpart file named `name` (for messages) as `format`, handing each row to
/// `on_record` as a [`Record`]. Text formats are streamed; zip-packed and fixed-width ones are
/// read whole, as their parsers need. `day`: the day reconciled (an insurance row has no time
/// of its own and counts at the day's start).
pub fn read_counterpart<R: Read>(
    name: &str,
    reader: R,
    format: CounterpartFile,
    day: NaiveDate,
    on_record: impl FnMut(&Record<'_>),
) -> Result<Parsed, StatementError> {
    read_counterpart_with(name, reader, format, day, ReadOptions::default(), on_record)
}

/// [`read_counterpart`] with the parser's options where the format's parser takes them (the
/// WeChat bill's, the one that comes by the million).
fn read_counterpart_with<R: Read>(
    name: &str,
    reader: R,
    format: CounterpartFile,
    day: NaiveDate,
    options: ReadOptions,
    mut on_record: impl FnMut(&Record<'_>),
) -> Result<Parsed, StatementError> {
    let whole = |mut reader: R| {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map(|_| bytes)
            .map_err(|e| StatementError::Io { file: name.to_owned(), reason: e.to_string() })
    };
    match format {
        CounterpartFile::Wechat => {
            statements::read_wechat_with(name, reader, options, |row| on_record(&Record::from_wechat(row)))
        }
        CounterpartFile::His => statements::read_his(name, reader, |row| on_record(&Record::from_his(row))),
        CounterpartFile::Alipay => {
            statements::read_alipay(name, &whole(reader)?, |row| on_record(&Record::from_alipay(row)))
        }
        CounterpartFile::Unionpay(settle_date) => {
            statements::read_unionpay(name, &whole(reader)?, settle_date, |row| on_record(&Record::from_unionpay(row)))
        }
        CounterpartFile::Insurance => {
            let day_start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
            statements::read_insurance(name, &whole(reader)?, None, |row| {
                on_record(&Record::from_insurance(row, day_start))
            })
        }
    }
}

/// Records handed from a parser thread to the join at a time, and batches in flight per side:
/// enough to keep both threads busy, little enough to hold (a few MB).
const BATCH: usize = 4_096;
const IN_FLIGHT: usize = 4;

/// The duplicate checks of the parsers keep every key of a file; the join refuses a key given
/// twice on one side itself, in 8 bytes a key.
const STREAMED: ReadOptions = ReadOptions { check_duplicates: false };

/// Reconciles `config.day`: the platform ledger export `ledger` (name, reader) against `file`
/// (name, reader, format), with yesterday's cross-day set `carried`.
///
/// The two files are parsed on two threads at once (a reader that fingerprints what passes
/// through it does so on its thread) into small batches of compact records; this thread merges
/// the two streams by time into one [`Join`], which holds only what waits for a partner. A
/// parse error is reported before an engine error (the engine saw only part of a file).
pub fn reconcile_files<L: Read + Send, S: Read + Send>(
    config: &Config,
    ledger: (&str, L),
    file: (&str, S, CounterpartFile),
    carried: &[Deferred],
) -> Result<FilesRun, FilesError> {
    let mut join = Join::new(config.clone(), carried);
    let day = config.day;
    let (joined, ledger_read, counterpart_read) = std::thread::scope(|scope| {
        let (ledger_feed, ledger_batches) = Batches::channel();
        let (counterpart_feed, counterpart_batches) = Batches::channel();
        let ledger_thread = scope.spawn(move || {
            let mut feed = ledger_feed;
            let (name, reader) = ledger;
            let parsed =
                statements::read_ledger_with(name, reader, STREAMED, |row| feed.push(&Record::from_ledger(row)));
            feed.finish(parsed)
        });
        let counterpart_thread = scope.spawn(move || {
            let mut feed = counterpart_feed;
            let (name, reader, format) = file;
            let parsed = read_counterpart_with(name, reader, format, day, STREAMED, |record| feed.push(record));
            feed.finish(parsed)
        });
        let joined = merge(&mut join, ledger_batches, counterpart_batches);
        let ledger_read = ledger_thread.join();
        let counterpart_read = counterpart_thread.join();
        (joined, ledger_read, counterpart_read)
    });
    let (ledger_parsed, ledger_refused) = ledger_read.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let (parsed, counterpart_refused) = counterpart_read.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let ledger_parsed = ledger_parsed.map_err(FilesError::Ledger)?;
    let parsed = parsed.map_err(FilesError::Statement)?;
    if let Some(e) = ledger_refused.or(counterpart_refused) {
        return Err(e.into());
    }
    joined?;
    Ok(FilesRun { result: join.finish()?, ledger: ledger_parsed, counterpart: parsed })
}

/// The parser's end of one side: fills a batch and sends it when full; batches the join has
/// read come back to be filled again.
struct Feed {
    batch: RecordTable,
    full: SyncSender<RecordTable>,
    empty: Receiver<RecordTable>,
    /// A record the compact batch refused (a number over 65535 bytes).
    refused: Option<ReconcileError>,
    /// The join has stopped (it refused the day): parse on, send nothing.
    stopped: bool,
}

impl Feed {
    fn push(&mut self, record: &Record<'_>) {
        if self.stopped || self.refused.is_some() {
            return;
        }
        if let Err(e) = self.batch.push(record) {
            self.refused = Some(e);
            return;
        }
        if self.batch.len() == BATCH {
            self.send();
        }
    }

    fn send(&mut self) {
        let mut next = self.empty.try_recv().unwrap_or_else(|_| RecordTable::with_capacity(BATCH, BATCH * 64));
        next.clear();
        let full = std::mem::replace(&mut self.batch, next);
        if self.full.send(full).is_err() {
            self.stopped = true;
        }
    }

    fn finish(
        mut self,
        parsed: Result<Parsed, StatementError>,
    ) -> (Result<Parsed, StatementError>, Option<ReconcileError>) {
        if parsed.is_ok() && !self.batch.is_empty() && self.refused.is_none() {
            self.send();
        }
        (parsed, self.refused)
    }
}

/// The join's end of one side: the batch being read and where.
struct Batches {
    batch: RecordTable,
    at: usize,
    full: Receiver<RecordTable>,
    empty: Sender<RecordTable>,
}

impl Batches {
    fn channel() -> (Feed, Batches) {
        let (full_tx, full_rx) = mpsc::sync_channel(IN_FLIGHT);
        let (empty_tx, empty_rx) = mpsc::channel();
        let feed = Feed {
            batch: RecordTable::with_capacity(BATCH, BATCH * 64),
            full: full_tx,
            empty: empty_rx,
            refused: None,
            stopped: false,
        };
        (feed, Batches { batch: RecordTable::new(), at: 0, full: full_rx, empty: empty_tx })
    }

    /// The time of the next record, waiting for the parser's next batch when this one is read;
    /// `None` once the parser has finished.
    fn next_at(&mut self) -> Option<NaiveDateTime> {
        while self.at == self.batch.len() {
            let next = self.full.recv().ok()?;
            let read = std::mem::replace(&mut self.batch, next);
            // The parser may have finished meanwhile; a batch it will not fill is dropped.
            let _ = self.empty.send(read);
            self.at = 0;
        }
        Some(self.batch.at(self.at))
    }

    fn take(&mut self) -> Record<'_> {
        self.at += 1;
        self.batch.record(self.at - 1)
    }
}

/// Feeds the join from both sides in time order (each side is in time order; the earlier of
/// the two next records goes first), so that partners meet while they are recent.
fn merge(join: &mut Join<'_>, mut platform: Batches, mut counterpart: Batches) -> Result<(), ReconcileError> {
    loop {
        match (platform.next_at(), counterpart.next_at()) {
            (Some(p), Some(c)) if p <= c => join.platform(&platform.take())?,
            (Some(_), Some(_)) | (None, Some(_)) => join.counterpart(&counterpart.take())?,
            (Some(_), None) => join.platform(&platform.take())?,
            (None, None) => return Ok(()),
        }
    }
}
