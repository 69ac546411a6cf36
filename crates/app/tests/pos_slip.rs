//! A bank or social-security card collected at the window names the POS terminal's slip
//! (终端号:参考号[:凭证号]): a deposit or a settlement's 补缴 without it, or with one that is not
//! a slip, is refused and writes nothing; a slip is kept in its canonical form on the record, the
//! receipt and the settlement; a cash tender with a reference is refused. (The platform re-checks
//! pushed records with the same domain rule: `sync_attacks`.)

mod support;

use contract::cashier::{DepositRequest, SettleRequest, TenderInput, TrialRequest};
use support::*;
use tempfile::TempDir;

fn deposit(case_no: &str, tender: TenderInput) -> DepositRequest {
    DepositRequest { case_no: case_no.into(), key: key(), tenders: vec![tender], cash_received: None }
}

#[tokio::test]
async fn a_card_collected_names_its_slip_and_nothing_is_written_without_one() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    admit(&app, &Stay { deposits: vec![], ..Stay::audited("2026770001") }).await;
    let before = version(&app, "2026770001").await;
    for (tender, code) in [
        (TenderInput::new("card", "300.00"), "TENDER_REFERENCE_REQUIRED"),
        (TenderInput::new("sscard", "300.00").with_reference("  "), "TENDER_REFERENCE_REQUIRED"),
        (TenderInput::new("银行卡", "300.00").with_reference("123456789012"), "TENDER_REFERENCE_MALFORMED"),
        (TenderInput::new("card", "300.00").with_reference("AB123456:12345"), "TENDER_REFERENCE_MALFORMED"),
        (TenderInput::new("cash", "300.00").with_reference("AB123456:123456789012"), "TENDER_REFERENCE_UNEXPECTED"),
    ] {
        let refused = app.take_deposit(&cashier, &deposit("2026770001", tender.clone())).await.unwrap_err();
        assert_eq!(refused.code(), code, "{tender:?}: {refused}");
    }
    assert_eq!(version(&app, "2026770001").await, before, "a refused deposit wrote something");

    let slip = TenderInput::new("card", "300.00").with_reference(" ab123456：123456789012 ");
    let receipt = app.take_deposit(&cashier, &deposit("2026770001", slip)).await.unwrap();
    assert_eq!(receipt.tenders[0].reference.as_deref(), Some("AB123456:123456789012"));

    // A settlement's 补缴 by card: refused without the slip, kept with it.
    let trial =
        app.trial(&cashier, &TrialRequest { case_no: "2026770001".into(), kind: "discharge".into() }).await.unwrap();
    let due = trial.due.money();
    assert!(due.is_positive(), "fees 1,500.00 against a 300.00 deposit leave {due} due");
    let settle = |tender: TenderInput| SettleRequest {
        case_no: "2026770001".into(),
        key: key(),
        kind: "discharge".into(),
        version: trial.version.clone(),
        expected_due: due.to_string(),
        tenders: vec![tender],
        cash_received: None,
    };
    let refused = app.settle(&cashier, &settle(TenderInput::new("card", due.to_string()))).await.unwrap_err();
    assert_eq!(refused.code(), "TENDER_REFERENCE_REQUIRED", "{refused}");
    let paid = TenderInput::new("card", due.to_string()).with_reference("AB123456:123456789013:000042");
    let settlement = app.settle(&cashier, &settle(paid)).await.unwrap();
    let card = settlement.payments.iter().find(|p| p.tender.code == "card").expect("the card payment");
    assert_eq!(card.reference.as_deref(), Some("AB123456:123456789013:000042"));
}
