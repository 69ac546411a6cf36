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
    /// A sandbox of `tender`'s channel (WeChat or Alipay) on `clock`, faults from the
    /// environment.
    pub fn new(tender: Tender, delay: Duration, clock: Clock) -> SandboxChannel {
        SandboxChannel {
            tender,
            register: Mutex::default(),
            fault: Mutex::new(Fault::from_env()),
            delay,
            file: None,
            clock,
        }
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
    pub fn keeping(tender: Tender, delay: Duration, file: PathBuf, clock: Clock) -> Result<SandboxChannel, String> {
        let register = Register::load(&file)?;
        Ok(SandboxChannel {
            tender,
            register: Mutex::new(register),
            fault: Mutex::new(Fault::from_env()),
            delay,
            file: Some(file),
            clock,
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

    /// Payments the channel took before this register was kept (a demo's history, a hospital's
    /// payments before the channels were connected): (order number, transaction number,
    /// amount, when), taken as paid; one already known is left alone. Saved once.
    pub fn remember_paid(
        &self,
        history: impl IntoIterator<Item = (String, String, Money, NaiveDateTime)>,
    ) -> Result<usize, String> {
        let mut register = self.register.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut added = 0;
        for (order_no, transaction_id, amount, at) in history {
            if register.orders.contains_key(&order_no) {
                continue;
            }
            let order = Order {
                amount_fen: amount.fen(),
                auth_code: String::new(),
                state: OrderState::Paid { transaction_id },
                asked: 0,
                paid_at: Some(at),
            };
            register.orders.insert(order_no, order);
            added += 1;
        }
        if let Some(file) = &self.file {
            register.save(file)?;
        }
        Ok(added)
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
mod tests;
