//! Chinese resident identity numbers (居民身份证号码, GB 11643-1999): 18 characters whose last
//! one is an ISO 7064 MOD 11-2 check digit over the first 17.

use std::fmt;

use chrono::NaiveDate;
use thiserror::Error;

use crate::person::Sex;

/// A resident ID number whose form, birth date and check digit are valid.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResidentIdError {
    #[error("身份证号应为 18 位（输入了 {0} 位）")]
    WrongLength(usize),
    #[error("身份证号只能由数字组成，最后一位可以是 X")]
    BadCharacter,
    #[error("身份证号中的地区码无效")]
    BadRegion,
    #[error("身份证号中的出生日期无效")]
    BadBirthDate,
    #[error("身份证号校验位错误，请核对后重新输入")]
    BadCheckDigit,
}

impl ResidentIdError {
    pub fn code(&self) -> &'static str {
        match self {
            ResidentIdError::WrongLength(_) => "RESIDENT_ID_LENGTH",
            ResidentIdError::BadCharacter => "RESIDENT_ID_CHARACTER",
            ResidentIdError::BadRegion => "RESIDENT_ID_REGION",
            ResidentIdError::BadBirthDate => "RESIDENT_ID_BIRTH_DATE",
            ResidentIdError::BadCheckDigit => "RESIDENT_ID_CHECK_DIGIT",
        }
    }
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits, or `None` if they are not 17 ASCII digits.
pub fn check_character(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(CHECK_CHARS[(sum % 11) as usize])
}

impl ResidentId {
    /// Validates a typed or read ID; a lowercase `x` is accepted and stored as `X`.
    pub fn parse(text: &str) -> Result<ResidentId, ResidentIdError> {
        let text = text.trim();
        let count = text.chars().count();
        if count != 18 {
            return Err(ResidentIdError::WrongLength(count));
        }
        let upper = text.to_ascii_uppercase();
        let (first17, last) = upper.split_at(17);
        if !first17.bytes().all(|b| b.is_ascii_digit()) || !(last == "X" || last.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ResidentIdError::BadCharacter);
        }
        if !(b'1'..=b'9').contains(&first17.as_bytes()[0]) {
            return Err(ResidentIdError::BadRegion);
        }
        if birth_date_of(first17).is_none() {
            return Err(ResidentIdError::BadBirthDate);
        }
        let expected = check_character(first17).ok_or(ResidentIdError::BadCharacter)?;
        if !last.starts_with(expected) {
            return Err(ResidentIdError::BadCheckDigit);
        }
        Ok(ResidentId(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).expect("validated at parse")
    }

    /// The 17th digit is odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// Shown on screens and receipts: the middle hidden (330106********123X).
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

fn birth_date_of(digits: &str) -> Option<NaiveDate> {
    let year: i32 = digits.get(6..10)?.parse().ok()?;
    let month: u32 = digits.get(10..12)?.parse().ok()?;
    let day: u32 = digits.get(12..14)?.parse().ok()?;
    if !(1880..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_valid_ids() {
        // The GB 11643 worked example and a lowercase-x variant.
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(ResidentId::parse("11010519491231002x").unwrap().as_str(), "11010519491231002X");
        assert_eq!(ResidentId::parse("440524188001010014").unwrap().sex(), Sex::Male);
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn refuses_each_kind_of_mistake() {
        assert_eq!(ResidentId::parse("110105194912310021"), Err(ResidentIdError::BadCheckDigit));
        assert_eq!(ResidentId::parse("11010519491231002"), Err(ResidentIdError::WrongLength(17)));
        assert_eq!(ResidentId::parse("1101051949123100X2"), Err(ResidentIdError::BadCharacter));
        assert_eq!(ResidentId::parse("11010519491331002X"), Err(ResidentIdError::BadBirthDate));
        assert_eq!(ResidentId::parse("01010519491231002X"), Err(ResidentIdError::BadRegion));
        assert_eq!(ResidentId::parse("张三"), Err(ResidentIdError::WrongLength(2)));
    }

    proptest! {
        #[test]
        fn any_single_digit_change_is_caught(
            region in 110000u32..659999, days in 0i64..40000, seq in 0u32..999, pos in 0usize..17, delta in 1u8..10,
        ) {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::Duration::days(days);
            let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
            let check = check_character(&first17).unwrap();
            let good = format!("{first17}{check}");
            prop_assert!(ResidentId::parse(&good).is_ok());
            let mut bytes = good.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(ResidentId::parse(&changed).is_err(), "{}", changed);
        }
    }
}
