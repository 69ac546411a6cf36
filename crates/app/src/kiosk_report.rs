//! 自助打印发票报表: the paper copies kiosks printed on a day, per kiosk — count and amount of
//! those in force, the voided ones with who voided them and why — as finance reads it (JSON,
//! and the PDF and XLSX of `reports`). Kiosk copies reach the counter through the feed.

use chrono::NaiveDate;
use contract::Yuan;
use contract::invoice::{KioskCopy, KioskReport, KioskSummary};
use domain::{Money, Permission, Place};
use store::invoices;

use crate::{App, AppError, Operator};

impl App {
    /// The kiosk report of `day` (finance).
    pub async fn kiosk_invoices(&self, operator: &Operator, day: NaiveDate) -> Result<KioskReport, AppError> {
        operator.require(Permission::ReviewReconciliation)?;
        let from = day.and_hms_opt(0, 0, 0).ok_or_else(|| AppError::internal("日期无效"))?;
        let to = from + chrono::Duration::days(1);
        let mut conn = self.store.conn().await?;
        let copies = invoices::paper_copies_printed(&mut conn, Place::Kiosk.code(), from, to).await?;
        let mut kiosks: Vec<KioskSummary> = Vec::new();
        for copy in copies {
            let invoice = invoices::for_settlement(&mut conn, copy.settlement_key).await?;
            let (invoice_no, amount, admission) = match &invoice {
                Some(row) => (
                    row.issued.as_ref().map(|i| i.number.clone()).unwrap_or_default(),
                    row.fees,
                    Some(row.admission_id),
                ),
                None => (String::new(), Money::ZERO, None),
            };
            let (case_no, patient) = match admission {
                Some(id) => {
                    let case_no = store::patients::case_no_of(&mut conn, id).await?;
                    let summary = store::patients::by_case_no(&mut conn, &case_no).await?;
                    (case_no.to_string(), summary.map(|s| s.admission.patient.name.to_string()).unwrap_or_default())
                }
                None => (String::new(), String::new()),
            };
            let line = KioskCopy {
                paper_no: copy.paper_no,
                invoice_no,
                case_no,
                patient,
                amount: Yuan(amount),
                printed_at: copy.printed_at.format("%H:%M:%S").to_string(),
                status: if copy.voided.is_some() { "void" } else { "valid" }.to_owned(),
                voided_by: copy.voided.as_ref().map(|(by, _, _)| by.clone()),
                void_reason: copy.voided.as_ref().map(|(_, reason, _)| reason.clone()),
            };
            match kiosks.iter_mut().find(|k| k.kiosk == copy.printed_by) {
                Some(kiosk) => kiosk.lines.push(line),
                None => kiosks.push(KioskSummary {
                    kiosk: copy.printed_by,
                    count: 0,
                    amount: Yuan(Money::ZERO),
                    voided: 0,
                    lines: vec![line],
                }),
            }
        }
        for kiosk in &mut kiosks {
            let valid = kiosk.lines.iter().filter(|l| l.status == "valid");
            kiosk.count = valid.clone().count();
            kiosk.amount = Yuan(valid.map(|l| l.amount.money()).sum());
            kiosk.voided = kiosk.lines.len() - kiosk.count;
        }
        Ok(KioskReport {
            day: day.to_string(),
            count: kiosks.iter().map(|k| k.count).sum(),
            amount: Yuan(kiosks.iter().map(|k| k.amount.money()).sum()),
            voided: kiosks.iter().map(|k| k.voided).sum(),
            kiosks,
        })
    }
}
