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

/// A count that differs from what the closes say, without a reason: refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReasonMissing {
    pub counted: Money,
    pub expected: Money,
    pub difference: Difference,
}

impl std::fmt::Display for ReasonMissing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "实收 {} 与应缴 {} 不符（{} {}），请填写原因",
            self.counted.yuan(),
            self.expected.yuan(),
            self.difference.label(),
            (self.counted - self.expected).abs().yuan()
        )
    }
}

/// How a hand-in stands: even, or 长款 / 短款 — which needs a reason (the counter and the
/// platform both decide it here).
pub fn settle_count(counted: Money, expected: Money, reason: Option<&str>) -> Result<Difference, ReasonMissing> {
    let difference = Difference::of(counted, expected);
    let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
    if difference != Difference::Even && !has_reason {
        return Err(ReasonMissing { counted, expected, difference });
    }
    Ok(difference)
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

    #[test]
    fn a_difference_needs_a_reason_and_an_even_count_does_not() {
        let m = |t: &str| Money::parse(t).unwrap();
        assert_eq!(settle_count(m("10.00"), m("10.00"), None), Ok(Difference::Even));
        let missing = settle_count(m("9.90"), m("10.00"), Some("  ")).unwrap_err();
        assert_eq!(missing.to_string(), "实收 ¥9.90 与应缴 ¥10.00 不符（短款 ¥0.10），请填写原因");
        assert_eq!(settle_count(m("10.50"), m("10.00"), Some("多收")), Ok(Difference::Over(m("0.50"))));
    }
}
