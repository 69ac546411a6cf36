//! Code payments between a linked counter and the platform, which holds the merchant
//! credentials: the counter asks the platform to collect the payer's code under the order
//! number it made from the operation's key and the code, and to cancel (撤销) an order whose
//! operation it could not write. A reversal or settlement that gives WeChat or Alipay money
//! back names its refunds by [`refund_lines`]: the counter and the platform number them alike.

use contract::Yuan;
use domain::Tender;
use domain::account::pay_code::PayCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{Envelope, Record};

/// 付款码收款: collect `amount` from the payer's `auth_code` under `order_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodePayment {
    pub order_no: String,
    /// `wechat` or `alipay`.
    pub tender: String,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub auth_code: String,
    pub case_no: String,
    /// What the payer's app shows (商品描述).
    pub subject: String,
}

/// The channel's transaction number of a collected order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodePaid {
    pub order_no: String,
    pub transaction_id: String,
}

/// 撤销 an order the counter collected but could not record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelOrder {
    pub order_no: String,
}

/// One refund by the original route an operation asks for: money going back to a WeChat or
/// Alipay payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundLine {
    /// 商户退款单号: from the operation's key and the line's place, the same on every retry.
    pub refund_no: String,
    pub tender: Tender,
    /// Positive: what goes back.
    pub amount: domain::Money,
    /// The payment's transaction number (the tender's reference).
    pub transaction_id: Option<String>,
    /// The reversal's receipt number or the settlement's number.
    pub record_no: String,
    pub reason: String,
}

/// The merchant refund number of the `index`th refund line of the operation `key`: 36
/// characters (WeChat and Alipay take up to 64).
pub fn refund_no(key: Uuid, tender: Tender, index: usize) -> String {
    let suffix = match tender {
        Tender::Alipay => "zf",
        _ => "wx",
    };
    format!("{}{suffix}{:02}", key.simple(), index % 100)
}

/// A tender line as a record states it: tender code, amount, reference.
type Stated<'a> = (&'a str, domain::Money, Option<&'a String>);

/// The refunds by a channel's route `envelope` asks for, in the order of its records' lines.
pub fn refund_lines(envelope: &Envelope) -> Vec<RefundLine> {
    let mut lines = Vec::new();
    for record in &envelope.records {
        let (record_no, reason, tenders): (&str, String, Vec<Stated<'_>>) = match record {
            Record::Deposit(d) if d.deposit_kind == "reversal" => (
                &d.receipt_no,
                d.reason.clone().unwrap_or_else(|| "预交金冲红".into()),
                d.tenders.iter().map(|t| (t.tender.as_str(), t.amount.money(), t.reference.as_ref())).collect(),
            ),
            Record::Settlement(s) => (
                &s.settlement_no,
                "住院结算退款".into(),
                s.payments.iter().map(|p| (p.tender.as_str(), p.amount.money(), p.reference.as_ref())).collect(),
            ),
            _ => continue,
        };
        for (tender, amount, reference) in tenders {
            let Ok(tender) = Tender::parse(tender) else { continue };
            if !amount.is_negative() || !PayCode::scanned_for(tender) {
                continue;
            }
            lines.push(RefundLine {
                refund_no: refund_no(envelope.key, tender, lines.len()),
                tender,
                amount: -amount,
                transaction_id: reference.cloned(),
                record_no: record_no.to_owned(),
                reason: reason.clone(),
            });
        }
    }
    lines
}

/// Where a refund by the original route stands, as the platform keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundStatus {
    pub refund_no: String,
    pub case_no: String,
    /// The reversal's receipt number or the settlement's number.
    pub record_no: String,
    /// `wechat` or `alipay`.
    pub tender: String,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub transaction_id: String,
    /// `requested` (待退款), `processing` (退款中), `refunded` (已退款), `failed` (退款失败).
    pub state: String,
    /// The channel's refund number once refunded.
    pub refund_id: Option<String>,
    /// The channel's words on a failure.
    pub message: Option<String>,
    #[schema(value_type = String)]
    pub at: chrono::NaiveDateTime,
}

/// Asks the platform for a refund's state (and the channel again if it is not final).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundAsk {
    pub refund_no: String,
}
