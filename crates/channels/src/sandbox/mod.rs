//! A sandbox WeChat Pay or Alipay that behaves like the service for a code payment: a code pays
//! once (the same code on another order is expired), an order number is one order (asked again
//! it answers what happened; with another amount it is refused), and the code's last four
//! digits play the payer: `9991` has too little money, `9992` types a password (支付中) and pays
//! on the second query, `9993` never confirms, and `9994` pays but its refunds fail (the card
//! was closed). Refunds: WeChat's are 退款中 until asked once, Alipay's are back at once; more
//! than the order has left is refused. Faults: unreachable, or the answer lost after the call
//! took effect (`CASHIER_CHANNEL_FAULT=unavailable|lose-answer`), and a delay per call. The
//! register can be kept in a file ([`SandboxChannel::keeping`]) so it outlives the process, as
//! the real service's does.

mod register;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDateTime;
use domain::{Money, Tender};
use register::{Order, Refund, Register};

use crate::{BoxFuture, ChannelError, CodeOrder, OrderState, PayChannel, RefundOrder, RefundState};

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

/// The sandbox of one channel.
pub struct SandboxChannel {
    tender: Tender,
    register: Mutex<Register>,
    fault: Mutex<Fault>,
    delay: Duration,
    /// Where the register is kept, if anywhere.
    file: Option<PathBuf>,
    /// The channel's clock (payment and refund times in its register and day bill).
    clock: Clock,
}

/// A channel's clock.
pub type Clock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

fn local_time() -> Clock {
    Arc::new(|| chrono::Local::now().naive_local())
}

/// One line of a channel's day bill, from its register: a payment or a refund that reached the
/// payer that day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayRow {
    pub order_no: String,
    pub transaction_id: String,
    /// Empty for a payment.
    pub refund_no: String,
    pub amount: Money,
    pub at: NaiveDateTime,
}

impl std::fmt::Debug for SandboxChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxChannel").field("tender", &self.tender).field("file", &self.file).finish_non_exhaustive()
    }
}

impl SandboxChannel {
    /// A sandbox of `tender`'s channel (WeChat or Alipay), faults from the environment.
    pub fn new(tender: Tender, delay: Duration) -> SandboxChannel {
        SandboxChannel {
            tender,
            register: Mutex::default(),
            fault: Mutex::new(Fault::from_env()),
            delay,
            file: None,
            clock: local_time(),
        }
    }

    /// The same sandbox on another clock (the platform's, which trials may shift).
    pub fn on_clock(self, clock: Clock) -> SandboxChannel {
        SandboxChannel { clock, ..self }
    }

    /// What its day bill lists for `day`: the payments made and the refunds that reached the
    /// payer that day, in time order.
    pub fn day_rows(&self, day: chrono::NaiveDate) -> Vec<DayRow> {
        let register = self.register.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut rows = Vec::new();
        for (order_no, order) in &register.orders {
            // A payment cancelled (撤销) afterwards was given back whole: not on the bill.
            if let (OrderState::Paid { transaction_id }, Some(at)) = (&order.state, order.paid_at)
                && at.date() == day
            {
                rows.push(DayRow {
                    order_no: order_no.clone(),
                    transaction_id: transaction_id.clone(),
                    refund_no: String::new(),
                    amount: order.amount(),
                    at,
                });
            }
        }
        for (refund_no, refund) in &register.refunds {
            let (RefundState::Refunded { .. }, Some(at)) = (&refund.state, refund.refunded_at) else { continue };
            if at.date() != day {
                continue;
            }
            let Some(order) = register.orders.get(&refund.order_no) else { continue };
            let transaction_id = match &order.state {
                OrderState::Paid { transaction_id } => transaction_id.clone(),
                _ => String::new(),
            };
            rows.push(DayRow {
                order_no: refund.order_no.clone(),
                transaction_id,
                refund_no: refund_no.clone(),
                amount: refund.amount(),
                at,
            });
        }
        rows.sort_by(|a, b| (a.at, &a.order_no, &a.refund_no).cmp(&(b.at, &b.order_no, &b.refund_no)));
        rows
    }

    /// A sandbox whose register is kept in `file` (read now, written after every call).
    pub fn keeping(tender: Tender, delay: Duration, file: PathBuf) -> Result<SandboxChannel, String> {
        let register = Register::load(&file)?;
        Ok(SandboxChannel {
            tender,
            register: Mutex::new(register),
            fault: Mutex::new(Fault::from_env()),
            delay,
            file: Some(file),
            clock: local_time(),
        })
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
                OrderState::Paid { transaction_id } => Some((no.clone(), o.amount(), transaction_id.clone())),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    /// A payment made in the hospital's app or at a kiosk (no code at the counter): the order
    /// paid at once; its transaction number. The same order number again is the same payment.
    pub fn paid_in_app(&self, order_no: &str, amount: Money) -> Result<String, String> {
        let mut register = self.register.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(seen) = register.orders.get(order_no) {
            return match &seen.state {
                OrderState::Paid { transaction_id } if seen.amount() == amount => Ok(transaction_id.clone()),
                _ => Err(format!("商户订单号 {order_no} 已用于另一笔支付")),
            };
        }
        register.paid += 1;
        let transaction_id = self.transaction_id(register.paid);
        let order = Order {
            amount_fen: amount.fen(),
            auth_code: String::new(),
            state: OrderState::Paid { transaction_id: transaction_id.clone() },
            asked: 0,
            paid_at: Some((self.clock)()),
        };
        register.orders.insert(order_no.to_owned(), order);
        if let Some(file) = &self.file {
            register.save(file)?;
        }
        Ok(transaction_id)
    }

    /// Refunds the channel holds: (refund number, order number, amount, state).
    pub fn refunds(&self) -> Vec<(String, String, Money, RefundState)> {
        let register = self.register.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        register.refunds.iter().map(|(no, r)| (no.clone(), r.order_no.clone(), r.amount(), r.state.clone())).collect()
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

    fn refund_id(&self, seq: u64) -> String {
        match self.tender {
            Tender::Alipay => format!("2026r{seq:023}"),
            _ => format!("5030{seq:024}"),
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
            let answer = effect(&mut register);
            if let Some(file) = &self.file
                && let Err(e) = register.save(file)
            {
                return Err(ChannelError::Unavailable(e));
            }
            answer
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
                if seen.amount() != order.amount || seen.auth_code != order.auth_code {
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
            let paid_at = matches!(state, OrderState::Paid { .. }).then(|| (self.clock)());
            let kept = Order {
                amount_fen: order.amount.fen(),
                auth_code: order.auth_code.clone(),
                state: state.clone(),
                asked: 0,
                paid_at,
            };
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
                    let now = (self.clock)();
                    if let Some(order) = register.orders.get_mut(order_no) {
                        order.state = OrderState::Paid { transaction_id };
                        order.paid_at = Some(now);
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

    fn refund<'a>(&'a self, refund: &'a RefundOrder) -> BoxFuture<'a, Result<RefundState, ChannelError>> {
        Box::pin(self.call(move |register| {
            if let Some(seen) = register.refunds.get(&refund.refund_no) {
                if seen.amount() != refund.amount {
                    return failed("PARAM_ERROR", "商户退款单号已用于另一笔退款");
                }
                return seen.state.clone();
            }
            // By the merchant's order number, or (as the services allow) by the transaction number.
            let order_no = if refund.order_no.is_empty() {
                let paid = register.orders.iter().find(|(_, o)| {
                    matches!(&o.state, OrderState::Paid { transaction_id } if *transaction_id == refund.transaction_id)
                });
                paid.map(|(no, _)| no.clone()).unwrap_or_default()
            } else {
                refund.order_no.clone()
            };
            let Some(order) = register.orders.get(&order_no) else {
                return failed("ORDERNOTEXIST", "订单不存在");
            };
            match &order.state {
                OrderState::Paid { transaction_id } if *transaction_id == refund.transaction_id => {}
                OrderState::Paid { .. } => return failed("PARAM_ERROR", "交易号与订单不符"),
                _ => return failed("TRADE_STATE_ERROR", "订单未支付或已撤销，不能退款"),
            }
            let card_closed = order.auth_code.ends_with("9994");
            let taken: i64 = register
                .refunds
                .values()
                .filter(|r| r.order_no == order_no && !matches!(r.state, RefundState::Failed { .. }))
                .map(|r| r.amount_fen)
                .sum();
            if !refund.amount.is_positive() || taken + refund.amount.fen() > order.amount_fen {
                return failed("INVALID_REQUEST", "申请退款金额超过订单可退金额");
            }
            let state = match self.tender {
                Tender::Alipay if !card_closed => {
                    register.refunded += 1;
                    RefundState::Refunded { refund_id: self.refund_id(register.refunded) }
                }
                _ => RefundState::Processing,
            };
            let refunded_at = matches!(state, RefundState::Refunded { .. }).then(|| (self.clock)());
            let kept =
                Refund { order_no, amount_fen: refund.amount.fen(), state: state.clone(), card_closed, refunded_at };
            register.refunds.insert(refund.refund_no.clone(), kept);
            state
        }))
    }

    fn query_refund<'a>(&'a self, refund_no: &'a str) -> BoxFuture<'a, Result<RefundState, ChannelError>> {
        Box::pin(self.call(move |register| {
            let Some(found) = register.refunds.get(refund_no) else { return RefundState::Unknown };
            if found.state != RefundState::Processing {
                return found.state.clone();
            }
            // Asked once, a refund in progress has reached the payer, or failed at the bank.
            let state = if found.card_closed {
                failed("ABNORMAL", "退款到用户银行卡失败（卡已注销），请改用现金或转账退款")
            } else {
                register.refunded += 1;
                RefundState::Refunded { refund_id: self.refund_id(register.refunded) }
            };
            let now = (self.clock)();
            if let Some(found) = register.refunds.get_mut(refund_no) {
                if let RefundState::Refunded { .. } = &state {
                    found.refunded_at = Some(now);
                }
                found.state = state.clone();
            }
            state
        }))
    }
}

fn failed(code: &str, message: &str) -> RefundState {
    RefundState::Failed { code: code.into(), message: message.into() }
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
        let channel = SandboxChannel::new(Tender::WeChat, Duration::ZERO);
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
            let channel = SandboxChannel::keeping(Tender::WeChat, Duration::ZERO, file.clone()).unwrap();
            let paid = collect(&channel, &order("K1", "134567890123459994"), quick()).await.unwrap();
            let taken = crate::refund::refund(&channel, &refund_of("G1", "K1", &paid, "300.00")).await.unwrap();
            assert_eq!(taken, RefundState::Processing);
            paid
        };
        let channel = SandboxChannel::keeping(Tender::WeChat, Duration::ZERO, file.clone()).unwrap();
        assert_eq!(channel.paid_orders(), vec![("K1".into(), Money::parse("300.00").unwrap(), paid)]);
        let failed = channel.query_refund("G1").await.unwrap();
        assert!(matches!(&failed, RefundState::Failed { code, .. } if code == "ABNORMAL"), "{failed:?}");
        // The code was taken before the restart: still taken.
        let again = collect(&channel, &order("K2", "134567890123459994"), quick()).await.unwrap_err();
        assert!(again.to_string().contains("已使用"), "{again}");
        std::fs::write(&file, b"{").unwrap();
        assert!(SandboxChannel::keeping(Tender::WeChat, Duration::ZERO, file).unwrap_err().contains("损坏"));
    }
}
