//! Money on the wire: a decimal string with two places ("1234.50"), never a JSON number.

use std::fmt;

use domain::Money;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount as it crosses the boundary. Serializes as `"1234.50"`; deserializing refuses
/// numbers, more than two decimals and anything else `Money::parse` refuses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Yuan(pub Money);

impl Yuan {
    pub fn money(self) -> Money {
        self.0
    }
    /// `¥12,345.60`
    pub fn display(self) -> String {
        self.0.yuan()
    }
    /// 大写, e.g. 壹万贰仟叁佰肆拾伍元陆角
    pub fn words(self) -> String {
        self.0.words()
    }
}

impl From<Money> for Yuan {
    fn from(m: Money) -> Yuan {
        Yuan(m)
    }
}

impl fmt::Debug for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Yuan({})", self.0)
    }
}

impl fmt::Display for Yuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Yuan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Yuan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Yuan, D::Error> {
        struct YuanVisitor;
        impl Visitor<'_> for YuanVisitor {
            type Value = Yuan;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount as a string with at most two decimals, e.g. \"1234.50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Yuan, E> {
                Money::parse(v).map(Yuan).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(YuanVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travels_as_a_string_and_refuses_floats() {
        let y = Yuan(Money::parse("1234.5").unwrap());
        assert_eq!(serde_json::to_string(&y).unwrap(), "\"1234.50\"");
        assert_eq!(serde_json::from_str::<Yuan>("\"1234.50\"").unwrap(), y);
        assert!(serde_json::from_str::<Yuan>("1234.5").is_err());
        assert!(serde_json::from_str::<Yuan>("\"1.234\"").is_err());
    }
}
