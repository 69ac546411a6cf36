//! Finding an inpatient from the search box: case number, wristband scan, resident ID, name
//! or pinyin initials.

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
        let hits = patients::find(&mut conn, &query).await?;
        Ok(hits.iter().map(|hit| patient_hit(hit, today)).collect())
    }
}
