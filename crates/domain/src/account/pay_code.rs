//! The patient's payment code (付款码) scanned into a WeChat or Alipay tender: WeChat Pay's is
//! 18 digits starting 10–15, Alipay's 16–24 digits starting 25–30. A code of the other channel,
//! or of neither, is refused before any channel is asked.

use thiserror::Error;

use super::tender::Tender;

/// A payment code that has the shape of its tender's channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayCode(String);

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PayCodeError {
    #[error("{tender}收款须扫描患者的付款码")]
    Missing { tender: &'static str },
    #[error("这是{actual}付款码，不能用于{tender}收款，请改选{actual}")]
    OtherChannel { tender: &'static str, actual: &'static str },
    #[error("付款码“{text}”无效：微信付款码为 18 位数字（10–15 开头），支付宝付款码为 16–24 位数字（25–30 开头）")]
    Malformed { text: String },
    #[error("{tender}不用付款码")]
    NotACodeTender { tender: &'static str },
}

impl PayCodeError {
    pub fn code(&self) -> &'static str {
        match self {
            PayCodeError::Missing { .. } => "PAY_CODE_REQUIRED",
            PayCodeError::OtherChannel { .. } => "PAY_CODE_OTHER_CHANNEL",
            PayCodeError::Malformed { .. } => "PAY_CODE_MALFORMED",
            PayCodeError::NotACodeTender { .. } => "PAY_CODE_UNEXPECTED",
        }
    }
}

/// The channel whose code `digits` has the shape of, if any.
fn channel_of(digits: &str) -> Option<Tender> {
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let prefix: u32 = digits.get(..2)?.parse().ok()?;
    match (digits.len(), prefix) {
        (18, 10..=15) => Some(Tender::WeChat),
        (16..=24, 25..=30) => Some(Tender::Alipay),
        _ => None,
    }
}

impl PayCode {
    /// Whether `tender` is collected by scanning the payer's code.
    pub fn scanned_for(tender: Tender) -> bool {
        matches!(tender, Tender::WeChat | Tender::Alipay)
    }

    /// The code scanned for `tender` (spaces a scanner or a person may add are dropped).
    pub fn parse(tender: Tender, text: Option<&str>) -> Result<PayCode, PayCodeError> {
        if !PayCode::scanned_for(tender) {
            return Err(PayCodeError::NotACodeTender { tender: tender.label() });
        }
        let digits: String = text.unwrap_or_default().chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(PayCodeError::Missing { tender: tender.label() });
        }
        match channel_of(&digits) {
            Some(t) if t == tender => Ok(PayCode(digits)),
            Some(other) => Err(PayCodeError::OtherChannel { tender: tender.label(), actual: other.label() }),
            None => Err(PayCodeError::Malformed { text: digits }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_channel_knows_its_codes() {
        assert_eq!(PayCode::parse(Tender::WeChat, Some("134567890123456789")).unwrap().as_str(), "134567890123456789");
        assert_eq!(PayCode::parse(Tender::Alipay, Some("2812 3456 7890 1234")).unwrap().as_str(), "2812345678901234");
        let other = PayCode::parse(Tender::Alipay, Some("134567890123456789")).unwrap_err();
        assert_eq!(other.code(), "PAY_CODE_OTHER_CHANNEL");
        assert!(other.to_string().contains("微信付款码"), "{other}");
        for bad in ["13456789012345678", "164567890123456789", "31234567890123456", "2812345678901234a"] {
            assert_eq!(PayCode::parse(Tender::WeChat, Some(bad)).unwrap_err().code(), "PAY_CODE_MALFORMED", "{bad}");
        }
        assert_eq!(PayCode::parse(Tender::WeChat, None).unwrap_err().code(), "PAY_CODE_REQUIRED");
        assert_eq!(PayCode::parse(Tender::Cash, Some("1")).unwrap_err().code(), "PAY_CODE_UNEXPECTED");
    }
}
