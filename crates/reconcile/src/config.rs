//! What a run compares and how: the day, the counterpart (one channel's statement, or the
//! HIS), the matching key per channel (the hospital's table), the cross-day window and the
//! contracted fee rate.

use chrono::{NaiveDate, Timelike};
use statements::{Channel, Fee, Kind, Status};

use crate::outcome::Class;
use crate::record::Record;

/// The other side of the comparison; the platform is always one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counterpart {
    /// One channel's statement; platform records of other channels are out of scope.
    Channel(Channel),
    /// The HIS's transactions, all channels.
    His,
}

impl Counterpart {
    /// The day's batches, in the order the review shows them: the four channels with a
    /// statement, and the HIS (which also covers cash, so cash has no batch of its own).
    pub const ALL: [Counterpart; 5] = [
        Counterpart::Channel(Channel::Wechat),
        Counterpart::Channel(Channel::Alipay),
        Counterpart::Channel(Channel::Unionpay),
        Counterpart::Channel(Channel::Insurance),
        Counterpart::His,
    ];

    /// The batch channel's code: the channel's ledger spelling (`wechat`…) or `his`.
    pub fn code(self) -> &'static str {
        match self {
            Counterpart::Channel(channel) => channel.as_str(),
            Counterpart::His => "his",
        }
    }
    /// The batch channel in words: the channel's name (微信…) or `HIS`.
    pub fn label(self) -> &'static str {
        match self {
            Counterpart::Channel(channel) => channel.label(),
            Counterpart::His => "HIS",
        }
    }
    /// One of [`Counterpart::ALL`] by its code (`cash` is none: the HIS batch covers it).
    pub fn parse(code: &str) -> Option<Counterpart> {
        Counterpart::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Which number a record is matched by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyField {
    /// The platform order no.
    OrderNo,
    /// The channel's no.
    ThirdPartyNo,
    /// The refund's own no.
    RefundNo,
}

/// A reconciliation run's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The day reconciled (local hospital time).
    pub day: NaiveDate,
    pub counterpart: Counterpart,
    /// An unmatched record of `day` this close to midnight (seconds before 24:00) waits for the
    /// next day's data instead of being reported. Default 300 s.
    pub cross_day_window_secs: u32,
    /// The contracted fee rate in parts per million (0.60% = 6000): each matched channel row's
    /// fee must equal amount × rate within `fee_tolerance`. `None`: fees are summed, not
    /// checked.
    pub fee_rate_ppm: Option<u32>,
    /// Default: half a fen (500 units), so any rounding of the exact fee to the fen agrees.
    pub fee_tolerance: Fee,
}

impl Config {
    pub const DEFAULT_WINDOW_SECS: u32 = 300;

    /// Platform against `channel`'s statement for `day`, with the defaults.
    pub fn for_channel(day: NaiveDate, channel: Channel) -> Config {
        Config::new(day, Counterpart::Channel(channel))
    }

    /// Platform against the HIS for `day`.
    pub fn for_his(day: NaiveDate) -> Config {
        Config::new(day, Counterpart::His)
    }

    fn new(day: NaiveDate, counterpart: Counterpart) -> Config {
        Config {
            day,
            counterpart,
            cross_day_window_secs: Self::DEFAULT_WINDOW_SECS,
            fee_rate_ppm: None,
            fee_tolerance: Fee::from_units(Fee::UNITS_PER_FEN / 2),
        }
    }

    /// The hospital's matching table. Refunds match by refund no. everywhere. Payments match
    /// by platform order no. where the platform made it and the channel carries it (WeChat,
    /// Alipay, and cash, which has no other), and against the HIS (which records the platform
    /// no. for every channel); by the channel's no. where a terminal made the order no. (UnionPay,
    /// insurance statements).
    pub fn key_field(&self, kind: Kind, channel: Channel) -> KeyField {
        match (kind, self.counterpart, channel) {
            (Kind::Refund, _, _) => KeyField::RefundNo,
            (Kind::Payment, Counterpart::His, _) => KeyField::OrderNo,
            (Kind::Payment, Counterpart::Channel(_), Channel::Unionpay | Channel::Insurance) => KeyField::ThirdPartyNo,
            (Kind::Payment, Counterpart::Channel(_), _) => KeyField::OrderNo,
        }
    }

    /// The number `record` is matched by.
    pub fn key<'r>(&self, record: &Record<'r>) -> &'r str {
        match self.key_field(record.kind, record.channel) {
            KeyField::OrderNo => record.order_no,
            KeyField::ThirdPartyNo => record.third_party_no,
            KeyField::RefundNo => record.refund_no,
        }
    }

    /// The class of a pair: status first, then amount, then fee.
    pub fn classify(&self, platform: &Record<'_>, counterpart: &Record<'_>) -> Class {
        if platform.status != counterpart.status {
            Class::StatusMismatch
        } else if platform.amount != counterpart.amount {
            Class::AmountMismatch
        } else if self.fee_is_off(counterpart) {
            Class::FeeMismatch
        } else {
            Class::Matched
        }
    }

    /// Whether a channel record's fee differs from amount × contracted rate by more than the
    /// tolerance (exact integer arithmetic; a refund's fee is expected back, negative).
    pub fn fee_is_off(&self, record: &Record<'_>) -> bool {
        let (Counterpart::Channel(_), Some(ppm), Some(fee)) = (self.counterpart, self.fee_rate_ppm, record.fee) else {
            return false;
        };
        if record.status != Status::Success {
            return false;
        }
        let expected_milli_units = i128::from(record.signed_fen()) * i128::from(ppm);
        let actual_milli_units = i128::from(fee.units()) * 1000;
        (actual_milli_units - expected_milli_units).abs() > i128::from(self.fee_tolerance.units().abs()) * 1000
    }

    /// Whether a record of the run's day lies within the cross-day window before midnight.
    pub fn near_day_end(&self, record: &Record<'_>) -> bool {
        let window = self.cross_day_window_secs.min(86_400);
        record.at.date() == self.day && record.at.time().num_seconds_from_midnight() >= 86_400 - window
    }

    /// Whether a record of `channel` belongs to this run.
    pub fn in_scope(&self, channel: Channel) -> bool {
        match self.counterpart {
            Counterpart::Channel(c) => c == channel,
            Counterpart::His => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_batch_code_round_trips_with_a_unique_label() {
        for counterpart in Counterpart::ALL {
            assert_eq!(Counterpart::parse(counterpart.code()), Some(counterpart));
        }
        crate::vocab_tests::unique_and_labelled(Counterpart::ALL.map(|c| (c.code(), c.label())));
        assert_eq!(Counterpart::parse("cash"), None);
        assert_eq!(Counterpart::His.label(), "HIS");
    }
}
