//! The search box finds an admission by a number printed on its documents: a deposit receipt
//! just taken (typed in lower case too), a settlement's number; a number nobody issued finds
//! nothing, and a case number still finds its admission first.

mod support;

use contract::cashier::{DepositRequest, SettleRequest, TrialRequest};
use support::*;
use tempfile::TempDir;

#[tokio::test]
async fn a_receipt_or_settlement_number_finds_its_admission() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 30).await;
    let cashier = login(&app, "cashier").await;
    let mut conn = app.store().conn().await.unwrap();
    let cases = store::patients::case_numbers(&mut conn).await.unwrap();
    drop(conn);
    let case_no = cases[0].clone();
    let request = DepositRequest {
        case_no: case_no.clone(),
        key: key(),
        tenders: vec![tender("现金", "80.00")],
        cash_received: None,
    };
    let receipt = app.take_deposit(&cashier, &request).await.unwrap();
    let found = |hits: Vec<contract::patient::PatientHit>| hits.into_iter().map(|h| h.case_no).collect::<Vec<_>>();
    assert_eq!(found(app.find_patients(&receipt.receipt_no).await.unwrap()), std::slice::from_ref(&case_no));
    assert_eq!(
        found(app.find_patients(&receipt.receipt_no.to_lowercase()).await.unwrap()),
        std::slice::from_ref(&case_no)
    );
    assert_eq!(found(app.find_patients(&case_no).await.unwrap()), std::slice::from_ref(&case_no));

    // A self-pay stay audited and settled in cash: its settlement's number finds it.
    admit(&app, &Stay::audited("2026880201")).await;
    let trial =
        app.trial(&cashier, &TrialRequest { case_no: "2026880201".into(), kind: "discharge".into() }).await.unwrap();
    let request = SettleRequest {
        case_no: trial.case_no.clone(),
        key: key(),
        kind: trial.kind.code.clone(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders: vec![tender("现金", &trial.due.to_string())],
        cash_received: None,
    };
    let settled = app.settle(&cashier, &request).await.unwrap();
    assert_eq!(found(app.find_patients(&settled.settlement_no).await.unwrap()), ["2026880201".to_owned()]);
    assert!(app.find_patients("YJ9999999999").await.unwrap().is_empty());
}
