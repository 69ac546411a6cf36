//! How long after a payment each channel still takes a refund by the original route (原路退款
//! 期限): a term of the hospital's contract with each channel, so it is configured — the
//! platform's `serve --refund-windows`, which linked counters take at login — never a constant
//! of the rules. The default is the channels' standard contract.

use std::fmt;

use thiserror::Error;

use super::tender::Tender;

/// Days after payment each channel refunds by its route; `None`: no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefundWindows {
    pub wechat: Option<u32>,
    pub alipay: Option<u32>,
    pub card: Option<u32>,
    pub sscard: Option<u32>,
}

impl Default for RefundWindows {
    /// WeChat Pay 365 days, Alipay 90, UnionPay card 180, the social-security card 365.
    fn default() -> RefundWindows {
        RefundWindows { wechat: Some(365), alipay: Some(90), card: Some(180), sscard: Some(365) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("原路退款期限格式应为 wechat=365,alipay=90,card=180,sscard=365（天数 1–3650 或 none）：“{0}”")]
pub struct RefundWindowsError(pub String);

impl RefundWindows {
    /// The window of `tender`'s route; `None` for cash and cheques (handed back at the counter),
    /// for a transfer (the hospital's bank pays it) and for a channel without a limit.
    pub fn days(&self, tender: Tender) -> Option<u32> {
        match tender {
            Tender::WeChat => self.wechat,
            Tender::Alipay => self.alipay,
            Tender::BankCard => self.card,
            Tender::SocialSecurityCard => self.sscard,
            Tender::Cash | Tender::Cheque | Tender::Transfer => None,
        }
    }

    /// `wechat=365,alipay=90,card=180,sscard=365`; a channel left out keeps its default, `none`
    /// is no limit.
    pub fn parse(text: &str) -> Result<RefundWindows, RefundWindowsError> {
        let bad = || RefundWindowsError(text.to_owned());
        let mut windows = RefundWindows::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, days) = part.split_once('=').ok_or_else(bad)?;
            let days = match days.trim() {
                "none" => None,
                n => Some(n.parse::<u32>().ok().filter(|d| (1..=3650).contains(d)).ok_or_else(bad)?),
            };
            match Tender::parse(name).map_err(|_| bad())? {
                Tender::WeChat => windows.wechat = days,
                Tender::Alipay => windows.alipay = days,
                Tender::BankCard => windows.card = days,
                Tender::SocialSecurityCard => windows.sscard = days,
                Tender::Cash | Tender::Cheque | Tender::Transfer => return Err(bad()),
            }
        }
        Ok(windows)
    }
}

impl fmt::Display for RefundWindows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = |d: Option<u32>| d.map_or_else(|| "none".to_owned(), |d| d.to_string());
        write!(
            f,
            "wechat={},alipay={},card={},sscard={}",
            day(self.wechat),
            day(self.alipay),
            day(self.card),
            day(self.sscard)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_back_keep_defaults_for_the_channels_left_out_and_refuse_nonsense() {
        let windows = RefundWindows::parse("alipay=30, card=none").unwrap();
        assert_eq!(windows, RefundWindows { alipay: Some(30), card: None, ..RefundWindows::default() });
        assert_eq!(RefundWindows::parse(&windows.to_string()), Ok(windows));
        assert_eq!(windows.days(Tender::Cash), None);
        assert_eq!(windows.days(Tender::WeChat), Some(365));
        for bad in ["wechat", "wechat=0", "wechat=abc", "cash=10", "paypal=10", "alipay=9999"] {
            assert!(RefundWindows::parse(bad).is_err(), "{bad}");
        }
    }
}
