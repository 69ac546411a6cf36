//! What a cashier typed or scanned into the search box, recognised as one kind of lookup:
//! case number, wristband barcode, resident ID, name, or pinyin initials.

use thiserror::Error;

use crate::admission::{CaseNo, WRISTBAND_PREFIX};
use crate::person::is_han;
use crate::resident_id::{ResidentId, ResidentIdError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatientQuery {
    CaseNo(CaseNo),
    /// A wristband scan; carries the case number it encodes.
    Wristband(CaseNo),
    ResidentId(ResidentId),
    /// Start of the name in Chinese characters (张 finds 张三, 张三丰).
    NamePrefix(String),
    /// Start of the pinyin initials, lowercase (zs finds 张三, 张姗姗).
    InitialsPrefix(String),
    /// A document's number as printed on it — a receipt (YJ…), a settlement (JS…), a paper
    /// invoice — whose admission is wanted. A number of digits only is a case number first.
    DocumentNo(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PatientQueryError {
    #[error("请输入病案号、扫描腕带，或输入身份证号、姓名、拼音首字母")]
    Empty,
    #[error("查询内容过长（最多 40 个字符）")]
    TooLong,
    #[error(transparent)]
    ResidentId(#[from] ResidentIdError),
    #[error(
        "无法识别的查询内容：“{0}”。可输入病案号（6–12 位数字）、腕带条码、18 位身份证号、姓名、拼音首字母，或收据号、结算单号、票据号"
    )]
    Unrecognised(String),
}

impl PatientQueryError {
    pub fn code(&self) -> &'static str {
        match self {
            PatientQueryError::Empty => "QUERY_EMPTY",
            PatientQueryError::TooLong => "QUERY_TOO_LONG",
            PatientQueryError::ResidentId(e) => e.code(),
            PatientQueryError::Unrecognised(_) => "QUERY_UNRECOGNISED",
        }
    }
}

impl PatientQuery {
    pub fn parse(text: &str) -> Result<PatientQuery, PatientQueryError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PatientQueryError::Empty);
        }
        if text.chars().count() > 40 {
            return Err(PatientQueryError::TooLong);
        }
        let unrecognised = || PatientQueryError::Unrecognised(text.to_owned());
        if let Some(rest) = strip_prefix_ignore_case(text, WRISTBAND_PREFIX)
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
        {
            return CaseNo::parse(rest).map(PatientQuery::Wristband).map_err(|_| unrecognised());
        }
        let digits = text.bytes().filter(u8::is_ascii_digit).count();
        if text.len() == 18 && digits >= 17 {
            return Ok(PatientQuery::ResidentId(ResidentId::parse(text)?));
        }
        if digits == text.len() {
            return match text.len() {
                6..=12 => CaseNo::parse(text).map(PatientQuery::CaseNo).map_err(|_| unrecognised()),
                17..=19 => Err(ResidentIdError::WrongLength(text.len()).into()),
                _ => Err(unrecognised()),
            };
        }
        if text.chars().all(|c| is_han(c) || c == '·') && text.chars().next().is_some_and(is_han) {
            return Ok(PatientQuery::NamePrefix(text.to_owned()));
        }
        if text.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Ok(PatientQuery::InitialsPrefix(text.to_ascii_lowercase()));
        }
        let printed = text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && digits >= 4;
        if printed {
            return Ok(PatientQuery::DocumentNo(text.to_ascii_uppercase()));
        }
        Err(unrecognised())
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PatientQuery, PatientQueryError> {
        PatientQuery::parse(text)
    }

    #[test]
    fn recognises_each_kind() {
        assert_eq!(parse("2026000123"), Ok(PatientQuery::CaseNo(CaseNo::parse("2026000123").unwrap())));
        assert_eq!(parse("ZY2026000123"), Ok(PatientQuery::Wristband(CaseNo::parse("2026000123").unwrap())));
        assert_eq!(parse("zy2026000123\n"), Ok(PatientQuery::Wristband(CaseNo::parse("2026000123").unwrap())));
        assert!(matches!(parse("11010519491231002X"), Ok(PatientQuery::ResidentId(_))));
        assert_eq!(parse("张三"), Ok(PatientQuery::NamePrefix("张三".into())));
        assert_eq!(parse("ZS"), Ok(PatientQuery::InitialsPrefix("zs".into())));
        assert_eq!(parse("yj0100000001"), Ok(PatientQuery::DocumentNo("YJ0100000001".into())));
        assert_eq!(parse("JS0100000002"), Ok(PatientQuery::DocumentNo("JS0100000002".into())));
    }

    #[test]
    fn refuses_what_it_cannot_look_up() {
        assert_eq!(parse("  "), Err(PatientQueryError::Empty));
        assert_eq!(parse("110105194912310021"), Err(PatientQueryError::ResidentId(ResidentIdError::BadCheckDigit)));
        assert!(matches!(parse("12345"), Err(PatientQueryError::Unrecognised(_))));
        assert!(matches!(parse("' OR 1=1 --"), Err(PatientQueryError::Unrecognised(_))));
        assert!(matches!(parse("张%"), Err(PatientQueryError::Unrecognised(_))));
        assert!(matches!(parse("zs*"), Err(PatientQueryError::Unrecognised(_))));
        assert!(matches!(parse("ZY12"), Err(PatientQueryError::Unrecognised(_))));
        assert!(matches!(parse("YJ12"), Err(PatientQueryError::Unrecognised(_))), "too few digits for a number");
        assert_eq!(parse(&"a".repeat(41)), Err(PatientQueryError::TooLong));
    }
}
