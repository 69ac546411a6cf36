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

    use domain::Money;

    use crate::fold::{BloodGrant, Facts, Ledger};
    use crate::records::{Envelope, Record};

    const ADMISSION: Uuid = Uuid::from_u128(1);
    const REGISTRATION: Uuid = Uuid::from_u128(2);
    const SETTLEMENT: Uuid = Uuid::from_u128(8);

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

    /// A stay with a ¥500.00 card deposit, a ¥220.00 red-cell line, discharge ordered and
    /// audited; the discharge settlement with ¥100.00 waived refunds ¥380.00 to the card.
    fn transfused() -> (Ledger, Value) {
        let mut ledger = Ledger::new();
        let rows = [
            json!({"kind": "deposit", "key": Uuid::from_u128(3), "admission_id": ADMISSION,
                "receipt_no": "YJ0100000001", "deposit_kind": "deposit", "reverses": null, "settlement": null,
                "amount": "500.00", "tenders": [{"tender": "card", "amount": "500.00", "reference": "T0000001:000000006222"}],
                "at": "2026-01-01T09:00:00", "cashier": "王丽"}),
            json!({"kind": "fee", "key": Uuid::from_u128(4), "admission_id": ADMISSION, "item_code": "XF0001",
                "item_name": "悬浮红细胞", "category": "blood", "spec": "1U", "unit": "U", "quantity": "1",
                "unit_price": "220.00", "amount": "220.00", "charged_at": "2026-01-01T08:00:00",
                "department": "内科", "status": "confirmed"}),
            json!({"kind": "admission_event", "key": Uuid::from_u128(5), "admission_id": ADMISSION,
                "event": "discharge_ordered", "at": "2026-01-02T09:00:00", "actor": "王丽", "reason": null}),
            json!({"kind": "admission_event", "key": Uuid::from_u128(6), "admission_id": ADMISSION,
                "event": "audit_passed", "at": "2026-01-02T10:00:00", "actor": "王丽", "reason": null}),
        ];
        for row in rows {
            ledger.apply(&serde_json::from_value(row).unwrap()).unwrap();
        }
        let settlement = json!({"kind": "settlement", "key": SETTLEMENT, "admission_id": ADMISSION,
            "settlement_no": "JS0100000001", "settlement_kind": "discharge", "fees": "220.00",
            "insurance_fund": "0.00", "personal_account": "0.00", "blood_reimbursement": "100.00",
            "deposits_applied": "500.00", "due": "-380.00", "insurance_ref": null, "place": "counter",
            "cashier": "王丽", "at": "2026-01-03T10:00:00", "trial_version": "v", "fee_keys": [Uuid::from_u128(4)],
            "payments": [{"tender": "card", "amount": "-380.00", "reference": "T0000001:000000006222", "deposit": Uuid::from_u128(3)}],
            "blood_waiver": {"reference": "XY-1", "amount": "100.00", "ml": 100,
                "uses": [{"certificate_no": "ZJ1", "ml": 100}], "offline": false}});
        (ledger, settlement)
    }

    fn settle(ledger: &mut Ledger, settlement: &Value, facts: &Facts) -> Result<(), String> {
        let envelope = Envelope {
            key: Uuid::from_u128(7),
            admission_id: ADMISSION,
            cashier: "cashier".into(),
            at: "2026-01-03T10:00:00".parse().unwrap(),
            records: vec![serde_json::from_value(settlement.clone()).unwrap()],
            approval: None,
        };
        ledger.check_and_apply(&envelope, facts).map_err(|e| e.to_string())
    }

    #[test]
    fn a_settlements_waiver_is_the_one_the_blood_platform_granted() {
        let (base, waived) = transfused();
        let refused = |facts: &Facts, settlement: &Value, named: &str| {
            let message = settle(&mut base.clone(), settlement, facts).expect_err("accepted");
            assert!(message.contains(named), "{message} does not name {named}");
        };
        refused(&Facts::default(), &waived, "用血直报平台为这笔结算核定的是 无");
        let grant = |ml| BloodGrant { reference: "XY-1".into(), amount: Money::parse("100.00").unwrap(), ml };
        let facts = |ml| Facts { blood: [(SETTLEMENT, grant(ml))].into_iter().collect(), ..Facts::default() };
        refused(&facts(90), &waived, "100.00（90 毫升）");
        // Leaving the waiver out where the blood platform granted one is refused too.
        let mut silent = waived.clone();
        silent.as_object_mut().unwrap().remove("blood_waiver");
        refused(&facts(100), &silent, "用血减免为 无");
        let mut applied = base.clone();
        assert_eq!(settle(&mut applied, &waived, &facts(100)), Ok(()));
        // Approved and used at once: nothing is left over for another settlement…
        assert_eq!(applied.account.blood_available(), Money::ZERO);
        assert_eq!(applied.account.blood_approved, Money::parse("100.00").unwrap());
        // …and a recall gives it back with the settlement.
        let recall = json!({"kind": "recall", "key": Uuid::from_u128(9), "admission_id": ADMISSION,
            "settlement": SETTLEMENT, "recall_kind": "discharge", "at": "2026-01-03T11:00:00", "by": "王丽",
            "approved_by": "张组长", "approver": "supervisor", "reason": "补录费用"});
        applied.apply(&serde_json::from_value(recall).unwrap()).unwrap();
        assert_eq!(applied.account.blood_approved, Money::ZERO);
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
