//! Deposits (预交金) paid into an inpatient account, their reversals (冲红), and the money a
//! recalled settlement moved back into the deposit ledger.

use chrono::NaiveDateTime;

use super::tender::TenderLine;
use crate::money::Money;

/// A row of the deposit ledger. Rows are never changed: a reversal is a new negative row that
/// names the deposit it undoes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepositEntry {
    pub id: i64,
    pub receipt_no: String,
    pub kind: DepositKind,
    /// Positive for a deposit, negative for a reversal; either sign for a recall transfer.
    pub amount: Money,
    pub tenders: Vec<TenderLine>,
    pub at: NaiveDateTime,
    pub cashier: String,
    /// Why it was made, where the rules ask for one: the 冲红原因 of a reversal.
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepositKind {
    Deposit,
    Reversal {
        of: i64,
    },
    /// A settlement was recalled: what it collected becomes deposit (positive), what it
    /// refunded becomes owed (negative).
    RecallTransfer {
        settlement: i64,
    },
}

impl DepositKind {
    pub fn code(self) -> &'static str {
        match self {
            DepositKind::Deposit => "deposit",
            DepositKind::Reversal { .. } => "reversal",
            DepositKind::RecallTransfer { .. } => "recall_transfer",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DepositKind::Deposit => "预交金",
            DepositKind::Reversal { .. } => "冲红",
            DepositKind::RecallTransfer { .. } => "召回转预交",
        }
    }
}

/// Why a new deposit cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepositError {
    #[error("该患者已出院结算，不能再交预交金")]
    Settled,
    #[error(transparent)]
    Tenders(#[from] super::tenders::TenderError),
}

impl DepositError {
    pub fn code(&self) -> &'static str {
        match self {
            DepositError::Settled => "ACCOUNT_SETTLED",
            DepositError::Tenders(e) => e.code(),
        }
    }
}

impl super::InpatientAccount {
    /// Checks a new deposit in several tenders; returns the total and the change for cash.
    pub fn check_new_deposit(
        &self,
        lines: &[TenderLine],
        cash_received: Option<Money>,
    ) -> Result<super::tenders::Tendered, DepositError> {
        if self.state == super::state::AdmissionState::Settled {
            return Err(DepositError::Settled);
        }
        let mut tendered = super::tenders::check_tenders(lines, cash_received)?;
        super::tenders::check_collected(&mut tendered.lines)?;
        Ok(tendered)
    }
}
