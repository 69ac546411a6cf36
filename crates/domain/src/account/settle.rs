//! Trial and settlement (试算 / 结算): which fees a settlement takes, the gate it must pass,
//! the figures (fees − insurance − blood reimbursement − deposits = due or refund), and the
//! payments that must match the figures exactly.

use chrono::NaiveDateTime;
use thiserror::Error;

use super::fee::{FeeCategory, FeeStatus};
use super::routes::RouteError;
use super::settlement::{SettlementFigures, SettlementKind, SettlementPayment};
use super::state::AdmissionState;
use super::tender::TenderLine;
use super::tenders::{TenderError, check_exact};
use super::version::AccountVersion;
use super::{CategoryTotal, InpatientAccount, category_totals};
use crate::insurance::InsuranceShare;
use crate::money::Money;

/// What a settlement would take, before insurance has been asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementDraft {
    pub kind: SettlementKind,
    pub fee_ids: Vec<i64>,
    pub categories: Vec<CategoryTotal>,
    pub fees: Money,
    pub blood_fees: Money,
    pub deposits_available: Money,
    pub blood_available: Money,
    pub version: AccountVersion,
}

/// A computed settlement, not yet committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trial {
    pub draft: SettlementDraft,
    pub figures: SettlementFigures,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettleError {
    #[error("该患者已出院结算，不能重复结算")]
    AlreadySettled,
    #[error("费用尚未审核通过（当前状态：{}），不能出院结算", .0.label())]
    NotAudited(AdmissionState),
    #[error("还有 {} 条未确费项目，需确费并通过费用审核后才能出院结算", .0.len())]
    Unconfirmed(Vec<i64>),
    #[error("中途结算只适用于在院患者（当前状态：{}）", .0.label())]
    NotInHospital(AdmissionState),
    #[error("没有可结算的已确费费用")]
    NothingToSettle,
}

impl SettleError {
    pub fn code(&self) -> &'static str {
        match self {
            SettleError::AlreadySettled => "ALREADY_SETTLED",
            SettleError::NotAudited(_) => "NOT_AUDITED",
            SettleError::Unconfirmed(_) => "UNCONFIRMED_FEES",
            SettleError::NotInHospital(_) => "NOT_IN_HOSPITAL",
            SettleError::NothingToSettle => "NOTHING_TO_SETTLE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaymentError {
    #[error("应收应退为零，不需要输入支付方式")]
    NothingDue,
    #[error(transparent)]
    Tenders(#[from] TenderError),
    #[error(transparent)]
    Route(#[from] RouteError),
}

impl PaymentError {
    pub fn code(&self) -> &'static str {
        match self {
            PaymentError::NothingDue => "NOTHING_DUE",
            PaymentError::Tenders(e) => e.code(),
            PaymentError::Route(e) => e.code(),
        }
    }
}

impl InpatientAccount {
    /// The fees a settlement of `kind` would take, or why it cannot happen now.
    pub fn draft_settlement(&self, kind: SettlementKind) -> Result<SettlementDraft, SettleError> {
        match (kind, self.state) {
            (_, AdmissionState::Settled) => return Err(SettleError::AlreadySettled),
            (SettlementKind::Discharge, AdmissionState::FeesAudited) => {}
            (SettlementKind::Discharge, state) => return Err(SettleError::NotAudited(state)),
            (SettlementKind::MidStay, AdmissionState::InHospital) => {}
            (SettlementKind::MidStay, state) => return Err(SettleError::NotInHospital(state)),
        }
        if kind == SettlementKind::Discharge {
            let blockers: Vec<i64> = self.audit_blockers().iter().map(|f| f.id).collect();
            if !blockers.is_empty() {
                return Err(SettleError::Unconfirmed(blockers));
            }
        }
        let settled = self.settled_fee_ids();
        // A mid-stay settlement takes confirmed lines only; the unconfirmed wait for later.
        let lines: Vec<_> = self
            .fees
            .iter()
            .filter(|f| f.status.counts() && !settled.contains(&f.id))
            .filter(|f| kind == SettlementKind::Discharge || f.status == FeeStatus::Confirmed)
            .collect();
        if kind == SettlementKind::MidStay && lines.is_empty() {
            return Err(SettleError::NothingToSettle);
        }
        let categories = category_totals(lines.iter().copied());
        Ok(SettlementDraft {
            kind,
            fee_ids: lines.iter().map(|f| f.id).collect(),
            fees: lines.iter().map(|f| f.amount).sum(),
            blood_fees: categories.iter().filter(|c| c.category == FeeCategory::Blood).map(|c| c.total).sum(),
            categories,
            deposits_available: self.deposits_available(),
            blood_available: self.blood_available(),
            version: self.version,
        })
    }
}

impl SettlementDraft {
    /// The figures, given what insurance pays. Insurance never pays more than the fees; the
    /// blood reimbursement deducts at most the blood fees and what is left for the patient.
    pub fn trial(self, insurance: InsuranceShare) -> Trial {
        let fees = self.fees.max(Money::ZERO);
        let insurance_fund = insurance.fund.max(Money::ZERO).min(fees);
        let personal_account = insurance.personal_account.max(Money::ZERO).min(fees - insurance_fund);
        let left = fees - insurance_fund - personal_account;
        let blood_reimbursement = self.blood_available.min(self.blood_fees).min(left).max(Money::ZERO);
        let share = self.fees - insurance_fund - personal_account - blood_reimbursement;
        let deposits_applied = match self.kind {
            SettlementKind::Discharge => self.deposits_available,
            SettlementKind::MidStay => self.deposits_available.max(Money::ZERO).min(share.max(Money::ZERO)),
        };
        let figures = SettlementFigures {
            fees: self.fees,
            insurance_fund,
            personal_account,
            blood_reimbursement,
            deposits_applied,
            due: share - deposits_applied,
        };
        Trial { draft: self, figures }
    }
}

impl Trial {
    /// The payment lines for committing this trial: collections summing exactly to what is
    /// due (cash received covering cash), or refunds summing exactly to what goes back, by
    /// original routes within their windows or in cash.
    pub fn payments(
        &self,
        account: &InpatientAccount,
        lines: &[TenderLine],
        cash_received: Option<Money>,
        now: NaiveDateTime,
    ) -> Result<(Vec<SettlementPayment>, Money), PaymentError> {
        let due = self.figures.due;
        if due.is_zero() {
            return if lines.is_empty() { Ok((Vec::new(), Money::ZERO)) } else { Err(PaymentError::NothingDue) };
        }
        if due.is_positive() {
            let mut tendered = check_exact(lines, due, cash_received)?;
            super::tenders::check_collected(&mut tendered.lines)?;
            let payments =
                tendered.lines.into_iter().map(|line| SettlementPayment { line, deposit_id: None }).collect();
            return Ok((payments, tendered.change));
        }
        check_exact(lines, -due, None)?;
        Ok((account.plan_refund(lines, now)?, Money::ZERO))
    }
}
