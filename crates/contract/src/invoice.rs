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

/// 换开纸质 (or 重新换开, which voids the valid paper copy first) of an admission's invoice: the
/// named settlement's, or the newest one in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperCopyRequest {
    pub case_no: String,
    pub settlement_no: Option<String>,
    pub reissue: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperCopyOutcome {
    pub paper_no: String,
    pub invoice_no: String,
    pub settlement_no: String,
    /// The paper number voided first (重新换开).
    pub voided: Option<String>,
}

/// 作废 a paper copy (a window's or a kiosk's) by its paper number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoidPaperRequest {
    pub paper_no: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperVoided {
    pub paper_no: String,
    pub invoice_no: String,
    pub printed_by: String,
    pub kiosk: bool,
}

/// A range of paper received (领用) or written off (核销).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockRequest {
    /// `invoice` or `receipt`.
    pub kind: String,
    pub prefix: String,
    pub from: u64,
    pub to: u64,
    /// Digits after the prefix (zero padded).
    pub width: usize,
    /// Required for a write-off.
    pub reason: Option<String>,
}

/// The operator's paper of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockView {
    pub kind: String,
    pub kind_label: String,
    /// Each range as `A00000001–A00000050`.
    pub ranges: Vec<String>,
    pub next: Option<String>,
    pub left: u64,
    pub written_off: u64,
}

/// The kiosk-printed invoice report (自助打印发票报表) of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskReport {
    pub day: String,
    pub kiosks: Vec<KioskSummary>,
    /// Valid copies, their amount, and voided copies over all kiosks.
    pub count: usize,
    pub amount: Yuan,
    pub voided: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskSummary {
    pub kiosk: String,
    pub count: usize,
    pub amount: Yuan,
    pub voided: usize,
    pub lines: Vec<KioskCopy>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskCopy {
    pub paper_no: String,
    pub invoice_no: String,
    pub case_no: String,
    pub patient: String,
    pub amount: Yuan,
    pub printed_at: String,
    /// `valid` or `void`.
    pub status: String,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}
