//! Refunds by the original route (原路退款) at a stand-alone counter, through the channels'
//! sandbox in-process: a WeChat deposit reversed by its route is written with its refund
//! (退款中 at WeChat, then 已退款 when asked again), an Alipay one is back at once, a payer whose
//! card was closed gets 退款失败 with the channel's words, a retry of the reversal is the same
//! refund, and sending it to cash asks no channel at all.

mod support;

use app::App;
use contract::cashier::{DepositRequest, ReversalRequest, TenderInput};
use support::*;
use tempfile::TempDir;

const CASE: &str = "2026880001";

fn paid(tender: &str, amount: &str, code: &str) -> DepositRequest {
    DepositRequest {
        case_no: CASE.into(),
        key: key(),
        tenders: vec![TenderInput::new(tender, amount).with_auth_code(code)],
        cash_received: None,
    }
}

async fn reversal(app: &App, receipt_no: &str, to_cash: bool) -> ReversalRequest {
    let (amount, tenders) = app.reversal_by_route(CASE, receipt_no, to_cash).await.unwrap();
    ReversalRequest {
        case_no: CASE.into(),
        key: key(),
        receipt_no: receipt_no.into(),
        amount,
        tenders,
        reason: "患者要求退回".into(),
    }
}

async fn reverse(app: &App, receipt_no: &str, to_cash: bool) -> contract::cashier::DepositReceipt {
    let cashier = login(app, "cashier").await;
    app.reverse_deposit(&cashier, &reversal(app, receipt_no, to_cash).await).await.unwrap()
}

fn states(refunds: &[contract::account::RefundView]) -> Vec<(String, String, String)> {
    refunds.iter().map(|r| (r.tender.code.clone(), r.amount.to_string(), r.state.label.clone())).collect()
}

#[tokio::test]
async fn reversals_by_the_original_route_move_the_money_back_through_the_channel() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    let cashier = login(&app, "cashier").await;
    admit(&app, &Stay { deposits: vec![], ..Stay::audited(CASE) }).await;
    let wechat = app.take_deposit(&cashier, &paid("微信", "300.00", "134567890123450051")).await.unwrap();
    let alipay = app.take_deposit(&cashier, &paid("支付宝", "200.00", "281234567890123452")).await.unwrap();
    let closed = app.take_deposit(&cashier, &paid("微信", "100.00", "134567890123459994")).await.unwrap();
    let cash_bound = app.take_deposit(&cashier, &paid("微信", "50.00", "134567890123450053")).await.unwrap();

    let asked = reversal(&app, &wechat.receipt_no, false).await;
    let reversal = app.reverse_deposit(&cashier, &asked).await.unwrap();
    assert_eq!(reversal.tenders[0].reference, wechat.tenders[0].reference, "back to the payment it came from");
    let account = app.account(CASE).await.unwrap();
    assert_eq!(states(&account.refunds), [("wechat".into(), "300.00".into(), "退款中".into())]);
    assert_eq!(account.refunds[0].record_no, reversal.receipt_no);
    // The reversal again (a retry): the same receipt, the same refund.
    assert_eq!(app.reverse_deposit(&cashier, &asked).await.unwrap().receipt_no, reversal.receipt_no);
    assert_eq!(app.account(CASE).await.unwrap().refunds.len(), 1);
    reverse(&app, &alipay.receipt_no, false).await;
    reverse(&app, &closed.receipt_no, false).await;
    let to_cash = reverse(&app, &cash_bound.receipt_no, true).await;
    assert_eq!(to_cash.tenders[0].tender.code, "cash");

    let status = app.refund_status(CASE).await.unwrap();
    assert_eq!(
        states(&status),
        [
            ("wechat".into(), "300.00".into(), "已退款".into()),
            ("alipay".into(), "200.00".into(), "已退款".into()),
            ("wechat".into(), "100.00".into(), "退款失败".into()),
        ]
    );
    assert!(status[0].refund_id.as_deref().is_some_and(|id| id.starts_with("5030")), "{status:?}");
    assert!(status[2].message.as_deref().is_some_and(|m| m.contains("卡已注销")), "{status:?}");
    // Kept: the account shows the same without asking anyone.
    assert_eq!(states(&app.account(CASE).await.unwrap().refunds), states(&status));
}

#[tokio::test]
async fn a_refund_of_a_payment_the_channel_never_saw_is_failed_not_lost() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    // A WeChat deposit written down before the channels were connected: its refund is written
    // with the reversal, and the channel says it has no such order.
    admit(&app, &Stay { deposits: vec![(domain::Tender::WeChat, "120.00", 2)], ..Stay::audited(CASE) }).await;
    let account = app.account(CASE).await.unwrap();
    let receipt_no = account.deposits[0].receipt_no.clone();
    reverse(&app, &receipt_no, false).await;
    let status = app.refund_status(CASE).await.unwrap();
    assert_eq!(states(&status), [("wechat".into(), "120.00".into(), "退款失败".into())]);
    assert!(status[0].message.as_deref().is_some_and(|m| m.contains("ORDERNOTEXIST")), "{status:?}");
    // Nothing to reverse any more: said, nothing written.
    let again = app.reversal_by_route(CASE, &receipt_no, false).await.unwrap_err();
    assert_eq!(again.code(), "DEPOSIT_NOT_REVERSIBLE", "{again}");
}

#[tokio::test]
async fn the_refund_window_is_the_contracts_not_a_constant() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    admit(&app, &Stay { deposits: vec![(domain::Tender::WeChat, "120.00", 3)], ..Stay::audited(CASE) }).await;
    let receipt_no = app.account(CASE).await.unwrap().deposits[0].receipt_no.clone();
    let cashier = login(&app, "cashier").await;
    // Under the standard contract (WeChat 365 days) a three-day-old payment goes back by its
    // route; under a contract of one day it may not, and cash is the way.
    let mut conn = app.store().conn().await.unwrap();
    store::settings::set(&mut conn, store::settings::REFUND_WINDOWS, "wechat=1").await.unwrap();
    drop(conn);
    let refused = app.reverse_deposit(&cashier, &reversal(&app, &receipt_no, false).await).await.unwrap_err();
    assert_eq!(refused.code(), "REFUND_WINDOW_PASSED", "{refused}");
    assert!(refused.to_string().contains("1 天"), "{refused}");
    let mut conn = app.store().conn().await.unwrap();
    store::settings::set(&mut conn, store::settings::REFUND_WINDOWS, "wechat=365").await.unwrap();
    drop(conn);
    app.reverse_deposit(&cashier, &reversal(&app, &receipt_no, false).await).await.unwrap();
}

#[tokio::test]
async fn a_failed_refund_is_paid_in_cash_by_a_supervisor_once() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    let cashier = login(&app, "cashier").await;
    admit(&app, &Stay { deposits: vec![], ..Stay::audited(CASE) }).await;
    let closed = app.take_deposit(&cashier, &paid("微信", "100.00", "134567890123459994")).await.unwrap();
    let wechat = app.take_deposit(&cashier, &paid("微信", "40.00", "134567890123450096")).await.unwrap();
    reverse(&app, &closed.receipt_no, false).await;
    let failed = app.refund_status(CASE).await.unwrap().remove(0);
    assert_eq!(failed.state.code, "failed");
    let balance = app.account(CASE).await.unwrap().totals.balance;
    let ask = |key: String| contract::cashier::RefundOtherwiseRequest {
        case_no: CASE.into(),
        key,
        refund_no: failed.refund_no.clone(),
        reason: "患者银行卡已注销，现金退回".into(),
        payee: None,
    };
    let forbidden = app.refund_otherwise(&cashier, &ask(key())).await.unwrap_err();
    assert_eq!(forbidden.code(), "FORBIDDEN", "{forbidden}");
    let supervisor = login(&app, "supervisor").await;
    // Only a refund that failed, and one of this admission.
    let unknown = contract::cashier::RefundOtherwiseRequest { refund_no: "NOSUCH".into(), ..ask(key()) };
    assert_eq!(app.refund_otherwise(&supervisor, &unknown).await.unwrap_err().code(), "REFUND_NOT_FOUND");
    reverse(
        &app,
        &app.take_deposit(&cashier, &paid("微信", "20.00", "134567890123450097")).await.unwrap().receipt_no,
        false,
    )
    .await;
    let fine = app.refund_status(CASE).await.unwrap().into_iter().find(|r| r.amount.to_string() == "20.00").unwrap();
    let not_failed = contract::cashier::RefundOtherwiseRequest { refund_no: fine.refund_no, ..ask(key()) };
    let said = app.refund_otherwise(&supervisor, &not_failed).await.unwrap_err();
    assert_eq!(said.code(), "REFUND_NOT_FAILED", "{said}");
    let once = key();
    let paid_out = app.refund_otherwise(&supervisor, &ask(once.clone())).await.unwrap();
    assert_eq!(paid_out.amount.to_string(), "-100.00");
    assert_eq!(paid_out.tenders[0].tender.code, "cash");
    // A retry is the same payout; another is refused.
    assert_eq!(app.refund_otherwise(&supervisor, &ask(once)).await.unwrap().receipt_no, paid_out.receipt_no);
    let again = app.refund_otherwise(&supervisor, &ask(key())).await.unwrap_err();
    assert_eq!(again.code(), "REFUND_ALREADY_PAID", "{again}");
    let account = app.account(CASE).await.unwrap();
    assert_eq!(account.totals.balance, balance, "the balance was already reduced by the reversal");
    let otherwise = account.refunds[0].paid_otherwise.clone().expect("marked paid otherwise");
    assert_eq!((otherwise.receipt_no.as_str(), otherwise.tender.code.as_str()), (paid_out.receipt_no.as_str(), "cash"));
    // The money that came back is not a WeChat route to refund again: only the real payment is.
    let (_, routes) = app.reversal_by_route(CASE, &wechat.receipt_no, false).await.unwrap();
    assert_eq!(routes.len(), 1);
    let refundable: Vec<_> = app
        .account(CASE)
        .await
        .unwrap()
        .deposits
        .iter()
        .filter(|d| d.reversible.money().is_positive())
        .map(|d| d.receipt_no.clone())
        .collect();
    assert_eq!(refundable, std::slice::from_ref(&wechat.receipt_no));
}

#[tokio::test]
async fn a_failed_refund_is_transferred_to_the_patients_account_kept_masked() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    let cashier = login(&app, "cashier").await;
    admit(&app, &Stay { deposits: vec![], ..Stay::audited(CASE) }).await;
    let closed = app.take_deposit(&cashier, &paid("支付宝", "250.00", "281234567890129994")).await.unwrap();
    reverse(&app, &closed.receipt_no, false).await;
    let failed = app.refund_status(CASE).await.unwrap().remove(0);
    assert_eq!(failed.state.code, "failed");
    let supervisor = login(&app, "supervisor").await;
    // 待处理 lists it for a supervisor (not for a cashier), with its patient.
    assert_eq!(app.pending(&cashier).await.unwrap_err().code(), "FORBIDDEN");
    let pending = app.pending(&supervisor).await.unwrap();
    assert!(!pending.platform_unreached);
    let listed: Vec<_> = pending.refunds.iter().map(|p| (p.case_no.as_str(), p.refund.refund_no.as_str())).collect();
    assert_eq!(listed, [(CASE, failed.refund_no.as_str())]);
    assert!(!pending.refunds[0].patient_name.is_empty());
    let ask = |account: &str| contract::cashier::RefundOtherwiseRequest {
        case_no: CASE.into(),
        key: key(),
        refund_no: failed.refund_no.clone(),
        reason: "支付宝账户已注销，转账退回".into(),
        payee: Some(contract::cashier::PayeeInput {
            bank: "中国工商银行".into(),
            holder: "李四".into(),
            account: account.into(),
        }),
    };
    // A number that cannot be an account changes nothing.
    let bad = app.refund_otherwise(&supervisor, &ask("6222-0212")).await.unwrap_err();
    assert_eq!(bad.code(), "PAYEE_ACCOUNT_INVALID", "{bad}");
    let deposits = app.account(CASE).await.unwrap().deposits.len();
    let sent = app.refund_otherwise(&supervisor, &ask("6222 0212 3456 7890 123")).await.unwrap();
    assert_eq!(sent.amount.to_string(), "-250.00");
    assert_eq!(sent.tenders[0].tender.code, "transfer");
    let payee = sent.tenders[0].reference.clone().unwrap();
    assert_eq!(payee, "中国工商银行 李四 6222***********0123");
    let account = app.account(CASE).await.unwrap();
    assert_eq!(account.deposits.len(), deposits + 2, "the money back on the deposits and its transfer");
    assert!(app.pending(&supervisor).await.unwrap().refunds.is_empty(), "paid: no longer pending");
    let otherwise = account.refunds[0].paid_otherwise.clone().unwrap();
    assert_eq!((otherwise.tender.code.as_str(), otherwise.payee.as_deref()), ("transfer", Some(payee.as_str())));
    // The full number is nowhere in the counter's database.
    let raw = std::fs::read(dir.path().join("cashier.db")).unwrap_or_default();
    let wal = std::fs::read(dir.path().join("cashier.db-wal")).unwrap_or_default();
    for bytes in [raw, wal] {
        assert!(!bytes.windows(11).any(|w| w == b"02123456789"), "the account number is kept masked");
    }
    // A cashier cannot send money out by transfer in an ordinary reversal either.
    let cash = app
        .take_deposit(
            &cashier,
            &DepositRequest {
                case_no: CASE.into(),
                key: key(),
                tenders: vec![TenderInput::new("现金", "30.00")],
                cash_received: None,
            },
        )
        .await
        .unwrap();
    let by_transfer = ReversalRequest {
        case_no: CASE.into(),
        key: key(),
        receipt_no: cash.receipt_no,
        amount: "30.00".into(),
        tenders: vec![TenderInput::new("转账", "30.00")],
        reason: "退回".into(),
    };
    let refused = app.reverse_deposit(&cashier, &by_transfer).await.unwrap_err();
    assert_eq!(refused.code(), "TRANSFER_ONLY_FOR_FAILED_REFUND", "{refused}");
}
