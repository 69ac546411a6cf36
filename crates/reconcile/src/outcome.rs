//! What a run decides: the one class of every input record, the detail of every discrepancy
//! and single-sided entry (with its cause), and the cross-day set handed to the next day.

use chrono::NaiveDate;
use domain::Money;

use crate::cause::Cause;
use crate::config::Counterpart;
use crate::record::Entry;
use crate::summary::Summary;

/// Which side a record came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The platform ledger.
    Platform,
    /// The channel statement or the HIS export.
    Counterpart,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Platform => "平台",
            Side::Counterpart => "渠道/HIS",
        }
    }
}

/// The one class every input record ends in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Both sides agree on status, amount (and fee, when checked).
    Matched,
    /// Found on both sides, amounts differ (长款 or 短款, see [`Direction`]).
    AmountMismatch,
    /// Found on both sides, statuses differ.
    StatusMismatch,
    /// Found on both sides, same status and amount, but the channel's fee is off the rate.
    FeeMismatch,
    /// Platform only (平台单边).
    PlatformOnly,
    /// HIS or channel only (HIS单边 / 渠道单边).
    CounterpartOnly,
    /// Near midnight and unmatched: waits in the cross-day set for the next day's data.
    Deferred,
    /// Closed (nothing moved) on its side and absent on the other: nothing to reconcile.
    Void,
    /// Another channel's record in a run against one channel's statement.
    OutOfScope,
    /// A carried cross-day entry that today's data already holds under the same key.
    Duplicate,
}

impl Class {
    /// Every class, in declaration order.
    pub const ALL: [Class; 10] = [
        Class::Matched,
        Class::AmountMismatch,
        Class::StatusMismatch,
        Class::FeeMismatch,
        Class::PlatformOnly,
        Class::CounterpartOnly,
        Class::Deferred,
        Class::Void,
        Class::OutOfScope,
        Class::Duplicate,
    ];
    /// The classes a reviewed item (a discrepancy or a single-sided entry) can have, in the
    /// order the review lists them.
    pub const ITEMS: [Class; 5] =
        [Class::PlatformOnly, Class::CounterpartOnly, Class::AmountMismatch, Class::StatusMismatch, Class::FeeMismatch];

    /// Classes of a record found on both sides.
    pub fn is_pair(self) -> bool {
        matches!(self, Class::Matched | Class::AmountMismatch | Class::StatusMismatch | Class::FeeMismatch)
    }
    /// The stable code, e.g. `amount_mismatch` (stored with each item, sent over the API).
    pub const fn code(self) -> &'static str {
        match self {
            Class::Matched => "matched",
            Class::AmountMismatch => "amount_mismatch",
            Class::StatusMismatch => "status_mismatch",
            Class::FeeMismatch => "fee_mismatch",
            Class::PlatformOnly => "platform_only",
            Class::CounterpartOnly => "counterpart_only",
            Class::Deferred => "deferred",
            Class::Void => "void",
            Class::OutOfScope => "out_of_scope",
            Class::Duplicate => "duplicate",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            Class::Matched => "已对平",
            Class::AmountMismatch => "金额不符",
            Class::StatusMismatch => "状态不符",
            Class::FeeMismatch => "手续费不符",
            Class::PlatformOnly => "平台单边",
            Class::CounterpartOnly => "渠道/HIS单边",
            Class::Deferred => "跨天待定",
            Class::Void => "已关闭",
            Class::OutOfScope => "非本渠道",
            Class::Duplicate => "跨天重复",
        }
    }
    pub fn parse(code: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// 长款 / 短款: whether the counterpart shows more money in (net of refunds) than the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// 长款: the channel/HIS took in more (or gave back less) than the platform recorded.
    Long,
    /// 短款: the channel/HIS took in less (or gave back more) than the platform recorded.
    Short,
}

impl Direction {
    /// `长款` or `短款`, as finance writes it (also what is stored with an item).
    pub const fn label(self) -> &'static str {
        match self {
            Direction::Long => "长款",
            Direction::Short => "短款",
        }
    }
}

/// A record found on both sides that disagrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discrepancy {
    pub class: Class,
    pub platform: Entry,
    pub counterpart: Entry,
    /// The day each side's record belongs to (a carried record: the day before).
    pub platform_day: NaiveDate,
    pub counterpart_day: NaiveDate,
    /// Counterpart's net money in minus the platform's (zero unless amounts differ).
    pub difference: Money,
    /// Set for amount mismatches.
    pub direction: Option<Direction>,
}

/// A record found on one side only, final.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SingleSided {
    pub side: Side,
    pub entry: Entry,
    pub cause: Cause,
    /// The day the record belongs to (a carried record: the day before the run's).
    pub day: NaiveDate,
}

/// A record waiting in the cross-day set for the next day's data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Deferred {
    pub side: Side,
    /// The day the record belongs to.
    pub day: NaiveDate,
    pub entry: Entry,
}

/// Everything a run decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayResult {
    pub day: NaiveDate,
    pub counterpart: Counterpart,
    /// The class of each platform record, by its index in the input.
    pub platform_classes: Vec<Class>,
    /// The class of each counterpart record, in the order they were given.
    pub counterpart_classes: Vec<Class>,
    /// The class of each entry of the carried cross-day set, by its index there.
    pub carried_classes: Vec<Class>,
    /// Pairs that disagree, sorted by side keys.
    pub discrepancies: Vec<Discrepancy>,
    /// 平台单边 (sorted, no key twice).
    pub platform_only: Vec<SingleSided>,
    /// HIS单边 / 渠道单边 (sorted, no key twice).
    pub counterpart_only: Vec<SingleSided>,
    /// The new cross-day set: pass it to the next day's run.
    pub deferred: Vec<Deferred>,
    pub summary: Summary,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_code_round_trips_with_a_unique_label() {
        for class in Class::ALL {
            assert_eq!(Class::parse(class.code()), Some(class));
        }
        crate::vocab_tests::unique_and_labelled(Class::ALL.map(|c| (c.code(), c.label())));
        assert!(Class::ITEMS.iter().all(|c| *c != Class::Matched && Class::ALL.contains(c)));
        assert_eq!(Class::parse("Matched"), None);
    }
}
