//! The inpatient fee list (住院费用清单) of an admission: building its report model from the
//! account and printing it.

use contract::PrintOutcome;
use domain::{Admission, FeeStatus, InpatientAccount};
use reports::{RenderedPdf, StatementCategory, StatementLine, StatementModel, render_statement};

use crate::{App, AppError, Operator};

impl App {
    /// The fee list as PDF bytes, printed in the name of `printed_by`.
    pub async fn statement_pdf(&self, case_no: &str, printed_by: &str) -> Result<RenderedPdf, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        let model = self.statement_model(&summary.admission, &account, printed_by);
        // Laying out thousands of lines is CPU work; keep it off the async workers.
        tokio::task::spawn_blocking(move || render_statement(&model))
            .await
            .map_err(|e| AppError::Io(e.to_string()))?
            .map_err(AppError::from)
    }

    /// Renders the fee list and sends it to the printer (or saves and opens it).
    pub async fn print_statement(&self, operator: &Operator, case_no: &str) -> Result<PrintOutcome, AppError> {
        let pdf = self.statement_pdf(case_no, &operator.display_name).await?;
        let name = format!("住院费用清单-{}-{}.pdf", case_no.trim(), self.clock.now().format("%Y%m%d%H%M%S"));
        self.printing.deliver(&name, &pdf).await
    }

    fn statement_model(&self, admission: &Admission, account: &InpatientAccount, printed_by: &str) -> StatementModel {
        let now = self.clock.now();
        let categories = account
            .category_totals()
            .into_iter()
            .map(|total| StatementCategory {
                label: total.category.label().to_owned(),
                total: total.total,
                lines: account
                    .fees
                    .iter()
                    .filter(|f| f.category == total.category && f.status.counts())
                    .map(|f| StatementLine {
                        charged_at: f.charged_at.format("%m-%d %H:%M").to_string(),
                        item_code: f.item_code.clone(),
                        item_name: f.item_name.clone(),
                        spec: f.spec.clone(),
                        unit: f.unit.clone(),
                        quantity: f.quantity.normalize().to_string(),
                        unit_price: f.unit_price,
                        amount: f.amount,
                        note: if f.status == FeeStatus::Unconfirmed {
                            f.status.label().to_owned()
                        } else {
                            String::new()
                        },
                    })
                    .collect(),
            })
            .collect();
        let patient = &admission.patient;
        let facts = [
            ("性别", patient.sex.label().to_owned()),
            ("年龄", format!("{} 岁", patient.age_on(now.date()))),
            ("医保类型", admission.insurance.label().to_owned()),
            ("科室", admission.department.clone()),
            ("病区床号", format!("{} {}", admission.ward.name, admission.bed_no)),
            ("入院时间", admission.admitted_at.format("%Y-%m-%d %H:%M").to_string()),
            ("住院天数", format!("{} 天", admission.days_in_hospital(now.date()))),
            ("状态", account.state.label().to_owned()),
            ("诊断", admission.diagnosis.clone()),
        ];
        StatementModel {
            hospital: self.hospital.clone(),
            title: "住院费用清单".to_owned(),
            patient_name: patient.name.to_string(),
            case_no: admission.case_no.to_string(),
            patient_facts: facts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            categories,
            fees_total: account.fees_total(),
            deposits_total: account.deposits_total(),
            balance: account.balance(),
            printed_by: printed_by.to_owned(),
            printed_at: now.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}
