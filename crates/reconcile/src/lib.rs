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
//! For files, [`reconcile_files`] parses the two sides on two threads and streams both through
//! one [`Join`] ([`Join::platform`], [`Join::counterpart`]) in time order: the command line and
//! the platform's batch runner both go through it.
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
//! - Memory: the join holds only the records still waiting for a partner (both sides come in
//!   time order, so those between the two streams and the mismatches) and 8 bytes per key
//!   shown; the order the two sides are interleaved in never changes the result.
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
mod held;
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
