//! One reconciliation run from files: the platform ledger into a compact table and a hash join
//! built on it, then the counterpart file streamed through the join row by row (nothing of it
//! kept but the discrepancies). Text formats are read as a stream and fingerprinted in the same
//! pass; zip-packed formats are read whole, as their parsers need.

use std::path::Path;

use app::AppError;
use chrono::NaiveDate;
use reconcile::{Config, DayResult, Join, Record, RecordTable};
use statements::{Channel, FingerprintReader, Parsed, StatementError};

use crate::recon_input::{Target, display_name, engine_refused, open_input, read_input, refused};

/// What a run read from one file.
#[derive(Clone, Debug)]
pub struct FileFacts {
    pub file: String,
    pub format: &'static str,
    pub rows: u64,
    pub fingerprint: String,
}

/// A finished run with the facts of both files.
#[derive(Debug)]
pub struct Run {
    pub result: DayResult,
    pub platform: FileFacts,
    pub statement: FileFacts,
}

/// Reconciles `config.day`: the platform ledger at `platform` against `statement`, read as the
/// format `target` has (cash: the HIS export, whose cash rows are compared). `settle_date`: a
/// UnionPay ZM file's settle date (default: from its name `INNyyMMdd…`, else the day itself).
pub fn run(
    config: &Config,
    target: Target,
    platform: &Path,
    statement: &Path,
    settle_date: Option<NaiveDate>,
) -> Result<Run, AppError> {
    let (table, platform_facts) = load_ledger(platform)?;
    let mut join = Join::new(config.clone(), &table, &[]).map_err(|e| engine_refused(&e))?;
    let mut failed = None;
    let mut probe = |record: &Record<'_>| {
        if failed.is_none()
            && let Err(e) = join.probe(record)
        {
            failed = Some(e);
        }
    };
    let name = display_name(statement);
    let field = "statement";
    let day_start = config.day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let (parsed, fingerprint) = match target {
        Target::Channel(Channel::Wechat) => {
            let mut reader = FingerprintReader::new(open_input(statement, field)?);
            let parsed = statements::read_wechat(&name, &mut reader, |row| probe(&Record::from_wechat(row)));
            (parsed, reader.fingerprint())
        }
        Target::His | Target::Channel(Channel::Cash) => {
            let mut reader = FingerprintReader::new(open_input(statement, field)?);
            let parsed = statements::read_his(&name, &mut reader, |row| probe(&Record::from_his(row)));
            (parsed, reader.fingerprint())
        }
        Target::Channel(Channel::Alipay) => {
            let bytes = read_input(statement, field)?;
            let parsed = statements::read_alipay(&name, &bytes, |row| probe(&Record::from_alipay(row)));
            (parsed, statements::fingerprint(&bytes))
        }
        Target::Channel(Channel::Unionpay) => {
            let bytes = read_input(statement, field)?;
            let date = settle_date.or_else(|| statements::settle_date_from_name(&name)).unwrap_or(config.day);
            let parsed = statements::read_unionpay(&name, &bytes, date, |row| probe(&Record::from_unionpay(row)));
            (parsed, statements::fingerprint(&bytes))
        }
        Target::Channel(Channel::Insurance) => {
            let bytes = read_input(statement, field)?;
            let parsed =
                statements::read_insurance(&name, &bytes, None, |row| probe(&Record::from_insurance(row, day_start)));
            (parsed, statements::fingerprint(&bytes))
        }
        Target::Ledger => {
            return Err(AppError::invalid(
                "CHANNEL_UNKNOWN",
                "对账渠道不能是 ledger（平台台账已由 --platform 给出）",
                "channel",
            ));
        }
    };
    let parsed: Parsed = parsed.map_err(|e: StatementError| refused(&e, field))?;
    if let Some(error) = failed {
        return Err(engine_refused(&error));
    }
    let result = join.finish().map_err(|e| engine_refused(&e))?;
    let statement_facts = FileFacts { file: name, format: parsed.format, rows: parsed.totals.rows, fingerprint };
    Ok(Run { result, platform: platform_facts, statement: statement_facts })
}

fn load_ledger(path: &Path) -> Result<(RecordTable, FileFacts), AppError> {
    let name = display_name(path);
    let mut reader = FingerprintReader::new(open_input(path, "platform")?);
    let mut table = RecordTable::new();
    let mut failed = None;
    let parsed = statements::read_ledger(&name, &mut reader, |row| {
        if failed.is_none()
            && let Err(e) = table.push(&Record::from_ledger(row))
        {
            failed = Some(e);
        }
    })
    .map_err(|e| refused(&e, "platform"))?;
    if let Some(error) = failed {
        return Err(engine_refused(&error));
    }
    let facts =
        FileFacts { file: name, format: parsed.format, rows: parsed.totals.rows, fingerprint: reader.fingerprint() };
    Ok((table, facts))
}
