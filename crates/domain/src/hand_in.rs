//! Finance's count of a cashier's hand-in (缴款确认): the cash by denomination (100, 50, 20, 10,
//! 5 and 1 yuan, 5 and 1 jiao) and the difference against what the closes say (长款 when more was
//! handed in, 短款 when less).

use crate::Money;

/// The notes and coins counted, face value in fen, largest first.
pub const DENOMINATIONS_FEN: [i64; 8] = [10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10];

/// "100元", "5角".
pub fn denomination_label(fen: i64) -> String {
    if fen >= 100 { format!("{}元", fen / 100) } else { format!("{}角", fen / 10) }
}

/// A face value as typed ("100", "0.5", "100元", "5角") in fen, if it is one of the counted ones.
pub fn parse_denomination(text: &str) -> Option<i64> {
    let text = text.trim();
    let fen = if let Some(jiao) = text.strip_suffix('角') {
        jiao.trim().parse::<i64>().ok()? * 10
    } else {
        let yuan = text.strip_suffix('元').unwrap_or(text).trim();
        Money::parse(yuan).ok()?.fen()
    };
    DENOMINATIONS_FEN.contains(&fen).then_some(fen)
}

/// The cash of `pieces` (face value in fen, count).
pub fn count_cash(pieces: &[(i64, u32)]) -> Money {
    let fen: i64 = pieces.iter().map(|(face, n)| face * i64::from(*n)).sum();
    Money::from_fen(fen).unwrap_or(Money::ZERO)
}

/// How what was counted stands against what was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difference {
    Even,
    /// 长款: more handed in than the closes say.
    Over(Money),
    /// 短款: less.
    Short(Money),
}

impl Difference {
    pub fn of(counted: Money, expected: Money) -> Difference {
        let d = counted - expected;
        if d.is_zero() {
            Difference::Even
        } else if d.is_positive() {
            Difference::Over(d)
        } else {
            Difference::Short(-d)
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Difference::Even => "even",
            Difference::Over(_) => "over",
            Difference::Short(_) => "short",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Difference::Even => "无差额",
            Difference::Over(_) => "长款",
            Difference::Short(_) => "短款",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denominations_are_read_and_counted() {
        assert_eq!(parse_denomination("100"), Some(10_000));
        assert_eq!(parse_denomination("0.5"), Some(50));
        assert_eq!(parse_denomination("5角"), Some(50));
        assert_eq!(parse_denomination("1元"), Some(100));
        assert_eq!(parse_denomination("0.1"), Some(10));
        assert_eq!(parse_denomination("2"), None, "no 2-yuan note is counted");
        assert_eq!(parse_denomination("0.05"), None);
        assert_eq!(count_cash(&[(10_000, 12), (50, 3), (10, 2)]), Money::parse("1201.70").unwrap());
        assert_eq!(denomination_label(50), "5角");
        assert_eq!(denomination_label(2_000), "20元");
    }

    #[test]
    fn a_difference_is_over_short_or_even() {
        let m = |t: &str| Money::parse(t).unwrap();
        assert_eq!(Difference::of(m("100.00"), m("100.00")), Difference::Even);
        assert_eq!(Difference::of(m("100.10"), m("100.00")), Difference::Over(m("0.10")));
        assert_eq!(Difference::of(m("99.00"), m("100.00")), Difference::Short(m("1.00")));
        assert_eq!(Difference::Short(m("1.00")).label(), "短款");
    }
}
