//! Deposit reversal (预交金冲红): only by the original route or cash, never partial for a
//! non-cash deposit, never for a deposit a settlement has drawn on.

use chrono::{Duration, NaiveDateTime};
use thiserror::Error;

use super::InpatientAccount;
use super::deposit::DepositKind;
use super::state::AdmissionState;
use super::tender::{Tender, TenderLine};
use super::tenders::{TenderError, check_exact};
use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReversalError {
    #[error("找不到收据号对应的预交金记录")]
    NotFound,
    #[error("只有预交金可以冲红，冲红记录本身不能再冲红")]
    NotADeposit,
    #[error("该预交金已用于结算，不能冲红")]
    UsedBySettlement,
    #[error("患者已出院结算，不能冲红预交金")]
    Settled,
    #[error("该预交金已全部冲红")]
    AlreadyReversed,
    #[error("非现金预交金不能部分冲红，只能全额冲红 {}", .0.yuan())]
    PartialNonCash(Money),
    #[error("冲红金额 {} 超过可冲红金额 {}", .requested.yuan(), .available.yuan())]
    Exceeds { requested: Money, available: Money },
    #[error("预交金只能原路（{original}）或现金退回，不能退到{tender}")]
    WrongRoute { tender: &'static str, original: String },
    #[error("退回{tender}的金额超过该笔预交金用{tender}支付的金额")]
    RouteExceeds { tender: &'static str },
    #[error("{tender}支付已超过原路退款期限（{days} 天），请改用现金退回")]
    OutsideWindow { tender: &'static str, days: u32 },
    #[error(transparent)]
    Tenders(#[from] TenderError),
}

impl ReversalError {
    pub fn code(&self) -> &'static str {
        match self {
            ReversalError::NotFound => "DEPOSIT_NOT_FOUND",
            ReversalError::NotADeposit => "REVERSAL_OF_REVERSAL",
            ReversalError::UsedBySettlement => "DEPOSIT_USED_BY_SETTLEMENT",
            ReversalError::Settled => "ACCOUNT_SETTLED",
            ReversalError::AlreadyReversed => "DEPOSIT_ALREADY_REVERSED",
            ReversalError::PartialNonCash(_) => "PARTIAL_REVERSAL_NON_CASH",
            ReversalError::Exceeds { .. } => "REVERSAL_EXCEEDS_DEPOSIT",
            ReversalError::WrongRoute { .. } => "REFUND_ROUTE_NOT_ORIGINAL",
            ReversalError::RouteExceeds { .. } => "REFUND_ROUTE_EXCEEDED",
            ReversalError::OutsideWindow { .. } => "REFUND_WINDOW_PASSED",
            ReversalError::Tenders(e) => e.code(),
        }
    }
}

impl InpatientAccount {
    /// How much of deposit `deposit_id` may still be reversed: what is left of an unused deposit
    /// of an account not yet settled, zero for anything else. The same conditions
    /// [`plan_reversal`](Self::plan_reversal) refuses on, so the screen offers exactly what the
    /// rule allows.
    pub fn reversible_amount(&self, deposit_id: i64) -> Money {
        let Some(deposit) = self.deposits.iter().find(|d| d.id == deposit_id) else { return Money::ZERO };
        let open = deposit.kind == DepositKind::Deposit
            && self.state != AdmissionState::Settled
            && !self.used_deposit_ids().contains(&deposit_id);
        if open { (deposit.amount - self.reversed_amount(deposit_id)).max(Money::ZERO) } else { Money::ZERO }
    }

    /// What a reversal of deposit `deposit_id` gives back by default: all that is left of it, by
    /// its own routes (each tender what it paid, cash less what was reversed already), or all
    /// in cash when `to_cash`. Empty when nothing can be reversed.
    pub fn reversal_routes(&self, deposit_id: i64, to_cash: bool) -> Vec<TenderLine> {
        let left = self.reversible_amount(deposit_id);
        let Some(deposit) = self.deposits.iter().find(|d| d.id == deposit_id) else { return Vec::new() };
        if !left.is_positive() {
            return Vec::new();
        }
        if to_cash {
            return vec![TenderLine { tender: Tender::Cash, amount: left, reference: None }];
        }
        let mut lines: Vec<TenderLine> = Vec::new();
        for t in &deposit.tenders {
            match lines.iter_mut().find(|l| l.tender == t.tender) {
                Some(line) => line.amount += t.amount,
                None => lines.push(TenderLine { tender: t.tender, amount: t.amount, reference: None }),
            }
        }
        let reversed = deposit.amount - left;
        if let Some(cash) = lines.iter_mut().find(|l| l.tender == Tender::Cash) {
            cash.amount -= reversed;
        }
        lines.retain(|l| l.amount.is_positive());
        lines
    }

    /// Checks reversing `amount` of deposit `deposit_id` back through `lines` (positive amounts
    /// per route) and returns the negative tender lines of the reversal row.
    pub fn plan_reversal(
        &self,
        deposit_id: i64,
        amount: Money,
        lines: &[TenderLine],
        now: NaiveDateTime,
    ) -> Result<Vec<TenderLine>, ReversalError> {
        let deposit = self.deposits.iter().find(|d| d.id == deposit_id).ok_or(ReversalError::NotFound)?;
        if deposit.kind != DepositKind::Deposit {
            return Err(ReversalError::NotADeposit);
        }
        if self.used_deposit_ids().contains(&deposit_id) {
            return Err(ReversalError::UsedBySettlement);
        }
        if self.state == AdmissionState::Settled {
            return Err(ReversalError::Settled);
        }
        let remaining = deposit.amount - self.reversed_amount(deposit_id);
        if !remaining.is_positive() {
            return Err(ReversalError::AlreadyReversed);
        }
        check_exact(lines, amount, None)?;
        let non_cash = deposit.tenders.iter().any(|t| t.tender != Tender::Cash);
        if non_cash && amount != remaining {
            return Err(ReversalError::PartialNonCash(remaining));
        }
        if amount > remaining {
            return Err(ReversalError::Exceeds { requested: amount, available: remaining });
        }
        let original = deposit.tenders.iter().map(|t| t.tender.label()).collect::<Vec<_>>().join("、");
        for line in lines.iter().filter(|l| !l.tender.paid_out_by_hospital()) {
            let tender = line.tender.label();
            let paid: Money = deposit.tenders.iter().filter(|t| t.tender == line.tender).map(|t| t.amount).sum();
            if paid.is_zero() {
                return Err(ReversalError::WrongRoute { tender, original: original.clone() });
            }
            if line.amount > paid {
                return Err(ReversalError::RouteExceeds { tender });
            }
            if let Some(days) = self.refund_windows.days(line.tender)
                && now - deposit.at > Duration::days(i64::from(days))
            {
                return Err(ReversalError::OutsideWindow { tender, days });
            }
        }
        // A route names what it goes back to (the deposit's transaction); a transfer keeps its
        // own reference (the designated account).
        Ok(lines
            .iter()
            .map(|l| TenderLine {
                tender: l.tender,
                amount: -l.amount,
                reference: match l.tender {
                    Tender::Transfer => l.reference.clone(),
                    _ => deposit.tenders.iter().find(|t| t.tender == l.tender).and_then(|t| t.reference.clone()),
                },
            })
            .collect())
    }
}
