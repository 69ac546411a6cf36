//! 待处理: the refunds by the original route that failed (退款失败) and wait for a supervisor to
//! pay them another way — this counter's own, and at a linked counter every counter's as the
//! platform lists them (offline: this counter's own, and the list says so). A refund whose
//! money was already returned and paid out here (改退现金 / 转账退款, perhaps not pushed yet)
//! is not listed. At a linked counter the list also holds the operations the platform refused
//! (`refused.rs`).

use std::collections::BTreeSet;

use contract::account::RefundView;
use contract::pending::{PendingList, PendingRefund};
use domain::Permission;

use crate::refunds::{mark_paid_otherwise, refund_view, status_view};
use crate::{App, AppError, Operator};

impl App {
    /// The failed refunds not yet paid another way, oldest first.
    pub async fn pending(&self, operator: &Operator) -> Result<PendingList, AppError> {
        operator.require(Permission::ViewPending)?;
        let mut conn = self.store.conn().await?;
        let local = store::refunds::failed(&mut conn).await?;
        drop(conn);
        let mut found: Vec<(String, RefundView)> = Vec::with_capacity(local.len());
        for (case_no, now) in &local {
            found.push((case_no.clone(), refund_view(now)?));
        }
        let mut platform_unreached = false;
        if let Some(desk) = &self.pay_desk {
            match desk.failed_refunds().await {
                Ok(listed) => {
                    for status in listed {
                        if !found.iter().any(|(_, v)| v.refund_no == status.refund_no) {
                            found.push((status.case_no.clone(), status_view(&status)?));
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the platform's failed refunds not read; this counter's listed");
                    platform_unreached = true;
                }
            }
        }
        let cases: BTreeSet<String> = found.iter().map(|(c, _)| c.clone()).collect();
        let mut refunds = Vec::new();
        for case_no in cases {
            let mut views: Vec<RefundView> =
                found.iter().filter(|(c, _)| *c == case_no).map(|(_, v)| v.clone()).collect();
            let patient_name = match self.load_account(&case_no).await {
                Ok((summary, account)) => {
                    mark_paid_otherwise(&mut views, &account);
                    summary.admission.patient.name.to_string()
                }
                // Another ward's patient, not cached here: listed by case number.
                Err(AppError::NotFound(_)) => String::new(),
                Err(e) => return Err(e),
            };
            refunds.extend(views.into_iter().filter(|v| v.paid_otherwise.is_none()).map(|refund| PendingRefund {
                case_no: case_no.clone(),
                patient_name: patient_name.clone(),
                refund,
            }));
        }
        refunds.sort_by(|a, b| a.refund.at.cmp(&b.refund.at));
        let mut refused = Vec::new();
        if let Some(desk) = &self.pending_desk {
            match desk.refused().await {
                Ok(items) => {
                    for item in &items {
                        refused.push(self.refused_view(item).await?);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the platform's refused operations not read");
                    platform_unreached = true;
                }
            }
        }
        Ok(PendingList { refunds, refused, platform_unreached })
    }
}
