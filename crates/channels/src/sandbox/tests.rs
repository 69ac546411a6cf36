//! The sandbox channel as a service behaves: codes, payers, refunds, lost answers, its register kept.
use super::*;

/// A fixed moment: the tests do not read the time.
fn clock() -> Clock {
    Arc::new(|| chrono::NaiveDate::from_ymd_opt(2026, 12, 3).and_then(|d| d.and_hms_opt(9, 30, 0)).unwrap_or_default())
}
use crate::{CollectError, Patience, collect};

fn order(no: &str, code: &str) -> CodeOrder {
    CodeOrder {
        order_no: no.into(),
        tender: Tender::WeChat,
        amount: Money::parse("300.00").unwrap(),
        auth_code: code.into(),
        subject: "住院预交金".into(),
    }
}

fn quick() -> Patience {
    Patience { every: Duration::from_millis(5), timeout: Duration::from_millis(40) }
}

#[tokio::test]
async fn a_code_pays_once_and_a_retry_of_the_order_is_the_same_payment() {
    let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO, clock());
    let paid = collect(&channel, &order("A1", "134567890123450001"), quick()).await.unwrap();
    assert!(paid.starts_with("4200"), "{paid}");
    assert_eq!(collect(&channel, &order("A1", "134567890123450001"), quick()).await.unwrap(), paid);
    let again = collect(&channel, &order("A2", "134567890123450001"), quick()).await.unwrap_err();
    assert!(matches!(&again, CollectError::Refused { code, .. } if code == "AUTHCODEEXPIRE"), "{again}");
    assert_eq!(channel.paid_orders().len(), 1);
}

#[tokio::test]
async fn the_payer_typing_a_password_is_waited_for_and_one_who_never_does_is_cancelled() {
    let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO, clock());
    assert!(collect(&channel, &order("B1", "134567890123459992"), quick()).await.is_ok());
    let gone = collect(&channel, &order("B2", "134567890123459993"), quick()).await.unwrap_err();
    assert_eq!(gone.code(), "PAYMENT_TIMED_OUT", "{gone}");
    assert_eq!(channel.query("B2").await, Ok(OrderState::Closed));
    let poor = collect(&channel, &order("B3", "134567890123459991"), quick()).await.unwrap_err();
    assert!(poor.to_string().contains("余额不足"), "{poor}");
    assert_eq!(channel.paid_orders().len(), 1);
}

#[tokio::test]
async fn a_lost_answer_is_resolved_by_asking_and_an_unreachable_channel_takes_nothing() {
    let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO, clock());
    // The payment's answer is lost: asking by the order number finds it paid, once.
    channel.set_fault(Fault::LoseNextAnswer);
    let paid = collect(&channel, &order("C1", "134567890123450002"), quick()).await.unwrap();
    assert_eq!(channel.paid_orders(), vec![("C1".into(), Money::parse("300.00").unwrap(), paid.clone())]);
    assert_eq!(collect(&channel, &order("C1", "134567890123450002"), quick()).await.unwrap(), paid);
    // Every answer lost: nobody can say what happened; the cancels took effect, so a retry
    // of the same order finds it given back and nothing is kept.
    channel.set_fault(Fault::LoseAnswer);
    let undecided = collect(&channel, &order("C3", "134567890123450004"), quick()).await.unwrap_err();
    assert_eq!(undecided.code(), "PAYMENT_UNDECIDED", "{undecided}");
    channel.set_fault(Fault::None);
    let retried = collect(&channel, &order("C3", "134567890123450004"), quick()).await.unwrap_err();
    assert_eq!(retried.code(), "PAYMENT_TIMED_OUT", "{retried}");
    assert_eq!(channel.paid_orders().len(), 1);
    channel.set_fault(Fault::Unavailable);
    let down = collect(&channel, &order("C2", "134567890123450003"), quick()).await.unwrap_err();
    assert_eq!(down.code(), "CHANNEL_UNAVAILABLE");
    channel.set_fault(Fault::None);
    assert_eq!(channel.query("C2").await, Ok(OrderState::Unknown));
}

fn refund_of(no: &str, order_no: &str, transaction_id: &str, amount: &str) -> RefundOrder {
    RefundOrder {
        refund_no: no.into(),
        order_no: order_no.into(),
        transaction_id: transaction_id.into(),
        tender: Tender::WeChat,
        amount: Money::parse(amount).unwrap(),
        reason: "预交金冲红".into(),
    }
}

#[tokio::test]
async fn refunds_go_back_in_parts_never_beyond_the_order_and_a_retry_is_the_same_refund() {
    let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO, clock());
    let paid = collect(&channel, &order("R1", "134567890123450011"), quick()).await.unwrap();
    let first = crate::refund::refund(&channel, &refund_of("F1", "R1", &paid, "100.00")).await.unwrap();
    assert_eq!(first, RefundState::Processing);
    assert!(matches!(channel.query_refund("F1").await, Ok(RefundState::Refunded { .. })));
    // The same refund number again: the same refund, nothing more given back.
    let again = crate::refund::refund(&channel, &refund_of("F1", "R1", &paid, "100.00")).await.unwrap();
    assert!(matches!(again, RefundState::Refunded { .. }), "{again:?}");
    let over = crate::refund::refund(&channel, &refund_of("F2", "R1", &paid, "200.01")).await.unwrap();
    assert!(matches!(&over, RefundState::Failed { code, .. } if code == "INVALID_REQUEST"), "{over:?}");
    let rest = crate::refund::refund(&channel, &refund_of("F3", "R1", &paid, "200.00")).await.unwrap();
    assert_eq!(rest, RefundState::Processing);
    let unknown = crate::refund::refund(&channel, &refund_of("F4", "R9", &paid, "1.00")).await.unwrap();
    assert!(matches!(&unknown, RefundState::Failed { code, .. } if code == "ORDERNOTEXIST"), "{unknown:?}");
    // A lost answer: the refund took effect and asking by its number finds it.
    let other = collect(&channel, &order("R2", "134567890123450012"), quick()).await.unwrap();
    channel.set_fault(Fault::LoseNextAnswer);
    let asked = refund_of("F5", "R2", &other, "300.00");
    assert!(matches!(channel.refund(&asked).await, Err(ChannelError::NoAnswer(_))));
    let lost = crate::refund::refund(&channel, &asked).await.unwrap();
    assert!(matches!(lost, RefundState::Refunded { .. }), "found by its number, not asked for again: {lost:?}");
    let given: Money = channel
        .refunds()
        .iter()
        .filter(|(_, _, _, s)| !matches!(s, RefundState::Failed { .. }))
        .map(|(_, _, m, _)| *m)
        .sum();
    assert_eq!(given, Money::parse("600.00").unwrap());
}

#[tokio::test]
async fn a_closed_card_fails_its_refund_and_the_register_outlives_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wechat.json");
    let paid = {
        let channel = SandboxChannel::keeping(Tender::WeChat, Duration::ZERO, file.clone(), clock()).unwrap();
        let paid = collect(&channel, &order("K1", "134567890123459994"), quick()).await.unwrap();
        let taken = crate::refund::refund(&channel, &refund_of("G1", "K1", &paid, "300.00")).await.unwrap();
        assert_eq!(taken, RefundState::Processing);
        paid
    };
    let channel = SandboxChannel::keeping(Tender::WeChat, Duration::ZERO, file.clone(), clock()).unwrap();
    assert_eq!(channel.paid_orders(), vec![("K1".into(), Money::parse("300.00").unwrap(), paid)]);
    let failed = channel.query_refund("G1").await.unwrap();
    assert!(matches!(&failed, RefundState::Failed { code, .. } if code == "ABNORMAL"), "{failed:?}");
    // The code was taken before the restart: still taken.
    let again = collect(&channel, &order("K2", "134567890123459994"), quick()).await.unwrap_err();
    assert!(again.to_string().contains("已使用"), "{again}");
    std::fs::write(&file, b"{").unwrap();
    assert!(SandboxChannel::keeping(Tender::WeChat, Duration::ZERO, file, clock()).unwrap_err().contains("损坏"));
}
