//! The platform side's lookup: hash tables of slot numbers keyed by the records' borrowed
//! matching numbers, the cache-friendly build helpers, and the sorting of the detail lists.

use hashbrown::HashTable;

use crate::config::Config;
use crate::outcome::{Deferred, Discrepancy, SingleSided};
use crate::record::{Entry, Records};

/// Platform slots by matching key. The table holds only slot numbers (4 bytes each): the key
/// itself is borrowed from the record whenever it is compared or rehashed.
pub(crate) type Table = HashTable<u32>;

/// Keys hashed and touched together while building.
pub(crate) const GROUP: usize = 16;

/// Reads the table where `hash` would be (control bytes, and the slots of likely matches) so
/// that the insert shortly after finds that memory in the cache.
pub(crate) fn touch(table: &Table, hash: u64) {
    let _ = table.find(hash, |slot| std::hint::black_box(*slot) == u32::MAX);
}

/// The matching key of a platform slot (today's record, or a carried one past the end).
pub(crate) fn slot_key<'p, P: Records + ?Sized>(
    config: &Config,
    platform: &'p P,
    carried: &'p [Deferred],
    slot: usize,
) -> &'p str {
    let n = platform.len();
    if slot < n { platform.key(slot, config) } else { config.key(&carried[slot - n].entry.record()) }
}

/// Sorts the detail lists by their numbers, so that the same day's data gives the same lists
/// in whatever order its records came.
pub(crate) fn sort(
    platform_only: &mut [SingleSided],
    counterpart_only: &mut [SingleSided],
    deferred: &mut [Deferred],
    discrepancies: &mut [Discrepancy],
) {
    fn key(e: &Entry) -> (statements::Kind, &str, &str, &str, statements::Channel) {
        (e.kind, e.order_no.as_str(), e.refund_no.as_str(), e.third_party_no.as_str(), e.channel)
    }
    platform_only.sort_by(|a, b| (key(&a.entry), &a.entry, a.day).cmp(&(key(&b.entry), &b.entry, b.day)));
    counterpart_only.sort_by(|a, b| (key(&a.entry), &a.entry, a.day).cmp(&(key(&b.entry), &b.entry, b.day)));
    deferred.sort_by(|a, b| (a.side, key(&a.entry), &a.entry, a.day).cmp(&(b.side, key(&b.entry), &b.entry, b.day)));
    discrepancies.sort_by(|a, b| {
        (key(&a.platform), &a.platform, &a.counterpart).cmp(&(key(&b.platform), &b.platform, &b.counterpart))
    });
}
