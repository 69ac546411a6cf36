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

#[tokio::test]
async fn my_day_lists_my_operations_of_the_day_and_their_net_per_tender() {
    use contract::cashier::{DepositRequest, ReversalRequest};
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 5).await;
    admit(&app, &Stay { deposits: vec![], ..Stay::audited("2026880111") }).await;
    let cashier = login(&app, "cashier").await;
    let other = login(&app, "cashier2").await;
    let pay = |tenders: Vec<contract::cashier::TenderInput>| DepositRequest {
        case_no: "2026880111".into(),
        key: key(),
        tenders,
        cash_received: None,
    };
    let split =
        app.take_deposit(&cashier, &pay(vec![tender("现金", "100.00"), tender("银行卡", "200.00")])).await.unwrap();
    let small = app.take_deposit(&cashier, &pay(vec![tender("现金", "30.00")])).await.unwrap();
    let back = ReversalRequest {
        case_no: "2026880111".into(),
        key: key(),
        receipt_no: small.receipt_no.clone(),
        amount: "30.00".into(),
        tenders: vec![tender("现金", "30.00")],
        reason: "多交".into(),
    };
    let reversal = app.reverse_deposit(&cashier, &back).await.unwrap();
    let theirs = app.take_deposit(&other, &pay(vec![tender("现金", "10.00")])).await.unwrap();

    let day = app.my_day(&cashier).await.unwrap();
    let listed =
        |no: &str| day.operations.iter().find(|o| o.number == no).map(|o| (o.kind.label.clone(), o.amount.to_string()));
    assert_eq!(listed(&split.receipt_no), Some(("预交金".into(), "300.00".into())));
    assert_eq!(listed(&small.receipt_no), Some(("预交金".into(), "30.00".into())));
    assert_eq!(listed(&reversal.receipt_no), Some(("预交金冲红".into(), "-30.00".into())));
    assert_eq!(listed(&theirs.receipt_no), None, "another cashier's operation");
    assert!(day.operations.windows(2).all(|w| w[0].at <= w[1].at));
    // The totals are the listed tenders summed, tender by tender.
    let mut summed: Vec<(String, domain::Money)> = Vec::new();
    for t in day.operations.iter().flat_map(|o| o.tenders.iter()) {
        match summed.iter_mut().find(|(c, _)| *c == t.tender.code) {
            Some((_, sum)) => *sum += t.amount.money(),
            None => summed.push((t.tender.code.clone(), t.amount.money())),
        }
    }
    summed.retain(|(_, m)| !m.is_zero());
    let mut totals: Vec<(String, domain::Money)> =
        day.totals.iter().map(|t| (t.tender.code.clone(), t.amount.money())).collect();
    summed.sort();
    totals.sort();
    assert_eq!(totals, summed);
    assert!(totals.iter().any(|(c, m)| c == "card" && *m >= domain::Money::from_fen(20_000).unwrap()));
}
