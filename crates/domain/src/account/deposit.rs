//! Deposits (预交金) paid into an inpatient account and their reversals (冲红).

use chrono::NaiveDateTime;

use super::tender::TenderLine;
use crate::money::Money;

/// A deposit or the reversal of one. A reversal is a new entry with a negative amount that
/// names the deposit it undoes; no entry is ever changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepositEntry {
    pub id: i64,
    pub receipt_no: String,
    pub kind: DepositKind,
    /// Positive for a deposit, negative for a reversal.
    pub amount: Money,
    pub tenders: Vec<TenderLine>,
    pub at: NaiveDateTime,
    pub cashier: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepositKind {
    Deposit,
    Reversal { of: i64 },
}

impl DepositKind {
    pub fn label(self) -> &'static str {
        match self {
            DepositKind::Deposit => "预交金",
            DepositKind::Reversal { .. } => "冲红",
        }
    }
}
