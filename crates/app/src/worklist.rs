//! 工作清单: the admissions at discharge in this counter's cache — audited and waiting for the
//! settlement (a cashier's), or waiting for the fee audit with the lines that block it (an
//! auditor's, counted by the domain's own rule on the loaded stay).

use contract::Tag;
use contract::worklist::{AUDIT_COUNTED, WorkItem, Worklists};
use domain::{AdmissionState, Permission};
use store::patients::AdmissionSummary;

use crate::{App, AppError, Operator};

fn item(summary: &AdmissionSummary, since: chrono::NaiveDateTime, blockers: Option<usize>) -> WorkItem {
    let a = &summary.admission;
    WorkItem {
        case_no: a.case_no.to_string(),
        patient_name: a.patient.name.to_string(),
        ward: a.ward.name.clone(),
        bed_no: a.bed_no.clone(),
        insurance: Tag::new(a.insurance.code(), a.insurance.label()),
        since: since.format("%Y-%m-%d %H:%M").to_string(),
        blockers,
    }
}

impl App {
    /// The lists `operator` may work on, oldest discharge order first.
    pub async fn worklists(&self, operator: &Operator) -> Result<Worklists, AppError> {
        let (settles, audits) = (operator.role.may(Permission::HandleMoney), operator.role.may(Permission::AuditFees));
        if !settles && !audits {
            operator.require(Permission::HandleMoney)?;
        }
        let mut conn = self.store.conn().await?;
        let waiting = store::patients::at_discharge(&mut conn).await?;
        let mut lists = Worklists::default();
        for (summary, since) in &waiting {
            match summary.state {
                AdmissionState::FeesAudited if settles => lists.to_settle.push(item(summary, *since, None)),
                AdmissionState::DischargeOrdered if audits => {
                    let blockers = if lists.to_audit.len() < AUDIT_COUNTED {
                        let account = store::journal::load_account(&mut conn, summary.admission.id).await?;
                        Some(account.audit_blockers().len())
                    } else {
                        None
                    };
                    lists.to_audit.push(item(summary, *since, blockers));
                }
                _ => {}
            }
        }
        Ok(lists)
    }
}
