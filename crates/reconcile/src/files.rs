//! One day's run from files already in memory (the platform keeps statements in its database):
//! the ledger into a compact table, the counterpart file parsed row by row straight into the
//! join. Pure: it reads bytes it is given, nothing else.

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
    #[error(transparent)]
    Statement(#[from] StatementError),
    #[error(transparent)]
    Engine(#[from] ReconcileError),
}

impl FilesError {
    pub fn code(&self) -> &'static str {
        match self {
            FilesError::Statement(e) => e.code(),
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

/// Reconciles `config.day`: the platform ledger export `ledger` against `file` (named `name`
/// in messages), with yesterday's cross-day set `carried`.
pub fn reconcile_files(
    config: &Config,
    ledger: (&str, &[u8]),
    file: (&str, &[u8], CounterpartFile),
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
    })?;
    if let Some(e) = failed.take() {
        return Err(e.into());
    }
    let mut join = Join::new(config.clone(), &table, carried)?;
    let mut probe = |record: &Record<'_>| {
        if failed.is_none()
            && let Err(e) = join.probe(record)
        {
            failed = Some(e);
        }
    };
    let (name, bytes, format) = file;
    let day_start = config.day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let parsed = match format {
        CounterpartFile::Wechat => statements::read_wechat(name, bytes, |row| probe(&Record::from_wechat(row))),
        CounterpartFile::Alipay => statements::read_alipay(name, bytes, |row| probe(&Record::from_alipay(row))),
        CounterpartFile::Unionpay(date) => {
            statements::read_unionpay(name, bytes, date, |row| probe(&Record::from_unionpay(row)))
        }
        CounterpartFile::Insurance => {
            statements::read_insurance(name, bytes, None, |row| probe(&Record::from_insurance(row, day_start)))
        }
        CounterpartFile::His => statements::read_his(name, bytes, |row| probe(&Record::from_his(row))),
    }?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(FilesRun { result: join.finish()?, ledger: ledger_parsed, counterpart: parsed })
}
