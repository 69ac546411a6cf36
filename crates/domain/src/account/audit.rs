//! The fee audit gate (费用审核): which lines block a discharge settlement, passing or
//! returning the audit, and confirming (确费) or cancelling single fee lines.

use thiserror::Error;

use super::InpatientAccount;
use super::fee::{FeeLine, FeeStatus};
use super::state::AdmissionState;

/// What happens to one fee line after it was charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeeEvent {
    Confirmed,
    Cancelled,
}

impl FeeEvent {
    pub fn code(self) -> &'static str {
        match self {
            FeeEvent::Confirmed => "confirmed",
            FeeEvent::Cancelled => "cancelled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FeeEvent::Confirmed => "确费",
            FeeEvent::Cancelled => "取消",
        }
    }
    pub fn from_code(code: &str) -> Option<FeeEvent> {
        [FeeEvent::Confirmed, FeeEvent::Cancelled].into_iter().find(|e| e.code() == code)
    }
    /// The status a line has after this event.
    pub fn status(self) -> FeeStatus {
        match self {
            FeeEvent::Confirmed => FeeStatus::Confirmed,
            FeeEvent::Cancelled => FeeStatus::Cancelled,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuditError {
    #[error("患者当前状态为“{}”，只有开出院医嘱后、结算前才能审核费用", .0.label())]
    NotDischargeOrdered(AdmissionState),
    #[error("还有 {0} 条未确费项目，不能通过费用审核；请先确费或取消这些项目")]
    Blocked(usize),
    #[error("费用尚未审核通过，无需退回")]
    NotAudited,
    #[error("退回费用审核时请填写原因")]
    ReasonRequired,
    #[error("找不到该费用明细")]
    FeeNotFound,
    #[error("只有未确费的项目才能确费（该项目状态为“{}”）", .0.label())]
    NotUnconfirmed(FeeStatus),
    #[error("该项目已取消")]
    AlreadyCancelled,
    #[error("该费用已结算，不能取消；请先召回结算")]
    Settled,
    #[error("取消费用时请填写原因")]
    CancelReasonRequired,
}

impl AuditError {
    pub fn code(&self) -> &'static str {
        match self {
            AuditError::NotDischargeOrdered(_) => "AUDIT_NOT_DISCHARGE_ORDERED",
            AuditError::Blocked(_) => "AUDIT_BLOCKED_BY_UNCONFIRMED",
            AuditError::NotAudited => "AUDIT_NOT_PASSED",
            AuditError::ReasonRequired | AuditError::CancelReasonRequired => "REASON_REQUIRED",
            AuditError::FeeNotFound => "FEE_NOT_FOUND",
            AuditError::NotUnconfirmed(_) => "FEE_NOT_UNCONFIRMED",
            AuditError::AlreadyCancelled => "FEE_ALREADY_CANCELLED",
            AuditError::Settled => "FEE_SETTLED",
        }
    }
}

impl InpatientAccount {
    /// Exactly the lines that block the audit and the discharge settlement: unconfirmed, not
    /// cancelled, not already settled. Cancelled lines never block.
    pub fn audit_blockers(&self) -> Vec<&FeeLine> {
        let settled = self.settled_fee_ids();
        self.fees.iter().filter(|f| f.status == FeeStatus::Unconfirmed && !settled.contains(&f.id)).collect()
    }

    pub fn check_audit_pass(&self) -> Result<(), AuditError> {
        if self.state != AdmissionState::DischargeOrdered {
            return Err(AuditError::NotDischargeOrdered(self.state));
        }
        match self.audit_blockers().len() {
            0 => Ok(()),
            n => Err(AuditError::Blocked(n)),
        }
    }

    pub fn check_audit_return(&self, reason: &str) -> Result<(), AuditError> {
        if self.state != AdmissionState::FeesAudited {
            return Err(AuditError::NotAudited);
        }
        if reason.trim().is_empty() {
            return Err(AuditError::ReasonRequired);
        }
        Ok(())
    }

    pub fn check_fee_event(&self, fee_id: i64, event: FeeEvent, reason: &str) -> Result<(), AuditError> {
        let line = self.fees.iter().find(|f| f.id == fee_id).ok_or(AuditError::FeeNotFound)?;
        match event {
            FeeEvent::Confirmed if line.status != FeeStatus::Unconfirmed => {
                Err(AuditError::NotUnconfirmed(line.status))
            }
            FeeEvent::Confirmed => Ok(()),
            FeeEvent::Cancelled if line.status == FeeStatus::Cancelled => Err(AuditError::AlreadyCancelled),
            FeeEvent::Cancelled if self.settled_fee_ids().contains(&fee_id) => Err(AuditError::Settled),
            FeeEvent::Cancelled if reason.trim().is_empty() => Err(AuditError::CancelReasonRequired),
            FeeEvent::Cancelled => Ok(()),
        }
    }
}
