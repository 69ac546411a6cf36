//! The fee audit (费用审核): the gate that lists what blocks a discharge, passing or returning
//! the audit, and confirming (确费) or cancelling fee lines — by finance or a supervisor.

use contract::cashier::{AuditDecision, AuditGate, FeeDecision};
use domain::{AdmissionEvent, FeeEvent, Permission};

use crate::views::{fee_line_view, state_tag};
use crate::{App, AppError, Operator, input};

impl App {
    pub async fn audit_gate(&self, case_no: &str) -> Result<AuditGate, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        Ok(AuditGate {
            case_no: summary.admission.case_no.to_string(),
            state: state_tag(account.state),
            blockers: account.audit_blockers().into_iter().map(fee_line_view).collect(),
            can_pass: account.check_audit_pass().is_ok(),
        })
    }

    /// Passes the fee audit, or returns it with a reason.
    pub async fn decide_audit(&self, operator: &Operator, decision: &AuditDecision) -> Result<AuditGate, AppError> {
        operator.require(Permission::AuditFees)?;
        let key = input::key(&decision.key)?;
        let case_no = input::case_no(&decision.case_no)?;
        let mut op = self.begin_op(operator, key, &case_no).await?;
        let event = if decision.pass {
            op.account.check_audit_pass()?;
            AdmissionEvent::AuditPassed
        } else {
            op.account.check_audit_return(&decision.reason)?;
            AdmissionEvent::AuditReturned
        };
        let reason = Some(decision.reason.trim()).filter(|r| !r.is_empty());
        op.append_event(key, event, reason).await?;
        op.commit().await?;
        self.audit_gate(case_no.as_str()).await
    }

    /// Confirms an unconfirmed line, or cancels a line with a reason.
    pub async fn decide_fee(&self, operator: &Operator, decision: &FeeDecision) -> Result<AuditGate, AppError> {
        operator.require(Permission::AuditFees)?;
        let key = input::key(&decision.key)?;
        let case_no = input::case_no(&decision.case_no)?;
        let mut op = self.begin_op(operator, key, &case_no).await?;
        let event = if decision.confirm { FeeEvent::Confirmed } else { FeeEvent::Cancelled };
        op.account.check_fee_event(decision.fee_id, event, &decision.reason)?;
        let reason = Some(decision.reason.trim()).filter(|r| !r.is_empty());
        op.append_fee_event(decision.fee_id, event, reason).await?;
        op.commit().await?;
        self.audit_gate(case_no.as_str()).await
    }
}
