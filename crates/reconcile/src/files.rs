//! One day's run from files: the ledger into a compact table, the counterpart file parsed row
//! by row straight into the join ([`reconcile_files`]), and the one place that knows which
//! parser reads which counterpart format and how its rows become [`Record`]s
//! ([`read_counterpart`]). Pure: it reads what it is handed (a file being streamed, or bytes the
//! platform keeps in its database), nothing else.

use std::io::Read;

use chrono::NaiveDate;
use statements::{Parsed, StatementError};

use crate::{Config, DayResult, Deferred, Join, ReconcileError, Record, RecordTable};

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
        CounterpartFile::Wechat => statements::read_wechat(name, reader, |row| on_record(&Record::from_wechat(row))),
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

/// Reconciles `config.day`: the platform ledger export `ledger` (name, reader) against `file`
/// (name, reader, format), with yesterday's cross-day set `carried`.
pub fn reconcile_files<L: Read, S: Read>(
    config: &Config,
    ledger: (&str, L),
    file: (&str, S, CounterpartFile),
    carried: &[Deferred],
) -> Result<FilesRun, FilesError> {
    let mut table = RecordTable::new();
    let mut failed: Option<ReconcileError> = None;
    let ledger_parsed = statements::read_ledger(ledger.0, ledger.1, |row| {
        if failed.is_none()
            && let Err(e) = table.push(&Record::from_ledger(row))
        {
            failed = Some(e);
        }
    })
    .map_err(FilesError::Ledger)?;
    if let Some(e) = failed.take() {
        return Err(e.into());
    }
    let mut join = Join::new(config.clone(), &table, carried)?;
    let (name, reader, format) = file;
    let parsed = read_counterpart(name, reader, format, config.day, |record| {
        if failed.is_none()
            && let Err(e) = join.probe(record)
        {
            failed = Some(e);
        }
    })
    .map_err(FilesError::Statement)?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(FilesRun { result: join.finish()?, ledger: ledger_parsed, counterpart: parsed })
}
