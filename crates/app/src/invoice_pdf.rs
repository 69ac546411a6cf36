//! The e-invoice's layout file (版式文件, `reports::render_invoice`) for viewing and printing, and
//! the kiosk report's printed forms. The figures are the invoice's own (`invoice_amounts` of the
//! settlement), the numbers and the QR text the fiscal platform's.

use contract::PrintOutcome;
use contract::invoice::KioskReport;
use domain::SettlementKind;
use domain::invoice::{InvoiceState, invoice_amounts};
use reports::{InvoiceModel, KioskLine, KioskReportModel, KioskSection, RenderedPdf};
use store::invoices;

use crate::counter_settings::PrintKind;
use crate::{App, AppError, Operator, Printing};

impl App {
    /// The invoice of settlement `settlement_no` of `case_no` as PDF bytes; on its paper copy
    /// when one is valid (`paper`), marked 已冲红 once reversed.
    pub async fn invoice_pdf(&self, case_no: &str, settlement_no: &str, paper: bool) -> Result<RenderedPdf, AppError> {
        self.invoice_pdf_marked(case_no, settlement_no, paper, None).await
    }

    async fn invoice_pdf_marked(
        &self,
        case_no: &str,
        settlement_no: &str,
        paper: bool,
        reprint: Option<u32>,
    ) -> Result<RenderedPdf, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        let settlement = crate::statement::settlement_numbered(&account, settlement_no)?;
        let mut conn = self.store.conn().await?;
        let key = invoices::settlement_key(&mut conn, settlement.id).await?;
        let row = invoices::for_settlement(&mut conn, key).await?;
        let copies = invoices::paper_copies(&mut conn, key).await?;
        drop(conn);
        let not_issued = || AppError::Rule {
            code: "INVOICE_NOT_ISSUED",
            message: format!("结算 {} 的电子票据尚未开具，无法查看或打印", settlement.settlement_no),
        };
        let row = row.ok_or_else(not_issued)?;
        let issued = row.issued.clone().ok_or_else(not_issued)?;
        let amounts = invoice_amounts(&account, settlement)
            .map_err(|e| AppError::internal(e.to_string()))?
            .ok_or_else(not_issued)?;
        let paper_no =
            if paper { copies.iter().find(|c| c.voided.is_none()).map(|c| c.paper_no.clone()) } else { None };
        let admission = &summary.admission;
        let model = InvoiceModel {
            title: if paper_no.is_some() {
                "浙江省医疗收费票据"
            } else {
                "浙江省医疗收费票据（电子）"
            }
            .to_owned(),
            hospital: self.hospital.clone(),
            code: issued.code,
            number: issued.number,
            check_code: issued.check_code,
            issued_at: row.issued_at.map(|at| at.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default(),
            payer: admission.patient.name.to_string(),
            resident_id: admission.patient.resident_id.as_ref().map(ToString::to_string).unwrap_or_default(),
            case_no: admission.case_no.to_string(),
            admitted_on: admission.admitted_at.format("%Y-%m-%d").to_string(),
            discharged_on: if settlement.kind == SettlementKind::Discharge {
                settlement.at.format("%Y-%m-%d").to_string()
            } else {
                String::new()
            },
            settlement_no: settlement.settlement_no.clone(),
            charges: amounts.charges.iter().map(|(c, m)| (c.label().to_owned(), *m)).collect(),
            total: amounts.total,
            insurance_fund: amounts.insurance_fund,
            personal_account: amounts.personal_account,
            self_paid: amounts.self_paid,
            deposits_used: amounts.deposits_used,
            channels: amounts.channels.iter().map(|(c, m)| (c.label().to_owned(), *m)).collect(),
            cashier: settlement.cashier.clone(),
            place: format!("{}（{}）", self.counter, settlement.place.label()),
            qr: issued.qr,
            state_note: (row.state == InvoiceState::Reversed).then(|| InvoiceState::Reversed.label().to_owned()),
            paper_no,
            reprint,
        };
        // A paper copy goes on pre-printed invoice paper: its 套打 offsets apply.
        let offset = if paper { self.paper_offset(PrintKind::Invoice).await? } else { reports::PaperOffset::NONE };
        Printing::render(move || reports::render_invoice_at(&model, offset)).await
    }

    /// Prints (or saves) the invoice's layout file.
    pub async fn print_invoice(
        &self,
        operator: &Operator,
        case_no: &str,
        settlement_no: &str,
    ) -> Result<PrintOutcome, AppError> {
        let copy = self.log_print(operator, crate::reprints::Document::Invoice, settlement_no.trim(), None).await?;
        let pdf = self.invoice_pdf_marked(case_no, settlement_no, false, copy).await?;
        self.deliver(PrintKind::Invoice, &format!("电子票据-{}.pdf", settlement_no.trim()), &pdf).await
    }
}

/// The kiosk report as `reports` draws it.
pub fn kiosk_report_model(view: &KioskReport, hospital: &str, printed_at: &str) -> KioskReportModel {
    KioskReportModel {
        hospital: hospital.to_owned(),
        day: view.day.clone(),
        printed_at: printed_at.to_owned(),
        kiosks: view
            .kiosks
            .iter()
            .map(|k| KioskSection {
                kiosk: k.kiosk.clone(),
                lines: k
                    .lines
                    .iter()
                    .map(|l| KioskLine {
                        paper_no: l.paper_no.clone(),
                        invoice_no: l.invoice_no.clone(),
                        case_no: l.case_no.clone(),
                        patient: l.patient.clone(),
                        amount: l.amount.money(),
                        printed_at: l.printed_at.clone(),
                        voided: l.status == "void",
                        voided_by: l.voided_by.clone(),
                        void_reason: l.void_reason.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
