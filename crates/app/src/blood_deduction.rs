//! The blood waiver at a settlement (用血减免抵扣), at a counter that talks to the blood platform
//! itself (stand-alone: the sandbox in-process, its register beside the database). Approved
//! registrations are forwarded to the blood platform; the trial asks it what the settled
//! lines' blood products would be waived (changing nothing); the settlement asks it to grant
//! exactly that under the settlement's key and keeps the answer with the settlement; a recall
//! cancels it and gives the millilitres back.
//!
//! A linked counter asks through the platform (`sync::blood::PlatformBlood`), which names the
//! products from its own ledger and keeps the grant. Cut off from the platform, its trial uses
//! the last entitlement the blood platform confirmed for the approved registrations and says so
//! (the waiver is marked offline); the platform asks the blood platform itself when the
//! settlement arrives and refuses it to the pending list when the answer differs.

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
    /// Worked out at the counter from the last confirmed entitlement (the platform is out of
    /// reach); the settlement keeps it as is and the platform re-checks it.
    pub offline: bool,
}

/// The reference an offline waiver carries until the platform has asked the blood platform.
pub const OFFLINE_REFERENCE: &str = "离线暂估";

/// The products each certificate paid for, split as the blood platform's answer says: the same
/// rule run over the millilitres it took from each certificate.
pub(crate) fn products_paid(claim: &WaiverClaim, answer: &WaiverAnswer) -> Vec<WaivedProduct> {
    let left: Vec<(String, Option<u32>)> = answer.uses.iter().map(|(no, ml)| (no.clone(), Some(*ml))).collect();
    waive(&claim.products, &left).products
}

impl App {
    /// Forwards the admission's approved registrations the blood platform has not accepted yet;
    /// returns the business numbers of all it accepted. A registration it refuses (or, at a
    /// linked counter, one whose materials are still on their way) stays approved here and is
    /// named in the log; an unreachable platform is the caller's refusal.
    async fn forwarded_registrations(&self, summary: &AdmissionSummary) -> Result<Vec<Uuid>, BloodError> {
        let Some(platform) = &self.blood_platform else { return Ok(Vec::new()) };
        let local = |e: AppError| BloodError::Unavailable(e.to_string());
        let mut conn = self.store.conn().await.map_err(|e| local(e.into()))?;
        let approved: Vec<_> = registrations::of_admission(&mut conn, summary.admission.id)
            .await
            .map_err(|e| local(e.into()))?
            .into_iter()
            .filter(|r| r.status == RegistrationStatus::Approved)
            .collect();
        let mut accepted = Vec::with_capacity(approved.len());
        for r in approved {
            if store::waivers::forwarded(&mut conn, r.id).await.map_err(|e| local(e.into()))?.is_some() {
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
                    .await
                    .map_err(|e| local(e.into()))?;
                    accepted.push(r.key);
                }
                Err(BloodError::Refused { code, message }) => {
                    tracing::warn!(registration = r.id, code, message, "blood platform refused a registration");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(accepted)
    }

    /// The trial's waiver at a linked counter cut off from the platform: the settled lines'
    /// products paid from what the blood platform last said each approved registration had
    /// left, by the domain's rule.
    async fn offline_estimate(
        &self,
        summary: &AdmissionSummary,
        claim: WaiverClaim,
    ) -> Result<Option<BloodAsk>, AppError> {
        let mut conn = self.store.conn().await?;
        let mut left = Vec::new();
        for r in registrations::of_admission(&mut conn, summary.admission.id).await? {
            if r.status != RegistrationStatus::Approved {
                continue;
            }
            let (Some(remaining), Some((no, ..))) =
                (store::waivers::forwarded_remaining(&mut conn, r.id).await?, r.certificates.first())
            else {
                continue;
            };
            left.push((no.clone(), remaining));
        }
        let waiver = waive(&claim.products, &left);
        if !waiver.amount.is_positive() {
            return Ok(None);
        }
        let estimate = WaiverAnswer {
            reference: OFFLINE_REFERENCE.to_owned(),
            amount: waiver.amount,
            ml: waiver.ml,
            uses: waiver.uses,
            at: self.clock.now(),
        };
        Ok(Some(BloodAsk { claim, estimate, offline: true }))
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
        // A linked counter's platform knows registrations made at other counters too.
        let relayed = self.link.is_some();
        let fee_keys = {
            let mut conn = self.store.conn().await?;
            let keys = store::keys::fee_keys(&mut conn, &summary.admission.id.to_string()).await?;
            keys.into_iter()
                .filter(|(id, _)| draft.fee_ids.contains(id))
                .map(|(_, key)| Uuid::parse_str(&key).map_err(|_| AppError::internal("费用的编号无法读取")))
                .collect::<Result<Vec<_>, _>>()?
        };
        let mut claim = WaiverClaim {
            business_no: Uuid::nil(),
            admission_id: summary.admission.id,
            fee_keys,
            registrations: Vec::new(),
            products,
            at: self.clock.now(),
        };
        match self.forwarded_registrations(summary).await {
            Ok(registrations) => claim.registrations = registrations,
            Err(BloodError::Unavailable(_)) if relayed => return self.offline_estimate(summary, claim).await,
            Err(e) => return Err(e.into()),
        }
        if claim.registrations.is_empty() && !relayed {
            return Ok(None);
        }
        match platform.estimate(&claim).await {
            Ok(estimate) => Ok(estimate.amount.is_positive().then_some(BloodAsk { claim, estimate, offline: false })),
            Err(BloodError::Unavailable(_)) if relayed => self.offline_estimate(summary, claim).await,
            Err(e) => Err(e.into()),
        }
    }

    /// Grants the waiver the trial estimated, under the settlement's key. Refused as stale when
    /// the blood platform now grants another amount (the grant is cancelled again).
    pub(crate) async fn grant_blood(&self, key: Uuid, ask: &BloodAsk) -> Result<(WaiverClaim, WaiverAnswer), AppError> {
        let platform = self.blood_platform.as_ref().ok_or_else(|| AppError::internal("没有用血直报平台"))?;
        let claim = WaiverClaim { business_no: key, ..ask.claim.clone() };
        if ask.offline {
            // Kept as worked out; the platform asks the blood platform when it arrives.
            return Ok((claim, WaiverAnswer { at: self.clock.now(), ..ask.estimate.clone() }));
        }
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
