//! The HIS transaction export, in our own documented CSV format (HIS vendors differ; each
//! vendor's adapter writes this). UTF-8, LF or CRLF, optionally gzip, no quoting:
//!
//! ```text
//! his_trade_no,platform_order_no,channel,third_party_no,kind,refund_no,amount,paid_at
//! H20240301000001,P20240301000001,wechat,4200002024030112345678901234,payment,,1280.00,2024-03-01 10:00:00
//! H20240301000002,P20240301000001,wechat,4200002024030112345678901234,refund,R20240301000001,80.00,2024-03-01 15:20:00
//! H20240301000003,P20240301000003,cash,,payment,,500.00,2024-03-01 11:02:13
//! #summary,3,1780.00,80.00
//! ```
//!
//! - `his_trade_no`: the HIS's own transaction number, unique in the file.
//! - `platform_order_no`: the platform's order no. as the HIS recorded it (`""` when the HIS
//!   never learnt it); `third_party_no`: the channel's no. (`""` for cash).
//! - `channel`, `kind`, `amount`, `paid_at`: as in the platform ledger (amounts are positive
//!   magnitudes in yuan with at most two decimals; `kind` says which way money went).
//! - `refund_no`: the refund's own number on refund rows, empty on payments.
//! - The last line is the trailer `#summary,<rows>,<payment amount>,<refund amount>`; a file
//!   without it is truncated, a trailer that disagrees with the rows is a summary mismatch.
//!   Rows are unique by `his_trade_no`, and by their key (order no. for payments, refund no.
//!   for refunds).

use std::io::Read;

use chrono::NaiveDateTime;
use domain::Money;

use crate::amount::parse_fen;
use crate::dedup::Seen;
use crate::error::StatementError;
use crate::plaincsv::{Line, PlainCsv};
use crate::totals::{Parsed, Scan, Summary, Tally, fen_text};
use crate::{Channel, Kind, Status};

/// The header of the HIS export.
pub const HIS_HEADER: &str = "his_trade_no,platform_order_no,channel,third_party_no,kind,refund_no,amount,paid_at";
const NAMES: [&str; 8] =
    ["his_trade_no", "platform_order_no", "channel", "third_party_no", "kind", "refund_no", "amount", "paid_at"];

/// One HIS transaction, borrowing its text from the line being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HisRow<'a> {
    pub line: u64,
    pub his_trade_no: &'a str,
    pub platform_order_no: &'a str,
    pub channel: Channel,
    pub third_party_no: &'a str,
    pub kind: Kind,
    pub refund_no: &'a str,
    pub amount: Money,
    pub paid_at: NaiveDateTime,
}

impl HisRow<'_> {
    /// The HIS records only what it settled: every row is a success.
    pub fn status(&self) -> Status {
        Status::Success
    }
    /// The order no. for a payment, the refund no. for a refund.
    pub fn key(&self) -> &str {
        match self.kind {
            Kind::Payment => self.platform_order_no,
            Kind::Refund => self.refund_no,
        }
    }
}

/// Reads a HIS export (plain or gzip), calling `on_row` for every row, and checks the trailer.
pub fn read_his<R: Read>(file: &str, reader: R, on_row: impl FnMut(&HisRow<'_>)) -> Result<Parsed, StatementError> {
    scan(file, reader, on_row)?.into_parsed()
}

pub(crate) fn scan<R: Read>(
    file: &str,
    reader: R,
    mut on_row: impl FnMut(&HisRow<'_>),
) -> Result<Scan, StatementError> {
    let mut csv = PlainCsv::open(file, reader, &NAMES)?;
    let ctx = csv.ctx;
    let mut seen = Seen::new();
    let mut tally = Tally::default();
    let mut trailer: Option<(u64, String)> = None;
    let mut last = 1;
    while let Some(next) = csv.next()? {
        last = next.number;
        let text = match next.line {
            Line::Comment(text) if trailer.is_none() && text.starts_with("#summary,") && next.terminated => {
                trailer = Some((next.number, text.to_owned()));
                continue;
            }
            Line::Comment(text) => return Err(ctx.value(next.number, "整行", text)),
            Line::Record(_) if trailer.is_some() => return Err(ctx.value(next.number, "整行", "合计行之后还有记录")),
            Line::Record(text) => text,
        };
        let parsed = (|| {
            let f = next.fields(text, &NAMES, ctx);
            let kind = f.kind(4)?;
            let row = HisRow {
                line: next.number,
                his_trade_no: f.required(0)?,
                platform_order_no: f.get(1),
                channel: f.channel(2)?,
                third_party_no: f.get(3),
                kind,
                refund_no: if kind == Kind::Refund { f.required(5)? } else { f.get(5) },
                amount: f.amount(6)?,
                paid_at: f.time(7)?,
            };
            if kind == Kind::Payment && !row.refund_no.is_empty() {
                return Err(ctx.value(next.number, NAMES[5], row.refund_no));
            }
            Ok(row)
        })();
        let row = match parsed {
            Ok(row) => row,
            Err(_) if !next.terminated => return Err(ctx.truncated(next.number, "最后一行被截断")),
            Err(e) => return Err(e),
        };
        if let Some(first) = seen.first_line(0, row.his_trade_no, row.line) {
            return Err(ctx.duplicate(row.line, first, row.his_trade_no));
        }
        if !row.key().is_empty()
            && let Some(first) = seen.first_line(1 + row.kind as u8, row.key(), row.line)
        {
            return Err(ctx.duplicate(row.line, first, row.key()));
        }
        tally.add(row.kind, row.amount.fen(), 0);
        on_row(&row);
    }
    let Some((line, trailer)) = trailer else {
        return Err(ctx.truncated(last, "缺少合计行（#summary,…）"));
    };
    let totals = tally.finish(ctx)?;
    let parts: Vec<&str> = trailer.split(',').collect();
    let [_, rows, payments, refunds] = parts[..] else {
        return Err(ctx.value(line, "合计行", &trailer));
    };
    let stated_rows = rows.parse::<u64>().map_err(|_| ctx.amount(line, "合计行笔数", rows))?;
    let stated_payments = parse_fen(payments).ok_or_else(|| ctx.amount(line, "合计行支付金额", payments))?;
    let stated_refunds = parse_fen(refunds).ok_or_else(|| ctx.amount(line, "合计行退款金额", refunds))?;
    let summary = if stated_rows != tally.rows {
        Err(ctx.mismatch(line, "笔数", rows.to_owned(), tally.rows.to_string()))
    } else if i128::from(stated_payments) != tally.payment_fen.0 {
        Err(ctx.mismatch(line, "支付金额", payments.to_owned(), fen_text(tally.payment_fen)))
    } else if i128::from(stated_refunds) != tally.refund_fen.0 {
        Err(ctx.mismatch(line, "退款金额", refunds.to_owned(), fen_text(tally.refund_fen)))
    } else {
        Ok(Summary::Agreed)
    };
    Ok(Scan { format: "his-export", totals, summary })
}
