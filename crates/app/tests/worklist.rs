//! 工作清单 over a demo hospital: a cashier's list is exactly the admissions whose fees were
//! audited (oldest discharge order first), an auditor's exactly those with a discharge order
//! waiting for the audit, each with the count of lines the audit gate says block it; a patient
//! settled or still in hospital is on neither; someone who neither settles nor audits is refused.

mod support;

use domain::{AdmissionEvent, FeeCategory, FeeStatus, InsuranceType};
use support::*;
use tempfile::TempDir;

#[tokio::test]
async fn each_list_holds_exactly_the_admissions_of_its_state() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 40).await;
    admit(&app, &Stay::audited("2026880101")).await;
    let blocked = Stay {
        case_no: "2026880102",
        insurance: InsuranceType::SelfPay,
        fees: vec![
            (FeeCategory::Drug, "80.00", FeeStatus::Unconfirmed),
            (FeeCategory::Examination, "120.00", FeeStatus::Unconfirmed),
            (FeeCategory::Bed, "300.00", FeeStatus::Confirmed),
        ],
        deposits: vec![],
        events: vec![AdmissionEvent::DischargeOrdered],
    };
    admit(&app, &blocked).await;
    admit(&app, &Stay { case_no: "2026880103", events: vec![], ..Stay::audited("2026880103") }).await;

    let cashier = login(&app, "cashier").await;
    let finance = login(&app, "finance").await;
    let mine = app.worklists(&cashier).await.unwrap();
    assert!(mine.to_audit.is_empty(), "a cashier does not audit");
    let theirs = app.worklists(&finance).await.unwrap();
    assert!(theirs.to_settle.is_empty(), "finance does not settle");

    // Against the accounts themselves, one by one.
    let mut audited = Vec::new();
    let mut ordered = Vec::new();
    let mut conn = app.store().conn().await.unwrap();
    let cases = store::patients::case_numbers(&mut conn).await.unwrap();
    drop(conn);
    for case_no in cases {
        let gate = app.audit_gate(&case_no).await.unwrap();
        match gate.state.code.as_str() {
            "fees_audited" => audited.push(case_no),
            "discharge_ordered" => ordered.push((case_no, gate.blockers.len())),
            _ => {}
        }
    }
    let mut listed: Vec<String> = mine.to_settle.iter().map(|w| w.case_no.clone()).collect();
    assert!(listed.contains(&"2026880101".to_owned()) && !listed.contains(&"2026880103".to_owned()));
    assert!(mine.to_settle.windows(2).all(|w| w[0].since <= w[1].since), "oldest discharge order first");
    listed.sort();
    audited.sort();
    assert_eq!(listed, audited);
    let mut counted: Vec<(String, usize)> =
        theirs.to_audit.iter().map(|w| (w.case_no.clone(), w.blockers.unwrap())).collect();
    assert!(counted.contains(&("2026880102".to_owned(), 2)), "{counted:?}");
    counted.sort();
    ordered.sort();
    assert_eq!(counted, ordered);
    assert!(!audited.is_empty() && ordered.len() > 1, "the demo has both kinds: {audited:?} {ordered:?}");
}
