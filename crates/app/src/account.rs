//! Showing an inpatient's account: the patient strip, fees by category with their lines,
//! deposits, and the balance.

use contract::account::AccountView;
use domain::{CaseNo, InpatientAccount};
use store::journal;
use store::patients::{self, AdmissionSummary};

use crate::views::account_view;
use crate::{App, AppError};

impl App {
    pub async fn account(&self, case_no: &str) -> Result<AccountView, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        let mut view = account_view(&summary.admission, &account, self.clock.now().date());
        let mut conn = self.store.conn().await?;
        view.refunds = store::refunds::of_admission(&mut conn, summary.admission.id)
            .await?
            .iter()
            .map(crate::refunds::refund_view)
            .collect::<Result<_, _>>()?;
        crate::refunds::mark_paid_otherwise(&mut view.refunds, &account);
        Ok(view)
    }

    /// The admission and its account, or a clear "not found".
    pub(crate) async fn load_account(&self, case_no: &str) -> Result<(AdmissionSummary, InpatientAccount), AppError> {
        let case_no =
            CaseNo::parse(case_no).map_err(|e| AppError::invalid("CASE_NO_MALFORMED", e.to_string(), "case_no"))?;
        let mut conn = self.store.conn().await?;
        let summary = patients::by_case_no(&mut conn, &case_no)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("未找到病案号为 {case_no} 的住院患者")))?;
        let account = journal::load_account(&mut conn, summary.admission.id).await?;
        Ok((summary, account))
    }
}
