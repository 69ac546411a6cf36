//! The engine: a symmetric hash join of the platform's records and the counterpart's
//! (channel statement or HIS), both streamed. Pure: no I/O, no clock, no randomness (the hash
//! tables use a fixed seed and nothing is ever read back in their order).
//!
//! Each record, from either side, first looks for its partner among the other side's records
//! still waiting ([`Waiting`], by kind and key): found, the pair is classified at once and both
//! are let go; not found, it waits. Both sides come in time order (a statement and the ledger
//! are), so what waits is what lies between them — a day of any size runs in the memory of its
//! mismatches, plus 8 bytes a record for the keys shown ([`Shown`]), which refuse a key given
//! twice on one side. What still waits at [`Join::finish`] is single-sided, void or deferred.
//! The result does not depend on how the two sides were interleaved.
//!
//! Cross-day: a record of the run's day unmatched within `cross_day_window_secs` of midnight is
//! not reported; it goes to [`DayResult::deferred`], which the next day's run takes as its
//! `carried` set. Carried entries are matched against that day's data and are then final
//! either way (matched, or single-sided dated to their own day): nothing is deferred twice, and
//! nothing reported on one day appears again on the next. A carried platform entry whose key a
//! record of the day also has is a duplicate; the day's record is the one matched.

use std::hash::BuildHasher;

use foldhash::quality::FixedState;
use hashbrown::HashTable;
use statements::{Kind, Status};

use crate::cause::Cause;
use crate::config::Config;
use crate::error::ReconcileError;
use crate::held::{Origin, Shown, Waiting};
use crate::outcome::{Class, DayResult, Deferred, Direction, Discrepancy, Side, SingleSided};
use crate::record::{Entry, Record, Records};
use crate::summary::{Figures, Slot as Sum};

mod finish;

/// One side's state: what waits, the keys shown, and each record's class once decided.
#[derive(Debug, Default)]
struct SideState {
    waiting: Waiting,
    shown: Shown,
    classes: Vec<Option<Class>>,
}

/// A run in progress: [`Join::platform`] and [`Join::counterpart`] each record as it comes
/// (they may stream past, borrowed from a parser's line buffer, interleaved in any way), then
/// [`Join::finish`].
pub struct Join<'c> {
    config: Config,
    carried: &'c [Deferred],
    hasher: FixedState,
    platform: SideState,
    counterpart: SideState,
    /// Today's platform records without a key: never matched, decided at the end.
    keyless: Vec<(u32, Entry)>,
    /// Carried platform entries (their index) by kind and key, while no record of the day has
    /// shown that key.
    carried_platform: HashTable<usize>,
    carried_classes: Vec<Option<Class>>,
    discrepancies: Vec<Discrepancy>,
    platform_only: Vec<SingleSided>,
    counterpart_only: Vec<SingleSided>,
    deferred: Vec<Deferred>,
    figures: Figures,
}

impl std::fmt::Debug for Join<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Join")
            .field("day", &self.config.day)
            .field("platform", &self.platform.classes.len())
            .field("counterpart", &self.counterpart.classes.len())
            .finish()
    }
}

/// Runs one day: the platform records, the counterpart records, and the previous day's
/// cross-day set (`DayResult::deferred` of the day before; empty for the first day).
pub fn reconcile<P: Records + ?Sized, C: Records + ?Sized>(
    config: &Config,
    platform: &P,
    counterpart: &C,
    carried: &[Deferred],
) -> Result<DayResult, ReconcileError> {
    let mut join = Join::new(config.clone(), carried);
    for index in 0..platform.len() {
        join.platform(&platform.record(index))?;
    }
    for index in 0..counterpart.len() {
        join.counterpart(&counterpart.record(index))?;
    }
    join.finish()
}

const SEED: u64 = 0x0d15_ea5e_5eed_0001;

/// A pair's two records and where each came from.
struct Pair<'a, 'b> {
    platform: Record<'a>,
    platform_origin: Origin,
    counterpart: Record<'b>,
    counterpart_origin: Origin,
}

impl<'c> Join<'c> {
    /// Starts a run with the cross-day set the day before left. Two carried platform entries
    /// with one key: the second is a duplicate.
    pub fn new(config: Config, carried: &'c [Deferred]) -> Join<'c> {
        let mut join = Join {
            hasher: FixedState::with_seed(SEED),
            platform: SideState::default(),
            counterpart: SideState::default(),
            keyless: Vec::new(),
            carried_platform: HashTable::new(),
            carried_classes: vec![None; carried.len()],
            discrepancies: Vec::new(),
            platform_only: Vec::new(),
            counterpart_only: Vec::new(),
            deferred: Vec::new(),
            figures: Figures::default(),
            config,
            carried,
        };
        for (j, entry) in carried.iter().enumerate().filter(|(_, c)| c.side == Side::Platform) {
            let record = entry.entry.record();
            if !join.config.in_scope(record.channel) {
                join.carried_classes[j] = Some(Class::OutOfScope);
                join.figures.out_of_scope += 1;
                continue;
            }
            let key = join.config.key(&record);
            if key.is_empty() {
                continue;
            }
            let hash = join.hash(record.kind, key);
            if join.carried_platform_index(hash, record.kind, key).is_some() {
                // The first entry with the key keeps it.
                join.carried_classes[j] = Some(Class::Duplicate);
                join.figures.duplicates += 1;
            } else {
                let (hasher, config) = (&join.hasher, &join.config);
                join.carried_platform.insert_unique(hash, j, |i| {
                    let record = carried[*i].entry.record();
                    key_hash(hasher, record.kind, config.key(&record))
                });
            }
        }
        join
    }

    fn hash(&self, kind: Kind, key: &str) -> u64 {
        key_hash(&self.hasher, kind, key)
    }

    /// The carried platform entry with this kind and key, still unclaimed by the day's records.
    fn carried_platform_index(&self, hash: u64, kind: Kind, key: &str) -> Option<usize> {
        let (carried, config) = (self.carried, &self.config);
        self.carried_platform
            .find(hash, |j| {
                let record = carried[*j].entry.record();
                record.kind == kind && config.key(&record) == key
            })
            .copied()
    }

    fn index(classes: &mut Vec<Option<Class>>) -> Result<u32, ReconcileError> {
        let index = u32::try_from(classes.len()).map_err(|_| ReconcileError::Overflow)?;
        classes.push(None);
        Ok(index)
    }

    /// Takes one platform record of the day. A key the platform gave before is refused.
    pub fn platform(&mut self, record: &Record<'_>) -> Result<(), ReconcileError> {
        let index = Self::index(&mut self.platform.classes)?;
        if !self.config.in_scope(record.channel) {
            self.platform.classes[index as usize] = Some(Class::OutOfScope);
            self.figures.out_of_scope += 1;
            return Ok(());
        }
        let key = self.config.key(record);
        if key.is_empty() {
            self.keyless.push((index, Entry::from(record)));
            return Ok(());
        }
        let hash = self.hash(record.kind, key);
        self.platform.shown.push(hash);
        if !self.carried_platform.is_empty()
            && let Some(j) = self.carried_platform_index(hash, record.kind, key)
        {
            let (carried, config) = (self.carried, &self.config);
            if let Ok(found) = self.carried_platform.find_entry(hash, |i| {
                let r = carried[*i].entry.record();
                r.kind == record.kind && config.key(&r) == key
            }) {
                found.remove();
            }
            self.carried_classes[j] = Some(Class::Duplicate);
            self.figures.duplicates += 1;
        }
        match self.counterpart.waiting.take(&self.config, hash, record.kind, key) {
            Some((slot, partner)) => {
                let paired = self.pair(&Pair {
                    platform: *record,
                    platform_origin: Origin::Today(index),
                    counterpart: partner.record(),
                    counterpart_origin: partner.origin,
                });
                self.counterpart.waiting.give_back(slot, partner);
                paired
            }
            None if self.platform.waiting.contains(&self.config, hash, record.kind, key) => {
                Err(ReconcileError::DuplicateKey { side: Side::Platform, kind: record.kind, key: key.to_owned() })
            }
            None => self.platform.waiting.put(record, Origin::Today(index), hash),
        }
    }

    /// Takes one counterpart record of the day. A key the counterpart gave before is refused.
    pub fn counterpart(&mut self, record: &Record<'_>) -> Result<(), ReconcileError> {
        let index = Self::index(&mut self.counterpart.classes)?;
        if !self.config.in_scope(record.channel) {
            self.counterpart.classes[index as usize] = Some(Class::OutOfScope);
            self.figures.out_of_scope += 1;
            return Ok(());
        }
        let key = self.config.key(record);
        if key.is_empty() {
            let class = self.counterpart_alone(record, None);
            self.counterpart.classes[index as usize] = Some(class);
            return Ok(());
        }
        let hash = self.hash(record.kind, key);
        self.counterpart.shown.push(hash);
        match self.platform.waiting.take(&self.config, hash, record.kind, key) {
            Some((slot, partner)) => {
                let paired = self.pair(&Pair {
                    platform: partner.record(),
                    platform_origin: partner.origin,
                    counterpart: *record,
                    counterpart_origin: Origin::Today(index),
                });
                self.platform.waiting.give_back(slot, partner);
                paired
            }
            None if self.counterpart.waiting.contains(&self.config, hash, record.kind, key) => {
                Err(ReconcileError::DuplicateKey { side: Side::Counterpart, kind: record.kind, key: key.to_owned() })
            }
            None => self.counterpart.waiting.put(record, Origin::Today(index), hash),
        }
    }

    /// [`Join::counterpart`] for every record of `records`, in order.
    pub fn counterpart_all<C: Records + ?Sized>(&mut self, records: &C) -> Result<(), ReconcileError> {
        for index in 0..records.len() {
            self.counterpart(&records.record(index))?;
        }
        Ok(())
    }

    /// [`Join::platform`] for every record of `records`, in order.
    pub fn platform_all<P: Records + ?Sized>(&mut self, records: &P) -> Result<(), ReconcileError> {
        for index in 0..records.len() {
            self.platform(&records.record(index))?;
        }
        Ok(())
    }

    /// The most bytes the two sides held waiting at once, and the bytes of the keys shown.
    pub fn held_bytes(&self) -> (usize, usize) {
        (
            self.platform.waiting.most() + self.counterpart.waiting.most(),
            self.platform.shown.heap_bytes() + self.counterpart.shown.heap_bytes(),
        )
    }

    fn day_of(&self, origin: Origin) -> chrono::NaiveDate {
        match origin {
            Origin::Today(_) => self.config.day,
            Origin::Carried(j) => self.carried[j as usize].day,
        }
    }

    fn decide(&mut self, side: Side, origin: Origin, class: Class) {
        match (side, origin) {
            (Side::Platform, Origin::Today(i)) => self.platform.classes[i as usize] = Some(class),
            (Side::Counterpart, Origin::Today(i)) => self.counterpart.classes[i as usize] = Some(class),
            (_, Origin::Carried(j)) => self.carried_classes[j as usize] = Some(class),
        }
    }

    /// Classifies a pair and decides both records.
    fn pair(&mut self, pair: &Pair<'_, '_>) -> Result<(), ReconcileError> {
        let (platform, counterpart) = (&pair.platform, &pair.counterpart);
        if let Some(fee) = counterpart.fee {
            self.figures.fees += i128::from(fee.units());
        }
        let class = self.config.classify(platform, counterpart);
        self.decide(Side::Platform, pair.platform_origin, class);
        self.decide(Side::Counterpart, pair.counterpart_origin, class);
        if matches!(pair.platform_origin, Origin::Carried(_)) || matches!(pair.counterpart_origin, Origin::Carried(_)) {
            self.figures.resolved += 1;
        }
        let sum = match class {
            Class::Matched => Sum::Matched,
            Class::AmountMismatch => Sum::AmountMismatch,
            Class::StatusMismatch => Sum::StatusMismatch,
            _ => Sum::FeeMismatch,
        };
        self.figures.add(sum, platform.channel, platform.kind, platform.amount.fen());
        if class == Class::Matched {
            return Ok(());
        }
        let difference = counterpart.signed_fen() - platform.signed_fen();
        let direction = match (class, difference.signum()) {
            (Class::AmountMismatch, 1) => Some(Direction::Long),
            (Class::AmountMismatch, -1) => Some(Direction::Short),
            _ => None,
        };
        match direction {
            Some(Direction::Long) => self.figures.long += 1,
            Some(Direction::Short) => self.figures.short += 1,
            None => {}
        }
        let difference = if class == Class::AmountMismatch { difference } else { 0 };
        self.figures.difference += i128::from(difference);
        self.discrepancies.push(Discrepancy {
            class,
            platform: Entry::from(platform),
            counterpart: Entry::from(counterpart),
            platform_day: self.day_of(pair.platform_origin),
            counterpart_day: self.day_of(pair.counterpart_origin),
            difference: domain::Money::from_fen(difference).map_err(|_| ReconcileError::Overflow)?,
            direction,
        });
        Ok(())
    }

    /// A counterpart record no platform record matches: void, deferred (of the day, near
    /// midnight) or counterpart-only. `carried`: its day, for a carried entry.
    fn counterpart_alone(&mut self, record: &Record<'_>, carried: Option<chrono::NaiveDate>) -> Class {
        if let Some(fee) = record.fee {
            self.figures.fees += i128::from(fee.units());
        }
        self.alone(Side::Counterpart, record, carried)
    }

    /// A platform record no counterpart record matches: void, deferred (of the day, near
    /// midnight) or platform-only.
    fn platform_alone(&mut self, record: &Record<'_>, carried: Option<chrono::NaiveDate>) -> Class {
        self.alone(Side::Platform, record, carried)
    }

    /// A record of `side` without a partner: void when closed, deferred when of the day and
    /// near midnight, else single-sided with its cause.
    fn alone(&mut self, side: Side, record: &Record<'_>, carried: Option<chrono::NaiveDate>) -> Class {
        if record.status == Status::Closed {
            self.figures.void += 1;
            return Class::Void;
        }
        let day = carried.unwrap_or(self.config.day);
        if carried.is_none() && self.config.near_day_end(record) {
            self.figures.add(Sum::Deferred, record.channel, record.kind, record.amount.fen());
            self.deferred.push(Deferred { side, day, entry: Entry::from(record) });
            return Class::Deferred;
        }
        let (sum, list, class) = match side {
            Side::Platform => (Sum::PlatformOnly, &mut self.platform_only, Class::PlatformOnly),
            Side::Counterpart => (Sum::CounterpartOnly, &mut self.counterpart_only, Class::CounterpartOnly),
        };
        let cause = Cause::of(side, self.config.counterpart, record.channel, record.kind);
        list.push(SingleSided { side, entry: Entry::from(record), cause, day });
        self.figures.add(sum, record.channel, record.kind, record.amount.fen());
        class
    }
}

fn key_hash(hasher: &FixedState, kind: Kind, key: &str) -> u64 {
    let hash = hasher.hash_one(key.as_bytes());
    if kind == Kind::Refund { hash.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15 } else { hash }
}
