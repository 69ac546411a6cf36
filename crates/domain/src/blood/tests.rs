//! The entitlement engine against the Zhejiang rules, case by case, and its balance identities
//! over random certificates (proptest).

use chrono::NaiveDate;
use proptest::prelude::*;

use super::{
    BloodPolicy, Decision, Donation, DonationKind, Donor, EntitlementError, Material, RegistrationForm,
    RegistrationStatus, check_registration, entitlement, review,
};
use crate::person::PersonName;
use crate::resident_id::ResidentId;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn donation(no: &str, on: &str, ml: u32, kind: DonationKind, used: u32) -> Donation {
    Donation { certificate_no: no.into(), donated_on: day(on), volume_ml: ml, kind, used_ml: used }
}

fn whole(no: &str, on: &str, ml: u32) -> Donation {
    donation(no, on, ml, DonationKind::WholeBlood, 0)
}

#[test]
fn the_donor_is_free_for_life_after_400_ml_of_whole_blood_in_total() {
    let policy = BloodPolicy::default();
    let two = [whole("A1", "2010-03-01", 200), whole("A2", "2012-03-01", 200)];
    let e = entitlement(&policy, Donor::Patient, false, &two, day("2026-12-01")).unwrap();
    assert_eq!((e.entitled_ml, e.remaining_ml), (None, None));
    assert!(e.rule.contains("终身免费用血"), "{}", e.rule);
    // 300 ml is not enough: 5× within five years of the donation, 1× after.
    let recent = [whole("B1", "2024-06-01", 300)];
    let e = entitlement(&policy, Donor::Patient, false, &recent, day("2026-12-01")).unwrap();
    assert_eq!(e.entitled_ml, Some(1500));
    let old = [whole("B2", "2015-06-01", 300)];
    assert_eq!(entitlement(&policy, Donor::Patient, false, &old, day("2026-12-01")).unwrap().entitled_ml, Some(300));
}

#[test]
fn the_window_ends_on_the_fifth_anniversary() {
    let policy = BloodPolicy::default();
    let d = [whole("C1", "2021-12-01", 200)];
    let on = |text: &str| entitlement(&policy, Donor::Spouse, false, &d, day(text)).unwrap().entitled_ml;
    assert_eq!(on("2026-12-01"), Some(400), "the anniversary itself is within");
    assert_eq!(on("2026-12-02"), Some(200));
    let leap = [whole("C2", "2020-02-29", 200)];
    let e = entitlement(&policy, Donor::Child, false, &leap, day("2025-02-28")).unwrap();
    assert_eq!(e.entitled_ml, Some(400), "a leap-day donation's window ends on 28 February");
}

#[test]
fn special_donors_are_free_for_life_and_their_relatives_get_fixed_volumes() {
    let policy = BloodPolicy::default();
    let stem = [donation("S1", "2001-01-01", 100, DonationKind::StemCells, 0)];
    assert_eq!(entitlement(&policy, Donor::Patient, false, &stem, day("2026-01-01")).unwrap().entitled_ml, None);
    let e = entitlement(&policy, Donor::Parent, false, &stem, day("2026-01-01")).unwrap();
    assert_eq!(e.entitled_ml, Some(800), "stem-cell donors' relatives: 800 ml for life");
    let platelets = [donation("P1", "2025-01-01", 250, DonationKind::Platelets, 0)];
    assert_eq!(entitlement(&policy, Donor::Patient, false, &platelets, day("2026-01-01")).unwrap().entitled_ml, None);
    let e = entitlement(&policy, Donor::Spouse, false, &platelets, day("2026-01-01")).unwrap();
    assert_eq!(e.entitled_ml, Some(1600), "a platelet donation counts as 800 ml, 2× within five years");
    let rare = [donation("R1", "2025-01-01", 200, DonationKind::RareType, 0)];
    assert_eq!(entitlement(&policy, Donor::Patient, false, &rare, day("2026-01-01")).unwrap().entitled_ml, None);
}

#[test]
fn wider_relatives_only_for_gold_award_donors() {
    let policy = BloodPolicy::default();
    let d = [whole("G1", "2024-01-01", 400)];
    for donor in [Donor::Sibling, Donor::Grandparent, Donor::ParentInLaw] {
        let refused = entitlement(&policy, donor, false, &d, day("2026-01-01")).unwrap_err();
        assert_eq!(refused, EntitlementError::OutsideCircle(donor));
        assert_eq!(refused.code(), "BLOOD_RELATIVE_NOT_ELIGIBLE");
        assert_eq!(entitlement(&policy, donor, true, &d, day("2026-01-01")).unwrap().entitled_ml, Some(800));
    }
}

#[test]
fn bad_certificates_are_named() {
    let policy = BloodPolicy::default();
    let today = day("2026-01-01");
    let refused = |d: &[Donation]| entitlement(&policy, Donor::Spouse, false, d, today).unwrap_err().code();
    assert_eq!(refused(&[]), "BLOOD_NO_CERTIFICATE");
    assert_eq!(refused(&[whole("X", "2026-01-02", 200)]), "BLOOD_DONATED_IN_FUTURE");
    assert_eq!(refused(&[whole("X", "2025-01-02", 0)]), "BLOOD_VOLUME_ABSURD");
    assert_eq!(refused(&[whole("X", "2025-01-02", 4000)]), "BLOOD_VOLUME_ABSURD");
    assert_eq!(refused(&[whole("X", "2025-01-02", 200), whole("X", "2024-01-02", 200)]), "BLOOD_CERTIFICATE_TWICE");
}

#[test]
fn what_earlier_registrations_used_is_gone() {
    let policy = BloodPolicy::default();
    let d = [donation("U1", "2024-01-01", 200, DonationKind::WholeBlood, 300)];
    let e = entitlement(&policy, Donor::Spouse, false, &d, day("2026-01-01")).unwrap();
    assert_eq!((e.entitled_ml, e.used_ml, e.remaining_ml), (Some(400), 300, Some(100)));
    let spent = [donation("U2", "2024-01-01", 200, DonationKind::WholeBlood, 500)];
    assert!(entitlement(&policy, Donor::Spouse, false, &spent, day("2026-01-01")).unwrap().used_up());
}

fn form(donor: Donor, pledge: bool, attached: &[Material], donations: Vec<Donation>) -> RegistrationForm {
    RegistrationForm {
        donor,
        donor_name: PersonName::parse("李建国").unwrap(),
        donor_id: ResidentId::parse("11010519491231002X").unwrap(),
        gold_award: false,
        donations,
        pledge,
        attached: attached.to_vec(),
    }
}

#[test]
fn a_registration_needs_its_materials_or_a_pledge() {
    use Material::*;
    let policy = BloodPolicy::default();
    let today = day("2026-01-01");
    let d = || vec![whole("M1", "2024-01-01", 200)];
    // The donor themself: ID card and certificate.
    assert!(check_registration(&policy, &form(Donor::Patient, false, &[DonorId, Certificate], d()), today).is_ok());
    // A spouse without the proof of marriage: refused, naming it.
    let missing =
        check_registration(&policy, &form(Donor::Spouse, false, &[DonorId, Certificate, PatientId], d()), today)
            .unwrap_err();
    assert_eq!(missing.code(), "BLOOD_MATERIALS_MISSING");
    assert!(missing.to_string().contains("关系证明"), "{missing}");
    // With a signed pledge instead of the proof it goes.
    let pledged = form(Donor::Spouse, true, &[DonorId, Certificate, PatientId, Pledge], d());
    assert_eq!(check_registration(&policy, &pledged, today).unwrap().entitled_ml, Some(400));
    // Used up across earlier registrations.
    let spent = vec![donation("M2", "2024-01-01", 200, DonationKind::WholeBlood, 1000)];
    let refused = check_registration(&policy, &form(Donor::Patient, false, &[DonorId, Certificate], spent), today);
    assert_eq!(refused.unwrap_err().code(), "BLOOD_ENTITLEMENT_USED_UP");
}

#[test]
fn a_review_is_never_the_clerks_own_and_happens_once() {
    let submitted = RegistrationStatus::Submitted;
    assert_eq!(review(submitted, "cashier", "cashier", &Decision::Approve).unwrap_err().code(), "SELF_APPROVAL");
    assert_eq!(review(submitted, "cashier", "supervisor", &Decision::Approve), Ok(RegistrationStatus::Approved));
    let blank = Decision::Return { reason: " ".into() };
    assert_eq!(review(submitted, "cashier", "supervisor", &blank).unwrap_err().code(), "REASON_REQUIRED");
    let returned = Decision::Return { reason: "献血证照片不清".into() };
    assert_eq!(review(submitted, "cashier", "supervisor", &returned), Ok(RegistrationStatus::Returned));
    let again = review(RegistrationStatus::Approved, "cashier", "supervisor", &Decision::Approve);
    assert_eq!(again.unwrap_err().code(), "BLOOD_ALREADY_REVIEWED");
}

fn any_donation() -> impl Strategy<Value = Donation> {
    (0..40_u32, 0..7300_i64, 1..=800_u32, prop::sample::select(DonationKind::ALL.to_vec()), 0..5000_u32).prop_map(
        |(no, days_ago, volume_ml, kind, used_ml)| Donation {
            certificate_no: format!("ZJ{no:06}"),
            donated_on: day("2026-12-01") - chrono::Duration::days(days_ago),
            volume_ml,
            kind,
            used_ml,
        },
    )
}

fn distinct(donations: Vec<Donation>) -> Vec<Donation> {
    let mut seen = std::collections::HashSet::new();
    donations.into_iter().filter(|d| seen.insert(d.certificate_no.clone())).collect()
}

proptest! {
    /// Per certificate and in total: remaining = entitled − used, never below zero; the total
    /// is the sum of the certificates; a limited entitlement never grows as time passes.
    #[test]
    fn entitlements_balance(
        donations in prop::collection::vec(any_donation(), 1..6).prop_map(distinct),
        donor in prop::sample::select(Donor::ALL.to_vec()),
        later in 0..4000_i64,
    ) {
        let policy = BloodPolicy::default();
        let on = day("2026-12-01");
        let e = entitlement(&policy, donor, true, &donations, on).unwrap();
        prop_assert_eq!(e.used_ml, donations.iter().map(|d| d.used_ml).sum::<u32>());
        match (e.entitled_ml, e.remaining_ml) {
            (Some(entitled), Some(remaining)) => {
                let mut sum = (0, 0);
                for c in &e.certificates {
                    let (ce, cr) = (c.entitled_ml.unwrap(), c.remaining_ml.unwrap());
                    prop_assert_eq!(cr, ce.saturating_sub(c.used_ml));
                    sum = (sum.0 + ce, sum.1 + cr);
                }
                prop_assert_eq!((entitled, remaining), sum);
                let then = on + chrono::Duration::days(later);
                let later = entitlement(&policy, donor, true, &donations, then).unwrap();
                prop_assert!(later.entitled_ml.unwrap() <= entitled);
            }
            (None, None) => {
                prop_assert!(donor == Donor::Patient);
                prop_assert!(e.certificates.iter().all(|c| c.entitled_ml.is_none()));
            }
            other => prop_assert!(false, "entitled and remaining disagree: {:?}", other),
        }
    }

    /// Another certificate never takes entitlement away.
    #[test]
    fn another_certificate_never_lowers_the_entitlement(
        donations in prop::collection::vec(any_donation(), 2..6).prop_map(distinct),
        donor in prop::sample::select(Donor::ALL.to_vec()),
    ) {
        prop_assume!(donations.len() >= 2);
        let policy = BloodPolicy::default();
        let on = day("2026-12-01");
        let fewer = entitlement(&policy, donor, true, &donations[..donations.len() - 1], on).unwrap();
        let more = entitlement(&policy, donor, true, &donations, on).unwrap();
        match (fewer.remaining_ml, more.remaining_ml) {
            (Some(a), Some(b)) => prop_assert!(b >= a),
            (Some(_), None) | (None, None) => {}
            (None, Some(_)) => prop_assert!(false, "free for life lost by adding a certificate"),
        }
    }
}
