//! A cache of each admission's replayed ledger, so checking a push does not re-read thousands of
//! fee lines. The cache is only trusted up to the sequence it saw; anything newer in the journal
//! is replayed on top. (One platform process per database: a second process would not see this
//! cache, and the journal read keeps it correct anyway.) It holds at most a set number of
//! admissions ([`DEFAULT_CAPACITY`] unless [`Ledgers::new`] says otherwise) and forgets the
//! least recently used one first; a forgotten ledger is replayed from the journal when needed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use sqlx::PgConnection;
use uuid::Uuid;
use wire::fold::Ledger;

use crate::error::{ApiError, ApiResult};
use crate::journal;

/// Admissions whose ledgers are kept by default (a large hospital has about that many in care).
pub const DEFAULT_CAPACITY: usize = 2_000;

#[derive(Debug)]
pub struct Ledgers {
    capacity: usize,
    cache: Mutex<Lru>,
}

/// The ledgers by admission, each with the tick of its last use; `order` finds the oldest.
#[derive(Debug, Default)]
struct Lru {
    tick: u64,
    entries: HashMap<Uuid, (u64, i64, Ledger)>,
    order: BTreeMap<u64, Uuid>,
}

impl Default for Ledgers {
    fn default() -> Ledgers {
        Ledgers::new(DEFAULT_CAPACITY)
    }
}

impl Ledgers {
    /// A cache of at most `capacity` admissions' ledgers (at least one).
    pub fn new(capacity: usize) -> Ledgers {
        Ledgers { capacity: capacity.max(1), cache: Mutex::new(Lru::default()) }
    }

    /// How many ledgers are cached.
    pub fn len(&self) -> usize {
        self.cache.lock().map(|c| c.entries.len()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the admission's ledger out of the cache, brought up to its newest journal record.
    /// Call with the admission locked, and `store` it back after the commit; a ledger not put
    /// back (the operation failed) is rebuilt from the journal next time.
    pub async fn take(&self, conn: &mut PgConnection, admission_id: Uuid) -> ApiResult<(i64, Ledger)> {
        let (mut seq, mut ledger) = self.remove(admission_id)?.unwrap_or_default();
        for (next, record) in journal::records_after(conn, admission_id, seq).await? {
            ledger.apply(&record).map_err(ApiError::internal)?;
            seq = next;
        }
        Ok((seq, ledger))
    }

    fn remove(&self, admission_id: Uuid) -> ApiResult<Option<(i64, Ledger)>> {
        let mut cache = self.cache.lock().map_err(ApiError::internal)?;
        let Some((tick, seq, ledger)) = cache.entries.remove(&admission_id) else { return Ok(None) };
        cache.order.remove(&tick);
        Ok(Some((seq, ledger)))
    }

    /// Remembers the ledger after a commit, as the most recently used; over the capacity, the
    /// least recently used ledger is forgotten.
    pub fn store(&self, admission_id: Uuid, seq: i64, ledger: Ledger) {
        let Ok(mut cache) = self.cache.lock() else { return };
        cache.tick += 1;
        let tick = cache.tick;
        if let Some((old, _, _)) = cache.entries.insert(admission_id, (tick, seq, ledger)) {
            cache.order.remove(&old);
        }
        cache.order.insert(tick, admission_id);
        while cache.entries.len() > self.capacity {
            let Some((_, oldest)) = cache.order.pop_first() else { break };
            cache.entries.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_at_most_its_capacity_forgetting_the_least_recently_used() {
        let ledgers = Ledgers::new(2);
        let [a, b, c] = [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)];
        ledgers.store(a, 1, Ledger::default());
        ledgers.store(b, 2, Ledger::default());
        // A push of `a` takes its ledger and puts it back: now `b` is the least recently used.
        let (seq, ledger) = ledgers.remove(a).unwrap().unwrap();
        ledgers.store(a, seq + 1, ledger);
        ledgers.store(c, 3, Ledger::default());
        assert_eq!(ledgers.len(), 2);
        assert!(ledgers.remove(b).unwrap().is_none(), "b was forgotten");
        assert_eq!(ledgers.remove(a).unwrap().map(|(seq, _)| seq), Some(2));
        assert_eq!(ledgers.remove(c).unwrap().map(|(seq, _)| seq), Some(3));
        assert!(ledgers.is_empty());

        let many = Ledgers::default();
        for i in 0..(DEFAULT_CAPACITY as u128 + 500) {
            many.store(Uuid::from_u128(i), 1, Ledger::default());
        }
        assert_eq!(many.len(), DEFAULT_CAPACITY);
        assert!(many.remove(Uuid::from_u128(0)).unwrap().is_none());
    }
}
