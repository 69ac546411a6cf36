//! What the 用血减免 screen asks besides registering and reviewing: the entitlement as it would
//! be registered today, computed while the clerk types (nothing written); the registrations
//! waiting for review across all admissions; and printing a registration's reimbursement form
//! (用血报销单).

use contract::PrintOutcome;
use contract::blood::RegistrationView;
use contract::blood_desk::{CertificateShareView, EntitlementQuery, EntitlementView};
use domain::Permission;
use store::registrations;

use crate::blood_waiver::{certificate, relationship, view};
use crate::counter_settings::PrintKind;
use crate::{App, AppError, Operator};

fn ml(value: Option<u32>) -> Option<i64> {
    value.map(i64::from)
}

impl App {
    /// The entitlement of the donor and certificates typed so far, on today's date and with what
    /// each certificate paid for before; refused, with the engine's sentence, while the claim
    /// cannot stand (a relative outside the circle, a date in the future…).
    pub async fn blood_entitlement(&self, query: &EntitlementQuery) -> Result<EntitlementView, AppError> {
        let donor = relationship(&query.donor)?;
        let mut donations = Vec::with_capacity(query.certificates.len());
        let mut conn = self.store.conn().await?;
        for input in &query.certificates {
            donations.push(registrations::with_use(&mut conn, certificate(input)?).await?);
        }
        drop(conn);
        let found = domain::blood::entitlement(
            &self.blood_policy,
            donor,
            query.gold_award,
            &donations,
            self.clock.now().date(),
        )
        .map_err(|e| AppError::Rule { code: e.code(), message: e.to_string() })?;
        Ok(EntitlementView {
            entitled_ml: ml(found.entitled_ml),
            used_ml: i64::from(found.used_ml),
            remaining_ml: ml(found.remaining_ml),
            rule: found.rule,
            certificates: found
                .certificates
                .into_iter()
                .map(|c| CertificateShareView {
                    certificate_no: c.certificate_no,
                    entitled_ml: ml(c.entitled_ml),
                    used_ml: i64::from(c.used_ml),
                    remaining_ml: ml(c.remaining_ml),
                    rule: c.rule,
                })
                .collect(),
        })
    }

    /// The registrations waiting for review (待审核) at this counter, oldest first.
    pub async fn blood_waiting(&self, operator: &Operator) -> Result<Vec<RegistrationView>, AppError> {
        operator.require(Permission::ReviewBloodWaiver)?;
        let mut conn = self.store.conn().await?;
        let waiting = registrations::waiting(&mut conn).await?;
        let mut out = Vec::with_capacity(waiting.len());
        for r in &waiting {
            let case_no = store::patients::case_no_of(&mut conn, r.admission_id).await?;
            out.push(view(r, &case_no));
        }
        Ok(out)
    }

    /// Prints the reimbursement form of registration `id` (or saves and opens it).
    pub async fn print_blood_form(&self, operator: &Operator, id: i64) -> Result<PrintOutcome, AppError> {
        operator.require(Permission::HandleMoney)?;
        let pdf = self.blood_form_pdf(id).await?;
        let name = format!("用血报销单-{id}-{}.pdf", self.clock.now().format("%Y%m%d%H%M%S"));
        self.deliver(PrintKind::Blood, &name, &pdf).await
    }
}
