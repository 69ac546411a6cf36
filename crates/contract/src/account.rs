//! The inpatient account as the cashier's screen shows it.

use serde::{Deserialize, Serialize};

use crate::{Tag, Yuan};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub patient: PatientStrip,
    pub totals: AccountTotals,
    pub categories: Vec<CategoryView>,
    pub deposits: Vec<DepositView>,
    pub settlements: Vec<crate::cashier::SettlementView>,
    /// Refunds by the original route and where each stands.
    #[serde(default)]
    pub refunds: Vec<RefundView>,
}

/// The strip that stays on screen once a patient is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientStrip {
    pub case_no: String,
    pub name: String,
    pub sex: String,
    pub age: u32,
    pub ward: String,
    pub bed_no: String,
    pub insurance: Tag,
    pub state: Tag,
    /// `YYYY-MM-DD HH:MM`
    pub admitted_at: String,
    pub days_in_hospital: i64,
    pub department: String,
    pub doctor: String,
    pub diagnosis: String,
    pub resident_id_masked: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountTotals {
    pub fees: Yuan,
    pub deposits: Yuan,
    /// Deposits − fees: positive is money in hand, negative is owed.
    pub balance: Yuan,
    pub balance_words: String,
    pub fee_lines: usize,
    pub unconfirmed_lines: usize,
    /// Fees not yet settled, and deposits not yet applied by a settlement.
    pub unsettled_fees: Yuan,
    pub deposits_available: Yuan,
    pub blood_approved: Yuan,
    /// Insurance share of settlements in force (统筹 + 个人账户).
    pub insurance_settled: Yuan,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub category: Tag,
    pub total: Yuan,
    pub lines: Vec<FeeLineView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLineView {
    pub id: i64,
    /// `YYYY-MM-DD HH:MM`
    pub charged_at: String,
    pub item_code: String,
    pub item_name: String,
    pub spec: String,
    pub unit: String,
    /// Decimal text, e.g. `2` or `0.5`.
    pub quantity: String,
    pub unit_price: Yuan,
    pub amount: Yuan,
    pub department: String,
    pub status: Tag,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositView {
    pub id: i64,
    /// Whether a settlement has drawn on it (it can no longer be reversed).
    pub used: bool,
    /// How much of it is still reversible (zero when used or reversed).
    pub reversible: Yuan,
    pub receipt_no: String,
    /// `YYYY-MM-DD HH:MM:SS`
    pub at: String,
    pub kind: Tag,
    pub amount: Yuan,
    pub tenders: Vec<TenderView>,
    pub cashier: String,
    /// A reversal's reason (冲红原因).
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderView {
    pub tender: Tag,
    pub amount: Yuan,
    pub reference: Option<String>,
}

/// A refund by the original route (原路退款) and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundView {
    pub refund_no: String,
    /// The reversal's receipt number or the settlement's number.
    pub record_no: String,
    pub tender: Tag,
    pub amount: Yuan,
    /// The payment it goes back to (微信订单号 / 支付宝交易号).
    pub transaction_id: String,
    /// `requested` 待退款, `processing` 退款中, `refunded` 已退款, `failed` 退款失败.
    pub state: Tag,
    /// The channel's refund number once refunded.
    pub refund_id: Option<String>,
    /// The channel's words on a failure.
    pub message: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`
    pub at: String,
    /// A failed refund paid another way since (改退现金 / 转账退款).
    #[serde(default)]
    pub paid_otherwise: Option<PaidOtherwise>,
}

/// How a failed refund was paid instead: the reversal's receipt, its tender (现金 or 转账) and,
/// for a transfer, the designated account (masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidOtherwise {
    pub receipt_no: String,
    pub tender: Tag,
    pub payee: Option<String>,
}
