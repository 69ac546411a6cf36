//! A counter linked to a platform it cannot reach: what still works (cash, cheque and card
//! deposits, self-pay settlement — each queued in the outbox, numbered from the platform's
//! block) and what is refused with a message saying so (WeChat/Alipay/社保卡 payments, for a
//! deposit or a settlement's 补缴, refunds to a channel, insurance settlement), writing nothing.

mod support;

use std::sync::Arc;

use app::link::Link;
use app::{App, AppError, Clock};
use contract::cashier::{DepositRequest, SettleRequest, TrialRequest, TrialView};
use domain::{InsuranceType, Tender};
use store::receipts::{self, Series};
use support::*;
use tempfile::TempDir;

async fn offline_counter(dir: &TempDir) -> App {
    let seeded = seeded(dir, 3).await;
    seeded.store().close().await;
    let link = Arc::new(Link::default());
    link.set_online(false, now(), Some("网络中断".into()));
    let mut config = config(dir, Clock::Fixed(now()));
    config.link = Some(link);
    let app = App::open(config).await.unwrap();
    let mut conn = app.store().conn().await.unwrap();
    for series in [Series::Deposit, Series::Settlement] {
        receipts::add_range(&mut conn, "cashier", series, 9001, 9100, "01", now()).await.unwrap();
    }
    app
}

async fn waiting(app: &App) -> i64 {
    store::outbox::waiting(&mut app.store().conn().await.unwrap()).await.unwrap()
}

fn deposit(case_no: &str, tender_name: &str, amount: &str) -> DepositRequest {
    DepositRequest {
        case_no: case_no.into(),
        key: key(),
        tenders: vec![tender(tender_name, amount)],
        cash_received: None,
    }
}

async fn trial(app: &App, operator: &app::Operator, case_no: &str) -> TrialView {
    app.trial(operator, &TrialRequest { case_no: case_no.into(), kind: "discharge".into() }).await.unwrap()
}

fn settle(trial: &TrialView, tender_name: &str) -> SettleRequest {
    // Refunds are tendered as positive amounts, like collections.
    let amount = trial.due.money().abs().to_string();
    SettleRequest {
        case_no: trial.case_no.clone(),
        key: key(),
        kind: trial.kind.code.clone(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders: vec![tender(tender_name, &amount)],
        cash_received: None,
    }
}

fn refused_offline<T: std::fmt::Debug>(result: Result<T, AppError>) -> String {
    let e = result.expect_err("refused while offline");
    assert_eq!(e.code(), "OFFLINE", "{e:?}");
    e.to_string()
}

#[tokio::test]
async fn offline_deposits_by_cash_cheque_and_card_are_taken_and_queued_channels_are_refused() {
    let dir = TempDir::new().unwrap();
    let app = offline_counter(&dir).await;
    admit(&app, &Stay::audited("2026990001")).await;
    let cashier = login(&app, "cashier").await;
    let before = version(&app, "2026990001").await;
    for channel in ["微信", "支付宝", "社保卡"] {
        let message = refused_offline(app.take_deposit(&cashier, &deposit("2026990001", channel, "100.00")).await);
        assert!(message.contains("离线"), "{message}");
    }
    assert_eq!(version(&app, "2026990001").await, before, "a refused deposit wrote something");
    assert_eq!(waiting(&app).await, 0);
    for (i, tender_name) in ["现金", "支票", "银行卡"].into_iter().enumerate() {
        let receipt = app.take_deposit(&cashier, &deposit("2026990001", tender_name, "100.00")).await.unwrap();
        assert_eq!(receipt.receipt_no, format!("YJ01{:08}", 9001 + i), "numbered from the platform's block");
    }
    assert_eq!(waiting(&app).await, 3, "each deposit waits in the outbox");
}

#[tokio::test]
async fn offline_a_self_pay_patient_settles_an_insured_one_and_a_channel_refund_wait() {
    let dir = TempDir::new().unwrap();
    let app = offline_counter(&dir).await;
    admit(&app, &Stay::audited("2026990001")).await;
    admit(&app, &Stay { insurance: InsuranceType::Employee, ..Stay::audited("2026990002") }).await;
    let mut refund = Stay::audited("2026990003");
    refund.deposits = vec![(Tender::WeChat, "2000.00", 3)];
    admit(&app, &refund).await;
    let cashier = login(&app, "cashier").await;

    let insured = trial(&app, &cashier, "2026990002").await;
    let before = version(&app, "2026990002").await;
    let message = refused_offline(app.settle(&cashier, &settle(&insured, "现金")).await);
    assert!(message.contains("医保结算"), "{message}");
    assert_eq!(version(&app, "2026990002").await, before);

    let by_wechat = trial(&app, &cashier, "2026990003").await;
    assert!(by_wechat.due.money().is_negative(), "a refund is due: {}", by_wechat.due);
    let message = refused_offline(app.settle(&cashier, &settle(&by_wechat, "微信")).await);
    assert!(message.contains("现金"), "the message offers cash instead: {message}");
    assert_eq!(waiting(&app).await, 0, "nothing queued by the refusals");
    let in_cash = app.settle(&cashier, &settle(&by_wechat, "现金")).await.unwrap();
    assert_eq!(in_cash.due, by_wechat.due);

    let self_pay = trial(&app, &cashier, "2026990001").await;
    let before = version(&app, "2026990001").await;
    for channel in ["微信", "支付宝", "社保卡"] {
        let message = refused_offline(app.settle(&cashier, &settle(&self_pay, channel)).await);
        assert!(message.contains("离线") && message.contains("现金"), "{message}");
    }
    assert_eq!(version(&app, "2026990001").await, before, "a refused settlement wrote something");
    let settled = app.settle(&cashier, &settle(&self_pay, "现金")).await.unwrap();
    assert!(settled.settlement_no.starts_with("JS01"), "{}", settled.settlement_no);
    assert_eq!(waiting(&app).await, 2, "both settlements wait in the outbox");
}
