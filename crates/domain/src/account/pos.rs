//! The POS terminal's slip (签购单) for a bank-card or social-security-card tender: the terminal
//! id (终端号, 8 letters or digits), the retrieval reference (参考号, 12 digits — the key UnionPay's
//! day file carries for the payment) and, when given, the voucher number (凭证号, 6 digits, per
//! terminal and batch). A card collected at the window names its slip; the day's reconciliation
//! matches the card payment by its 参考号.

use std::fmt;

use thiserror::Error;

use super::tender::Tender;

/// A terminal's slip as written on a tender line: `TERMINAL:REFERENCE[:VOUCHER]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PosSlip {
    pub terminal: String,
    pub reference: String,
    pub voucher: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SlipError {
    #[error("{tender}须填写 POS 签购单的终端号和参考号（如 12345678:123456789012）")]
    Missing { tender: &'static str },
    #[error("{tender}的签购单信息“{text}”无效：应为 终端号(8位字母或数字):参考号(12位数字)[:凭证号(6位数字)]")]
    Malformed { tender: &'static str, text: String },
}

impl SlipError {
    pub fn code(&self) -> &'static str {
        match self {
            SlipError::Missing { .. } => "TENDER_REFERENCE_REQUIRED",
            SlipError::Malformed { .. } => "TENDER_REFERENCE_MALFORMED",
        }
    }
}

fn all(text: &str, len: usize, ok: fn(char) -> bool) -> bool {
    text.chars().count() == len && text.chars().all(ok)
}

impl PosSlip {
    /// Reads `TERMINAL:REFERENCE[:VOUCHER]` (either colon width, spaces ignored around parts).
    pub fn parse(tender: Tender, text: &str) -> Result<PosSlip, SlipError> {
        let malformed = || SlipError::Malformed { tender: tender.label(), text: text.trim().to_owned() };
        let normal = text.replace('：', ":");
        let parts: Vec<&str> = normal.split(':').map(str::trim).collect();
        let (terminal, reference, voucher) = match parts.as_slice() {
            [t, r] => (*t, *r, None),
            [t, r, v] => (*t, *r, Some(*v)),
            _ => return Err(malformed()),
        };
        if !all(terminal, 8, |c| c.is_ascii_alphanumeric())
            || !all(reference, 12, |c| c.is_ascii_digit())
            || voucher.is_some_and(|v| !all(v, 6, |c| c.is_ascii_digit()))
        {
            return Err(malformed());
        }
        Ok(PosSlip {
            terminal: terminal.to_ascii_uppercase(),
            reference: reference.to_owned(),
            voucher: voucher.map(str::to_owned),
        })
    }

    /// The slip a tender line of `tender` must carry, if its tender is taken on a POS terminal.
    pub fn required(tender: Tender, reference: Option<&str>) -> Result<Option<PosSlip>, SlipError> {
        if !tender.on_pos_terminal() {
            return Ok(None);
        }
        match reference.map(str::trim).filter(|r| !r.is_empty()) {
            None => Err(SlipError::Missing { tender: tender.label() }),
            Some(text) => PosSlip::parse(tender, text).map(Some),
        }
    }

    /// The 参考号 of a line's reference, when it is a slip (the key of UnionPay's day file).
    pub fn reference_of(text: &str) -> Option<String> {
        PosSlip::parse(Tender::BankCard, text).ok().map(|s| s.reference)
    }
}

impl fmt::Display for PosSlip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.terminal, self.reference)?;
        if let Some(v) = &self.voucher {
            write!(f, ":{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_names_terminal_and_reference_and_maybe_the_voucher() {
        let slip = PosSlip::parse(Tender::BankCard, " ab123456：123456789012 ").unwrap();
        assert_eq!(slip.to_string(), "AB123456:123456789012");
        let slip = PosSlip::parse(Tender::BankCard, "AB123456:123456789012:000123").unwrap();
        assert_eq!(slip.voucher.as_deref(), Some("000123"));
        for bad in [
            "123456789012",
            "AB12345:123456789012",
            "AB123456:12345678901",
            "AB123456:12345678901X",
            "AB123456:123456789012:12",
            "a:b:c:d",
        ] {
            let e = PosSlip::parse(Tender::BankCard, bad).unwrap_err();
            assert_eq!(e.code(), "TENDER_REFERENCE_MALFORMED", "{bad}");
        }
        assert_eq!(PosSlip::reference_of("AB123456:123456789012:000123").as_deref(), Some("123456789012"));
        assert_eq!(PosSlip::reference_of("4200001"), None);
    }

    #[test]
    fn a_card_tender_needs_its_slip_and_others_do_not() {
        assert_eq!(PosSlip::required(Tender::BankCard, None).unwrap_err().code(), "TENDER_REFERENCE_REQUIRED");
        assert_eq!(
            PosSlip::required(Tender::SocialSecurityCard, Some(" ")).unwrap_err().code(),
            "TENDER_REFERENCE_REQUIRED"
        );
        assert!(PosSlip::required(Tender::BankCard, Some("AB123456:123456789012")).unwrap().is_some());
        assert_eq!(PosSlip::required(Tender::Cash, None), Ok(None));
        assert_eq!(PosSlip::required(Tender::WeChat, None), Ok(None));
    }
}
