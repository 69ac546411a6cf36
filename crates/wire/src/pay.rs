//! Code payments between a linked counter and the platform, which holds the merchant
//! credentials: the counter asks the platform to collect the payer's code under the order
//! number it made from the operation's key and the code, and to cancel (撤销) an order whose
//! operation it could not write.

use contract::Yuan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
