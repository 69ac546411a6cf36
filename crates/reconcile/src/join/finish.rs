//! The end of a run: keys given twice are refused, the carried cross-day set meets what still
//! waits, and every record left on either side is decided (void, deferred or single-sided).

use foldhash::quality::FixedState;
use hashbrown::HashMap;
use statements::Kind;

use super::{Join, Pair, SEED};
use crate::error::ReconcileError;
use crate::held::{Held, Origin};
use crate::lookup::sort;
use crate::outcome::{Class, DayResult, Side};

impl<'c> Join<'c> {
    /// Decides what is still waiting: carried entries are matched now, then every record left
    /// on either side is deferred (near midnight, of this day), void (closed) or single-sided.
    pub fn finish(mut self) -> Result<DayResult, ReconcileError> {
        self.refuse_keys_twice()?;
        self.match_carried()?;
        let mut counterpart_left: Vec<Held> = self.counterpart.waiting.drain();
        counterpart_left.sort_unstable_by_key(|h| origin_order(h.origin));
        for held in &counterpart_left {
            let class = self.counterpart_alone(&held.record(), None);
            self.decide(Side::Counterpart, held.origin, class);
        }
        let mut platform_left: Vec<Held> = self.platform.waiting.drain();
        platform_left.sort_unstable_by_key(|h| origin_order(h.origin));
        for held in &platform_left {
            let carried = match held.origin {
                Origin::Today(_) => None,
                Origin::Carried(j) => Some(self.carried[j as usize].day),
            };
            let class = self.platform_alone(&held.record(), carried);
            self.decide(Side::Platform, held.origin, class);
        }
        for (index, entry) in std::mem::take(&mut self.keyless) {
            let class = self.platform_alone(&entry.record(), None);
            self.platform.classes[index as usize] = Some(class);
        }
        for j in 0..self.carried.len() {
            let entry = &self.carried[j];
            if self.carried_classes[j].is_none() && entry.side == Side::Platform {
                // A carried platform entry without a key: nothing can match it.
                let class = self.platform_alone(&entry.entry.record(), Some(entry.day));
                self.carried_classes[j] = Some(class);
            }
        }
        sort(&mut self.platform_only, &mut self.counterpart_only, &mut self.deferred, &mut self.discrepancies);
        Ok(DayResult {
            day: self.config.day,
            counterpart: self.config.counterpart,
            platform_classes: self.platform.classes.into_iter().map(|c| c.unwrap_or(Class::PlatformOnly)).collect(),
            counterpart_classes: self
                .counterpart
                .classes
                .into_iter()
                .map(|c| c.unwrap_or(Class::CounterpartOnly))
                .collect(),
            carried_classes: self.carried_classes.into_iter().map(|c| c.unwrap_or(Class::Duplicate)).collect(),
            discrepancies: self.discrepancies,
            platform_only: self.platform_only,
            counterpart_only: self.counterpart_only,
            deferred: self.deferred,
            summary: self.figures.finish()?,
        })
    }

    /// Refuses a key either side gave twice (the platform's first). One whose first record was
    /// still waiting was refused when the second came; here the first was matched and let go,
    /// and the second, finding no partner, still waits and names the key.
    fn refuse_keys_twice(&mut self) -> Result<(), ReconcileError> {
        let (platform, counterpart) = (&mut self.platform.shown, &mut self.counterpart.shown);
        let (platform_twice, counterpart_twice) = std::thread::scope(|scope| {
            let other = scope.spawn(|| counterpart.twice());
            (platform.twice(), other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        for (side, twice) in [(Side::Platform, platform_twice), (Side::Counterpart, counterpart_twice)] {
            let Some(hash) = twice else { continue };
            let waiting = if side == Side::Platform { &self.platform.waiting } else { &self.counterpart.waiting };
            let (kind, key) = waiting
                .key_of(&self.config, hash)
                .unwrap_or((Kind::Payment, "（两条均已与对方记录配对，请按对方的重复单号核对）".to_owned()));
            return Err(ReconcileError::DuplicateKey { side, kind, key });
        }
        Ok(())
    }

    /// Carried platform entries meet the day's counterpart records still waiting (or wait
    /// themselves); carried counterpart entries then meet every platform record still waiting.
    fn match_carried(&mut self) -> Result<(), ReconcileError> {
        let carried = self.carried;
        let mut carried_platform: Vec<usize> = self.carried_platform.iter().copied().collect();
        carried_platform.sort_unstable();
        for j in carried_platform {
            let record = carried[j].entry.record();
            let key = self.config.key(&record);
            let origin = Origin::Carried(u32::try_from(j).map_err(|_| ReconcileError::Overflow)?);
            let hash = self.hash(record.kind, key);
            match self.counterpart.waiting.take(&self.config, hash, record.kind, key) {
                Some((_, partner)) => self.pair(&Pair {
                    platform: record,
                    platform_origin: origin,
                    counterpart: partner.record(),
                    counterpart_origin: partner.origin,
                })?,
                None => self.platform.waiting.put(&record, origin, hash)?,
            }
        }
        let mut alone_keys: HashMap<(Kind, &'c str), (), FixedState> =
            HashMap::with_hasher(FixedState::with_seed(SEED));
        for (j, entry) in carried.iter().enumerate().filter(|(_, c)| c.side == Side::Counterpart) {
            let record = entry.entry.record();
            if !self.config.in_scope(record.channel) {
                self.carried_classes[j] = Some(Class::OutOfScope);
                self.figures.out_of_scope += 1;
                continue;
            }
            let key = self.config.key(&record);
            if key.is_empty() {
                self.carried_classes[j] = Some(self.counterpart_alone(&record, Some(entry.day)));
                continue;
            }
            let hash = self.hash(record.kind, key);
            let origin = Origin::Carried(u32::try_from(j).map_err(|_| ReconcileError::Overflow)?);
            if let Some((_, partner)) = self.platform.waiting.take(&self.config, hash, record.kind, key) {
                self.pair(&Pair {
                    platform: partner.record(),
                    platform_origin: partner.origin,
                    counterpart: record,
                    counterpart_origin: origin,
                })?;
                continue;
            }
            // The platform has the key but its record is taken; or the day's counterpart (or an
            // earlier carried entry) has it alone: a duplicate either way.
            let platform_has =
                self.platform.shown.contains(hash) || self.carried_platform_index(hash, record.kind, key).is_some();
            let counterpart_has = self.counterpart.waiting.contains(&self.config, hash, record.kind, key)
                || alone_keys.insert((record.kind, key), ()).is_some();
            if platform_has || counterpart_has {
                self.carried_classes[j] = Some(Class::Duplicate);
                self.figures.duplicates += 1;
                continue;
            }
            self.carried_classes[j] = Some(self.counterpart_alone(&record, Some(entry.day)));
        }
        Ok(())
    }
}

/// Today's records before carried ones, each in input order: the lists are sorted at the end
/// anyway, this only keeps the work in a fixed order.
fn origin_order(origin: Origin) -> (u8, u32) {
    match origin {
        Origin::Today(i) => (0, i),
        Origin::Carried(j) => (1, j),
    }
}
