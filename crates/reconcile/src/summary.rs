//! The result report's figures: count and amount per class, platform side and channel/HIS
//! side, per channel and in total. Summed exactly (i128) and checked once at the end.

use domain::Money;
use statements::{Channel, Fee, Kind};

use crate::error::ReconcileError;

/// A count with its payments and refunds (magnitudes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Tally {
    pub count: u64,
    pub payment_amount: Money,
    pub refund_amount: Money,
}

impl Tally {
    /// Payments less refunds.
    pub fn net(&self) -> Money {
        Money::from_fen(self.payment_amount.fen() - self.refund_amount.fen()).unwrap_or(Money::ZERO)
    }
}

/// The figures of one channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelSummary {
    pub channel: Channel,
    /// Pairs; amounts as the platform recorded them.
    pub matched: Tally,
    pub platform_only: Tally,
    pub counterpart_only: Tally,
    pub amount_mismatch: Tally,
    pub status_mismatch: Tally,
    pub fee_mismatch: Tally,
    pub cross_day_deferred: Tally,
}

/// The whole run's figures. The JSON of `cashier reconcile --json` takes `matched` =
/// `matched.count`, `matched_amount` = `matched.net()`, `platform_only` =
/// `platform_only.count`, `channel_only` = `counterpart_only.count`, `amount_mismatch`,
/// `status_mismatch`, `fee_mismatch`, `cross_day_deferred` = their `.count`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub matched: Tally,
    pub platform_only: Tally,
    pub counterpart_only: Tally,
    /// Pairs whose amounts differ; amounts as the platform recorded them.
    pub amount_mismatch: Tally,
    /// 长款 and 短款 among them.
    pub long: u64,
    pub short: u64,
    /// Σ (counterpart net − platform net) over amount mismatches.
    pub amount_difference: Money,
    pub status_mismatch: Tally,
    pub fee_mismatch: Tally,
    /// Records put into the new cross-day set (either side).
    pub cross_day_deferred: Tally,
    /// Carried entries that found their counterpart in this day's data.
    pub cross_day_resolved: u64,
    /// Closed records with nothing on the other side.
    pub void: u64,
    pub out_of_scope: u64,
    /// Carried entries dropped as already present today.
    pub duplicates: u64,
    /// Net channel fees over the in-scope counterpart records that carry one.
    pub counterpart_fees: Fee,
    /// Channels with at least one figure, in channel order.
    pub per_channel: Vec<ChannelSummary>,
}

/// Slots summed per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Matched = 0,
    PlatformOnly = 1,
    CounterpartOnly = 2,
    AmountMismatch = 3,
    StatusMismatch = 4,
    FeeMismatch = 5,
    Deferred = 6,
}
const SLOTS: usize = 7;

#[derive(Clone, Copy, Default)]
struct Acc {
    count: u64,
    payments: i128,
    refunds: i128,
}

impl Acc {
    fn tally(self) -> Result<Tally, ReconcileError> {
        let money =
            |fen: i128| i64::try_from(fen).ok().and_then(|f| Money::from_fen(f).ok()).ok_or(ReconcileError::Overflow);
        Ok(Tally { count: self.count, payment_amount: money(self.payments)?, refund_amount: money(self.refunds)? })
    }
    fn merge(&mut self, other: Acc) {
        self.count += other.count;
        self.payments += other.payments;
        self.refunds += other.refunds;
    }
}

/// Running figures of a run.
#[derive(Default)]
pub(crate) struct Figures {
    slots: [[Acc; SLOTS]; 5],
    pub(crate) long: u64,
    pub(crate) short: u64,
    pub(crate) difference: i128,
    pub(crate) resolved: u64,
    pub(crate) void: u64,
    pub(crate) out_of_scope: u64,
    pub(crate) duplicates: u64,
    pub(crate) fees: i128,
}

impl Figures {
    pub(crate) fn add(&mut self, slot: Slot, channel: Channel, kind: Kind, fen: i64) {
        let acc = &mut self.slots[channel.index()][slot as usize];
        acc.count += 1;
        match kind {
            Kind::Payment => acc.payments += i128::from(fen),
            Kind::Refund => acc.refunds += i128::from(fen),
        }
    }

    pub(crate) fn finish(&self) -> Result<Summary, ReconcileError> {
        let mut total = [Acc::default(); SLOTS];
        let mut per_channel = Vec::new();
        for channel in Channel::ALL {
            let slots = &self.slots[channel.index()];
            for (sum, acc) in total.iter_mut().zip(slots) {
                sum.merge(*acc);
            }
            if slots.iter().all(|a| a.count == 0) {
                continue;
            }
            per_channel.push(ChannelSummary {
                channel,
                matched: slots[Slot::Matched as usize].tally()?,
                platform_only: slots[Slot::PlatformOnly as usize].tally()?,
                counterpart_only: slots[Slot::CounterpartOnly as usize].tally()?,
                amount_mismatch: slots[Slot::AmountMismatch as usize].tally()?,
                status_mismatch: slots[Slot::StatusMismatch as usize].tally()?,
                fee_mismatch: slots[Slot::FeeMismatch as usize].tally()?,
                cross_day_deferred: slots[Slot::Deferred as usize].tally()?,
            });
        }
        let money = |fen: i128| i64::try_from(fen).ok().and_then(|f| Money::from_fen(f).ok());
        Ok(Summary {
            matched: total[Slot::Matched as usize].tally()?,
            platform_only: total[Slot::PlatformOnly as usize].tally()?,
            counterpart_only: total[Slot::CounterpartOnly as usize].tally()?,
            amount_mismatch: total[Slot::AmountMismatch as usize].tally()?,
            long: self.long,
            short: self.short,
            amount_difference: money(self.difference).ok_or(ReconcileError::Overflow)?,
            status_mismatch: total[Slot::StatusMismatch as usize].tally()?,
            fee_mismatch: total[Slot::FeeMismatch as usize].tally()?,
            cross_day_deferred: total[Slot::Deferred as usize].tally()?,
            cross_day_resolved: self.resolved,
            void: self.void,
            out_of_scope: self.out_of_scope,
            duplicates: self.duplicates,
            counterpart_fees: Fee::from_units(i64::try_from(self.fees).map_err(|_| ReconcileError::Overflow)?),
            per_channel,
        })
    }
}
