//! What the streaming join holds between the two sides: a record waiting for its partner
//! ([`Held`], owned, one allocation for its numbers), the records of one side waiting by key
//! ([`Waiting`]), and the keys one side has shown ([`Shown`], 8 bytes each) to refuse a key
//! given twice after its first record was matched and let go.

use chrono::NaiveDateTime;
use domain::Money;
use hashbrown::HashTable;
use statements::{Channel, Fee, Kind, Status};

use crate::config::Config;
use crate::error::ReconcileError;
use crate::record::Record;

/// Where a held record came from: today's input at an index, or the carried cross-day set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    Today(u32),
    Carried(u32),
}

/// A record waiting for its partner, owning its numbers in one string (whose memory a slot
/// keeps for the next record it holds).
#[derive(Debug)]
pub(crate) struct Held {
    pub(crate) origin: Origin,
    hash: u64,
    text: String,
    order_len: u16,
    third_len: u16,
    channel: Channel,
    kind: Kind,
    status: Status,
    amount: Money,
    fee: Option<Fee>,
    at: NaiveDateTime,
}

impl Held {
    /// `None` when a number is longer than 65535 bytes (no statement has one).
    pub(crate) fn new(record: &Record<'_>, origin: Origin, hash: u64) -> Option<Held> {
        let mut held = Held {
            origin,
            hash,
            text: String::new(),
            order_len: 0,
            third_len: 0,
            channel: record.channel,
            kind: record.kind,
            status: record.status,
            amount: record.amount,
            fee: record.fee,
            at: record.at,
        };
        held.fill(record, origin, hash).then_some(held)
    }

    /// What a slot holds while its record is taken out.
    fn placeholder() -> Held {
        Held {
            origin: Origin::Today(0),
            hash: 0,
            text: String::new(),
            order_len: 0,
            third_len: 0,
            channel: Channel::Cash,
            kind: Kind::Payment,
            status: Status::Closed,
            amount: Money::ZERO,
            fee: None,
            at: NaiveDateTime::default(),
        }
    }

    /// Holds `record` in place of what this held before, reusing the string's memory.
    fn fill(&mut self, record: &Record<'_>, origin: Origin, hash: u64) -> bool {
        let (Ok(order_len), Ok(third_len), Ok(_)) = (
            u16::try_from(record.order_no.len()),
            u16::try_from(record.third_party_no.len()),
            u16::try_from(record.refund_no.len()),
        ) else {
            return false;
        };
        self.text.clear();
        self.text.push_str(record.order_no);
        self.text.push_str(record.third_party_no);
        self.text.push_str(record.refund_no);
        self.origin = origin;
        self.hash = hash;
        self.order_len = order_len;
        self.third_len = third_len;
        self.channel = record.channel;
        self.kind = record.kind;
        self.status = record.status;
        self.amount = record.amount;
        self.fee = record.fee;
        self.at = record.at;
        true
    }

    pub(crate) fn record(&self) -> Record<'_> {
        let order_end = usize::from(self.order_len);
        let third_end = order_end + usize::from(self.third_len);
        Record {
            channel: self.channel,
            kind: self.kind,
            status: self.status,
            order_no: self.text.get(..order_end).unwrap_or(""),
            third_party_no: self.text.get(order_end..third_end).unwrap_or(""),
            refund_no: self.text.get(third_end..).unwrap_or(""),
            amount: self.amount,
            fee: self.fee,
            at: self.at,
        }
    }
}

/// One side's records waiting for a partner, by (kind, key). Slots are reused with their
/// memory, so a day whose two sides come in the same (time) order holds only the records
/// between them, and allocates nothing once it has as many slots as ever wait at once.
#[derive(Debug, Default)]
pub(crate) struct Waiting {
    slots: Vec<Held>,
    live: Vec<bool>,
    free: Vec<u32>,
    table: HashTable<u32>,
}

impl Waiting {
    fn same(&self, slot: u32, config: &Config, kind: Kind, key: &str) -> bool {
        let held = &self.slots[slot as usize];
        held.kind == kind && config.key(&held.record()) == key
    }

    pub(crate) fn contains(&self, config: &Config, hash: u64, kind: Kind, key: &str) -> bool {
        self.table.find(hash, |s| self.same(*s, config, kind, key)).is_some()
    }

    /// Takes out the record waiting under (kind, key), if any, with its slot: hand it back with
    /// [`Waiting::give_back`] once read, so that the slot keeps its memory.
    pub(crate) fn take(&mut self, config: &Config, hash: u64, kind: Kind, key: &str) -> Option<(u32, Held)> {
        if self.table.is_empty() {
            return None;
        }
        let slots = &self.slots;
        let found = self.table.find_entry(hash, |s| {
            let held = &slots[*s as usize];
            held.kind == kind && config.key(&held.record()) == key
        });
        let (slot, _) = found.ok()?.remove();
        self.free.push(slot);
        self.live[slot as usize] = false;
        Some((slot, std::mem::replace(&mut self.slots[slot as usize], Held::placeholder())))
    }

    /// Returns a taken record's memory to its (free) slot.
    pub(crate) fn give_back(&mut self, slot: u32, held: Held) {
        if !self.live[slot as usize] {
            self.slots[slot as usize] = held;
        }
    }

    /// Holds `record` until its partner comes (its key is not waiting yet: the caller has
    /// looked). Refused when a number is longer than 65535 bytes.
    pub(crate) fn put(&mut self, record: &Record<'_>, origin: Origin, hash: u64) -> Result<(), ReconcileError> {
        let slot = match self.free.pop() {
            Some(slot) if self.slots[slot as usize].fill(record, origin, hash) => slot,
            Some(slot) => {
                self.free.push(slot);
                return Err(too_long(record));
            }
            None => {
                let slot = u32::try_from(self.slots.len()).map_err(|_| ReconcileError::Overflow)?;
                self.slots.push(Held::new(record, origin, hash).ok_or_else(|| too_long(record))?);
                self.live.push(false);
                slot
            }
        };
        self.live[slot as usize] = true;
        let slots = &self.slots;
        self.table.insert_unique(hash, slot, |s| slots[*s as usize].hash);
        Ok(())
    }

    /// Everything still waiting, emptying the side.
    pub(crate) fn drain(&mut self) -> Vec<Held> {
        self.table.clear();
        self.free.clear();
        let live = std::mem::take(&mut self.live);
        std::mem::take(&mut self.slots).into_iter().zip(live).filter_map(|(held, live)| live.then_some(held)).collect()
    }

    /// The key of a record waiting with `hash`, if one is.
    pub(crate) fn key_of(&self, config: &Config, hash: u64) -> Option<(Kind, String)> {
        let slot = self.table.find(hash, |s| self.slots[*s as usize].hash == hash)?;
        let held = &self.slots[*slot as usize];
        Some((held.kind, config.key(&held.record()).to_owned()))
    }

    /// Slots made (the most records that ever waited at once) and the bytes they hold.
    pub(crate) fn most(&self) -> usize {
        self.slots.iter().map(|h| std::mem::size_of::<Held>() + h.text.capacity()).sum()
    }
}

/// A number too long for the compact forms (over 65535 bytes).
pub(crate) fn too_long(record: &Record<'_>) -> ReconcileError {
    let len = record.order_no.len().max(record.third_party_no.len()).max(record.refund_no.len());
    ReconcileError::FieldTooLong { len }
}

/// The keys one side has shown, as 64-bit hashes of (kind, key), appended as they come and
/// sorted once at the end to find a key given twice (8 bytes a record, written in order: no
/// table to miss in). Two different keys with one hash would be taken for a key given twice
/// (about one chance in 10^7 for a day of a million records a side): the run is then refused
/// by name, never wrong.
#[derive(Debug, Default)]
pub(crate) struct Shown {
    hashes: Vec<u64>,
    sorted: bool,
}

impl Shown {
    pub(crate) fn push(&mut self, hash: u64) {
        self.hashes.push(hash);
        self.sorted = false;
    }

    /// Sorts the hashes; a hash shown twice, if any.
    pub(crate) fn twice(&mut self) -> Option<u64> {
        if !self.sorted {
            self.hashes.sort_unstable();
            self.sorted = true;
        }
        self.hashes.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }

    /// Whether `hash` was shown (after [`Shown::twice`] sorted them).
    pub(crate) fn contains(&self, hash: u64) -> bool {
        debug_assert!(self.sorted);
        self.hashes.binary_search(&hash).is_ok()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.hashes.capacity() * std::mem::size_of::<u64>()
    }
}
