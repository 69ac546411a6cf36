//! 自助打印发票报表: the paper copies kiosks printed on a day (or over a span of days, e.g. a
//! month), per kiosk — count and amount of those in force, the voided ones with who voided them
//! and why — as finance reads it (JSON, and the PDF and XLSX of `reports`). Kiosk copies reach
//! the counter through the feed; the report is one query over them.

use chrono::NaiveDate;
use contract::Yuan;
use contract::invoice::{KioskCopy, KioskReport, KioskSummary};
use domain::{Money, Permission};
use store::invoices;

use crate::{App, AppError, Operator};

impl App {
    /// The kiosk report of `day` (finance).
    pub async fn kiosk_invoices(&self, operator: &Operator, day: NaiveDate) -> Result<KioskReport, AppError> {
        self.kiosk_invoices_between(operator, day, day).await
    }

    /// The kiosk report from `first` to `last`, both days included (finance).
    pub async fn kiosk_invoices_between(
        &self,
        operator: &Operator,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<KioskReport, AppError> {
        operator.require(Permission::ReviewReconciliation)?;
        if last < first {
            return Err(AppError::invalid(
                "DATE_RANGE_INVALID",
                format!("结束日期 {last} 早于开始日期 {first}"),
                "date",
            ));
        }
        let from = first.and_hms_opt(0, 0, 0).ok_or_else(|| AppError::internal("日期无效"))?;
        let to = last.and_hms_opt(0, 0, 0).ok_or_else(|| AppError::internal("日期无效"))? + chrono::Duration::days(1);
        let mut conn = self.store.conn().await?;
        let copies = invoices::kiosk_copies(&mut conn, from, to).await?;
        drop(conn);
        let mut kiosks: Vec<KioskSummary> = Vec::new();
        let time_format = if first == last { "%H:%M:%S" } else { "%Y-%m-%d %H:%M:%S" };
        for copy in copies {
            let line = KioskCopy {
                paper_no: copy.paper_no,
                invoice_no: copy.invoice_no,
                case_no: copy.case_no,
                patient: copy.patient,
                amount: Yuan(copy.amount),
                printed_at: copy.printed_at.format(time_format).to_string(),
                status: if copy.voided.is_some() { "void" } else { "valid" }.to_owned(),
                voided_by: copy.voided.as_ref().map(|(by, _, _)| by.clone()),
                void_reason: copy.voided.as_ref().map(|(_, reason, _)| reason.clone()),
            };
            match kiosks.last_mut().filter(|k| k.kiosk == copy.kiosk) {
                Some(kiosk) => kiosk.lines.push(line),
                None => kiosks.push(KioskSummary {
                    kiosk: copy.kiosk,
                    count: 0,
                    amount: Yuan(Money::ZERO),
                    voided: 0,
                    lines: vec![line],
                }),
            }
        }
        for kiosk in &mut kiosks {
            let valid: Vec<Money> =
                kiosk.lines.iter().filter(|l| l.status == "valid").map(|l| l.amount.money()).collect();
            kiosk.count = valid.len();
            kiosk.amount = Yuan(valid.into_iter().sum());
            kiosk.voided = kiosk.lines.len() - kiosk.count;
        }
        Ok(KioskReport {
            day: if first == last { first.to_string() } else { format!("{first} 至 {last}") },
            count: kiosks.iter().map(|k| k.count).sum(),
            amount: Yuan(kiosks.iter().map(|k| k.amount.money()).sum()),
            voided: kiosks.iter().map(|k| k.voided).sum(),
            kiosks,
        })
    }
}
