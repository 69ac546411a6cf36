//! The engine: a hash join of the counterpart (channel statement or HIS) against the platform,
//! in both directions, with cross-day deferral. Pure: no I/O, no clock, no randomness (the
//! hash tables use a fixed seed and nothing is ever read back in their order).
//!
//! The platform side — the day's records plus the platform records carried over from the day
//! before — is put into two hash tables (payments, refunds) keyed by the matching number,
//! borrowed from the records (the tables store only record indices, 4 bytes each, and compare
//! the borrowed keys). Each counterpart record is then looked up (counterpart →
//! platform): found, the pair is classified; not found, it is counterpart-only. The platform
//! records no lookup reached are the misses of the other direction (platform → counterpart).
//! Every record is touched a constant number of times: no nested loops.
//!
//! Cross-day: a record of the run's day unmatched within `cross_day_window_secs` of midnight is
//! not reported; it goes to [`DayResult::deferred`], which the next day's run takes as its
//! `carried` set. Carried entries are matched against that day's data and are then final
//! either way (matched, or single-sided dated to their own day): nothing is deferred twice, and
//! nothing reported on one day appears again on the next.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::{HashMap, HashTable};
use statements::{Kind, Status};

use crate::cause::Cause;
use crate::config::Config;
use crate::error::ReconcileError;
use crate::lookup::{GROUP, Table, slot_key, sort, touch};
use crate::outcome::{Class, DayResult, Deferred, Direction, Discrepancy, Side, SingleSided};
use crate::record::{Entry, Record, Records};
use crate::summary::{Figures, Slot as Sum};

/// A run in progress: build it on the platform side, [`Join::probe`] every counterpart record
/// (they may stream past, borrowed from a parser's line buffer), then [`Join::finish`].
pub struct Join<'p, P: Records + ?Sized> {
    config: Config,
    platform: &'p P,
    carried: &'p [Deferred],
    payments: Table,
    refunds: Table,
    hasher: FixedState,
    /// The class of each platform slot once decided: today's records `0..n`, then the carried
    /// set at `n + j`.
    decided: Vec<Option<Class>>,
    counterpart_classes: Vec<Class>,
    /// Keys of counterpart records found on no platform record, to refuse them twice.
    unmatched: HashMap<(Kind, Box<str>), (), FixedState>,
    discrepancies: Vec<Discrepancy>,
    platform_only: Vec<SingleSided>,
    counterpart_only: Vec<SingleSided>,
    deferred: Vec<Deferred>,
    figures: Figures,
    /// The slot tried first by the next probe (see `hinted`), and how often it was right.
    hint: usize,
    hint_hits: u64,
}

impl<P: Records + ?Sized> std::fmt::Debug for Join<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Join").field("day", &self.config.day).field("probed", &self.counterpart_classes.len()).finish()
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
    let mut join = Join::new(config.clone(), platform, carried)?;
    for index in 0..counterpart.len() {
        join.probe(&counterpart.record(index))?;
    }
    join.finish()
}

const SEED: u64 = 0x0d15_ea5e_5eed_0001;

impl<'p, P: Records + ?Sized> Join<'p, P> {
    /// Builds the platform side. Two platform records with one key are refused.
    pub fn new(config: Config, platform: &'p P, carried: &'p [Deferred]) -> Result<Self, ReconcileError> {
        let n = platform.len();
        let mut join = Join {
            payments: HashTable::with_capacity(n),
            refunds: HashTable::with_capacity(n / 16),
            hasher: FixedState::with_seed(SEED),
            decided: vec![None; n + carried.len()],
            counterpart_classes: Vec::new(),
            unmatched: HashMap::with_hasher(FixedState::with_seed(SEED)),
            discrepancies: Vec::new(),
            platform_only: Vec::new(),
            counterpart_only: Vec::new(),
            deferred: Vec::new(),
            figures: Figures::default(),
            hint: 0,
            hint_hits: 0,
            config,
            platform,
            carried,
        };
        // In groups: hash a few keys and touch where they go first, so that the cache misses of
        // a group overlap instead of coming one after another.
        let mut hashes = [0u64; GROUP];
        for group in (0..n).step_by(GROUP) {
            let end = (group + GROUP).min(n);
            for (hash, index) in hashes.iter_mut().zip(group..end) {
                *hash = join.hasher.hash_one(platform.key(index, &join.config).as_bytes());
                let table = if platform.kind(index) == Kind::Payment { &join.payments } else { &join.refunds };
                touch(table, *hash);
            }
            for (hash, index) in hashes.iter().zip(group..end) {
                join.insert(platform.record(index), index, false, *hash)?;
            }
        }
        for (j, carried) in carried.iter().enumerate() {
            if carried.side == Side::Platform {
                let record = carried.entry.record();
                let hash = join.hasher.hash_one(join.config.key(&record).as_bytes());
                join.insert(record, n + j, true, hash)?;
            }
        }
        Ok(join)
    }

    fn insert(&mut self, record: Record<'p>, slot: usize, carried: bool, hash: u64) -> Result<(), ReconcileError> {
        if !self.config.in_scope(record.channel) {
            self.decided[slot] = Some(Class::OutOfScope);
            self.figures.out_of_scope += 1;
            return Ok(());
        }
        let key = self.config.key(&record);
        if key.is_empty() {
            return Ok(());
        }
        let (config, platform, carried_set, hasher) = (&self.config, self.platform, self.carried, &self.hasher);
        let key_of = |slot: &u32| slot_key(config, platform, carried_set, *slot as usize);
        let table = if record.kind == Kind::Payment { &mut self.payments } else { &mut self.refunds };
        if table.find(hash, |slot| key_of(slot) == key).is_none() {
            let slot = u32::try_from(slot).map_err(|_| ReconcileError::Overflow)?;
            table.insert_unique(hash, slot, |slot| hasher.hash_one(key_of(slot).as_bytes()));
        } else if carried {
            self.decided[slot] = Some(Class::Duplicate);
            self.figures.duplicates += 1;
        } else {
            return Err(ReconcileError::DuplicateKey { side: Side::Platform, kind: record.kind, key: key.to_owned() });
        }
        Ok(())
    }

    /// Matches one counterpart record against the platform side and classifies it (and its
    /// platform partner, if any). A second counterpart record with a key already seen is
    /// refused.
    pub fn probe(&mut self, record: &Record<'_>) -> Result<Class, ReconcileError> {
        let class = self.probe_one(record, None)?;
        self.counterpart_classes.push(class);
        Ok(class)
    }

    /// [`Join::probe`] for every record of `records`, in order.
    pub fn probe_all<C: Records + ?Sized>(&mut self, records: &C) -> Result<(), ReconcileError> {
        for index in 0..records.len() {
            self.probe(&records.record(index))?;
        }
        Ok(())
    }

    /// How many probes found their record at the hinted slot, without a lookup.
    pub fn hint_hits(&self) -> u64 {
        self.hint_hits
    }

    fn platform_record(&self, slot: usize) -> Record<'p> {
        let n = self.platform.len();
        if slot < n { self.platform.record(slot) } else { self.carried[slot - n].entry.record() }
    }

    fn day_of_slot(&self, slot: usize) -> chrono::NaiveDate {
        let n = self.platform.len();
        if slot < n { self.config.day } else { self.carried[slot - n].day }
    }

    /// The slot after the last match, if it holds this key: statements and the ledger both come
    /// in time order, so the next record usually matches the next slot and needs no lookup.
    /// Only a shortcut: keys are unique in the table, so the lookup would find the same slot.
    fn hinted(&self, kind: Kind, key: &str) -> Option<usize> {
        let slot = self.hint;
        let hit = slot < self.platform.len()
            && self.decided[slot].is_none()
            && self.platform.kind(slot) == kind
            && self.platform.key(slot, &self.config) == key;
        hit.then_some(slot)
    }

    /// `carried`: the index of the entry in the carried set, for carried counterpart records.
    fn probe_one(&mut self, record: &Record<'_>, carried: Option<usize>) -> Result<Class, ReconcileError> {
        if !self.config.in_scope(record.channel) {
            self.figures.out_of_scope += 1;
            return Ok(Class::OutOfScope);
        }
        let key = self.config.key(record);
        let table = if record.kind == Kind::Payment { &self.payments } else { &self.refunds };
        let found = if key.is_empty() {
            None
        } else if let Some(slot) = self.hinted(record.kind, key) {
            self.hint_hits += 1;
            Some(slot)
        } else {
            let (config, platform, carried_set) = (&self.config, self.platform, self.carried);
            let hash = self.hasher.hash_one(key.as_bytes());
            table
                .find(hash, |slot| slot_key(config, platform, carried_set, *slot as usize) == key)
                .map(|slot| *slot as usize)
        };
        let counterpart_day = carried.map_or(self.config.day, |j| self.carried[j].day);
        let Some(slot) = found else {
            return self.unmatched_counterpart(record, key, carried, counterpart_day);
        };
        if self.decided[slot].is_some() {
            if carried.is_some() {
                self.figures.duplicates += 1;
                return Ok(Class::Duplicate);
            }
            return Err(ReconcileError::DuplicateKey {
                side: Side::Counterpart,
                kind: record.kind,
                key: key.to_owned(),
            });
        }
        if let Some(fee) = record.fee {
            self.figures.fees += i128::from(fee.units());
        }
        let platform = self.platform_record(slot);
        let class = self.config.classify(&platform, record);
        self.decided[slot] = Some(class);
        self.hint = slot + 1;
        if slot >= self.platform.len() || carried.is_some() {
            self.figures.resolved += 1;
        }
        let sum = match class {
            Class::Matched => Sum::Matched,
            Class::AmountMismatch => Sum::AmountMismatch,
            Class::StatusMismatch => Sum::StatusMismatch,
            _ => Sum::FeeMismatch,
        };
        self.figures.add(sum, platform.channel, platform.kind, platform.amount.fen());
        if class != Class::Matched {
            let difference = record.signed_fen() - platform.signed_fen();
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
                platform: Entry::from(&platform),
                counterpart: Entry::from(record),
                platform_day: self.day_of_slot(slot),
                counterpart_day,
                difference: domain::Money::from_fen(difference).map_err(|_| ReconcileError::Overflow)?,
                direction,
            });
        }
        Ok(class)
    }

    fn unmatched_counterpart(
        &mut self,
        record: &Record<'_>,
        key: &str,
        carried: Option<usize>,
        day: chrono::NaiveDate,
    ) -> Result<Class, ReconcileError> {
        if !key.is_empty() {
            let fresh = self.unmatched.insert((record.kind, key.into()), ()).is_none();
            if !fresh && carried.is_some() {
                self.figures.duplicates += 1;
                return Ok(Class::Duplicate);
            }
            if !fresh {
                return Err(ReconcileError::DuplicateKey {
                    side: Side::Counterpart,
                    kind: record.kind,
                    key: key.to_owned(),
                });
            }
        }
        if let Some(fee) = record.fee {
            self.figures.fees += i128::from(fee.units());
        }
        if record.status == Status::Closed {
            self.figures.void += 1;
            return Ok(Class::Void);
        }
        if carried.is_none() && self.config.near_day_end(record) {
            self.figures.add(Sum::Deferred, record.channel, record.kind, record.amount.fen());
            self.deferred.push(Deferred { side: Side::Counterpart, day, entry: Entry::from(record) });
            return Ok(Class::Deferred);
        }
        self.figures.add(Sum::CounterpartOnly, record.channel, record.kind, record.amount.fen());
        let cause = Cause::of(Side::Counterpart, self.config.counterpart, record.channel, record.kind);
        self.counterpart_only.push(SingleSided { side: Side::Counterpart, entry: Entry::from(record), cause, day });
        Ok(Class::CounterpartOnly)
    }

    /// Decides what no counterpart record reached: carried counterpart entries are matched now,
    /// then every undecided platform record is deferred (near midnight, of this day), void
    /// (closed) or platform-only.
    pub fn finish(mut self) -> Result<DayResult, ReconcileError> {
        let n = self.platform.len();
        let mut carried_classes: Vec<Option<Class>> = vec![None; self.carried.len()];
        for (j, carried) in self.carried.iter().enumerate() {
            if carried.side == Side::Counterpart {
                carried_classes[j] = Some(self.probe_one(&carried.entry.record(), Some(j))?);
            }
        }
        for slot in 0..self.decided.len() {
            if slot >= n && self.carried[slot - n].side != Side::Platform {
                continue;
            }
            if self.decided[slot].is_none() {
                let class = self.unmatched_platform(slot);
                self.decided[slot] = Some(class);
            }
        }
        for (j, class) in carried_classes.iter_mut().enumerate() {
            if class.is_none() {
                *class = self.decided[n + j];
            }
        }
        sort(&mut self.platform_only, &mut self.counterpart_only, &mut self.deferred, &mut self.discrepancies);
        Ok(DayResult {
            day: self.config.day,
            counterpart: self.config.counterpart,
            platform_classes: self.decided[..n].iter().map(|c| c.unwrap_or(Class::PlatformOnly)).collect(),
            counterpart_classes: self.counterpart_classes,
            carried_classes: carried_classes.into_iter().map(|c| c.unwrap_or(Class::Duplicate)).collect(),
            discrepancies: self.discrepancies,
            platform_only: self.platform_only,
            counterpart_only: self.counterpart_only,
            deferred: self.deferred,
            summary: self.figures.finish()?,
        })
    }

    fn unmatched_platform(&mut self, slot: usize) -> Class {
        let record = self.platform_record(slot);
        let day = self.day_of_slot(slot);
        if record.status == Status::Closed {
            self.figures.void += 1;
            return Class::Void;
        }
        if slot < self.platform.len() && self.config.near_day_end(&record) {
            self.figures.add(Sum::Deferred, record.channel, record.kind, record.amount.fen());
            self.deferred.push(Deferred { side: Side::Platform, day, entry: Entry::from(&record) });
            return Class::Deferred;
        }
        self.figures.add(Sum::PlatformOnly, record.channel, record.kind, record.amount.fen());
        let cause = Cause::of(Side::Platform, self.config.counterpart, record.channel, record.kind);
        self.platform_only.push(SingleSided { side: Side::Platform, entry: Entry::from(&record), cause, day });
        Class::PlatformOnly
    }
}
