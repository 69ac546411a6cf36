//! The sandbox as the hospital meets it: a registration forwarded twice is one, a waiver pays
//! up to what the certificate has left across settlements, a lost answer is found by its
//! business number and never granted twice, a recall gives the millilitres back, and the
//! month's statement lists both.

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use domain::Money;
use domain::blood::{BloodPolicy, BloodProduct, Donation, DonationKind, Donor};
use uuid::Uuid;

use crate::{BloodError, BloodPlatform, Registration, SandboxBloodPlatform, SandboxFault, WaiverClaim};

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn sandbox() -> SandboxBloodPlatform {
    SandboxBloodPlatform::new(BloodPolicy::default(), Duration::from_millis(5), SandboxFault::None)
}

/// A spouse's 200 ml donation in 2024: 2 × 200 = 400 ml within five years.
fn spouse(no: u128) -> Registration {
    Registration {
        business_no: Uuid::from_u128(no),
        patient_id: "11010519491231002X".into(),
        donor: Donor::Spouse,
        donor_name: "王秀英".into(),
        donor_id: "110105195001010015".into(),
        gold_award: false,
        donations: vec![Donation {
            certificate_no: "ZJ2024000001".into(),
            donated_on: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
            volume_ml: 200,
            kind: DonationKind::WholeBlood,
            used_ml: 0,
        }],
        on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    }
}

fn red_cells(ml: u32, fen: i64) -> BloodProduct {
    BloodProduct {
        item_code: "XF0001".into(),
        item_name: "悬浮红细胞".into(),
        ml,
        amount: Money::from_fen(fen).unwrap(),
        first_at: at("2026-11-20 08:00"),
    }
}

fn claim(no: u128, registrations: &[u128], products: Vec<BloodProduct>, when: &str) -> WaiverClaim {
    WaiverClaim {
        business_no: Uuid::from_u128(no),
        admission_id: Uuid::from_u128(9),
        fee_keys: Vec::new(),
        registrations: registrations.iter().map(|r| Uuid::from_u128(*r)).collect(),
        products,
        at: at(when),
    }
}

#[tokio::test]
async fn a_certificate_pays_once_across_settlements_and_a_recall_gives_it_back() {
    let platform = sandbox();
    let first = platform.register(&spouse(1)).await.unwrap();
    assert_eq!(first.remaining_ml, Some(400));
    assert_eq!(platform.register(&spouse(1)).await.unwrap(), first, "the same business number is one registration");

    // 600 ml of red cells at ¥660: 400 ml are covered, two thirds of the cost. The estimate
    // says so and changes nothing.
    let estimate = platform.estimate(&claim(10, &[1], vec![red_cells(600, 66_000)], "2026-11-25 10:00")).await.unwrap();
    assert_eq!(
        platform.estimate(&claim(10, &[1], vec![red_cells(600, 66_000)], "2026-11-25 10:00")).await.unwrap(),
        estimate
    );
    let w = platform.waive(&claim(10, &[1], vec![red_cells(600, 66_000)], "2026-11-25 10:00")).await.unwrap();
    assert_eq!((w.amount, w.ml), (Money::from_fen(44_000).unwrap(), 400));
    assert_eq!((estimate.amount, estimate.ml, &estimate.uses), (w.amount, w.ml, &w.uses));
    // Asked again with other products, the first answer stands.
    let again = platform.waive(&claim(10, &[1], vec![red_cells(200, 10)], "2026-11-25 10:01")).await.unwrap();
    assert_eq!(again, w);
    // Another settlement on the same certificate gets nothing; another registration of it is refused.
    let none = platform.waive(&claim(11, &[1], vec![red_cells(200, 22_000)], "2026-11-26 10:00")).await.unwrap();
    assert_eq!((none.amount, none.ml), (Money::ZERO, 0));
    let used_up = platform.register(&spouse(2)).await.unwrap_err();
    assert_eq!(used_up.code(), "BLOOD_ENTITLEMENT_USED_UP", "{used_up}");

    // The first settlement is recalled: its 400 ml are back for the next one.
    platform.cancel(Uuid::from_u128(10), at("2026-12-01 09:00")).await.unwrap();
    platform.cancel(Uuid::from_u128(10), at("2026-12-01 09:05")).await.unwrap();
    assert_eq!(platform.query(Uuid::from_u128(10)).await.unwrap(), None);
    let back = platform.waive(&claim(12, &[1], vec![red_cells(200, 22_000)], "2026-12-01 10:00")).await.unwrap();
    assert_eq!((back.amount, back.ml), (Money::from_fen(22_000).unwrap(), 200));
    let cancelled = platform.waive(&claim(10, &[1], vec![red_cells(200, 10)], "2026-12-01 10:00")).await.unwrap_err();
    assert_eq!(cancelled.code(), "BLOOD_WAIVER_CANCELLED");

    // November: the first waiver; December: its cancellation and the third.
    let november = platform.statement(2026, 11).await.unwrap();
    assert_eq!(november.iter().map(|l| l.amount.fen()).collect::<Vec<_>>(), vec![44_000]);
    let december = platform.statement(2026, 12).await.unwrap();
    assert_eq!(
        december.iter().map(|l| (l.ml, l.amount.fen())).collect::<Vec<_>>(),
        vec![(-400, -44_000), (200, 22_000)]
    );
}

#[tokio::test]
async fn a_lost_answer_is_found_by_its_business_number_and_never_granted_twice() {
    let platform = sandbox();
    platform.register(&spouse(1)).await.unwrap();
    platform.set_fault(SandboxFault::LoseWaiveAnswer);
    let lost = platform.waive(&claim(20, &[1], vec![red_cells(200, 22_000)], "2026-11-25 10:00")).await.unwrap_err();
    assert_eq!(lost, BloodError::Unknown);
    let found = platform.query(Uuid::from_u128(20)).await.unwrap().expect("applied although the answer was lost");
    let retried = platform.waive(&claim(20, &[1], vec![red_cells(200, 22_000)], "2026-11-25 10:02")).await.unwrap();
    assert_eq!(retried, found, "the retry gets the first waiver, not a second");
    assert_eq!(platform.statement(2026, 11).await.unwrap().len(), 1);

    platform.set_fault(SandboxFault::Unavailable);
    let down = platform.register(&spouse(3)).await.unwrap_err();
    assert_eq!(down.code(), "BLOOD_PLATFORM_UNAVAILABLE");
    platform.set_fault(SandboxFault::None);
    let unknown = platform.waive(&claim(21, &[9], vec![red_cells(200, 22_000)], "2026-11-25 11:00")).await.unwrap_err();
    assert_eq!(unknown.code(), "BLOOD_NOT_REGISTERED");
    let outside = Registration { donor: Donor::Sibling, ..spouse(4) };
    assert_eq!(platform.register(&outside).await.unwrap_err().code(), "BLOOD_RELATIVE_NOT_ELIGIBLE");
}

#[tokio::test]
async fn the_register_on_disk_remembers_across_starts() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("blood-platform.jsonl");
    let open =
        || SandboxBloodPlatform::open(BloodPolicy::default(), Duration::ZERO, SandboxFault::None, &path).unwrap();
    let first = open();
    let registered = first.register(&spouse(1)).await.unwrap();
    let w = first.waive(&claim(30, &[1], vec![red_cells(300, 33_000)], "2026-11-25 10:00")).await.unwrap();
    first.cancel(Uuid::from_u128(30), at("2026-11-26 09:00")).await.unwrap();
    let kept = first.waive(&claim(31, &[1], vec![red_cells(300, 33_000)], "2026-11-26 10:00")).await.unwrap();
    drop(first);

    let again = open();
    assert_eq!(again.register(&spouse(1)).await.unwrap(), registered, "the registration is remembered");
    assert_eq!(again.query(Uuid::from_u128(30)).await.unwrap(), None, "the cancellation too");
    assert_eq!(again.query(Uuid::from_u128(31)).await.unwrap(), Some(kept.clone()));
    // 400 ml in all, 300 standing: 100 ml left for the next settlement.
    let next = again.waive(&claim(32, &[1], vec![red_cells(200, 22_000)], "2026-11-27 10:00")).await.unwrap();
    assert_eq!(next.ml, 100);
    assert_eq!(again.statement(2026, 11).await.unwrap().len(), 4, "{w:?}");

    std::fs::write(&path, "not json\n").unwrap();
    let broken =
        SandboxBloodPlatform::open(BloodPolicy::default(), Duration::ZERO, SandboxFault::None, &path).unwrap_err();
    assert!(broken.to_string().contains("第 1 行"), "{broken}");
}
