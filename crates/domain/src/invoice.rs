//! What a settlement's fiscal e-invoice (医疗收费电子票据) says: the fees by invoice category
//! (收费项目) and the payment channels (支付渠道) that paid them, which sum exactly to the
//! total; the state an invoice is in; and paper copies. Pure: the adapter in `crates/fiscal`
//! puts these figures into the fiscal platform's own format.

use crate::account::category_totals;
use crate::{InpatientAccount, Money, Settlement, Tender};

/// How a settlement's fees were paid, as the invoice lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayChannel {
    /// 医保统筹基金.
    InsuranceFund,
    /// 医保个人账户.
    PersonalAccount,
    /// 用血减免.
    BloodWaiver,
    /// 预交金 used, net of what was refunded from it.
    Deposit,
    /// Collected at the settlement by a tender (补缴).
    Tender(Tender),
}

impl PayChannel {
    /// The fiscal platform's channel code (payChannelCode).
    pub fn code(self) -> &'static str {
        match self {
            PayChannel::InsuranceFund => "11",
            PayChannel::PersonalAccount => "12",
            PayChannel::BloodWaiver => "13",
            PayChannel::Deposit => "14",
            PayChannel::Tender(Tender::Cash) => "01",
            PayChannel::Tender(Tender::Cheque) => "02",
            PayChannel::Tender(Tender::BankCard) => "03",
            PayChannel::Tender(Tender::WeChat) => "04",
            PayChannel::Tender(Tender::Alipay) => "05",
            PayChannel::Tender(Tender::SocialSecurityCard) => "06",
            // Never on an invoice (a transfer only pays out); the code the fiscal platform's
            // table gives 其他.
            PayChannel::Tender(Tender::Transfer) => "99",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PayChannel::InsuranceFund => "医保统筹",
            PayChannel::PersonalAccount => "个人账户",
            PayChannel::BloodWaiver => "用血减免",
            PayChannel::Deposit => "预交金",
            PayChannel::Tender(tender) => tender.label(),
        }
    }

    /// Every channel, in the order an invoice lists them.
    pub fn all() -> Vec<PayChannel> {
        let mut all =
            vec![PayChannel::InsuranceFund, PayChannel::PersonalAccount, PayChannel::BloodWaiver, PayChannel::Deposit];
        all.extend(Tender::ALL.into_iter().filter(|t| t.collects()).map(PayChannel::Tender));
        all
    }

    pub fn from_code(code: &str) -> Option<PayChannel> {
        PayChannel::all().into_iter().find(|c| c.code() == code)
    }
}

/// The amounts of one settlement's invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceAmounts {
    /// The fees settled (totalAmt).
    pub total: Money,
    /// By invoice category, in print order; they sum to `total`.
    pub charges: Vec<(crate::FeeCategory, Money)>,
    /// Non-zero channels, each positive; they sum to `total`.
    pub channels: Vec<(PayChannel, Money)>,
    pub insurance_fund: Money,
    pub personal_account: Money,
    /// What the patient paid themself (自付): the fees less insurance and the blood waiver.
    pub self_paid: Money,
    /// Deposits the settlement drew on.
    pub deposits_used: Money,
}

/// Why a settlement's figures cannot make an invoice (a broken invariant, never a cashier's
/// mistake).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("结算 {settlement_no} 的金额无法开具电子票据：{reason}")]
pub struct InvoiceAmountsError {
    pub settlement_no: String,
    pub reason: &'static str,
}

/// The invoice's amounts for `settlement` of `account`: the fee lines it settled by category,
/// and fees = fund + personal account + blood waiver + (deposits applied − refunded) + each
/// tender collected. Refunds go back out of the deposits, and money collected pays a debt left by
/// an earlier settlement before these fees, so no channel is negative. `None`: the
/// settlement's fees are not positive (only credits were settled), so it has no invoice.
pub fn invoice_amounts(
    account: &InpatientAccount,
    settlement: &Settlement,
) -> Result<Option<InvoiceAmounts>, InvoiceAmountsError> {
    let refuse = |reason| InvoiceAmountsError { settlement_no: settlement.settlement_no.clone(), reason };
    if !settlement.figures.fees.is_positive() {
        return Ok(None);
    }
    let lines = account.fees.iter().filter(|f| settlement.fee_ids.contains(&f.id));
    let charges: Vec<_> = category_totals(lines).into_iter().map(|c| (c.category, c.total)).collect();
    let figures = &settlement.figures;
    if charges.iter().map(|(_, m)| *m).sum::<Money>() != figures.fees {
        return Err(refuse("各收费项目之和与结算费用总额不符"));
    }
    let refunded: Money = settlement.payments.iter().map(|p| p.line.amount).filter(|m| m.is_negative()).sum();
    // What the deposits paid; negative when the account owed from an earlier settlement, which
    // the money collected now paid first.
    let mut owed = -(figures.deposits_applied + refunded);
    let mut channels = vec![
        (PayChannel::InsuranceFund, figures.insurance_fund),
        (PayChannel::PersonalAccount, figures.personal_account),
        (PayChannel::BloodWaiver, figures.blood_reimbursement),
        (PayChannel::Deposit, (-owed).max(Money::ZERO)),
    ];
    for tender in Tender::ALL.into_iter().filter(|t| t.collects()) {
        let collected: Money = settlement
            .payments
            .iter()
            .filter(|p| p.line.tender == tender && p.line.amount.is_positive())
            .map(|p| p.line.amount)
            .sum();
        let paying_debt = collected.min(owed.max(Money::ZERO));
        owed -= paying_debt;
        channels.push((PayChannel::Tender(tender), collected - paying_debt));
    }
    if channels.iter().any(|(_, m)| m.is_negative()) {
        return Err(refuse("退款超过了使用的预交金"));
    }
    channels.retain(|(_, m)| !m.is_zero());
    if channels.iter().map(|(_, m)| *m).sum::<Money>() != figures.fees {
        return Err(refuse("支付渠道之和与结算费用总额不符"));
    }
    Ok(Some(InvoiceAmounts {
        total: figures.fees,
        charges,
        channels,
        insurance_fund: figures.insurance_fund,
        personal_account: figures.personal_account,
        self_paid: figures.patient_share(),
        deposits_used: figures.deposits_applied,
    }))
}

/// Where an invoice stands, as the screen and the CLI say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceState {
    /// 待开具: not asked yet, or asked with no answer yet.
    Pending,
    /// 已开具.
    Issued,
    /// 开具失败（重试中）: the fiscal platform refused or could not be reached; retried.
    Failed,
    /// 已冲红: reversed by a red invoice (the settlement was recalled).
    Reversed,
}

impl InvoiceState {
    pub fn code(self) -> &'static str {
        match self {
            InvoiceState::Pending => "pending",
            InvoiceState::Issued => "issued",
            InvoiceState::Failed => "failed",
            InvoiceState::Reversed => "reversed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InvoiceState::Pending => "待开具",
            InvoiceState::Issued => "已开具",
            InvoiceState::Failed => "开具失败（重试中）",
            InvoiceState::Reversed => "已冲红",
        }
    }

    pub fn from_code(code: &str) -> Option<InvoiceState> {
        [InvoiceState::Pending, InvoiceState::Issued, InvoiceState::Failed, InvoiceState::Reversed]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The codes of failed attempts that go away by themselves — the fiscal platform unreachable, an
/// answer lost — and are tried again automatically. Any other refusal (a bad signature, amounts
/// that do not sum) waits for its cause to be corrected and a retry by hand.
pub const TRANSIENT_FAILURES: [&str; 2] = ["FISCAL_UNAVAILABLE", "FISCAL_OUTCOME_UNKNOWN"];

/// Whether a failed attempt, as kept (its sentence ends with its code), is tried again by itself.
pub fn retried_by_itself(failure: &str) -> bool {
    TRANSIENT_FAILURES.iter().any(|code| failure.trim_end().ends_with(&format!("（{code}）")))
}

#[cfg(test)]
mod tests {
    use super::retried_by_itself;

    #[test]
    fn only_an_unreachable_platform_or_a_lost_answer_is_retried_by_itself() {
        assert!(retried_by_itself("财政电子票据平台暂时无法连接：超时。票据稍后自动重开（FISCAL_UNAVAILABLE）"));
        assert!(retried_by_itself("冲红未完成：结果未知（FISCAL_OUTCOME_UNKNOWN）"));
        assert!(!retried_by_itself("财政电子票据平台拒绝：签名验证失败（FISCAL_BAD_SIGN）"));
        assert!(!retried_by_itself("支付渠道合计不符（FISCAL_AMOUNTS） FISCAL_UNAVAILABLE"));
    }
}
