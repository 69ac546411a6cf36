//! The shared vocabulary of statements: channel, kind of entry, status, and the exact fee amount
//! (five decimals, as WeChat prints it).

use std::fmt;

use domain::Money;
use rust_decimal::Decimal;

/// A payment channel, as named in the platform ledger's `channel` column.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Channel {
    Wechat,
    Alipay,
    Unionpay,
    Insurance,
    Cash,
}

impl Channel {
    pub const ALL: [Channel; 5] =
        [Channel::Wechat, Channel::Alipay, Channel::Unionpay, Channel::Insurance, Channel::Cash];

    /// The ledger's spelling: `wechat`, `alipay`, `unionpay`, `insurance`, `cash`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Wechat => "wechat",
            Channel::Alipay => "alipay",
            Channel::Unionpay => "unionpay",
            Channel::Insurance => "insurance",
            Channel::Cash => "cash",
        }
    }

    /// How finance says it.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Wechat => "微信",
            Channel::Alipay => "支付宝",
            Channel::Unionpay => "银联",
            Channel::Insurance => "医保",
            Channel::Cash => "现金",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// A dense index (0..5) for per-channel tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment (money in) or a refund (money back out).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Kind {
    Payment,
    Refund,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Payment => "payment",
            Kind::Refund => "refund",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Payment => "支付",
            Kind::Refund => "退款",
        }
    }
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "payment" => Some(Kind::Payment),
            "refund" => Some(Kind::Refund),
            _ => None,
        }
    }
}

/// Where an entry stands: money moved (`success`), did not move and will not (`closed`), or
/// is not known yet (`pending`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Status {
    Success,
    Closed,
    Pending,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Closed => "closed",
            Status::Pending => "pending",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Success => "成功",
            Status::Closed => "关闭",
            Status::Pending => "处理中",
        }
    }
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "success" => Some(Status::Success),
            "closed" => Some(Status::Closed),
            "pending" => Some(Status::Pending),
            _ => None,
        }
    }
}

/// A channel's fee, exact to 1/100000 yuan (WeChat prints fees with five decimals, `0.27000`).
///
/// Positive: the channel charged it; negative: the channel gave it back (on a refund). Fees
/// are never rounded while parsing or summing; [`Fee::to_money`] rounds half away from zero to
/// the fen (through `domain::Money`) only when a fen figure is reported.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fee(i64);

impl Fee {
    pub const ZERO: Fee = Fee(0);
    /// Units of a fee per yuan.
    pub const UNITS_PER_YUAN: i64 = 100_000;
    /// Units of a fee per fen.
    pub const UNITS_PER_FEN: i64 = 1_000;

    pub fn from_units(units: i64) -> Fee {
        Fee(units)
    }
    /// The fee in 1/100000 yuan.
    pub fn units(self) -> i64 {
        self.0
    }
    /// An exact fee from a fen amount (Alipay's 服务费, UnionPay's 商户手续费).
    pub fn from_money(money: Money) -> Fee {
        Fee(money.fen() * Self::UNITS_PER_FEN)
    }
    pub fn checked_add(self, other: Fee) -> Option<Fee> {
        self.0.checked_add(other.0).map(Fee)
    }
    pub fn abs(self) -> Fee {
        Fee(self.0.abs())
    }
    /// The fee rounded half away from zero to the fen (the hospital's one rounding rule).
    pub fn to_money(self) -> Money {
        Money::round_half_away(Decimal::new(self.0, 5)).unwrap_or(Money::ZERO)
    }
    /// Parses `0.27000`, `-0.06`, `3`: at most five decimals, no rounding.
    pub fn parse(text: &str) -> Option<Fee> {
        crate::amount::parse_scaled(text, 5).map(Fee)
    }
}

impl std::ops::Neg for Fee {
    type Output = Fee;
    fn neg(self) -> Fee {
        Fee(-self.0)
    }
}

impl fmt::Display for Fee {
    /// `0.27000`, `-0.06000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:05}", abs / 100_000, abs % 100_000)
    }
}

impl fmt::Debug for Fee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fee({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_keep_five_decimals_exactly() {
        assert_eq!(Fee::parse("0.27000").unwrap().units(), 27_000);
        assert_eq!(Fee::parse("-0.00006").unwrap().units(), -6);
        assert_eq!(Fee::parse("3").unwrap().units(), 300_000);
        assert_eq!(Fee::parse("0.000001"), None);
        assert_eq!(Fee::parse("0.27000").unwrap().to_string(), "0.27000");
        assert_eq!(Fee::from_units(-6).to_string(), "-0.00006");
        assert_eq!(Fee::from_units(500).to_money().fen(), 1);
        assert_eq!(Fee::from_units(-500).to_money().fen(), -1);
        assert_eq!(Fee::from_units(499).to_money().fen(), 0);
        assert_eq!(Fee::from_money(Money::from_fen(-6).unwrap()).units(), -6_000);
    }

    #[test]
    fn vocabulary_round_trips() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("WeChat"), None);
        assert_eq!(Kind::parse("refund"), Some(Kind::Refund));
        assert_eq!(Status::parse("pending"), Some(Status::Pending));
        assert_eq!(Status::parse("SUCCESS"), None);
    }
}
