//! Exact, allocation-free parsing of amounts on the hot path: yuan with up to two decimals into
//! integer fen (then `domain::Money`), fees with up to five decimals, zero-padded fen fields.
//! Agrees with `Money::parse` on every amount both accept (a property test holds it to that).

use domain::Money;

/// The most integer digits an amount may have (¥999 万亿; `Money` holds more). Fewer when more
/// decimals are allowed, so that the scaled value always fits an `i64`.
const MAX_INT_DIGITS: usize = 15;

/// `[-]digits[.d{1,scale}]` scaled to an integer: `parse_scaled("1.5", 2) == Some(150)`.
/// No sign other than a leading `-`, no spaces, no exponent, no thousands separators.
pub(crate) fn parse_scaled(text: &str, scale: u32) -> Option<i64> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        _ => (false, bytes),
    };
    let max_int_digits = MAX_INT_DIGITS.min(18 - scale as usize);
    let mut value: i64 = 0;
    let mut int_digits = 0usize;
    let mut i = 0;
    while i < digits.len() && digits[i].is_ascii_digit() {
        value = value * 10 + i64::from(digits[i] - b'0');
        int_digits += 1;
        if int_digits > max_int_digits {
            return None;
        }
        i += 1;
    }
    if int_digits == 0 {
        return None;
    }
    let mut frac_digits = 0u32;
    if i < digits.len() {
        if digits[i] != b'.' {
            return None;
        }
        i += 1;
        while i < digits.len() && digits[i].is_ascii_digit() {
            value = value * 10 + i64::from(digits[i] - b'0');
            frac_digits += 1;
            if frac_digits > scale {
                return None;
            }
            i += 1;
        }
        if frac_digits == 0 || i != digits.len() {
            return None;
        }
    }
    let value = value * 10i64.pow(scale - frac_digits);
    Some(if negative { -value } else { value })
}

/// Yuan with at most two decimals, as integer fen.
pub(crate) fn parse_fen(text: &str) -> Option<i64> {
    parse_scaled(text, 2)
}

/// Yuan with at most two decimals.
pub(crate) fn parse_money(text: &str) -> Option<Money> {
    parse_fen(text).and_then(|fen| Money::from_fen(fen).ok())
}

/// A zero-padded field of fen (`000000012800` is ¥128.00), all digits.
pub(crate) fn parse_padded_fen(field: &[u8]) -> Option<i64> {
    if field.is_empty() || field.len() > 17 || !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(field.iter().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')))
}

/// A running total of fen or fee units that cannot overflow on any file (i128), converted
/// back with a range check at the end.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Total(pub(crate) i128);

impl Total {
    pub(crate) fn add(&mut self, units: i64) {
        self.0 += i128::from(units);
    }
    pub(crate) fn money(self) -> Option<Money> {
        i64::try_from(self.0).ok().and_then(|fen| Money::from_fen(fen).ok())
    }
    pub(crate) fn fee(self) -> Option<crate::Fee> {
        i64::try_from(self.0).ok().map(crate::Fee::from_units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_statement_amounts() {
        assert_eq!(parse_fen("1280.00"), Some(128_000));
        assert_eq!(parse_fen("0.01"), Some(1));
        assert_eq!(parse_fen("-0.04"), Some(-4));
        assert_eq!(parse_fen("12.5"), Some(1_250));
        assert_eq!(parse_fen("7"), Some(700));
        assert_eq!(parse_fen("007.10"), Some(710));
        for bad in ["", "-", ".5", "1.", "1.234", "1,000", "+1", " 1", "1 ", "1e3", "¥1", "--1", "1.2.3", "0x10"] {
            assert_eq!(parse_fen(bad), None, "{bad:?}");
        }
        assert_eq!(parse_fen("999999999999999.99"), Some(99_999_999_999_999_999));
        assert_eq!(parse_fen("1000000000000000"), None);
        assert_eq!(parse_scaled("0.27000", 5), Some(27_000));
        assert_eq!(parse_scaled("0.270001", 5), None);
        assert_eq!(parse_scaled("9999999999999.99999", 5), Some(999_999_999_999_999_999));
        assert_eq!(parse_scaled("99999999999999", 5), None);
        assert_eq!(parse_padded_fen(b"000000012800"), Some(12_800));
        assert_eq!(parse_padded_fen(b"0000000128 0"), None);
        assert_eq!(parse_padded_fen(b""), None);
    }

    #[test]
    fn totals_refuse_what_money_cannot_hold() {
        let mut total = Total::default();
        total.add(i64::MAX);
        total.add(i64::MAX);
        assert_eq!(total.money(), None);
        let mut small = Total::default();
        small.add(5);
        small.add(-7);
        assert_eq!(small.money().map(Money::fen), Some(-2));
    }

    proptest! {
        #[test]
        fn agrees_with_money_parse(fen in -99_999_999_999_999_999i64..=99_999_999_999_999_999) {
            let money = Money::from_fen(fen).unwrap();
            let text = money.to_string();
            prop_assert_eq!(parse_fen(&text), Some(fen));
            prop_assert_eq!(parse_money(&text), Some(money));
        }

        #[test]
        fn never_accepts_what_money_refuses(text in "[-0-9.]{0,20}") {
            if let Some(fen) = parse_fen(&text) {
                prop_assert_eq!(Money::parse(&text).map(Money::fen), Ok(fen));
            }
        }
    }
}
