//! Requests and answers of the money operations: deposits and reversals, trial and
//! settlement, recalls, and the fee audit. Amounts the cashier typed travel as text and are
//! parsed by the backend, so a bad amount gets a message next to its field.

use serde::{Deserialize, Serialize};

use crate::account::{FeeLineView, TenderView};
use crate::{PrintOutcome, Tag, Yuan};

/// One tender as typed: `{tender: "wechat" | "微信", amount: "300.00"}`; a bank or
/// social-security card collected names the POS terminal's slip, `reference:
/// "TERMINAL:REFERENCE[:VOUCHER]"` (终端号:参考号[:凭证号]); a cheque may name its number; a
/// WeChat or Alipay tender collected carries the payer's code, `auth_code`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenderInput {
    pub tender: String,
    pub amount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The payer's code (付款码) scanned for a WeChat or Alipay tender collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_code: Option<String>,
}

impl TenderInput {
    pub fn new(tender: impl Into<String>, amount: impl Into<String>) -> TenderInput {
        TenderInput { tender: tender.into(), amount: amount.into(), reference: None, auth_code: None }
    }

    pub fn with_reference(self, reference: impl Into<String>) -> TenderInput {
        TenderInput { reference: Some(reference.into()), ..self }
    }

    pub fn with_auth_code(self, code: impl Into<String>) -> TenderInput {
        TenderInput { auth_code: Some(code.into()), ..self }
    }
}

/// A supervisor's own credentials, typed into the approval dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepositRequest {
    pub case_no: String,
    /// UUIDv7 issued when the dialog opened; a retry with it returns the first result.
    pub key: String,
    pub tenders: Vec<TenderInput>,
    /// Cash handed over, when more than the cash tender (change is given back).
    pub cash_received: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReversalRequest {
    pub case_no: String,
    pub key: String,
    /// The receipt number of the deposit to reverse.
    pub receipt_no: String,
    pub amount: String,
    /// Where the money goes back: the original route(s) or cash.
    pub tenders: Vec<TenderInput>,
    pub reason: String,
}

/// A deposit or reversal as recorded, with its receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositReceipt {
    pub receipt_no: String,
    pub case_no: String,
    pub patient_name: String,
    pub kind: Tag,
    pub amount: Yuan,
    pub amount_words: String,
    pub tenders: Vec<TenderView>,
    pub change: Yuan,
    pub at: String,
    pub cashier: String,
    /// A reversal's reason (冲红原因).
    pub reason: Option<String>,
    /// Set when the receipt was printed or saved.
    pub print: Option<PrintOutcome>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoidReceiptRequest {
    pub case_no: String,
    pub receipt_no: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialRequest {
    pub case_no: String,
    /// `discharge` (出院结算) or `mid_stay` (中途结算).
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryTotalView {
    pub category: Tag,
    pub total: Yuan,
    pub lines: usize,
}

/// A trial settlement (试算): nothing is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialView {
    pub case_no: String,
    pub patient_name: String,
    pub kind: Tag,
    pub insurance: Tag,
    /// What the trial saw; settling refuses it if the account changed since.
    pub version: String,
    pub categories: Vec<CategoryTotalView>,
    pub fees: Yuan,
    pub insurance_fund: Yuan,
    pub personal_account: Yuan,
    pub blood_reimbursement: Yuan,
    /// Millilitres of blood products the blood platform would waive at this settlement (0: none
    /// asked; a waiver approved through the platform's feed has its ml on its approval).
    pub blood_ml: u32,
    /// The waiver was worked out at the counter from the last entitlement the blood platform
    /// confirmed (the platform is out of reach); the platform re-checks it when the settlement
    /// arrives.
    #[serde(default)]
    pub blood_offline: bool,
    pub deposits_applied: Yuan,
    pub patient_share: Yuan,
    /// Positive: to collect (补缴); negative: to refund (退款).
    pub due: Yuan,
    /// 应补缴 / 应退款 / 已结清
    pub due_label: String,
    pub due_words: String,
    /// For a refund: original routes newest first within their windows, the rest cash.
    pub refund_suggestion: Vec<TenderView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettleRequest {
    pub case_no: String,
    /// Issued when the settlement window opened; the same key can never settle twice.
    pub key: String,
    pub kind: String,
    /// `TrialView::version` of the trial the cashier confirmed.
    pub version: String,
    /// `TrialView::due` the cashier confirmed.
    pub expected_due: String,
    /// Collections (due > 0) or refund routes (due < 0), positive amounts.
    pub tenders: Vec<TenderInput>,
    pub cash_received: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementView {
    pub settlement_no: String,
    pub case_no: String,
    pub patient_name: String,
    pub kind: Tag,
    pub fees: Yuan,
    pub insurance_fund: Yuan,
    pub personal_account: Yuan,
    pub blood_reimbursement: Yuan,
    pub deposits_applied: Yuan,
    pub due: Yuan,
    pub due_words: String,
    /// Positive collected, negative refunded.
    pub payments: Vec<TenderView>,
    pub change: Yuan,
    pub at: String,
    pub cashier: String,
    pub place: Tag,
    /// `pending` until the e-invoice is issued.
    pub invoice_status: Tag,
    pub recalled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecallRequest {
    pub case_no: String,
    pub key: String,
    /// `settlement` (结算召回) or `discharge` (出院召回).
    pub kind: String,
    /// The settlement to recall; the newest when absent.
    pub settlement_no: Option<String>,
    pub reason: String,
    pub approval: Approval,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallOutcome {
    pub settlement_no: String,
    pub kind: Tag,
    /// Money moved into the deposit ledger: collected (+) or refunded (−) by the settlement.
    pub transfer: Yuan,
    pub balance: Yuan,
    pub state: Tag,
    pub approved_by: String,
}

/// The fee audit gate for one admission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditGate {
    pub case_no: String,
    pub state: Tag,
    /// Exactly the lines that block: unconfirmed, not cancelled, not settled.
    pub blockers: Vec<FeeLineView>,
    pub can_pass: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditDecision {
    pub case_no: String,
    pub key: String,
    /// Pass (true) or return (false, reason required).
    pub pass: bool,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeDecision {
    pub case_no: String,
    pub key: String,
    pub fee_id: i64,
    /// Confirm (确费, true) or cancel (false, reason required).
    pub confirm: bool,
    pub reason: String,
}

/// 改退: a refund by the original route that failed (退款失败) is paid another way, by a
/// supervisor: in cash from the drawer (改退现金), or by the hospital's bank to an account the
/// patient designates (转账退款) when `payee` is given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundOtherwiseRequest {
    pub case_no: String,
    pub key: String,
    /// The failed refund's number (商户退款单号).
    pub refund_no: String,
    pub reason: String,
    /// 转账退款: where the money goes. None: in cash.
    #[serde(default)]
    pub payee: Option<PayeeInput>,
}

/// The designated account as typed; only its masked number is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayeeInput {
    /// 开户银行.
    pub bank: String,
    /// 收款人.
    pub holder: String,
    /// 账号, spaces allowed.
    pub account: String,
}
