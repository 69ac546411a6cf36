//! Printed documents of an admission — the fee list (住院费用清单), the settlement statement
//! (结算单), the deposit receipt — built from the account as report models, and printed.

use contract::PrintOutcome;
use domain::{Admission, DepositEntry, DepositKind, FeeStatus, InpatientAccount, Settlement, SettlementKind};
use reports::{
    ReceiptModel, RenderedPdf, SettlementModel, StatementCategory, StatementLine, StatementModel, render_settlement,
    render_statement,
};

use crate::counter_settings::PrintKind;
use crate::{App, AppError, Operator, Printing};

impl App {
    /// The fee list as PDF bytes, printed in the name of `printed_by`.
    pub async fn statement_pdf(&self, case_no: &str, printed_by: &str) -> Result<RenderedPdf, AppError> {
        self.statement_pdf_marked(case_no, printed_by, None).await
    }

    /// The fee list, marked 补打 when `reprint` says which copy it is.
    async fn statement_pdf_marked(
        &self,
        case_no: &str,
        printed_by: &str,
        reprint: Option<u32>,
    ) -> Result<RenderedPdf, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        let mut model = self.statement_model(&summary.admission, &account, printed_by);
        model.title.push_str(&crate::reprints::reprint_mark(reprint));
        Printing::render(move || render_statement(&model)).await
    }

    /// Renders the fee list and sends it to the printer (or saves and opens it).
    pub async fn print_statement(&self, operator: &Operator, case_no: &str) -> Result<PrintOutcome, AppError> {
        let copy = self.log_print(operator, crate::reprints::Document::FeeList, case_no.trim(), None).await?;
        let pdf = self.statement_pdf_marked(case_no, &operator.display_name, copy).await?;
        let name = format!("住院费用清单-{}-{}.pdf", case_no.trim(), self.clock.now().format("%Y%m%d%H%M%S"));
        self.deliver(PrintKind::Settlement, &name, &pdf).await
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

impl App {
    /// The settlement statement (结算单) as PDF bytes.
    pub async fn settlement_pdf(
        &self,
        case_no: &str,
        settlement_no: &str,
        printed_by: &str,
    ) -> Result<RenderedPdf, AppError> {
        self.settlement_pdf_marked(case_no, settlement_no, printed_by, None).await
    }

    /// The settlement statement, marked 补打 when `reprint` says which copy it is.
    async fn settlement_pdf_marked(
        &self,
        case_no: &str,
        settlement_no: &str,
        printed_by: &str,
        reprint: Option<u32>,
    ) -> Result<RenderedPdf, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        let settlement = settlement_numbered(&account, settlement_no)?;
        let mut model = self.settlement_model(&summary.admission, &account, settlement, printed_by);
        let mut conn = self.store.conn().await?;
        let settlement_key = store::invoices::settlement_key(&mut conn, settlement.id).await?;
        let invoice = store::invoices::for_settlement(&mut conn, settlement_key).await?;
        drop(conn);
        model.invoice_note = crate::invoices::invoice_note(invoice.as_ref());
        model.title.push_str(&crate::reprints::reprint_mark(reprint));
        Printing::render(move || render_settlement(&model)).await
    }

    pub async fn print_settlement(
        &self,
        operator: &Operator,
        case_no: &str,
        settlement_no: &str,
    ) -> Result<PrintOutcome, AppError> {
        let copy = self.log_print(operator, crate::reprints::Document::Settlement, settlement_no.trim(), None).await?;
        let pdf = self.settlement_pdf_marked(case_no, settlement_no, &operator.display_name, copy).await?;
        self.deliver(PrintKind::Settlement, &format!("结算单-{}.pdf", settlement_no.trim()), &pdf).await
    }

    fn settlement_model(
        &self,
        admission: &Admission,
        account: &InpatientAccount,
        s: &Settlement,
        printed_by: &str,
    ) -> SettlementModel {
        let settled: std::collections::HashSet<i64> = s.fee_ids.iter().copied().collect();
        let lines: Vec<_> = account.fees.iter().filter(|f| settled.contains(&f.id)).collect();
        let categories = domain::account::category_totals(lines.iter().copied())
            .into_iter()
            .map(|c| (c.category.label().to_owned(), c.total))
            .collect();
        SettlementModel {
            hospital: self.hospital.clone(),
            title: match s.kind {
                SettlementKind::Discharge => "住院病人出院结算单".to_owned(),
                SettlementKind::MidStay => "住院病人中途结算单".to_owned(),
            },
            settlement_no: s.settlement_no.clone(),
            patient_name: admission.patient.name.to_string(),
            case_no: admission.case_no.to_string(),
            patient_facts: vec![
                ("医保类型".to_owned(), admission.insurance.label().to_owned()),
                ("科室".to_owned(), admission.department.clone()),
                ("病区床号".to_owned(), format!("{} {}", admission.ward.name, admission.bed_no)),
                ("入院时间".to_owned(), admission.admitted_at.format("%Y-%m-%d %H:%M").to_string()),
                ("医保结算号".to_owned(), s.insurance_ref.clone().unwrap_or_else(|| "—".to_owned())),
                ("打印人".to_owned(), printed_by.to_owned()),
            ],
            categories,
            fees: s.figures.fees,
            insurance_fund: s.figures.insurance_fund,
            personal_account: s.figures.personal_account,
            blood_reimbursement: s.figures.blood_reimbursement,
            deposits_applied: s.figures.deposits_applied,
            due: s.figures.due,
            payments: s.payments.iter().map(|p| (p.line.tender.label().to_owned(), p.line.amount)).collect(),
            cashier: s.cashier.clone(),
            place: s.place.label().to_owned(),
            settled_at: s.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            printed_at: self.clock.now().format("%Y-%m-%d %H:%M:%S").to_string(),
            invoice_note: crate::invoices::invoice_note(None),
            recalled: s.recall.as_ref().map(|r| {
                format!("{} 由 {} 召回（{} 授权）：{}", r.at.format("%Y-%m-%d %H:%M"), r.by, r.approved_by, r.reason)
            }),
        }
    }
}

/// The receipt of a deposit, reversal or recall transfer.
pub(crate) fn receipt_model(app: &App, admission: &Admission, entry: &DepositEntry, _printed_by: &str) -> ReceiptModel {
    // The receipt is rendered right after; its patient name may need the fallback font (read
    // once per process).
    Printing::load_fallback_font();
    ReceiptModel {
        hospital: app.hospital.clone(),
        title: match entry.kind {
            DepositKind::Deposit => "住院预交金收据".to_owned(),
            DepositKind::Reversal { .. } => "住院预交金冲红凭证".to_owned(),
            DepositKind::RecallTransfer { .. } => "结算召回转预交金凭证".to_owned(),
        },
        receipt_no: entry.receipt_no.clone(),
        case_no: admission.case_no.to_string(),
        patient_name: admission.patient.name.to_string(),
        ward_bed: format!("{} {}", admission.ward.name, admission.bed_no),
        insurance: admission.insurance.label().to_owned(),
        amount: entry.amount,
        tenders: entry.tenders.iter().map(|t| (t.tender.label().to_owned(), t.amount, t.reference.clone())).collect(),
        at: entry.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        cashier: entry.cashier.clone(),
        counter: app.counter.clone(),
        reason: entry.reason.clone(),
    }
}

/// The settlement numbered `settlement_no` of `account`, or `SETTLEMENT_NOT_FOUND`.
pub(crate) fn settlement_numbered<'a>(
    account: &'a InpatientAccount,
    settlement_no: &str,
) -> Result<&'a domain::Settlement, AppError> {
    account.settlements.iter().find(|s| s.settlement_no == settlement_no.trim()).ok_or_else(|| AppError::Rule {
        code: "SETTLEMENT_NOT_FOUND",
        message: format!("找不到结算单 {settlement_no}"),
    })
}
