//! Parsing what the screen or the command line sent, at the edge: keys, case numbers, tenders,
//! amounts. Each refusal names its field and says what is wrong, before anything is read.

use contract::cashier::TenderInput;
use domain::{CaseNo, Money, PaymentAmount, SettlementKind, Tender, TenderLine};
use uuid::Uuid;

use crate::AppError;

/// An operation's idempotency key: a UUIDv7 the screen got when the dialog opened.
pub fn key(text: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(text.trim())
        .ok()
        .filter(|k| k.get_version_num() == 7)
        .ok_or_else(|| AppError::invalid("KEY_INVALID", format!("操作编号无效：“{text}”，请重新打开窗口"), "key"))
}

pub fn case_no(text: &str) -> Result<CaseNo, AppError> {
    CaseNo::parse(text).map_err(|e| AppError::invalid("CASE_NO_MALFORMED", e.to_string(), "case_no"))
}

/// A reason the rules require (冲红原因, 作废原因, 召回原因): trimmed, not empty, at most 200
/// characters; `missing` is the sentence shown when it is empty.
pub fn reason(text: &str, missing: &str) -> Result<String, AppError> {
    let reason = text.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("REASON_REQUIRED", missing, "reason"));
    }
    if reason.chars().count() > 200 {
        return Err(AppError::invalid("REASON_TOO_LONG", "原因最多 200 字", "reason"));
    }
    Ok(reason.to_owned())
}

/// Tenders with positive amounts of at most two decimals and at most ¥10,000,000 each.
pub fn tenders(inputs: &[TenderInput]) -> Result<Vec<TenderLine>, AppError> {
    inputs
        .iter()
        .map(|input| {
            let tender = Tender::parse(&input.tender)
                .map_err(|e| AppError::invalid("TENDER_UNKNOWN", e.to_string(), "tenders"))?;
            let amount = PaymentAmount::parse(&input.amount)
                .map_err(|e| AppError::invalid(e.code(), format!("{}：{e}", tender.label()), "tenders"))?;
            let reference = input.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
            // The POS slip of a card (checked with the collection's rules) or a cheque's number;
            // other tenders have nothing the cashier could type there.
            if reference.is_some() && !(tender.on_pos_terminal() || tender == Tender::Cheque) {
                return Err(AppError::invalid(
                    "TENDER_REFERENCE_UNEXPECTED",
                    format!("{}不填写参考号", tender.label()),
                    "tenders",
                ));
            }
            if reference.is_some_and(|r| r.chars().count() > 64) {
                return Err(AppError::invalid("TENDER_REFERENCE_MALFORMED", "参考号最多 64 个字符", "tenders"));
            }
            Ok(TenderLine { tender, amount: amount.money(), reference: reference.map(str::to_owned) })
        })
        .collect()
}

/// An optional positive amount (cash received).
pub fn optional_amount(text: Option<&str>, field: &'static str) -> Result<Option<Money>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => PaymentAmount::parse(t)
            .map(|a| Some(a.money()))
            .map_err(|e| AppError::invalid(e.code(), format!("现金实收：{e}"), field)),
    }
}

/// Any amount, signed (the due a trial showed).
pub fn signed_amount(text: &str, field: &'static str) -> Result<Money, AppError> {
    Money::parse(text).map_err(|e| AppError::invalid(e.code(), e.to_string(), field))
}

pub fn settlement_kind(text: &str) -> Result<SettlementKind, AppError> {
    SettlementKind::from_code(text.trim()).ok_or_else(|| {
        AppError::invalid(
            "SETTLEMENT_KIND_UNKNOWN",
            format!("结算类型应为 discharge（出院结算）或 mid_stay（中途结算）：“{text}”"),
            "kind",
        )
    })
}

/// "支付宝:300.00" or "alipay:300" as the CLI's `--tender` takes it.
pub fn tender_argument(text: &str) -> Result<TenderInput, AppError> {
    let (tender, amount) = text.split_once([':', '：']).ok_or_else(|| {
        AppError::invalid(
            "TENDER_MALFORMED",
            format!("支付方式格式应为 名称:金额，如 现金:500.00（输入为“{text}”）"),
            "tender",
        )
    })?;
    Ok(TenderInput::new(tender.trim(), amount.trim()))
}

/// Gives the payer's codes of `--auth-code`, in order, to the WeChat and Alipay tenders.
pub fn attach_codes(tenders: &mut [TenderInput], codes: &[String]) -> Result<(), AppError> {
    let mut codes = codes.iter();
    for input in tenders.iter_mut() {
        let scanned = Tender::parse(&input.tender).is_ok_and(domain::account::pay_code::PayCode::scanned_for);
        if scanned && let Some(code) = codes.next() {
            input.auth_code = Some(code.trim().to_owned());
        }
    }
    if codes.next().is_some() {
        return Err(AppError::invalid(
            "PAY_CODE_UNEXPECTED",
            "--auth-code 多于微信、支付宝支付方式的个数",
            "auth_code",
        ));
    }
    Ok(())
}

/// Gives the POS slips of `--ref`, in order, to the tenders taken on the POS terminal.
pub fn attach_slips(tenders: &mut [TenderInput], slips: &[String]) -> Result<(), AppError> {
    let mut slips = slips.iter();
    for input in tenders.iter_mut() {
        let on_pos = Tender::parse(&input.tender).is_ok_and(|t| t.on_pos_terminal());
        if on_pos && let Some(slip) = slips.next() {
            input.reference = Some(slip.trim().to_owned());
        }
    }
    if slips.next().is_some() {
        return Err(AppError::invalid("TENDER_REFERENCE_UNEXPECTED", "--ref 多于银行卡、社保卡支付方式的个数", "ref"));
    }
    Ok(())
}
