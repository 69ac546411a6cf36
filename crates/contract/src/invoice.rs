//! The fiscal e-invoices of an admission's settlements as the 票据 area and `cashier invoice
//! show` see them.

use serde::{Deserialize, Serialize};

use crate::Yuan;

/// One settlement's e-invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub settlement_no: String,
    /// 票据号码 (empty until issued).
    pub number: String,
    /// 票据代码.
    pub code: String,
    /// 校验码.
    pub check_code: String,
    /// `pending`, `issued`, `failed`, `reversed` (`domain::invoice::InvoiceState`).
    pub status: String,
    /// 待开具 / 已开具 / 开具失败（重试中）/ 已冲红.
    pub status_label: String,
    pub amount: Yuan,
    pub issued_at: Option<String>,
    /// The red invoice's number once reversed.
    pub red_number: Option<String>,
    /// Why the latest attempt failed, while it is not done.
    pub failure: Option<String>,
    /// Paper copies printed of it, oldest first.
    pub paper: Vec<PaperCopyView>,
}

/// A paper copy (换开纸质票据).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperCopyView {
    pub number: String,
    /// `valid` or `void`.
    pub status: String,
    pub printed_by: String,
}
