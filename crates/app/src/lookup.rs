//! Finding an inpatient from the search box: case number, wristband scan, resident ID, name,
//! pinyin initials, or a printed number (receipt, settlement, invoice) — a number of digits only
//! that is no case number is looked up as an invoice's.

use contract::patient::PatientHit;
use domain::PatientQuery;
use store::patients;

use crate::views::patient_hit;
use crate::{App, AppError};

impl App {
    pub async fn find_patients(&self, text: &str) -> Result<Vec<PatientHit>, AppError> {
        let query = PatientQuery::parse(text).map_err(|e| AppError::invalid(e.code(), e.to_string(), "query"))?;
        let today = self.clock.now().date();
        let mut conn = self.store.conn().await?;
        let mut hits = patients::find(&mut conn, &query).await?;
        if hits.is_empty() && matches!(query, PatientQuery::CaseNo(_)) {
            hits = patients::by_document(&mut conn, text.trim()).await?;
        }
        Ok(hits.iter().map(|hit| patient_hit(hit, today)).collect())
    }
}
