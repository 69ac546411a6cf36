//! Who a patient is: their name (with the pinyin initials cashiers search by) and sex.

use std::fmt;

use pinyin::ToPinyin;
use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
    pub fn from_code(code: &str) -> Option<Sex> {
        match code {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// A person's name as registered: 1–20 characters, Chinese (with the middle dot of
/// minority names, 阿依古丽·买买提) or Latin letters and spaces for foreigners.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersonNameError {
    #[error("姓名不能为空")]
    Empty,
    #[error("姓名过长（最多 20 个字）")]
    TooLong,
    #[error("姓名中有不允许的字符：“{0}”")]
    BadCharacter(char),
}

impl PersonName {
    pub fn parse(text: &str) -> Result<PersonName, PersonNameError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PersonNameError::Empty);
        }
        if text.chars().count() > 20 {
            return Err(PersonNameError::TooLong);
        }
        if let Some(bad) = text.chars().find(|&c| !is_name_char(c)) {
            return Err(PersonNameError::BadCharacter(bad));
        }
        Ok(PersonName(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lowercase pinyin initials, one per character (张三 → zs, 曾小贤 → zxx); Latin letters
    /// stand for themselves, dots and spaces are skipped.
    pub fn initials(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for (index, ch) in self.0.chars().enumerate() {
            if index == 0
                && let Some(initial) = surname_initial(ch)
            {
                out.push(initial);
                continue;
            }
            if ch.is_ascii_alphabetic() {
                out.push(ch.to_ascii_lowercase());
            } else if let Some(p) = ch.to_pinyin() {
                out.push_str(p.first_letter());
            }
        }
        out
    }
}

/// Whether `c` may appear in a name: CJK ideographs, the middle dots used in transliterated
/// names, Latin letters and spaces.
pub fn is_name_char(c: char) -> bool {
    is_han(c) || c == '·' || c == '•' || c.is_ascii_alphabetic() || c == ' '
}

/// CJK Unified Ideographs and Extension A.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Surnames read differently from the character's common reading (曾 zēng, not céng).
fn surname_initial(c: char) -> Option<char> {
    Some(match c {
        '曾' | '查' | '翟' | '臧' => 'z',
        '单' | '沈' | '召' => 's',
        '解' | '冼' => 'x',
        '仇' | '覃' => 'q',
        '区' => 'o',
        '朴' => 'p',
        '缪' => 'm',
        '盖' => 'g',
        '乐' | '尉' | '员' => 'y',
        '秘' => 'b',
        '繁' => 'p',
        '折' => 's',
        '黑' => 'h',
        _ => return None,
    })
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn initials(name: &str) -> String {
        PersonName::parse(name).unwrap().initials()
    }

    #[test]
    fn initials_for_search() {
        assert_eq!(initials("张三"), "zs");
        assert_eq!(initials("李四光"), "lsg");
        assert_eq!(initials("曾小贤"), "zxx");
        assert_eq!(initials("单田芳"), "stf");
        assert_eq!(initials("欧阳娜娜"), "oynn");
        assert_eq!(initials("阿依古丽·买买提"), "ayglmmt");
        assert_eq!(initials("John Smith"), "johnsmith");
    }

    #[test]
    fn refuses_bad_names() {
        assert_eq!(PersonName::parse("  "), Err(PersonNameError::Empty));
        assert_eq!(PersonName::parse("张3"), Err(PersonNameError::BadCharacter('3')));
        assert_eq!(PersonName::parse("王%"), Err(PersonNameError::BadCharacter('%')));
        assert_eq!(PersonName::parse(&"王".repeat(21)), Err(PersonNameError::TooLong));
    }
}
