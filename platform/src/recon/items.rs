//! A run's result as stored rows: each discrepancy and single-sided entry becomes an item with
//! a stable id (the same entry has the same id on every run of its day, so what finance did
//! about it stays attached), the batch's figures, and the cross-day set for the next day.

use chrono::{NaiveDate, NaiveDateTime};
use domain::Money;
use reconcile::{Cause, Class, DayResult, Deferred, Entry, Side};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use statements::{Channel, Fee, Kind, Status};

/// One stored item (a row of `recon_items`).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub day: NaiveDate,
    pub channel: String,
    pub id: String,
    pub class: String,
    pub side: String,
    pub kind: String,
    pub record_channel: String,
    pub order_no: String,
    pub third_party_no: String,
    pub refund_no: String,
    pub platform_fen: Option<i64>,
    pub counterpart_fen: Option<i64>,
    pub difference_fen: Option<i64>,
    pub direction: Option<String>,
    pub platform_status: Option<String>,
    pub counterpart_status: Option<String>,
    pub at: NaiveDateTime,
    pub cause: String,
}

/// A batch's figures (fen for amounts; net = payments − refunds).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub matched: u64,
    pub matched_fen: i64,
    pub platform_only: u64,
    pub platform_only_fen: i64,
    pub counterpart_only: u64,
    pub counterpart_only_fen: i64,
    pub amount_mismatch: u64,
    pub status_mismatch: u64,
    pub fee_mismatch: u64,
    pub cross_day_deferred: u64,
}

pub fn figures(result: &DayResult) -> Figures {
    let s = &result.summary;
    Figures {
        matched: s.matched.count,
        matched_fen: s.matched.net().fen(),
        platform_only: s.platform_only.count,
        platform_only_fen: s.platform_only.net().fen(),
        counterpart_only: s.counterpart_only.count,
        counterpart_only_fen: s.counterpart_only.net().fen(),
        amount_mismatch: s.amount_mismatch.count,
        status_mismatch: s.status_mismatch.count,
        fee_mismatch: s.fee_mismatch.count,
        cross_day_deferred: s.cross_day_deferred.count,
    }
}

/// The stable id of an entry of a day's batch.
pub fn item_id(day: NaiveDate, channel: &str, entry: &Entry) -> String {
    let mut hasher = Sha256::new();
    for part in
        [&day.to_string(), channel, entry.kind.as_str(), &entry.order_no, &entry.refund_no, &entry.third_party_no]
    {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(&hasher.finalize()[..8])
}

/// Every discrepancy and single-sided entry of a run, as rows.
pub fn rows(channel: &str, result: &DayResult) -> Vec<ItemRow> {
    let day = result.day;
    let base = |entry: &Entry, class: Class, side: &str, cause: String| ItemRow {
        day,
        channel: channel.to_owned(),
        id: item_id(day, channel, entry),
        class: class.code().to_owned(),
        side: side.to_owned(),
        kind: entry.kind.as_str().to_owned(),
        record_channel: entry.channel.as_str().to_owned(),
        order_no: entry.order_no.clone(),
        third_party_no: entry.third_party_no.clone(),
        refund_no: entry.refund_no.clone(),
        platform_fen: None,
        counterpart_fen: None,
        difference_fen: None,
        direction: None,
        platform_status: None,
        counterpart_status: None,
        at: entry.at,
        cause,
    };
    let mut rows = Vec::new();
    for d in &result.discrepancies {
        let cause = Cause::of(Side::Platform, result.counterpart, d.platform.channel, d.platform.kind);
        let mut row = base(&d.platform, d.class, "both", cause.code());
        row.platform_fen = Some(d.platform.amount.fen());
        row.counterpart_fen = Some(d.counterpart.amount.fen());
        row.difference_fen = Some(d.difference.fen());
        row.direction = d.direction.map(|dir| dir.label().to_owned());
        row.platform_status = Some(d.platform.status.as_str().to_owned());
        row.counterpart_status = Some(d.counterpart.status.as_str().to_owned());
        rows.push(row);
    }
    for s in result.platform_only.iter().chain(&result.counterpart_only) {
        let (class, side) = if s.side == Side::Platform {
            (Class::PlatformOnly, "platform")
        } else {
            (Class::CounterpartOnly, "counterpart")
        };
        let mut row = base(&s.entry, class, side, s.cause.code());
        let fen = Some(s.entry.amount.fen());
        let status = Some(s.entry.status.as_str().to_owned());
        if s.side == Side::Platform {
            (row.platform_fen, row.platform_status) = (fen, status);
        } else {
            (row.counterpart_fen, row.counterpart_status) = (fen, status);
        }
        rows.push(row);
    }
    // A record found on one side twice over (e.g. carried and today) keeps its first row.
    let mut seen = std::collections::HashSet::new();
    rows.retain(|r| seen.insert(r.id.clone()));
    rows
}

/// A cross-day entry as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDeferred {
    pub platform_side: bool,
    pub day: NaiveDate,
    pub channel: String,
    pub kind: String,
    pub status: String,
    pub order_no: String,
    pub third_party_no: String,
    pub refund_no: String,
    pub fen: i64,
    pub fee_units: Option<i64>,
    pub at: NaiveDateTime,
}

pub fn store_deferred(deferred: &[Deferred]) -> Vec<StoredDeferred> {
    deferred
        .iter()
        .map(|d| StoredDeferred {
            platform_side: d.side == Side::Platform,
            day: d.day,
            channel: d.entry.channel.as_str().to_owned(),
            kind: d.entry.kind.as_str().to_owned(),
            status: d.entry.status.as_str().to_owned(),
            order_no: d.entry.order_no.clone(),
            third_party_no: d.entry.third_party_no.clone(),
            refund_no: d.entry.refund_no.clone(),
            fen: d.entry.amount.fen(),
            fee_units: d.entry.fee.map(Fee::units),
            at: d.entry.at,
        })
        .collect()
}

/// Back to the engine's cross-day set; an entry that no longer reads is skipped (and logged).
pub fn load_deferred(stored: &[StoredDeferred]) -> Vec<Deferred> {
    stored
        .iter()
        .filter_map(|s| {
            let entry = Entry {
                channel: Channel::parse(&s.channel)?,
                kind: Kind::parse(&s.kind)?,
                status: Status::parse(&s.status)?,
                order_no: s.order_no.clone(),
                third_party_no: s.third_party_no.clone(),
                refund_no: s.refund_no.clone(),
                amount: Money::from_fen(s.fen).ok()?,
                fee: s.fee_units.map(Fee::from_units),
                at: s.at,
            };
            Some(Deferred { side: if s.platform_side { Side::Platform } else { Side::Counterpart }, day: s.day, entry })
        })
        .collect()
}
