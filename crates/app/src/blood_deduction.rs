//! The blood waiver at a settlement (用血减免抵扣), at a counter that talks to the blood platform
//! itself (stand-alone: the sandbox in-process, its register beside the database). Approved
//! registrations are forwarded to the blood platform; the trial asks it what the settled
//! lines' blood products would be waived (changing nothing); the settlement asks it to grant
//! exactly that under the settlement's key and keeps the answer with the settlement; a recall
//! cancels it and gives the millilitres back.
//!
//! A linked counter has no blood platform of its own yet: its waivers are the approvals the
//! platform's feed brings (the platform's side of registrations is still to be built).

use blood_platform::{BloodError, Registration, WaiverAnswer, WaiverClaim};
use domain::blood::{Donation, RegistrationStatus, WaivedProduct, blood_products, waive};
use domain::{InpatientAccount, SettlementDraft};
use store::patients::AdmissionSummary;
use store::registrations;
use uuid::Uuid;

use crate::{App, AppError};

/// What a settlement will ask the blood platform for, and what the trial was told.
#[derive(Clone, Debug)]
pub(crate) struct BloodAsk {
    pub claim: WaiverClaim,
    pub estimate: WaiverAnswer,
}

/// The products each certificate paid for, split as the blood platform's answer says: the same
/// rule run over the millilitres it took from each certificate.
pub(crate) fn products_paid(claim: &WaiverClaim, answer: &WaiverAnswer) -> Vec<WaivedProduct> {
    let left: Vec<(String, Option<u32>)> = answer.uses.iter().map(|(no, ml)| (no.clone(), Some(*ml))).collect();
    waive(&claim.products, &left).products
}

impl App {
    /// Forwards the admission's approved registrations the blood platform has not accepted yet;
    /// returns the business numbers of all it accepted. A registration it refuses stays approved
    /// here and is named in the log; an unreachable platform is the caller's refusal.
    async fn forwarded_registrations(&self, summary: &AdmissionSummary) -> Result<Vec<Uuid>, AppError> {
        let Some(platform) = &self.blood_platform else { return Ok(Vec::new()) };
        let mut conn = self.store.conn().await?;
        let approved: Vec<_> = registrations::of_admission(&mut conn, summary.admission.id)
            .await?
            .into_iter()
            .filter(|r| r.status == RegistrationStatus::Approved)
            .collect();
        let mut accepted = Vec::with_capacity(approved.len());
        for r in approved {
            if store::waivers::forwarded(&mut conn, r.id).await?.is_some() {
                accepted.push(r.key);
                continue;
            }
            let registration = Registration {
                business_no: r.key,
                patient_id: summary.admission.patient.person_id(),
                donor: r.donor,
                donor_name: r.donor_name.clone(),
                donor_id: r.donor_id.clone(),
                gold_award: r.gold_award,
                donations: r
                    .certificates
                    .iter()
                    .map(|(no, on, ml, kind)| Donation {
                        certificate_no: no.clone(),
                        donated_on: *on,
                        volume_ml: u32::try_from(*ml).unwrap_or(0),
                        kind: *kind,
                        used_ml: 0,
                    })
                    .collect(),
                on: self.clock.now().date(),
            };
            match platform.register(&registration).await {
                Ok(answer) => {
                    store::waivers::append_forwarded(
                        &mut conn,
                        r.id,
                        &answer.reference,
                        answer.remaining_ml,
                        self.clock.now(),
                    )
                    .await?;
                    accepted.push(r.key);
                }
                Err(BloodError::Refused { code, message }) => {
                    tracing::warn!(registration = r.id, code, message, "blood platform refused a registration");
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(accepted)
    }

    /// What the blood platform would waive for the lines `draft` settles, if anything: the
    /// trial adds it to what the draft may deduct.
    pub(crate) async fn blood_estimate(
        &self,
        summary: &AdmissionSummary,
        account: &InpatientAccount,
        draft: &SettlementDraft,
    ) -> Result<Option<BloodAsk>, AppError> {
        let Some(platform) = &self.blood_platform else { return Ok(None) };
        let lines: Vec<_> = account.fees.iter().filter(|f| draft.fee_ids.contains(&f.id)).cloned().collect();
        let (products, unmeasured) = blood_products(&self.product_rules, &lines);
        if !unmeasured.is_empty() {
            tracing::warn!(?unmeasured, "blood products without a readable volume are not waived");
        }
        if products.is_empty() {
            return Ok(None);
        }
        let registrations = self.forwarded_registrations(summary).await?;
        if registrations.is_empty() {
            return Ok(None);
        }
        let claim = WaiverClaim { business_no: Uuid::nil(), registrations, products, at: self.clock.now() };
        let estimate = platform.estimate(&claim).await?;
        Ok(estimate.amount.is_positive().then_some(BloodAsk { claim, estimate }))
    }

    /// Grants the waiver the trial estimated, under the settlement's key. Refused as stale when
    /// the blood platform now grants another amount (the grant is cancelled again).
    pub(crate) async fn grant_blood(&self, key: Uuid, ask: &BloodAsk) -> Result<(WaiverClaim, WaiverAnswer), AppError> {
        let platform = self.blood_platform.as_ref().ok_or_else(|| AppError::internal("没有用血直报平台"))?;
        let claim = WaiverClaim { business_no: key, ..ask.claim.clone() };
        let answer = match platform.waive(&claim).await {
            Err(BloodError::Unknown) => platform.query(key).await?.ok_or(BloodError::Unknown)?,
            other => other?,
        };
        if (answer.amount, answer.ml) != (ask.estimate.amount, ask.estimate.ml) {
            self.cancel_blood(key).await;
            return Err(AppError::Rule {
                code: "BLOOD_WAIVER_CHANGED",
                message: format!("用血减免金额与试算不一致，{}", crate::settlement::STALE),
            });
        }
        Ok((claim, answer))
    }

    /// Cancels the waiver granted under `key`, when the settlement it was for did not happen.
    /// Best effort: a failure is logged (the blood platform answers a retried key with the same
    /// grant, so nothing is waived twice).
    pub(crate) async fn cancel_blood(&self, key: Uuid) {
        if let Some(platform) = &self.blood_platform
            && let Err(e) = platform.cancel(key, self.clock.now()).await
        {
            tracing::warn!(%key, code = e.code(), "blood waiver not cancelled");
        }
    }
}
