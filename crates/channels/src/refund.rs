//! Refunds by the original route (原路退款): the merchant's refund number (商户退款单号) is the
//! operation's, so a refund asked again is the same refund; the channel answers at once that it
//! took the request (退款中) or that the money is back (已退款), or refuses (退款失败: more than
//! the order has left, the order unknown, the payer's card closed). A refund whose answer was
//! lost is asked about by its number, never asked for again under another.

use domain::account::refund_progress::RefundProgress;
use domain::{Money, Tender};

use crate::{ChannelError, PayChannel};

/// A refund as the merchant asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundOrder {
    /// 商户退款单号: the same on every retry.
    pub refund_no: String,
    /// The paid order and the channel's transaction number.
    pub order_no: String,
    pub transaction_id: String,
    pub tender: Tender,
    pub amount: Money,
    /// 退款原因, shown to the payer.
    pub reason: String,
}

/// Where a refund stands at the channel.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RefundState {
    /// 退款中: taken, the money is on its way.
    Processing,
    /// 已退款: the money reached the payer; the channel's refund number.
    Refunded { refund_id: String },
    /// 退款失败: the channel's code and words. Nothing went back.
    Failed { code: String, message: String },
    /// The channel has no such refund.
    Unknown,
}

impl RefundState {
    /// Its progress in the account's words.
    pub fn progress(&self) -> RefundProgress {
        match self {
            RefundState::Processing => RefundProgress::Processing,
            RefundState::Refunded { .. } => RefundProgress::Refunded,
            RefundState::Failed { .. } => RefundProgress::Failed,
            RefundState::Unknown => RefundProgress::Requested,
        }
    }
}

/// Asks for `order` (or, when the channel already has it, for its state): what the channel
/// says now. A lost answer is resolved by asking for the refund by its number; an unreachable
/// channel is an error and the refund stays to be asked for again.
pub async fn refund(channel: &dyn PayChannel, order: &RefundOrder) -> Result<RefundState, ChannelError> {
    match channel.query_refund(&order.refund_no).await {
        Ok(RefundState::Unknown) | Err(ChannelError::NoAnswer(_)) => {}
        Ok(state) => return Ok(state),
        Err(e @ ChannelError::Unavailable(_)) => return Err(e),
    }
    match channel.refund(order).await {
        Ok(state) => Ok(state),
        Err(ChannelError::NoAnswer(_)) => channel.query_refund(&order.refund_no).await,
        Err(e) => Err(e),
    }
}
