//! What a parsed file holds, counted row by row (rows, payments, refunds, amounts, fees), and
//! how its own summary lines judged it.

use domain::Money;

use crate::amount::Total;
use crate::error::{Ctx, StatementError};
use crate::{Fee, Kind};

/// Counts and sums of a statement's rows. Refund amounts are magnitudes (positive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub rows: u64,
    pub payments: u64,
    pub refunds: u64,
    pub payment_amount: Money,
    pub refund_amount: Money,
    /// Net channel fees: charged on payments less given back on refunds, exact.
    pub fees: Fee,
}

/// Whether the file's own summary agreed with its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Summary {
    /// Every summary figure equals the figure counted from the rows.
    Agreed,
    /// The format carries no summary (UnionPay ZM; insurance without 3201 totals; the platform
    /// ledger).
    Absent,
}

/// A parsed file: its layout, what it holds, and how its summary judged it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The layout recognised, e.g. `wechat-all`, `wechat-legacy-all`, `alipay-trade`.
    pub format: &'static str,
    pub totals: Totals,
    pub summary: Summary,
}

/// How a streaming parser reads. The default is strict: duplicate rows are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Refuse a row whose key an earlier row had (costs a hash table of every key). A caller
    /// that hands every row to the `reconcile` engine may turn it off: the engine refuses two
    /// records with one key on one side itself (`RECONCILE_DUPLICATE_KEY`).
    pub check_duplicates: bool,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions { check_duplicates: true }
    }
}

/// A parse that went through the whole file; the summary may still have disagreed.
pub(crate) struct Scan {
    pub(crate) format: &'static str,
    pub(crate) totals: Totals,
    pub(crate) summary: Result<Summary, StatementError>,
}

impl Scan {
    pub(crate) fn into_parsed(self) -> Result<Parsed, StatementError> {
        Ok(Parsed { format: self.format, totals: self.totals, summary: self.summary? })
    }
}

/// Running totals while parsing.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) rows: u64,
    pub(crate) payments: u64,
    pub(crate) refunds: u64,
    pub(crate) payment_fen: Total,
    pub(crate) refund_fen: Total,
    pub(crate) fee_units: Total,
}

impl Tally {
    /// Counts one row: `fen` is the row's amount (a magnitude), `fee` its signed fee units.
    pub(crate) fn add(&mut self, kind: Kind, fen: i64, fee: i64) {
        self.rows += 1;
        match kind {
            Kind::Payment => {
                self.payments += 1;
                self.payment_fen.add(fen);
            }
            Kind::Refund => {
                self.refunds += 1;
                self.refund_fen.add(fen);
            }
        }
        self.fee_units.add(fee);
    }

    pub(crate) fn finish(&self, ctx: Ctx<'_>) -> Result<Totals, StatementError> {
        let overflow = || ctx.overflow();
        Ok(Totals {
            rows: self.rows,
            payments: self.payments,
            refunds: self.refunds,
            payment_amount: self.payment_fen.money().ok_or_else(overflow)?,
            refund_amount: self.refund_fen.money().ok_or_else(overflow)?,
            fees: self.fee_units.fee().ok_or_else(overflow)?,
        })
    }
}

/// Formats a fen total for a mismatch message (`12.30`), whatever its size.
pub(crate) fn fen_text(total: Total) -> String {
    let sign = if total.0 < 0 { "-" } else { "" };
    let abs = total.0.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Formats a fee-unit total (`0.27000`).
pub(crate) fn fee_text(total: Total) -> String {
    let sign = if total.0 < 0 { "-" } else { "" };
    let abs = total.0.unsigned_abs();
    format!("{sign}{}.{:05}", abs / 100_000, abs % 100_000)
}
