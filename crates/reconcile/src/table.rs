//! A compact owned table of records: every number of every record in one text arena, the rest
//! in 48 bytes per record. What a day's platform ledger is kept in while a statement streams
//! past it (a million records take about 100 MB).

use chrono::NaiveDateTime;
use domain::Money;
use statements::{Channel, Fee, Kind, Status};

use crate::config::{Config, KeyField};
use crate::error::ReconcileError;
use crate::record::{Record, Records};

#[derive(Clone, Copy, Debug)]
struct Packed {
    text_at: u64,
    amount_fen: i64,
    fee_units: i64,
    at: NaiveDateTime,
    order_len: u16,
    third_len: u16,
    refund_len: u16,
    channel: Channel,
    kind: Kind,
    status: Status,
    has_fee: bool,
}

/// Records stored compactly; see [`Records`] to read them back.
#[derive(Clone, Debug, Default)]
pub struct RecordTable {
    text: String,
    rows: Vec<Packed>,
}

impl RecordTable {
    pub fn new() -> RecordTable {
        RecordTable::default()
    }

    pub fn with_capacity(records: usize, text_bytes: usize) -> RecordTable {
        RecordTable { text: String::with_capacity(text_bytes), rows: Vec::with_capacity(records) }
    }

    /// Copies the record in. Numbers longer than 65535 bytes are refused.
    pub fn push(&mut self, record: &Record<'_>) -> Result<(), ReconcileError> {
        let len = |text: &str| u16::try_from(text.len()).map_err(|_| ReconcileError::FieldTooLong { len: text.len() });
        let packed = Packed {
            text_at: self.text.len() as u64,
            amount_fen: record.amount.fen(),
            fee_units: record.fee.map_or(0, Fee::units),
            at: record.at,
            order_len: len(record.order_no)?,
            third_len: len(record.third_party_no)?,
            refund_len: len(record.refund_no)?,
            channel: record.channel,
            kind: record.kind,
            status: record.status,
            has_fee: record.fee.is_some(),
        };
        self.text.push_str(record.order_no);
        self.text.push_str(record.third_party_no);
        self.text.push_str(record.refund_no);
        self.rows.push(packed);
        Ok(())
    }

    /// The time of record `index`, without building the record.
    pub fn at(&self, index: usize) -> NaiveDateTime {
        self.rows[index].at
    }

    /// Empties the table, keeping its memory for reuse.
    pub fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }

    /// Bytes held (rows and text), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.rows.capacity() * std::mem::size_of::<Packed>()
    }
}

impl Records for RecordTable {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn kind(&self, index: usize) -> Kind {
        self.rows[index].kind
    }

    fn key(&self, index: usize, config: &Config) -> &str {
        let p = &self.rows[index];
        let mut from = usize::try_from(p.text_at).unwrap_or(usize::MAX);
        let len = match config.key_field(p.kind, p.channel) {
            KeyField::OrderNo => p.order_len,
            KeyField::ThirdPartyNo => {
                from += usize::from(p.order_len);
                p.third_len
            }
            KeyField::RefundNo => {
                from += usize::from(p.order_len) + usize::from(p.third_len);
                p.refund_len
            }
        };
        self.text.get(from..from + usize::from(len)).unwrap_or("")
    }

    fn record(&self, index: usize) -> Record<'_> {
        let p = &self.rows[index];
        let start = usize::try_from(p.text_at).unwrap_or(usize::MAX);
        let order_end = start + usize::from(p.order_len);
        let third_end = order_end + usize::from(p.third_len);
        let refund_end = third_end + usize::from(p.refund_len);
        let slice = |from: usize, to: usize| self.text.get(from..to).unwrap_or("");
        Record {
            channel: p.channel,
            kind: p.kind,
            status: p.status,
            order_no: slice(start, order_end),
            third_party_no: slice(order_end, third_end),
            refund_no: slice(third_end, refund_end),
            amount: Money::from_fen(p.amount_fen).unwrap_or(Money::ZERO),
            fee: p.has_fee.then_some(Fee::from_units(p.fee_units)),
            at: p.at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_as_they_went_in() {
        let at = NaiveDateTime::parse_from_str("2024-03-01 23:59:59", "%Y-%m-%d %H:%M:%S").unwrap();
        let a = Record {
            channel: Channel::Wechat,
            kind: Kind::Refund,
            status: Status::Pending,
            order_no: "P1",
            third_party_no: "4200",
            refund_no: "R1",
            amount: Money::from_fen(12_345).unwrap(),
            fee: Some(Fee::from_units(-7)),
            at,
        };
        let b = Record { order_no: "订单2", third_party_no: "", refund_no: "", fee: None, kind: Kind::Payment, ..a };
        let mut table = RecordTable::new();
        table.push(&a).unwrap();
        table.push(&b).unwrap();
        assert_eq!(table.len(), 2);
        assert_eq!(table.record(0), a);
        assert_eq!(table.record(1), b);
        let c = Record { channel: Channel::Unionpay, kind: Kind::Payment, third_party_no: "Q9", ..b };
        table.push(&c).unwrap();
        let config = Config::for_channel(a.at.date(), Channel::Unionpay);
        assert_eq!((table.key(0, &config), table.key(2, &config)), ("R1", "Q9"));
        assert_eq!(table.kind(2), Kind::Payment);
        let config = Config::for_his(a.at.date());
        assert_eq!((table.key(0, &config), table.key(1, &config)), ("R1", "订单2"));
        assert_eq!(std::mem::size_of::<Packed>(), 48);
        let long = "x".repeat(70_000);
        let err = table.push(&Record { order_no: &long, ..a }).unwrap_err();
        assert_eq!(err.code(), "RECONCILE_FIELD_TOO_LONG");
    }
}
