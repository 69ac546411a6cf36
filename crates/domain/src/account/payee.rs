//! The account a patient designates for a 转账退款 (a refund the original route could not make,
//! paid by the hospital's bank): the bank, the holder's name and the account number — kept only
//! masked (the first four and last four digits), which is what every record, receipt and screen
//! carries.

use std::fmt;

use thiserror::Error;

/// A designated account, its number already masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payee {
    pub bank: String,
    pub holder: String,
    /// `6222********0123`.
    pub masked_account: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PayeeError {
    #[error("请填写开户银行")]
    NoBank,
    #[error("请填写收款人姓名")]
    NoHolder,
    #[error("收款账号应为 12–30 位数字（可含空格），请核对")]
    BadAccount,
    #[error("开户银行或收款人姓名过长（最多 40 字）")]
    TooLong,
}

impl PayeeError {
    pub fn code(&self) -> &'static str {
        match self {
            PayeeError::NoBank | PayeeError::NoHolder | PayeeError::TooLong => "PAYEE_INCOMPLETE",
            PayeeError::BadAccount => "PAYEE_ACCOUNT_INVALID",
        }
    }
}

const LONGEST: usize = 40;

impl Payee {
    /// Checks what the supervisor typed and masks the number; the full number goes no further.
    pub fn new(bank: &str, holder: &str, account: &str) -> Result<Payee, PayeeError> {
        let (bank, holder) = (bank.trim(), holder.trim());
        if bank.is_empty() {
            return Err(PayeeError::NoBank);
        }
        if holder.is_empty() {
            return Err(PayeeError::NoHolder);
        }
        if bank.chars().count() > LONGEST || holder.chars().count() > LONGEST {
            return Err(PayeeError::TooLong);
        }
        let digits: String = account.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if !(12..=30).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PayeeError::BadAccount);
        }
        let masked_account = format!("{}{}{}", &digits[..4], "*".repeat(digits.len() - 8), &digits[digits.len() - 4..]);
        Ok(Payee { bank: bank.to_owned(), holder: holder.to_owned(), masked_account })
    }
}

/// As a transfer line's reference: `工商银行 张三 6222********0123`.
impl fmt::Display for Payee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.bank, self.holder, self.masked_account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_masked_number() {
        let payee = Payee::new(" 工商银行 ", "张三", "6222 0212 3456 7890 123").unwrap();
        assert_eq!(payee.masked_account, format!("6222{}0123", "*".repeat(11)));
        assert_eq!(payee.to_string(), "工商银行 张三 6222***********0123");
        assert!(!payee.to_string().contains("02123456789"));
    }

    #[test]
    fn refuses_what_cannot_be_paid() {
        assert_eq!(Payee::new("", "张三", "622202123456789").unwrap_err(), PayeeError::NoBank);
        assert_eq!(Payee::new("工商银行", " ", "622202123456789").unwrap_err(), PayeeError::NoHolder);
        assert_eq!(Payee::new("工商银行", "张三", "62220212").unwrap_err(), PayeeError::BadAccount);
        assert_eq!(Payee::new("工商银行", "张三", "6222O2123456789").unwrap_err(), PayeeError::BadAccount);
        assert_eq!(Payee::new("工商银行", "张三", &"6".repeat(31)).unwrap_err(), PayeeError::BadAccount);
        assert_eq!(Payee::new(&"银".repeat(41), "张三", "622202123456789").unwrap_err().code(), "PAYEE_INCOMPLETE");
    }
}
