//! Pre-numbered paper (票据领用 / 核销): ranges of fiscal invoice paper or deposit receipt paper
//! received by a cashier or a kiosk, the next number to print on (oldest range first), and
//! write-offs of lost or damaged numbers. A number is used once: never handed out again, never
//! written off once used; ranges of one kind and prefix never overlap.

use std::collections::HashSet;
use std::fmt;

use thiserror::Error;

/// What the paper is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaperKind {
    /// 医疗收费票据 paper, for paper copies of e-invoices (换开).
    Invoice,
    /// 预交金收据 paper.
    Receipt,
}

impl PaperKind {
    pub fn code(self) -> &'static str {
        match self {
            PaperKind::Invoice => "invoice",
            PaperKind::Receipt => "receipt",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PaperKind::Invoice => "票据纸",
            PaperKind::Receipt => "收据纸",
        }
    }
    pub fn from_code(code: &str) -> Option<PaperKind> {
        [PaperKind::Invoice, PaperKind::Receipt].into_iter().find(|k| k.code() == code)
    }
}

/// A range of paper numbers: `prefix` then `first..=last` zero-padded to `width` digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperRange {
    pub kind: PaperKind,
    pub prefix: String,
    pub first: u64,
    pub last: u64,
    pub width: usize,
}

impl PaperRange {
    /// The printed form of `number` in this range.
    pub fn text(&self, number: u64) -> String {
        format!("{}{:0width$}", self.prefix, number, width = self.width)
    }

    pub fn contains(&self, number: u64) -> bool {
        (self.first..=self.last).contains(&number)
    }

    fn overlaps(&self, other: &PaperRange) -> bool {
        self.kind == other.kind && self.prefix == other.prefix && self.first <= other.last && other.first <= self.last
    }
}

impl fmt::Display for PaperRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.text(self.first), self.text(self.last))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaperError {
    #[error("号段无效：起始号 {first} 大于终止号 {last}")]
    Reversed { first: u64, last: u64 },
    #[error("号段无效：号码位数 {width} 容不下终止号 {last}")]
    TooNarrow { width: usize, last: u64 },
    #[error("号段 {new} 与已领用的号段 {existing} 重叠，未领用")]
    Overlap { new: String, existing: String },
    #[error("{kind}已用完，请先领用新的号段")]
    NoStock { kind: &'static str },
    #[error("号段 {range} 不在本人领用的{kind}中")]
    NotHeld { range: String, kind: &'static str },
    #[error("{numbers} 已使用，不能核销（已用号码只能作废对应票据）")]
    Used { numbers: String },
    #[error("{numbers} 已核销过")]
    WrittenOff { numbers: String },
    #[error("请填写核销原因")]
    NoReason,
}

impl PaperError {
    pub fn code(&self) -> &'static str {
        match self {
            PaperError::Reversed { .. } | PaperError::TooNarrow { .. } => "PAPER_RANGE_INVALID",
            PaperError::Overlap { .. } => "PAPER_RANGE_OVERLAP",
            PaperError::NoStock { .. } => "PAPER_NO_STOCK",
            PaperError::NotHeld { .. } => "PAPER_NOT_HELD",
            PaperError::Used { .. } => "PAPER_USED",
            PaperError::WrittenOff { .. } => "PAPER_WRITTEN_OFF",
            PaperError::NoReason => "REASON_REQUIRED",
        }
    }
}

/// Checks a range about to be received against every range ever received (by anyone).
pub fn check_new_range(existing: &[PaperRange], new: &PaperRange) -> Result<(), PaperError> {
    if new.first > new.last {
        return Err(PaperError::Reversed { first: new.first, last: new.last });
    }
    if new.last.to_string().len() > new.width {
        return Err(PaperError::TooNarrow { width: new.width, last: new.last });
    }
    match existing.iter().find(|r| r.overlaps(new)) {
        Some(r) => Err(PaperError::Overlap { new: new.to_string(), existing: r.to_string() }),
        None => Ok(()),
    }
}

/// What a holder's paper of one kind looks like now: their ranges in the order received, the
/// numbers printed on and those written off (by printed form).
#[derive(Clone, Debug, Default)]
pub struct Stock {
    pub ranges: Vec<PaperRange>,
    pub used: HashSet<String>,
    pub written_off: HashSet<String>,
}

impl Stock {
    /// The next number to print on: the lowest free number of the oldest range that has one.
    pub fn next(&self, kind: PaperKind) -> Result<String, PaperError> {
        self.ranges
            .iter()
            .filter(|r| r.kind == kind)
            .find_map(|r| {
                (r.first..=r.last).map(|n| r.text(n)).find(|t| !self.used.contains(t) && !self.written_off.contains(t))
            })
            .ok_or(PaperError::NoStock { kind: kind.label() })
    }

    /// How many numbers are left.
    pub fn left(&self, kind: PaperKind) -> u64 {
        self.ranges
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| (r.first..=r.last).filter(|n| !self.is_taken(&r.text(*n))).count() as u64)
            .sum()
    }

    fn is_taken(&self, text: &str) -> bool {
        self.used.contains(text) || self.written_off.contains(text)
    }

    /// Checks a write-off of `first..=last` with `prefix`: inside one of the holder's ranges, none
    /// of it used or written off already, with a reason.
    pub fn check_write_off(&self, off: &PaperRange, reason: &str) -> Result<(), PaperError> {
        if reason.trim().is_empty() {
            return Err(PaperError::NoReason);
        }
        if off.first > off.last {
            return Err(PaperError::Reversed { first: off.first, last: off.last });
        }
        let held = self.ranges.iter().find(|r| {
            r.kind == off.kind
                && r.prefix == off.prefix
                && r.width == off.width
                && r.contains(off.first)
                && r.contains(off.last)
        });
        let Some(held) = held else {
            return Err(PaperError::NotHeld { range: off.to_string(), kind: off.kind.label() });
        };
        let texts: Vec<String> = (off.first..=off.last).map(|n| held.text(n)).collect();
        let used: Vec<&String> = texts.iter().filter(|t| self.used.contains(*t)).collect();
        if !used.is_empty() {
            return Err(PaperError::Used { numbers: join(&used) });
        }
        let gone: Vec<&String> = texts.iter().filter(|t| self.written_off.contains(*t)).collect();
        if !gone.is_empty() {
            return Err(PaperError::WrittenOff { numbers: join(&gone) });
        }
        Ok(())
    }
}

fn join(numbers: &[&String]) -> String {
    let shown: Vec<&str> = numbers.iter().take(5).map(|s| s.as_str()).collect();
    let more = if numbers.len() > 5 { format!(" 等 {} 个号码", numbers.len()) } else { String::new() };
    format!("{}{more}", shown.join("、"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn range(prefix: &str, first: u64, last: u64) -> PaperRange {
        PaperRange { kind: PaperKind::Invoice, prefix: prefix.into(), first, last, width: 8 }
    }

    #[test]
    fn ranges_never_overlap_and_numbers_go_oldest_first() {
        let a = range("ZJ", 1, 50);
        assert_eq!(
            check_new_range(std::slice::from_ref(&a), &range("ZJ", 50, 60)).unwrap_err().code(),
            "PAPER_RANGE_OVERLAP"
        );
        assert!(check_new_range(std::slice::from_ref(&a), &range("ZJ", 51, 60)).is_ok());
        assert!(
            check_new_range(std::slice::from_ref(&a), &range("ZX", 1, 50)).is_ok(),
            "another prefix is another series"
        );
        assert_eq!(check_new_range(&[], &range("ZJ", 9, 1)).unwrap_err().code(), "PAPER_RANGE_INVALID");
        assert_eq!(check_new_range(&[], &range("ZJ", 1, 123_456_789)).unwrap_err().code(), "PAPER_RANGE_INVALID");
        let mut stock = Stock { ranges: vec![range("ZJ", 100, 101), a], ..Stock::default() };
        assert_eq!(stock.next(PaperKind::Invoice).unwrap(), "ZJ00000100");
        stock.used.insert("ZJ00000100".into());
        stock.written_off.insert("ZJ00000101".into());
        assert_eq!(stock.next(PaperKind::Invoice).unwrap(), "ZJ00000001", "the older range is used up");
        assert_eq!(stock.left(PaperKind::Invoice), 50);
        assert_eq!(stock.next(PaperKind::Receipt).unwrap_err().code(), "PAPER_NO_STOCK");
    }

    #[test]
    fn a_write_off_takes_unused_held_numbers_with_a_reason() {
        let mut stock = Stock { ranges: vec![range("ZJ", 1, 50)], ..Stock::default() };
        stock.used.insert("ZJ00000010".into());
        assert_eq!(stock.check_write_off(&range("ZJ", 5, 12), "损坏").unwrap_err().code(), "PAPER_USED");
        assert_eq!(stock.check_write_off(&range("ZJ", 45, 55), "损坏").unwrap_err().code(), "PAPER_NOT_HELD");
        assert_eq!(stock.check_write_off(&range("ZJ", 11, 12), " ").unwrap_err().code(), "REASON_REQUIRED");
        assert!(stock.check_write_off(&range("ZJ", 11, 12), "卡纸损坏").is_ok());
        stock.written_off.insert("ZJ00000011".into());
        assert_eq!(stock.check_write_off(&range("ZJ", 11, 11), "丢失").unwrap_err().code(), "PAPER_WRITTEN_OFF");
    }

    proptest! {
        /// Whatever is printed or written off in whatever order, no number is handed out twice,
        /// none that was written off, and the count left plus those taken is the stock received.
        #[test]
        fn no_number_is_handed_out_twice(steps in prop::collection::vec((any::<bool>(), 0u64..30), 1..60)) {
            let mut stock = Stock { ranges: vec![range("A", 20, 29), range("A", 0, 9)], ..Stock::default() };
            let mut handed = HashSet::new();
            for (print, n) in steps {
                if print {
                    match stock.next(PaperKind::Invoice) {
                        Ok(no) => {
                            prop_assert!(handed.insert(no.clone()), "{} handed out twice", no);
                            prop_assert!(!stock.written_off.contains(&no));
                            stock.used.insert(no);
                        }
                        Err(e) => prop_assert_eq!(stock.left(PaperKind::Invoice), 0, "{}", e),
                    }
                } else {
                    let off = range("A", n, n);
                    if stock.check_write_off(&off, "损坏").is_ok() {
                        prop_assert!(!stock.used.contains(&off.text(n)));
                        stock.written_off.insert(off.text(n));
                    }
                }
                let taken = (stock.used.len() + stock.written_off.len()) as u64;
                prop_assert_eq!(stock.left(PaperKind::Invoice) + taken, 20);
            }
        }
    }
}
