//! Duplicate-row detection while streaming: the keys seen so far are copied once into one
//! arena and found again through a hash table of spans (no owned string per row).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// One remembered key: where it lies in the arena, its tag (kind of row) and its line.
#[derive(Clone, Copy)]
struct Slot {
    from: usize,
    len: u32,
    tag: u8,
    line: u64,
}

/// The keys of a file's rows seen so far.
pub(crate) struct Seen {
    arena: Vec<u8>,
    table: HashTable<Slot>,
    state: FixedState,
}

impl Seen {
    pub(crate) fn new() -> Seen {
        Seen { arena: Vec::new(), table: HashTable::new(), state: FixedState::with_seed(0x5eed_5eed) }
    }

    /// Remembers `key` (under `tag`, e.g. payment or refund) first seen on `line`; when it was
    /// already seen, returns the line it was first seen on instead.
    pub(crate) fn first_line(&mut self, tag: u8, key: &str, line: u64) -> Option<u64> {
        let hash = self.state.hash_one((tag, key.as_bytes()));
        let arena = &self.arena;
        let same = |slot: &Slot| slot.tag == tag && &arena[slot.from..slot.from + slot.len as usize] == key.as_bytes();
        if let Some(slot) = self.table.find(hash, same) {
            return Some(slot.line);
        }
        let from = self.arena.len();
        self.arena.extend_from_slice(key.as_bytes());
        let len = u32::try_from(key.len()).unwrap_or(u32::MAX);
        let (arena, state) = (&self.arena, &self.state);
        self.table.insert_unique(hash, Slot { from, len, tag, line }, |slot: &Slot| {
            let bytes = &arena[slot.from..slot.from + slot.len as usize];
            state.hash_one((slot.tag, bytes))
        });
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_line_of_a_repeated_key() {
        let mut seen = Seen::new();
        assert_eq!(seen.first_line(0, "P1", 2), None);
        assert_eq!(seen.first_line(1, "P1", 3), None, "another tag is another key");
        assert_eq!(seen.first_line(0, "P2", 4), None);
        assert_eq!(seen.first_line(0, "P1", 9), Some(2));
        for i in 0..10_000 {
            assert_eq!(seen.first_line(0, &format!("K{i}"), 10 + i), None);
        }
        assert_eq!(seen.first_line(0, "K77", 1), Some(87));
    }
}
