//! A sandbox WeChat Pay or Alipay that behaves like the service for a code payment: a code pays
//! once (the same code on another order is expired), an order number is one order (asked again
//! it answers what happened; with another amount it is refused), and the code's last four
//! digits play the payer: `9991` has too little money, `9992` types a password (支付中) and pays
//! on the second query, `9993` never confirms. Faults: unreachable, or the answer lost after the
//! call took effect (`CASHIER_CHANNEL_FAULT=unavailable|lose-answer`), and a delay per call.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use domain::{Money, Tender};

use crate::{BoxFuture, ChannelError, CodeOrder, OrderState, PayChannel};

/// What the sandbox does to the next calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None,
    Unavailable,
    /// Every call takes effect, its answer is lost.
    LoseAnswer,
    /// The next call takes effect and its answer is lost; then the channel answers again.
    LoseNextAnswer,
}

impl Fault {
    /// `CASHIER_CHANNEL_FAULT`: `unavailable` or `lose-answer`.
    pub fn from_env() -> Fault {
        match std::env::var("CASHIER_CHANNEL_FAULT").as_deref() {
            Ok("unavailable") => Fault::Unavailable,
            Ok("lose-answer") => Fault::LoseAnswer,
            _ => Fault::None,
        }
    }
}

#[derive(Clone, Debug)]
struct Order {
    amount: Money,
    auth_code: String,
    state: OrderState,
    /// Queries answered while the payer confirms.
    asked: u32,
}

#[derive(Debug, Default)]
struct Register {
    orders: HashMap<String, Order>,
    used_codes: HashSet<String>,
    paid: u64,
}

/// The sandbox of one channel.
#[derive(Debug)]
pub struct SandboxChannel {
    tender: Tender,
    register: Mutex<Register>,
    fault: Mutex<Fault>,
    delay: Duration,
}

impl SandboxChannel {
    /// A sandbox of `tender`'s channel (WeChat or Alipay), faults from the environment.
    pub fn new(tender: Tender, delay: Duration) -> SandboxChannel {
        SandboxChannel { tender, register: Mutex::default(), fault: Mutex::new(Fault::from_env()), delay }
    }

    pub fn set_fault(&self, fault: Fault) {
        if let Ok(mut f) = self.fault.lock() {
            *f = fault;
        }
    }

    /// Orders the channel took money for and kept (not cancelled): what its day bill lists.
    pub fn paid_orders(&self) -> Vec<(String, Money, String)> {
        let register = self.register.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out: Vec<(String, Money, String)> = register
            .orders
            .iter()
            .filter_map(|(no, o)| match &o.state {
                OrderState::Paid { transaction_id } => Some((no.clone(), o.amount, transaction_id.clone())),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    fn fault(&self) -> Fault {
        self.fault.lock().map(|f| *f).unwrap_or_default()
    }

    fn transaction_id(&self, seq: u64) -> String {
        match self.tender {
            Tender::Alipay => format!("2026{seq:024}"),
            _ => format!("4200{seq:024}"),
        }
    }

    /// Runs `effect` on the register under the fault in force.
    async fn call<T>(&self, effect: impl FnOnce(&mut Register) -> T) -> Result<T, ChannelError> {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        match self.fault() {
            Fault::Unavailable => return Err(ChannelError::Unavailable("沙箱渠道不可用".into())),
            Fault::None | Fault::LoseAnswer | Fault::LoseNextAnswer => {}
        }
        let answer = {
            let mut register = self.register.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            effect(&mut register)
        };
        match self.fault() {
            Fault::LoseAnswer => Err(ChannelError::NoAnswer("沙箱渠道的答复丢失".into())),
            Fault::LoseNextAnswer => {
                self.set_fault(Fault::None);
                Err(ChannelError::NoAnswer("沙箱渠道的答复丢失".into()))
            }
            Fault::None | Fault::Unavailable => Ok(answer),
        }
    }
}

fn refused(code: &str, message: &str) -> OrderState {
    OrderState::Refused { code: code.into(), message: message.into() }
}

impl PayChannel for SandboxChannel {
    fn tender(&self) -> Tender {
        self.tender
    }

    fn pay<'a>(&'a self, order: &'a CodeOrder) -> BoxFuture<'a, Result<OrderState, ChannelError>> {
        Box::pin(self.call(move |register| {
            if let Some(seen) = register.orders.get(&order.order_no) {
                if seen.amount != order.amount || seen.auth_code != order.auth_code {
                    return refused("OUT_TRADE_NO_USED", "商户订单号重复");
                }
                return seen.state.clone();
            }
            if !register.used_codes.insert(order.auth_code.clone()) {
                return refused("AUTHCODEEXPIRE", "付款码已使用或已过期，请患者刷新付款码后重试");
            }
            let state = if order.auth_code.ends_with("9991") {
                refused("NOTENOUGH", "用户余额不足，请患者更换付款卡或改用其他支付方式")
            } else if order.auth_code.ends_with("9992") || order.auth_code.ends_with("9993") {
                OrderState::Paying
            } else {
                register.paid += 1;
                OrderState::Paid { transaction_id: self.transaction_id(register.paid) }
            };
            let kept =
                Order { amount: order.amount, auth_code: order.auth_code.clone(), state: state.clone(), asked: 0 };
            register.orders.insert(order.order_no.clone(), kept);
            state
        }))
    }

    fn query<'a>(&'a self, order_no: &'a str) -> BoxFuture<'a, Result<OrderState, ChannelError>> {
        Box::pin(self.call(move |register| {
            let Some(order) = register.orders.get_mut(order_no) else { return OrderState::Unknown };
            if order.state == OrderState::Paying {
                order.asked += 1;
                if order.auth_code.ends_with("9992") && order.asked >= 2 {
                    register.paid += 1;
                    let transaction_id = self.transaction_id(register.paid);
                    if let Some(order) = register.orders.get_mut(order_no) {
                        order.state = OrderState::Paid { transaction_id };
                    }
                }
            }
            register.orders.get(order_no).map_or(OrderState::Unknown, |o| o.state.clone())
        }))
    }

    fn cancel<'a>(&'a self, order_no: &'a str) -> BoxFuture<'a, Result<(), ChannelError>> {
        Box::pin(self.call(move |register| {
            if let Some(order) = register.orders.get_mut(order_no) {
                // 撤销 closes an unpaid order and gives a paid one back.
                if !matches!(order.state, OrderState::Refused { .. }) {
                    order.state = OrderState::Closed;
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO);
        let paid = collect(&channel, &order("A1", "134567890123450001"), quick()).await.unwrap();
        assert!(paid.starts_with("4200"), "{paid}");
        assert_eq!(collect(&channel, &order("A1", "134567890123450001"), quick()).await.unwrap(), paid);
        let again = collect(&channel, &order("A2", "134567890123450001"), quick()).await.unwrap_err();
        assert!(matches!(&again, CollectError::Refused { code, .. } if code == "AUTHCODEEXPIRE"), "{again}");
        assert_eq!(channel.paid_orders().len(), 1);
    }

    #[tokio::test]
    async fn the_payer_typing_a_password_is_waited_for_and_one_who_never_does_is_cancelled() {
        let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO);
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
        let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO);
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
}
