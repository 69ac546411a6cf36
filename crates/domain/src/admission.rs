//! An inpatient admission (住院): who, where, since when, how insured, and its case number.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use thiserror::Error;
use uuid::Uuid;

use crate::person::{PersonName, Sex};
use crate::resident_id::ResidentId;

/// The admission's number (病案号/住院号): 6–12 digits, printed on the wristband.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNo(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("病案号应为 6–12 位数字：“{0}”")]
pub struct CaseNoError(pub String);

impl CaseNo {
    pub fn parse(text: &str) -> Result<CaseNo, CaseNoError> {
        let text = text.trim();
        if (6..=12).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(CaseNo(text.to_owned()))
        } else {
            Err(CaseNoError(text.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// What the wristband's barcode encodes: `ZY` and the case number.
    pub fn wristband_code(&self) -> String {
        format!("{WRISTBAND_PREFIX}{}", self.0)
    }
}

/// Prefix of the wristband barcode (住院 ZhuYuan).
pub const WRISTBAND_PREFIX: &str = "ZY";

impl fmt::Display for CaseNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for CaseNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CaseNo({})", self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InsuranceType {
    /// 城镇职工基本医疗保险
    Employee,
    /// 城乡居民基本医疗保险
    Resident,
    /// 自费
    SelfPay,
}

impl InsuranceType {
    pub const ALL: [InsuranceType; 3] = [InsuranceType::Employee, InsuranceType::Resident, InsuranceType::SelfPay];
    pub fn code(self) -> &'static str {
        match self {
            InsuranceType::Employee => "employee",
            InsuranceType::Resident => "resident",
            InsuranceType::SelfPay => "self_pay",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            InsuranceType::Employee => "职工医保",
            InsuranceType::Resident => "居民医保",
            InsuranceType::SelfPay => "自费",
        }
    }
    pub fn from_code(code: &str) -> Option<InsuranceType> {
        InsuranceType::ALL.into_iter().find(|t| t.code() == code)
    }
    pub fn is_insured(self) -> bool {
        match self {
            InsuranceType::Employee | InsuranceType::Resident => true,
            InsuranceType::SelfPay => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ward {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patient {
    pub id: Uuid,
    pub name: PersonName,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub resident_id: Option<ResidentId>,
}

impl Patient {
    /// The person as insurance and the blood platform know them: the resident ID, or the
    /// patient's id when the ID is unknown.
    pub fn person_id(&self) -> String {
        self.resident_id.as_ref().map_or_else(|| self.id.to_string(), ToString::to_string)
    }

    /// Age in whole years on `day` (the caller passes today; the domain reads no clock).
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        let mut years = day.year() - self.birth_date.year();
        if (day.month(), day.day()) < (self.birth_date.month(), self.birth_date.day()) {
            years -= 1;
        }
        u32::try_from(years).unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admission {
    pub id: Uuid,
    pub case_no: CaseNo,
    pub patient: Patient,
    pub ward: Ward,
    pub bed_no: String,
    pub insurance: InsuranceType,
    pub admitted_at: NaiveDateTime,
    pub department: String,
    pub doctor: String,
    pub diagnosis: String,
}

impl Admission {
    /// Days in hospital counted the Chinese billing way: the day of admission counts, the day of
    /// discharge does not, and a same-day stay is one day.
    pub fn days_in_hospital(&self, until: NaiveDate) -> i64 {
        (until - self.admitted_at.date()).num_days().max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers() {
        assert_eq!(CaseNo::parse(" 2026000123 ").unwrap().as_str(), "2026000123");
        assert_eq!(CaseNo::parse("2026000123").unwrap().wristband_code(), "ZY2026000123");
        assert!(CaseNo::parse("12345").is_err());
        assert!(CaseNo::parse("12345a").is_err());
        assert!(CaseNo::parse("1234567890123").is_err());
    }

    #[test]
    fn age_counts_birthdays() {
        let patient = Patient {
            id: Uuid::nil(),
            name: PersonName::parse("张三").unwrap(),
            sex: Sex::Male,
            birth_date: NaiveDate::from_ymd_opt(1980, 6, 15).unwrap(),
            resident_id: None,
        };
        assert_eq!(patient.age_on(NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()), 45);
        assert_eq!(patient.age_on(NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()), 46);
    }
}
