//! WeChat and Alipay collected by the payer's code (付款码) at a stand-alone counter, through
//! the channels' sandbox in-process: the code is checked for its channel before anyone is
//! asked; the money is taken before the deposit or settlement is written and its transaction
//! number kept on the tender; a refusal (too little money), a payer who never confirms
//! (cancelled after the wait) or a code used twice writes nothing; a retry of the operation is
//! the same payment, never a second one.

mod support;

use contract::cashier::{DepositRequest, SettleRequest, TenderInput, TrialRequest};
use domain::Tender;
use support::*;
use tempfile::TempDir;

fn deposit(key: &str, tender: TenderInput) -> DepositRequest {
    DepositRequest { case_no: "2026880001".into(), key: key.into(), tenders: vec![tender], cash_received: None }
}

fn wechat(code: &str) -> TenderInput {
    TenderInput::new("微信", "300.00").with_auth_code(code)
}

#[tokio::test]
async fn a_deposit_by_payment_code_is_collected_once_and_a_refusal_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    let cashier = login(&app, "cashier").await;
    admit(&app, &Stay { deposits: vec![], ..Stay::audited("2026880001") }).await;
    let before = version(&app, "2026880001").await;
    for (tender, code) in [
        (TenderInput::new("微信", "300.00"), "PAY_CODE_REQUIRED"),
        (wechat("281234567890123456"), "PAY_CODE_OTHER_CHANNEL"),
        (wechat("12345"), "PAY_CODE_MALFORMED"),
        (TenderInput::new("现金", "300.00").with_auth_code("134567890123456789"), "PAY_CODE_UNEXPECTED"),
        (wechat("134567890123459991"), "PAYMENT_REFUSED"),
        (wechat("134567890123459993"), "PAYMENT_TIMED_OUT"),
    ] {
        let refused = app.take_deposit(&cashier, &deposit(&key(), tender.clone())).await.unwrap_err();
        assert_eq!(refused.code(), code, "{tender:?}: {refused}");
    }
    assert_eq!(version(&app, "2026880001").await, before, "a refused payment wrote something");

    let first = key();
    let receipt = app.take_deposit(&cashier, &deposit(&first, wechat("134567890123450042"))).await.unwrap();
    let transaction = receipt.tenders[0].reference.clone().expect("the channel's transaction number");
    assert!(transaction.starts_with("4200") && transaction.len() == 28, "{transaction}");
    // The same operation again (a double click, a retry): the same receipt, paid once.
    let again = app.take_deposit(&cashier, &deposit(&first, wechat("134567890123450042"))).await.unwrap();
    assert_eq!(again.receipt_no, receipt.receipt_no);
    // The same code for another deposit: the channel refuses it, nothing written.
    let before = version(&app, "2026880001").await;
    let used = app.take_deposit(&cashier, &deposit(&key(), wechat("134567890123450042"))).await.unwrap_err();
    assert!(used.to_string().contains("付款码已使用"), "{used}");
    assert_eq!(version(&app, "2026880001").await, before);
    // Refused, then the payer shows another code in the same dialog (the same operation): a new
    // order for the new code, collected.
    let dialog = key();
    let poor = app.take_deposit(&cashier, &deposit(&dialog, wechat("134567890123469991"))).await.unwrap_err();
    assert_eq!(poor.code(), "PAYMENT_REFUSED");
    let paid = app.take_deposit(&cashier, &deposit(&dialog, wechat("134567890123450043"))).await.unwrap();
    assert_ne!(paid.tenders[0].reference, receipt.tenders[0].reference);
    // A payer who confirms on the phone (支付中) is waited for.
    let slow = app.take_deposit(&cashier, &deposit(&key(), wechat("134567890123459992"))).await.unwrap();
    assert!(slow.tenders[0].reference.as_deref().is_some_and(|t| t.starts_with("4200")));
}

#[tokio::test]
async fn a_settlement_collected_by_alipay_keeps_the_trade_number() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    let cashier = login(&app, "cashier").await;
    admit(&app, &Stay { deposits: vec![], ..Stay::audited("2026880001") }).await;
    let trial =
        app.trial(&cashier, &TrialRequest { case_no: "2026880001".into(), kind: "discharge".into() }).await.unwrap();
    let due = trial.due.money();
    assert!(due.is_positive());
    let settle = |tender: TenderInput| SettleRequest {
        case_no: "2026880001".into(),
        key: key(),
        kind: "discharge".into(),
        version: trial.version.clone(),
        expected_due: due.to_string(),
        tenders: vec![tender],
        cash_received: None,
    };
    let poor = TenderInput::new("支付宝", due.to_string()).with_auth_code("28123456789019991");
    let refused = app.settle(&cashier, &settle(poor)).await.unwrap_err();
    assert_eq!(refused.code(), "PAYMENT_REFUSED", "{refused}");
    let paid = TenderInput::new("支付宝", due.to_string()).with_auth_code(pay_code(Tender::Alipay));
    let settlement = app.settle(&cashier, &settle(paid)).await.unwrap();
    let alipay = settlement.payments.iter().find(|p| p.tender.code == "alipay").expect("the Alipay payment");
    assert!(alipay.reference.as_deref().is_some_and(|t| t.starts_with("2026") && t.len() == 28), "{alipay:?}");
}
