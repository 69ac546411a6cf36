//! Tenders (支付方式): the ways money reaches or leaves the cashier, and one tender's share of
//! a split payment.

use thiserror::Error;

use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tender {
    Cash,
    Cheque,
    BankCard,
    WeChat,
    Alipay,
    SocialSecurityCard,
    /// 转账: paid out by the hospital's bank to an account the patient designates, when a refund
    /// by the original route failed. Never collected.
    Transfer,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("未知的支付方式：“{0}”（可用：现金、支票、银行卡、微信、支付宝、社保卡、转账）")]
pub struct UnknownTender(pub String);

impl Tender {
    pub const ALL: [Tender; 7] = [
        Tender::Cash,
        Tender::Cheque,
        Tender::BankCard,
        Tender::WeChat,
        Tender::Alipay,
        Tender::SocialSecurityCard,
        Tender::Transfer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Tender::Cash => "cash",
            Tender::Cheque => "cheque",
            Tender::BankCard => "card",
            Tender::WeChat => "wechat",
            Tender::Alipay => "alipay",
            Tender::SocialSecurityCard => "sscard",
            Tender::Transfer => "transfer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tender::Cash => "现金",
            Tender::Cheque => "支票",
            Tender::BankCard => "银行卡",
            Tender::WeChat => "微信",
            Tender::Alipay => "支付宝",
            Tender::SocialSecurityCard => "社保卡",
            Tender::Transfer => "转账",
        }
    }

    /// Accepts the code (`wechat`) or the Chinese name (`微信`).
    pub fn parse(text: &str) -> Result<Tender, UnknownTender> {
        let text = text.trim();
        Tender::ALL
            .into_iter()
            .find(|t| t.code().eq_ignore_ascii_case(text) || t.label() == text)
            .ok_or_else(|| UnknownTender(text.to_owned()))
    }

    /// Collecting by this tender goes through a channel the platform holds (WeChat Pay, Alipay,
    /// the social-security card's front-end): an offline counter cannot take it.
    pub fn collects_through_platform(self) -> bool {
        match self {
            Tender::WeChat | Tender::Alipay | Tender::SocialSecurityCard => true,
            Tender::Cash | Tender::Cheque | Tender::BankCard | Tender::Transfer => false,
        }
    }

    /// Money can be taken by this tender (a deposit, a settlement's 补缴). A transfer only pays out.
    pub fn collects(self) -> bool {
        self != Tender::Transfer
    }

    /// The hospital pays this out itself (the drawer's cash, its bank's transfer), so it needs no
    /// original route: any deposit's money may go back this way.
    pub fn paid_out_by_hospital(self) -> bool {
        matches!(self, Tender::Cash | Tender::Transfer)
    }

    /// Taken on the window's POS terminal (bank card, social-security card): the tender names the
    /// terminal's slip (`account::pos::PosSlip`), the key of the day's reconciliation.
    pub fn on_pos_terminal(self) -> bool {
        match self {
            Tender::BankCard | Tender::SocialSecurityCard => true,
            Tender::Cash | Tender::Cheque | Tender::WeChat | Tender::Alipay | Tender::Transfer => false,
        }
    }

    /// Giving money back by this route needs the channel (only cash is handed back at the
    /// counter): an offline counter refunds in cash or not at all.
    pub fn refunds_through_platform(self) -> bool {
        match self {
            Tender::Cash | Tender::Transfer => false,
            Tender::Cheque | Tender::BankCard | Tender::WeChat | Tender::Alipay | Tender::SocialSecurityCard => true,
        }
    }
}

/// One tender's part of a payment: 微信 ¥300.00 with the channel's transaction reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenderLine {
    pub tender: Tender,
    pub amount: Money,
    pub reference: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_chinese_names() {
        assert_eq!(Tender::parse("微信"), Ok(Tender::WeChat));
        assert_eq!(Tender::parse("wechat"), Ok(Tender::WeChat));
        assert_eq!(Tender::parse("CASH"), Ok(Tender::Cash));
        assert_eq!(Tender::parse("社保卡"), Ok(Tender::SocialSecurityCard));
        assert_eq!(Tender::parse("card"), Ok(Tender::BankCard));
        assert_eq!(Tender::parse("转账"), Ok(Tender::Transfer));
        assert!(Tender::parse("比特币").is_err());
        for t in Tender::ALL {
            assert_eq!(Tender::parse(t.code()), Ok(t));
            assert_eq!(Tender::parse(t.label()), Ok(t));
        }
    }
}
