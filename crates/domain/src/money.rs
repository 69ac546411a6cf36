//! Money in yuan with exactly two decimals (fen): the only place amounts are parsed, rounded,
//! converted to and from integer fen, and formatted for people.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};
use thiserror::Error;

/// An amount of renminbi, exact to the fen.
///
/// Invariant: the inner decimal always has scale 2 and `|fen| <= Money::LIMIT_FEN`, so it
/// converts to `i64` fen without loss and every value has a 大写 form.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

/// Why a text or number is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("请输入金额")]
    Empty,
    #[error("金额格式不正确：“{0}”，请输入如 1234.56 的数字")]
    Malformed(String),
    #[error("金额最多两位小数（到分）：“{0}”")]
    TooManyDecimals(String),
    #[error("金额超出范围：“{0}”")]
    OutOfRange(String),
}

impl MoneyError {
    /// Stable machine-readable code; the UI branches on it, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Empty => "MONEY_EMPTY",
            MoneyError::Malformed(_) => "MONEY_MALFORMED",
            MoneyError::TooManyDecimals(_) => "MONEY_TOO_MANY_DECIMALS",
            MoneyError::OutOfRange(_) => "MONEY_OUT_OF_RANGE",
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));
    /// The largest magnitude any amount may have: 9999万亿 yuan less one fen, the largest
    /// value with a 大写 form (and far beyond any hospital's turnover).
    pub const LIMIT_FEN: i64 = 999_999_999_999_999_999;

    /// An amount from integer fen, as stored in SQLite.
    pub fn from_fen(fen: i64) -> Result<Money, MoneyError> {
        if fen.unsigned_abs() > Self::LIMIT_FEN.unsigned_abs() {
            return Err(MoneyError::OutOfRange(fen.to_string()));
        }
        Ok(Money(Decimal::new(fen, 2)))
    }

    /// Integer fen, as stored in SQLite. Exact by the type's invariant.
    pub fn fen(self) -> i64 {
        i64::try_from(self.0.mantissa()).expect("Money invariant: |fen| <= LIMIT_FEN fits i64")
    }

    /// Whole yuan (truncated toward zero) and the fen part, both non-negative magnitudes.
    pub fn yuan_and_fen_abs(self) -> (u64, u8) {
        let fen = self.fen().unsigned_abs();
        (fen / 100, (fen % 100) as u8)
    }

    /// Parses what a person typed: `1234.56`, `-12.5`, `¥300`, `0.05`. At most two decimals
    /// are accepted; no exponent, no thousands separators, no rounding.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, rest) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let rest = rest.strip_prefix('¥').or_else(|| rest.strip_prefix('￥')).unwrap_or(rest);
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return Err(MoneyError::Malformed(trimmed.to_owned()));
        }
        let frac = frac_part.unwrap_or("");
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals(trimmed.to_owned()));
        }
        let int_digits = int_part.trim_start_matches('0');
        if int_digits.len() > 16 {
            return Err(MoneyError::OutOfRange(trimmed.to_owned()));
        }
        let whole: i64 = if int_digits.is_empty() {
            0
        } else {
            int_digits.parse().map_err(|_| MoneyError::OutOfRange(trimmed.to_owned()))?
        };
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => i64::from(frac.as_bytes()[0] - b'0') * 10,
            _ => i64::from(frac.as_bytes()[0] - b'0') * 10 + i64::from(frac.as_bytes()[1] - b'0'),
        };
        let fen = whole
            .checked_mul(100)
            .and_then(|f| f.checked_add(frac_fen))
            .ok_or_else(|| MoneyError::OutOfRange(trimmed.to_owned()))?;
        let signed = if negative { -fen } else { fen };
        Money::from_fen(signed).map_err(|_| MoneyError::OutOfRange(trimmed.to_owned()))
    }

    /// Rounds any decimal to the fen, half away from zero (1.005 → 1.01, −1.005 → −1.01):
    /// the hospital's rounding rule, and the only rounding of money in the code base.
    #[allow(clippy::disallowed_methods, reason = "the one rounding of money: clippy.toml bans it everywhere else")]
    pub fn round_half_away(value: Decimal) -> Result<Money, MoneyError> {
        let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(2);
        let fen = i64::try_from(rounded.mantissa()).map_err(|_| MoneyError::OutOfRange(value.to_string()))?;
        Money::from_fen(fen)
    }

    /// An exact decimal with at most two decimals; anything finer is refused, not rounded.
    pub fn from_decimal_exact(value: Decimal) -> Result<Money, MoneyError> {
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooManyDecimals(value.to_string()));
        }
        Money::round_half_away(normalized)
    }

    /// Unit price × quantity, rounded half away from zero to the fen.
    pub fn times(self, quantity: Decimal) -> Result<Money, MoneyError> {
        let product =
            self.0.checked_mul(quantity).ok_or_else(|| MoneyError::OutOfRange(format!("{self} × {quantity}")))?;
        Money::round_half_away(product)
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.fen().checked_add(other.fen()).and_then(|f| Money::from_fen(f).ok())
    }
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.fen().checked_sub(other.fen()).and_then(|f| Money::from_fen(f).ok())
    }
    pub fn min(self, other: Money) -> Money {
        if self <= other { self } else { other }
    }
    pub fn max(self, other: Money) -> Money {
        if self >= other { self } else { other }
    }

    /// How a cashier reads an amount: `¥12,345.60`, `-¥5.00`.
    pub fn yuan(self) -> String {
        let (yuan, fen) = self.yuan_and_fen_abs();
        let digits = yuan.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 4);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        format!("{sign}¥{grouped}.{fen:02}")
    }

    /// The amount in Chinese capital numerals (大写金额), e.g. 壹仟贰佰叁拾肆元伍角陆分.
    pub fn words(self) -> String {
        crate::words::capital_amount(self)
    }
}

impl fmt::Display for Money {
    /// Plain decimal with two places (`1234.50`), as in files and JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Zero and sums starting from it carry no scale of their own: always two places.
        write!(f, "{:.2}", self.0)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl Add for Money {
    type Output = Money;
    /// Panics only past 9999万亿 yuan, which no ledger reaches.
    fn add(self, rhs: Money) -> Money {
        self.checked_add(rhs).expect("money overflow past Money::LIMIT_FEN")
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        self.checked_sub(rhs).expect("money overflow past Money::LIMIT_FEN")
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

/// An amount a person may move in one operation (a deposit, a tender, a refund): more than
/// zero and at most ¥10,000,000.00. Larger figures are typing mistakes, not payments.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct PaymentAmount(Money);

impl PaymentAmount {
    pub const MAX_FEN: i64 = 1_000_000_000;

    pub fn parse(text: &str) -> Result<PaymentAmount, PaymentAmountError> {
        let money = Money::parse(text).map_err(PaymentAmountError::Money)?;
        PaymentAmount::new(money)
    }

    pub fn new(money: Money) -> Result<PaymentAmount, PaymentAmountError> {
        if !money.is_positive() {
            return Err(PaymentAmountError::NotPositive(money));
        }
        if money.fen() > Self::MAX_FEN {
            return Err(PaymentAmountError::TooLarge(money));
        }
        Ok(PaymentAmount(money))
    }

    pub fn money(self) -> Money {
        self.0
    }
}

/// Why an amount cannot be paid or refunded in one operation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaymentAmountError {
    #[error(transparent)]
    Money(MoneyError),
    #[error("金额必须大于零（输入为 {0}）")]
    NotPositive(Money),
    #[error("金额 {} 超过单笔上限 ¥10,000,000.00，请核对", .0.yuan())]
    TooLarge(Money),
}

impl PaymentAmountError {
    pub fn code(&self) -> &'static str {
        match self {
            PaymentAmountError::Money(e) => e.code(),
            PaymentAmountError::NotPositive(_) => "AMOUNT_NOT_POSITIVE",
            PaymentAmountError::TooLarge(_) => "AMOUNT_TOO_LARGE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn parses_what_cashiers_type() {
        assert_eq!(m("1234.56").fen(), 123_456);
        assert_eq!(m("  300 ").fen(), 30_000);
        assert_eq!(m("0.05").fen(), 5);
        assert_eq!(m("12.5").fen(), 1_250);
        assert_eq!(m("-12.5").fen(), -1_250);
        assert_eq!(m("¥300.00").fen(), 30_000);
        assert_eq!(m("￥7").fen(), 700);
        assert_eq!(m("007.10").fen(), 710);
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert_eq!(Money::parse("   "), Err(MoneyError::Empty));
        for bad in ["abc", "1e5", "1.", ".5", "1,000", "--1", "+5", "1.2.3", "12 34", "NaN", "¥", "-"] {
            assert!(matches!(Money::parse(bad), Err(MoneyError::Malformed(_))), "{bad}");
        }
        assert!(matches!(Money::parse("1.234"), Err(MoneyError::TooManyDecimals(_))));
        assert!(matches!(Money::parse("1.500"), Err(MoneyError::TooManyDecimals(_))));
        assert!(matches!(Money::parse("99999999999999999"), Err(MoneyError::OutOfRange(_))));
        assert!(Money::parse("9999999999999999.99").is_ok());
    }

    #[test]
    fn rounds_half_away_from_zero_unlike_bankers() {
        let r = |s: &str| Money::round_half_away(s.parse::<Decimal>().unwrap()).unwrap().fen();
        assert_eq!(r("1.005"), 101);
        assert_eq!(r("1.015"), 102);
        assert_eq!(r("1.025"), 103);
        assert_eq!(r("-1.005"), -101);
        assert_eq!(r("2.3449"), 234);
        assert_eq!(m("3.33").times("3".parse().unwrap()).unwrap().fen(), 999);
        assert_eq!(m("0.15").times("0.5".parse().unwrap()).unwrap().fen(), 8);
    }

    #[test]
    fn exact_conversion_refuses_fractions_of_a_fen() {
        assert!(Money::from_decimal_exact("1.50".parse().unwrap()).is_ok());
        assert!(Money::from_decimal_exact("1.500".parse().unwrap()).is_ok());
        assert!(matches!(Money::from_decimal_exact("1.505".parse().unwrap()), Err(MoneyError::TooManyDecimals(_))));
    }

    #[test]
    fn formats_for_people_and_files() {
        assert_eq!(m("12345.6").yuan(), "¥12,345.60");
        assert_eq!(m("-5").yuan(), "-¥5.00");
        assert_eq!(m("0").yuan(), "¥0.00");
        assert_eq!(m("999").yuan(), "¥999.00");
        assert_eq!(m("1000").yuan(), "¥1,000.00");
        assert_eq!(m("1234567.89").yuan(), "¥1,234,567.89");
        assert_eq!(m("12.5").to_string(), "12.50");
        assert_eq!(Money::ZERO.to_string(), "0.00");
    }

    #[test]
    fn payment_amounts_are_positive_and_sane() {
        assert!(PaymentAmount::parse("0.01").is_ok());
        assert!(PaymentAmount::parse("10000000").is_ok());
        assert!(matches!(PaymentAmount::parse("0"), Err(PaymentAmountError::NotPositive(_))));
        assert!(matches!(PaymentAmount::parse("-5"), Err(PaymentAmountError::NotPositive(_))));
        assert!(matches!(PaymentAmount::parse("10000000.01"), Err(PaymentAmountError::TooLarge(_))));
        assert!(matches!(
            PaymentAmount::parse("1.001"),
            Err(PaymentAmountError::Money(MoneyError::TooManyDecimals(_)))
        ));
    }

    proptest! {
        #[test]
        fn fen_round_trips_through_text(fen in -Money::LIMIT_FEN..=Money::LIMIT_FEN) {
            let money = Money::from_fen(fen).unwrap();
            prop_assert_eq!(money.fen(), fen);
            prop_assert_eq!(Money::parse(&money.to_string()).unwrap(), money);
            let without_separators = money.yuan().replace([',', '¥'], "");
            prop_assert_eq!(Money::parse(&without_separators).unwrap(), money);
        }

        #[test]
        fn addition_is_exact(a in -1_000_000_000_000i64..1_000_000_000_000, b in -1_000_000_000_000i64..1_000_000_000_000) {
            let sum = Money::from_fen(a).unwrap() + Money::from_fen(b).unwrap();
            prop_assert_eq!(sum.fen(), a + b);
            prop_assert_eq!((sum - Money::from_fen(b).unwrap()).fen(), a);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,24}") {
            let _ = Money::parse(&text);
        }

        #[test]
        fn rounding_is_within_half_a_fen(units in -10_000_000_000i64..10_000_000_000, scale in 0u32..6) {
            let value = Decimal::new(units, scale);
            let rounded = Money::round_half_away(value).unwrap();
            let diff = (rounded.as_decimal() - value).abs();
            prop_assert!(diff <= Decimal::new(5, 3));
        }
    }
}
