//! The fee audit (费用审核): the gate that lists what blocks a discharge, passing or returning
//! the audit, and confirming (确费) or cancelling fee lines — by finance or a supervisor.

use contract::cashier::{AuditDecision, AuditGate, FeeDecision};
use domain::{AdmissionEvent, FeeEvent, Permission};
use store::journal;

use crate::views::{fee_line_view, state_tag};
use crate::{App, AppError, Operator, input, outbox};

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
        let now = self.clock.now();
        let mut tx = self.store.begin_immediate().await?;
        let summary = store::patients::by_case_no(&mut tx, &case_no)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("未找到病案号为 {case_no} 的住院患者")))?;
        let account = journal::load_account(&mut tx, summary.admission.id).await?;
        let event = if decision.pass {
            account.check_audit_pass()?;
            AdmissionEvent::AuditPassed
        } else {
            account.check_audit_return(&decision.reason)?;
            AdmissionEvent::AuditReturned
        };
        let reason = Some(decision.reason.trim()).filter(|r| !r.is_empty());
        journal::append_event(&mut tx, summary.admission.id, key, event, now, &operator.display_name, reason).await?;
        let record = outbox::event_record(summary.admission.id, key, event, now, &operator.display_name, reason);
        self.queue(&mut tx, key, summary.admission.id, &operator.username, now, vec![record]).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        self.audit_gate(case_no.as_str()).await
    }

    /// Confirms an unconfirmed line, or cancels a line with a reason.
    pub async fn decide_fee(&self, operator: &Operator, decision: &FeeDecision) -> Result<AuditGate, AppError> {
        operator.require(Permission::AuditFees)?;
        let key = input::key(&decision.key)?;
        let case_no = input::case_no(&decision.case_no)?;
        let now = self.clock.now();
        let mut tx = self.store.begin_immediate().await?;
        let summary = store::patients::by_case_no(&mut tx, &case_no)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("未找到病案号为 {case_no} 的住院患者")))?;
        let account = journal::load_account(&mut tx, summary.admission.id).await?;
        let event = if decision.confirm { FeeEvent::Confirmed } else { FeeEvent::Cancelled };
        account.check_fee_event(decision.fee_id, event, &decision.reason)?;
        let reason = Some(decision.reason.trim()).filter(|r| !r.is_empty());
        journal::append_fee_event(&mut tx, decision.fee_id, key, event, now, &operator.display_name, reason).await?;
        let stamp =
            outbox::FeeDecision { fee_id: decision.fee_id, event, at: now, actor: &operator.display_name, reason };
        let record = outbox::fee_event_record(&mut tx, summary.admission.id, key, stamp).await?;
        self.queue(&mut tx, key, summary.admission.id, &operator.username, now, vec![record]).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        self.audit_gate(case_no.as_str()).await
    }
}
