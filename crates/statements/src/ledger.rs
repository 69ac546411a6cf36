//! The platform's own ledger export, exactly:
//! `platform_order_no,channel,third_party_no,kind,refund_no,amount,status,paid_at`
//! (kind `payment`|`refund`; amount yuan with two decimals; status `success`|`closed`|`pending`;
//! paid_at `YYYY-MM-DD HH:MM:SS`; channel `wechat`|`alipay`|`unionpay`|`insurance`|`cash`).
//!
//! Columns are found by name (any order, no others). Amounts are magnitudes: a refund is a
//! `refund` row with a positive amount and its own `refund_no`; a payment has no `refund_no`.
//! Rows are unique by `platform_order_no` among payments and by `refund_no` among refunds.
//! The format has no summary; a last line cut off mid-way is refused as truncated.

use std::io::Read;

use chrono::NaiveDateTime;
use domain::Money;

use crate::dedup::Seen;
use crate::error::StatementError;
use crate::plaincsv::{Line, PlainCsv};
use crate::totals::{Parsed, ReadOptions, Scan, Summary, Tally};
use crate::{Channel, Kind, Status};

/// The header of the platform ledger export.
pub const LEDGER_HEADER: &str = "platform_order_no,channel,third_party_no,kind,refund_no,amount,status,paid_at";
const NAMES: [&str; 8] =
    ["platform_order_no", "channel", "third_party_no", "kind", "refund_no", "amount", "status", "paid_at"];

/// One ledger row, borrowing its text from the line being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow<'a> {
    pub line: u64,
    pub platform_order_no: &'a str,
    pub channel: Channel,
    /// The channel's own number (`""` for cash, or before the channel answered).
    pub third_party_no: &'a str,
    pub kind: Kind,
    /// The refund's own number (`""` on payments).
    pub refund_no: &'a str,
    /// A magnitude; `kind` says which way the money went.
    pub amount: Money,
    pub status: Status,
    pub paid_at: NaiveDateTime,
}

impl LedgerRow<'_> {
    /// The key the row is unique by: the order no. for a payment, the refund no. for a refund.
    pub fn key(&self) -> &str {
        match self.kind {
            Kind::Payment => self.platform_order_no,
            Kind::Refund => self.refund_no,
        }
    }
}

/// Reads a platform ledger export (plain or gzip), calling `on_row` for every row.
pub fn read_ledger<R: Read>(
    file: &str,
    reader: R,
    on_row: impl FnMut(&LedgerRow<'_>),
) -> Result<Parsed, StatementError> {
    scan(file, reader, ReadOptions::default(), on_row)?.into_parsed()
}

/// [`read_ledger`] with options (e.g. leaving the duplicate check to the reconcile engine).
pub fn read_ledger_with<R: Read>(
    file: &str,
    reader: R,
    options: ReadOptions,
    on_row: impl FnMut(&LedgerRow<'_>),
) -> Result<Parsed, StatementError> {
    scan(file, reader, options, on_row)?.into_parsed()
}

pub(crate) fn scan<R: Read>(
    file: &str,
    reader: R,
    options: ReadOptions,
    mut on_row: impl FnMut(&LedgerRow<'_>),
) -> Result<Scan, StatementError> {
    let mut csv = PlainCsv::open(file, reader, &NAMES)?;
    let ctx = csv.ctx;
    let mut seen = Seen::new();
    let mut tally = Tally::default();
    while let Some(next) = csv.next()? {
        let text = match next.line {
            Line::Comment(text) => return Err(ctx.value(next.number, "整行", text)),
            Line::Record(text) => text,
        };
        let parsed = (|| {
            let f = next.fields(text, &NAMES, ctx);
            let kind = f.kind(3)?;
            let row = LedgerRow {
                line: next.number,
                platform_order_no: f.required(0)?,
                channel: f.channel(1)?,
                third_party_no: f.get(2),
                kind,
                refund_no: if kind == Kind::Refund { f.required(4)? } else { f.get(4) },
                amount: f.amount(5)?,
                status: Status::parse(f.get(6)).ok_or_else(|| ctx.value(next.number, NAMES[6], f.get(6)))?,
                paid_at: f.time(7)?,
            };
            if kind == Kind::Payment && !row.refund_no.is_empty() {
                return Err(ctx.value(next.number, NAMES[4], row.refund_no));
            }
            Ok(row)
        })();
        let row = match parsed {
            Ok(row) => row,
            Err(_) if !next.terminated => return Err(ctx.truncated(next.number, "最后一行被截断")),
            Err(e) => return Err(e),
        };
        if options.check_duplicates
            && let Some(first) = seen.first_line(row.kind as u8, row.key(), row.line)
        {
            return Err(ctx.duplicate(row.line, first, row.key()));
        }
        tally.add(row.kind, row.amount.fen(), 0);
        on_row(&row);
    }
    Ok(Scan { format: "platform-ledger", totals: tally.finish(ctx)?, summary: Ok(Summary::Absent) })
}
