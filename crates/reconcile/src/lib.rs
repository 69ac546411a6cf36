//! The reconciliation engine (对账), pure: no I/O, no clock, no randomness. It matches one day's
//! platform records against a channel's statement or the HIS's transactions with a hash join in
//! both directions, puts every record into exactly one [`Class`], gives each single-sided entry
//! its [`Cause`], and carries records near midnight over to the next day ([`Deferred`]).
//!
//! # Use
//! ```text
//! let config = Config::for_channel(day, Channel::Wechat);
//! let result = reconcile(&config, &platform_records, &statement_records, &yesterday.deferred)?;
//! // store result.deferred for tomorrow; replace the day's single-sided entries with
//! // result.platform_only / result.counterpart_only (a re-run gives the same sets).
//! ```
//! For a statement too large to hold, build a [`Join`] on the platform side (e.g. a compact
//! [`RecordTable`]) and [`Join::probe`] each statement row as the parser streams it.
//!
//! # Rules
//! - Keys (the hospital's table, [`Config::key_field`]): refunds by refund no.; payments by
//!   platform order no. (WeChat, Alipay, cash, and always against the HIS) or by the channel's
//!   no. (UnionPay, insurance statements, where a terminal made the order no.).
//! - A pair is a status mismatch if the statuses differ, else an amount mismatch (长款 when the
//!   counterpart's net money in exceeds the platform's, 短款 otherwise) if the amounts differ,
//!   else a fee mismatch if a channel fee is off the contracted rate, else matched.
//! - Fees: each channel row's exact fee (1/100000 yuan) against amount × `fee_rate_ppm`, within
//!   `fee_tolerance` (half a fen by default, so any rounding to the fen passes); a refund's fee
//!   is expected back (negative). The net fee total is in the summary.
//! - An unmatched record that is closed is void (nothing moved); one of the run's day within
//!   the window before midnight is deferred; otherwise it is single-sided.
//! - Speed: the platform table stores 4-byte slot numbers and compares keys borrowed from the
//!   records; a probe first tries the slot after the last match (statements and the ledger are
//!   both in time order), and looks the key up only when that is not it. Order never changes
//!   the result, only the speed.
//! - Re-running a day with the same inputs gives the same result; the detail lists are sorted
//!   by number, so input order does not change them either.
//!
//! # Vocabularies
//! [`Provider`], [`CauseKind`] (a [`Cause`] is `provider/kind`), [`Class`] and the batch
//! channels ([`Counterpart::ALL`]) carry their stable `code()`, `label()` and `ALL` here; the
//! contract's label tables are built from them.

mod cause;
mod config;
mod error;
mod files;
mod join;
mod lookup;
mod outcome;
mod record;
mod summary;
mod table;

pub use cause::{Cause, CauseKind, Provider};
pub use config::{Config, Counterpart, KeyField};
pub use error::ReconcileError;
pub use files::{CounterpartFile, FilesError, FilesRun, read_counterpart, reconcile_files};
pub use join::{Join, reconcile};
pub use outcome::{Class, DayResult, Deferred, Direction, Discrepancy, Side, SingleSided};
pub use record::{Entry, Record, Records};
pub use summary::{ChannelSummary, Summary, Tally};
pub use table::RecordTable;

/// Checks shared by the vocabularies' tests (causes, classes, batch channels).
#[cfg(test)]
mod vocab_tests {
    /// Every code and label is non-empty, and no code or label is there twice.
    pub fn unique_and_labelled<const N: usize>(table: [(&str, &str); N]) {
        let mut codes = std::collections::HashSet::new();
        let mut labels = std::collections::HashSet::new();
        for (code, label) in table {
            assert!(!code.is_empty() && !label.trim().is_empty(), "{code:?} {label:?}");
            assert!(codes.insert(code), "code {code} twice");
            assert!(labels.insert(label), "label {label} twice");
        }
    }
}
