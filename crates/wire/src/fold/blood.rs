//! The platform's rules for the blood-waiver records a counter pushes: a registration is checked
//! again with the domain's `check_registration` (who may claim, the certificates, the materials
//! checklist), a review with `review` (never the clerk's own, once, a reason to return).

use domain::blood::{Decision, ReviewError, check_registration, review};

use super::{FoldError, Ledger, unknown};
use crate::codes;
use crate::convert;
use crate::fold::Facts;
use crate::records::{BloodRegistrationRecord, BloodReviewRecord};

impl Ledger {
    pub(super) fn check_registration(&self, r: &BloodRegistrationRecord, facts: &Facts) -> Result<(), FoldError> {
        if self.knows(r.key) {
            return Err(FoldError::malformed(codes::DUPLICATE_IDS, "该献血证报销登记已在平台上"));
        }
        let form = convert::registration_form(r)?;
        check_registration(&facts.blood_policy, &form, r.at.date())
            .map(|_| ())
            .map_err(|e| FoldError::malformed(e.code(), format!("献血证报销登记不符合规则：{e}")))
    }

    pub(super) fn check_review(&self, r: &BloodReviewRecord) -> Result<(), FoldError> {
        let Some((clerk, status)) = self.registrations.get(&r.registration) else {
            return Err(unknown("registration", r.registration));
        };
        let decision = if r.approve {
            Decision::Approve
        } else {
            Decision::Return { reason: r.reason.clone().unwrap_or_default() }
        };
        match review(*status, clerk, &r.reviewer, &decision) {
            Ok(_) => Ok(()),
            // Another counter decided first: a supervisor's case.
            Err(e @ ReviewError::AlreadyDecided(_)) => {
                Err(FoldError::Conflict { code: e.code(), message: e.to_string() })
            }
            Err(e) => Err(FoldError::malformed(e.code(), e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use uuid::Uuid;

    use crate::fold::{Facts, Ledger};
    use crate::records::{Envelope, Record};

    const ADMISSION: Uuid = Uuid::from_u128(1);
    const REGISTRATION: Uuid = Uuid::from_u128(2);

    fn registration(materials: &[&str]) -> Value {
        let materials: Vec<Value> = materials
            .iter()
            .map(|item| json!({"item": item, "sha256": "ab".repeat(32), "media_type": "image/png", "bytes": 100}))
            .collect();
        json!({"kind": "blood_registration", "key": REGISTRATION, "admission_id": ADMISSION, "donor": "spouse",
            "donor_name": "李建国", "donor_id": "11010519491231002X", "gold_award": false, "pledge": false,
            "certificates": [{"certificate_no": "ZJ1", "donated_on": "2024-05-01", "volume_ml": 150,
                "donation_kind": "whole"}],
            "materials": materials, "clerk": "cashier", "at": "2026-11-20T09:00:00"})
    }

    fn review(n: u128, reviewer: &str, approve: bool) -> Value {
        json!({"kind": "blood_review", "key": Uuid::from_u128(10 + n), "admission_id": ADMISSION,
            "registration": REGISTRATION, "approve": approve, "reason": if approve { Value::Null } else { json!("缺结婚证") },
            "reviewer": reviewer, "at": "2026-11-20T10:00:00"})
    }

    fn push(ledger: &mut Ledger, record: Value) -> Result<(), String> {
        let record: Record = serde_json::from_value(record).unwrap();
        let envelope = Envelope {
            key: record.key(),
            admission_id: ADMISSION,
            cashier: "x".into(),
            at: "2026-11-20T10:00:00".parse().unwrap(),
            records: vec![record],
            approval: None,
        };
        ledger.check_and_apply(&envelope, &Facts::default()).map_err(|e| e.code().to_owned())
    }

    const ALL: [&str; 4] = ["donor_id", "certificate", "patient_id", "relationship"];

    #[test]
    fn a_registration_is_checked_with_the_domain_rules() {
        let mut ledger = Ledger::new();
        assert_eq!(push(&mut ledger, registration(&ALL[..3])), Err("BLOOD_MATERIALS_MISSING".into()));
        let mut bad_id = registration(&ALL);
        bad_id["donor_id"] = json!("110105194912310021");
        assert_eq!(push(&mut ledger, bad_id), Err("MALFORMED_REQUEST".into()));
        let mut future = registration(&ALL);
        future["certificates"][0]["donated_on"] = json!("2027-01-01");
        assert!(push(&mut ledger, future).is_err(), "a donation after the registration");
        let mut stranger = registration(&ALL);
        stranger["donor"] = json!("sibling");
        assert!(push(&mut ledger, stranger).is_err(), "a sibling without the gold award");
        assert_eq!(push(&mut ledger, registration(&ALL)), Ok(()));
        assert_eq!(push(&mut ledger, registration(&ALL)), Err("DUPLICATE_IDS".into()));
    }

    #[test]
    fn a_review_is_never_the_clerks_own_and_happens_once() {
        let mut ledger = Ledger::new();
        assert_eq!(push(&mut ledger, review(1, "supervisor", true)), Err("MISSING_IDS".into()));
        push(&mut ledger, registration(&ALL)).unwrap();
        assert_eq!(push(&mut ledger, review(2, "cashier", true)), Err("SELF_APPROVAL".into()));
        let mut no_reason = review(3, "supervisor", false);
        no_reason["reason"] = json!("  ");
        assert_eq!(push(&mut ledger, no_reason), Err("REASON_REQUIRED".into()));
        assert_eq!(push(&mut ledger, review(4, "supervisor", true)), Ok(()));
        assert_eq!(push(&mut ledger, review(5, "supervisor2", false)), Err("BLOOD_ALREADY_REVIEWED".into()));
    }
}
