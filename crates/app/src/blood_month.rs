//! The monthly claim (用血减免月结): the month's waivers and cancellations as this counter kept
//! them, matched with the blood platform's monthly statement by the domain's rule.

use chrono::{Months, NaiveDate};
use contract::blood::{BloodMonthLine, BloodMonthView};
use contract::{Tag, Yuan};
use domain::Money;
use domain::Permission;
use domain::blood::{ClaimLine, ClaimMatch, match_month};

use crate::{App, AppError, Operator};

/// `YYYY-MM` as its first day; refused by name otherwise.
pub fn month_start(text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("MONTH_INVALID", format!("月份应写作 YYYY-MM：“{}”", text.trim()), "month"))
}

impl App {
    /// The claim of the month starting `first` (finance: the reconciliation permission).
    pub async fn blood_month(&self, operator: &Operator, first: NaiveDate) -> Result<BloodMonthView, AppError> {
        operator.require(Permission::ReviewReconciliation)?;
        let platform = self.blood_platform.as_ref().ok_or_else(|| AppError::Rule {
            code: "BLOOD_PLATFORM_UNAVAILABLE",
            message: "本柜台未连接用血直报平台，月结请在平台进行".into(),
        })?;
        let next = first.checked_add_months(Months::new(1)).ok_or_else(|| AppError::internal("月份越界"))?;
        let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).unwrap_or_default();
        let mut conn = self.store.conn().await?;
        let ours = store::waivers::between(&mut conn, midnight(first), midnight(next)).await?;
        drop(conn);
        let theirs = platform.statement(chrono::Datelike::year(&first), chrono::Datelike::month(&first)).await?;
        let key = |cancellation: bool, amount: Money, no| ClaimLine { business_no: no, cancellation, amount };
        let our_lines: Vec<_> = ours.iter().map(|l| key(l.cancellation, l.amount, l.business_no)).collect();
        let their_lines: Vec<_> = theirs.iter().map(|l| key(l.ml < 0, l.amount, l.business_no)).collect();
        let mut lines = Vec::new();
        for (o, t, outcome) in match_month(&our_lines, &their_lines) {
            let tag = Tag::new(outcome.code(), outcome.label());
            let theirs_line = t.map(|t| &theirs[t]);
            let line = match o.map(|o| &ours[o]) {
                Some(l) => BloodMonthLine {
                    outcome: tag,
                    business_no: l.business_no.to_string(),
                    cancellation: l.cancellation,
                    settlement_no: l.settlement_no.clone(),
                    case_no: l.case_no.clone(),
                    patient_name: l.patient_name.clone(),
                    reference: l.reference.clone(),
                    certificates: l.certificates.clone(),
                    products: l.products.clone(),
                    ml: l.ml,
                    amount: Some(Yuan(l.amount)),
                    theirs: theirs_line.map(|t| Yuan(t.amount)),
                    at: l.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                },
                None => {
                    let t = theirs_line.ok_or_else(|| AppError::internal("月结配对缺少双方"))?;
                    BloodMonthLine {
                        outcome: tag,
                        business_no: t.business_no.to_string(),
                        cancellation: t.ml < 0,
                        settlement_no: String::new(),
                        case_no: String::new(),
                        patient_name: String::new(),
                        reference: t.reference.clone(),
                        certificates: t.certificates.clone(),
                        products: Vec::new(),
                        ml: t.ml,
                        amount: None,
                        theirs: Some(Yuan(t.amount)),
                        at: t.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    }
                }
            };
            lines.push(line);
        }
        let counts = ClaimMatch::ALL
            .into_iter()
            .map(|m| (Tag::new(m.code(), m.label()), lines.iter().filter(|l| l.outcome.code == m.code()).count()))
            .collect();
        Ok(BloodMonthView {
            month: first.format("%Y-%m").to_string(),
            total: Yuan(ours.iter().map(|l| l.amount).sum()),
            theirs_total: Yuan(theirs.iter().map(|l| l.amount).sum()),
            lines,
            counts,
        })
    }
}
