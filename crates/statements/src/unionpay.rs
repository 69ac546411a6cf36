//! UnionPay (全渠道 ACP) ZM reconciliation files: GBK, fixed width, one separator byte after
//! each of the 42 fields, amounts in zero-padded fen, times `MMDDhhmmss` without a year (the
//! settle date supplies it). Plain, or inside the zip fileTransfer returns (the `…ZM_…` entry).
//!
//! The format has no summary lines: every line must have the exact width (a line cut short is
//! truncated), be GBK, and hold a known 交易类型; rows are unique by 查询流水号.
//! 商户手续费 is zero-padded fen, optionally with a leading `D` (charged: positive) or `C`
//! (credited back: negative); plain digits count as charged on payments and given back on
//! refunds.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use domain::Money;

use crate::amount::parse_padded_fen;
use crate::archive::{evidently_utf8, gbk_field, is_zip, zip_entries};
use crate::dedup::Seen;
use crate::error::{Ctx, StatementError};
use crate::totals::{Parsed, Scan, Summary, Tally};
use crate::{Fee, Kind, Status};

/// Byte widths of the 42 ZM fields.
pub const ZM_WIDTHS: [usize; 42] = [
    3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13,
    13, 8, 32, 13, 13, 12, 2, 1, 32, 98,
];
/// Bytes in a ZM line: every field and its separator.
pub const ZM_LINE: usize = 608;

/// One ZM record, borrowing its ASCII fields from the file's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnionpayRow<'a> {
    pub line: u64,
    /// 交易代码 (field 1).
    pub txn_code: &'a str,
    /// 系统跟踪号 (field 4).
    pub trace_no: &'a str,
    /// 交易传输时间 (field 5) with the year from the settle date.
    pub transmitted_at: NaiveDateTime,
    /// 帐号 (field 6), masked as UnionPay writes it.
    pub account: &'a str,
    /// 交易金额 (field 7): a magnitude.
    pub amount: Money,
    /// 查询流水号 queryId (field 10): the third-party no.
    pub query_id: &'a str,
    /// 商户订单号 orderId (field 12): the order no. of a payment, the refund's own order no.
    pub order_id: &'a str,
    /// 商户手续费 (field 16), in our sign convention.
    pub fee: Fee,
    /// 交易类型 txnType (field 20).
    pub txn_type: &'a str,
    pub kind: Kind,
    /// 原交易查询流水号 (field 27): the original payment of a refund.
    pub orig_query_id: &'a str,
    /// 商户代码 (field 28).
    pub merchant_id: &'a str,
    /// 终端号 (field 34).
    pub terminal_id: &'a str,
    /// 原始交易订单号 (field 41).
    pub orig_order_id: &'a str,
}

impl UnionpayRow<'_> {
    /// Rows in ZM are settled transactions: all successes.
    pub fn status(&self) -> Status {
        Status::Success
    }
}

/// Reads a ZM file (or the zip holding it) for the settle date `settle_date`, calling `on_row`
/// for every record. `file` names the file in messages.
pub fn read_unionpay(
    file: &str,
    bytes: &[u8],
    settle_date: NaiveDate,
    on_row: impl FnMut(&UnionpayRow<'_>),
) -> Result<Parsed, StatementError> {
    scan(file, bytes, settle_date, on_row)?.into_parsed()
}

/// The settle date in a ZM file name such as `INN24030188ZM_898111…` (yyMMdd after `INN`).
pub fn settle_date_from_name(name: &str) -> Option<NaiveDate> {
    let base = name.rsplit(['/', '\\']).next()?;
    let digits = base.strip_prefix("INN")?.get(..6)?;
    let n = |r: std::ops::Range<usize>| digits.get(r)?.parse::<u32>().ok();
    NaiveDate::from_ymd_opt(2000 + i32::try_from(n(0..2)?).ok()?, n(2..4)?, n(4..6)?)
}

pub(crate) fn scan(
    file: &str,
    bytes: &[u8],
    settle_date: NaiveDate,
    on_row: impl FnMut(&UnionpayRow<'_>),
) -> Result<Scan, StatementError> {
    let ctx = Ctx::new(file);
    if is_zip(bytes) {
        let entries = zip_entries(bytes, ctx)?;
        let entry = entries.iter().find(|e| e.name.contains("ZM_") && !e.name.contains("ZME"));
        let Some(entry) = entry else {
            return Err(ctx.missing("压缩包中没有 ZM 对账文件"));
        };
        let name = format!("{file}/{}", entry.name);
        return scan_plain(Ctx::new(&name), &entry.data, settle_date, on_row);
    }
    scan_plain(ctx, bytes, settle_date, on_row)
}

fn scan_plain(
    ctx: Ctx<'_>,
    bytes: &[u8],
    settle_date: NaiveDate,
    mut on_row: impl FnMut(&UnionpayRow<'_>),
) -> Result<Scan, StatementError> {
    if bytes.is_empty() {
        return Err(ctx.empty());
    }
    let mut offsets = [0usize; 42];
    for i in 1..42 {
        offsets[i] = offsets[i - 1] + ZM_WIDTHS[i - 1] + 1;
    }
    let mut seen = Seen::new();
    let mut tally = Tally::default();
    let mut rest = bytes;
    let mut number = 0u64;
    while !rest.is_empty() {
        number += 1;
        let (line, terminated) = match memchr::memchr(b'\n', rest) {
            Some(at) => {
                let line = &rest[..at];
                rest = &rest[at + 1..];
                (line, true)
            }
            None => (std::mem::take(&mut rest), false),
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| *b == b' ') {
            continue;
        }
        if evidently_utf8(line) || gbk_field(line).is_none() {
            return Err(ctx.encoding(number, "GBK"));
        }
        if line.len() != ZM_LINE && line.len() != ZM_LINE - 1 {
            if !terminated || line.len() < ZM_LINE - 1 {
                return Err(ctx.truncated(number, format!("行长度 {} 字节，应为 {ZM_LINE} 字节", line.len())));
            }
            return Err(ctx.value(number, "行长度", &format!("{} 字节（应为 {ZM_LINE}）", line.len())));
        }
        let row = row(line, number, &offsets, settle_date, ctx)?;
        if let Some(first) = seen.first_line(0, row.query_id, number) {
            return Err(ctx.duplicate(number, first, row.query_id));
        }
        tally.add(row.kind, row.amount.fen(), row.fee.units());
        on_row(&row);
    }
    Ok(Scan { format: "unionpay-zm", totals: tally.finish(ctx)?, summary: Ok(Summary::Absent) })
}

const NAMES: [&str; 42] = [
    "交易代码",
    "代理机构标识码",
    "发送机构标识码",
    "系统跟踪号",
    "交易传输时间",
    "帐号",
    "交易金额",
    "商户类别",
    "终端类型",
    "查询流水号",
    "支付方式",
    "商户订单号",
    "支付卡类型",
    "原始交易的系统跟踪号",
    "原始交易日期时间",
    "商户手续费",
    "结算金额",
    "支付方式",
    "集团商户代码",
    "交易类型",
    "交易子类",
    "业务类型",
    "帐号类型",
    "账单类型",
    "账单号码",
    "交互方式",
    "原交易查询流水号",
    "商户代码",
    "分账入账方式",
    "二级商户代码",
    "二级商户简称",
    "二级商户分账入账金额",
    "清算净额",
    "终端号",
    "商户自定义域",
    "优惠金额",
    "发票金额",
    "分期付款附加手续费",
    "分期付款期数",
    "交易介质",
    "原始交易订单号",
    "保留使用",
];

fn row<'a>(
    line: &'a [u8],
    number: u64,
    offsets: &[usize; 42],
    settle_date: NaiveDate,
    ctx: Ctx<'_>,
) -> Result<UnionpayRow<'a>, StatementError> {
    let raw = |field: usize| -> &'a [u8] {
        let from = offsets[field - 1];
        line.get(from..from + ZM_WIDTHS[field - 1]).unwrap_or(&[])
    };
    let text = |field: usize| -> Result<&'a str, StatementError> {
        let bytes = raw(field);
        match std::str::from_utf8(bytes) {
            Ok(s) if bytes.is_ascii() => Ok(s.trim()),
            _ => Err(ctx.value(number, NAMES[field - 1], &String::from_utf8_lossy(bytes))),
        }
    };
    let txn_type = text(20)?;
    let kind = match txn_type {
        "01" | "03" => Kind::Payment,
        "04" | "31" | "33" => Kind::Refund,
        other => return Err(ctx.value(number, NAMES[19], other)),
    };
    let amount_text = text(7)?;
    let amount = parse_padded_fen(amount_text.as_bytes())
        .and_then(|fen| Money::from_fen(fen).ok())
        .ok_or_else(|| ctx.amount(number, NAMES[6], amount_text))?;
    let fee_text = text(16)?;
    let (sign, digits) = match fee_text.as_bytes().first() {
        Some(b'D') => (1, &fee_text[1..]),
        Some(b'C') => (-1, &fee_text[1..]),
        _ if kind == Kind::Refund => (-1, fee_text),
        _ => (1, fee_text),
    };
    let fee_fen = if digits.is_empty() { Some(0) } else { parse_padded_fen(digits.as_bytes()) };
    let fee_fen = fee_fen.ok_or_else(|| ctx.amount(number, NAMES[15], fee_text))?;
    let time_text = text(5)?;
    let transmitted_at =
        transmission_time(time_text, settle_date).ok_or_else(|| ctx.time(number, NAMES[4], time_text))?;
    let row = UnionpayRow {
        line: number,
        txn_code: text(1)?,
        trace_no: text(4)?,
        transmitted_at,
        account: text(6)?,
        amount,
        query_id: text(10)?,
        order_id: text(12)?,
        fee: Fee::from_units(sign * fee_fen * Fee::UNITS_PER_FEN),
        txn_type,
        kind,
        orig_query_id: text(27)?,
        merchant_id: text(28)?,
        terminal_id: text(34)?,
        orig_order_id: text(41)?,
    };
    if row.query_id.is_empty() {
        return Err(ctx.value(number, NAMES[9], ""));
    }
    if row.order_id.is_empty() {
        return Err(ctx.value(number, NAMES[11], ""));
    }
    Ok(row)
}

/// `MMDDhhmmss` in the year of the settle date, or the year before when the month and day lie
/// after the settle date's (a transaction of 12-31 settled on 01-01).
fn transmission_time(text: &str, settle_date: NaiveDate) -> Option<NaiveDateTime> {
    if text.len() != 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
    let (month, day) = (n(0..2)?, n(2..4)?);
    let year = if (month, day) > (settle_date.month(), settle_date.day()) {
        settle_date.year() - 1
    } else {
        settle_date.year()
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    Some(date.and_time(NaiveTime::from_hms_opt(n(4..6)?, n(6..8)?, n(8..10)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_add_up_to_the_line() {
        assert_eq!(ZM_WIDTHS.iter().sum::<usize>() + ZM_WIDTHS.len(), ZM_LINE);
    }

    #[test]
    fn transmission_times_take_the_settle_year() {
        let settle = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert_eq!(transmission_time("1231235959", settle).unwrap().to_string(), "2023-12-31 23:59:59");
        assert_eq!(transmission_time("0101000001", settle).unwrap().to_string(), "2024-01-01 00:00:01");
        assert_eq!(transmission_time("0230000001", settle), None);
        assert_eq!(transmission_time("01010000", settle), None);
        let name = "dir/INN24030188ZM_898111148990123";
        assert_eq!(settle_date_from_name(name), NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(settle_date_from_name("ZM_1"), None);
    }
}
