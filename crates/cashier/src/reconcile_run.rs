//! One reconciliation run from files on disk (`reconcile::reconcile_files`): the platform
//! ledger and the counterpart file streamed through the join, each fingerprinted in the same
//! pass, with the facts of both files for the report.

use std::path::Path;

use app::AppError;
use chrono::NaiveDate;
use reconcile::{Config, CounterpartFile, DayResult, FilesError};
use statements::{Channel, FingerprintReader};

use crate::recon_input::{Target, display_name, engine_refused, open_input, refused};

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
    let name = display_name(statement);
    let format = match target {
        Target::Channel(Channel::Wechat) => CounterpartFile::Wechat,
        Target::His | Target::Channel(Channel::Cash) => CounterpartFile::His,
        Target::Channel(Channel::Alipay) => CounterpartFile::Alipay,
        Target::Channel(Channel::Unionpay) => CounterpartFile::Unionpay(
            settle_date.or_else(|| statements::settle_date_from_name(&name)).unwrap_or(config.day),
        ),
        Target::Channel(Channel::Insurance) => CounterpartFile::Insurance,
        Target::Ledger => {
            return Err(AppError::invalid(
                "CHANNEL_UNKNOWN",
                "对账渠道不能是 ledger（平台台账已由 --platform 给出）",
                "channel",
            ));
        }
    };
    let ledger_name = display_name(platform);
    let mut ledger = FingerprintReader::new(open_input(platform, "platform")?);
    let mut counterpart = FingerprintReader::new(open_input(statement, "statement")?);
    let run = reconcile::reconcile_files(config, (&ledger_name, &mut ledger), (&name, &mut counterpart, format), &[])
        .map_err(|e| match e {
        FilesError::Ledger(e) => refused(&e, "platform"),
        FilesError::Statement(e) => refused(&e, "statement"),
        FilesError::Engine(e) => engine_refused(&e),
    })?;
    let facts = |file: String, parsed: &statements::Parsed, fingerprint: String| FileFacts {
        file,
        format: parsed.format,
        rows: parsed.totals.rows,
        fingerprint,
    };
    Ok(Run {
        platform: facts(ledger_name, &run.ledger, ledger.fingerprint()),
        statement: facts(name, &run.counterpart, counterpart.fingerprint()),
        result: run.result,
    })
}
