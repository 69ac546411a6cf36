//! The payment channels behind the WeChat and Alipay tenders. One adapter trait,
//! [`PayChannel`], has the calls a code payment needs, shaped on the services' own
//! (WeChat `pay/micropay`, `pay/orderquery`, `secapi/pay/reverse`; Alipay `alipay.trade.pay`,
//! `alipay.trade.query`, `alipay.trade.cancel`). The order number is the operation's: a retry
//! asks about the same order and never pays twice. [`collect`] runs a collection the way the
//! services ask: pay; while the payer is still typing a password (支付中), or when no answer
//! came, ask again; past the timeout, cancel. Refunds (WeChat `secapi/pay/refund` and
//! `pay/refundquery`, Alipay `alipay.trade.refund` and `alipay.trade.fastpay.refund.query`) go
//! under the merchant's refund number, so a retry is the same refund ([`refund`]).
//! [`sandbox::SandboxChannel`] behaves like the services and keeps its own register.

pub mod notify;
pub mod refund;
pub mod sandbox;

pub use refund::{RefundOrder, RefundState};

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use domain::{Money, Tender};
use thiserror::Error;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A code payment as the counter asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeOrder {
    /// The merchant's order number (商户订单号): the operation's, the same on every retry.
    pub order_no: String,
    pub tender: Tender,
    pub amount: Money,
    /// The payer's code (付款码), already checked for its channel's shape.
    pub auth_code: String,
    /// What the payer's app shows (商品描述).
    pub subject: String,
}

/// Where an order stands at the channel.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OrderState {
    /// Paid: the channel's transaction number (微信订单号 / 支付宝交易号).
    Paid { transaction_id: String },
    /// 支付中: the payer has to confirm (a password) on the phone.
    Paying,
    /// The channel said no: its code (`NOTENOUGH`, `AUTHCODEEXPIRE`, …) and its words.
    Refused { code: String, message: String },
    /// Cancelled (撤销) or closed unpaid.
    Closed,
    /// The channel has no such order.
    Unknown,
}

/// A call that got no usable answer.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ChannelError {
    /// Not reached: nothing happened there.
    #[error("支付渠道暂时无法连接：{0}")]
    Unavailable(String),
    /// Sent, but the answer was lost: it may have happened; ask by the order number.
    #[error("支付渠道未答复：{0}")]
    NoAnswer(String),
}

/// One payment channel (WeChat Pay or Alipay), as the platform holds it.
pub trait PayChannel: std::fmt::Debug + Send + Sync {
    /// The tender it collects.
    fn tender(&self) -> Tender;
    /// 付款码支付: pay `order` with the payer's code.
    fn pay<'a>(&'a self, order: &'a CodeOrder) -> BoxFuture<'a, Result<OrderState, ChannelError>>;
    /// The order's state by its number.
    fn query<'a>(&'a self, order_no: &'a str) -> BoxFuture<'a, Result<OrderState, ChannelError>>;
    /// 撤销: closes the order; a paid one is given back to the payer.
    fn cancel<'a>(&'a self, order_no: &'a str) -> BoxFuture<'a, Result<(), ChannelError>>;
    /// 退款: gives back part or all of a paid order; asked again with the same refund number it
    /// answers the same refund.
    fn refund<'a>(&'a self, refund: &'a RefundOrder) -> BoxFuture<'a, Result<RefundState, ChannelError>>;
    /// The refund's state by the merchant's refund number.
    fn query_refund<'a>(&'a self, refund_no: &'a str) -> BoxFuture<'a, Result<RefundState, ChannelError>>;
}

/// How long a collection waits for the payer, and how often it asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    pub every: Duration,
    pub timeout: Duration,
}

impl Default for Patience {
    /// The services' own advice: ask every 5 s for up to 30 s.
    fn default() -> Patience {
        Patience { every: Duration::from_secs(5), timeout: Duration::from_secs(30) }
    }
}

/// Why money was not collected.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CollectError {
    #[error("{tender}收款被拒绝：{message}（{code}）")]
    Refused { tender: &'static str, code: String, message: String },
    #[error("患者未在 {seconds} 秒内完成支付，已撤销该笔{tender}收款，未扣款")]
    TimedOut { tender: &'static str, seconds: u64 },
    #[error("{0}，未扣款，请稍后重试或改用其他支付方式")]
    Unavailable(ChannelError),
    /// The channel could not be made to say whether the money was taken, nor to cancel: the
    /// order must be settled by asking again later (never by paying again).
    #[error("{tender}收款结果未知（订单 {order_no}），请稍后重试同一笔操作查询结果，切勿重新收款")]
    Undecided { tender: &'static str, order_no: String },
}

impl CollectError {
    pub fn code(&self) -> &'static str {
        match self {
            CollectError::Refused { .. } => "PAYMENT_REFUSED",
            CollectError::TimedOut { .. } => "PAYMENT_TIMED_OUT",
            CollectError::Unavailable(_) => "CHANNEL_UNAVAILABLE",
            CollectError::Undecided { .. } => "PAYMENT_UNDECIDED",
        }
    }
}

/// Collects `order`: the channel's transaction number once paid. Asked again with the same
/// order (a retry), it answers from the channel's register and never pays twice.
pub async fn collect(channel: &dyn PayChannel, order: &CodeOrder, patience: Patience) -> Result<String, CollectError> {
    let tender = order.tender.label();
    let seconds = u64::try_from(patience.timeout.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
    let decided = |state: OrderState| -> Option<Result<String, CollectError>> {
        match state {
            OrderState::Paid { transaction_id } => Some(Ok(transaction_id)),
            OrderState::Refused { code, message } => Some(Err(CollectError::Refused { tender, code, message })),
            OrderState::Closed => Some(Err(CollectError::TimedOut { tender, seconds })),
            OrderState::Paying | OrderState::Unknown => None,
        }
    };
    // A retry first asks about the order it may already have paid.
    match channel.query(&order.order_no).await {
        Ok(OrderState::Unknown) | Err(_) => {}
        Ok(state) => {
            if let Some(done) = decided(state) {
                return done;
            }
        }
    }
    match channel.pay(order).await {
        Ok(state) => {
            if let Some(done) = decided(state) {
                return done;
            }
        }
        Err(ChannelError::Unavailable(e)) => return Err(CollectError::Unavailable(ChannelError::Unavailable(e))),
        Err(ChannelError::NoAnswer(_)) => {}
    }
    let started = tokio::time::Instant::now();
    while started.elapsed() < patience.timeout {
        tokio::time::sleep(patience.every).await;
        if let Ok(state) = channel.query(&order.order_no).await
            && let Some(done) = decided(state)
        {
            return done;
        }
    }
    // Past the timeout: cancel (a paid order is given back), then make sure of the outcome.
    for _ in 0..3 {
        if channel.cancel(&order.order_no).await.is_ok() {
            return Err(CollectError::TimedOut { tender, seconds });
        }
        tokio::time::sleep(patience.every).await;
    }
    Err(CollectError::Undecided { tender, order_no: order.order_no.clone() })
}
