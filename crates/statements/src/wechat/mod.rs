//! WeChat Pay trade bills (交易账单): ALL, SUCCESS and REFUND, current and legacy layouts,
//! plain or gzip, streamed line by line with every row checked against the summary lines.
//!
//! Columns are found by header name. Every record cell starts with a backtick, which is dropped;
//! a record whose cell count differs from the header (a product name with a comma) is refused.
//! After the rows come the summary header (`总交易单数,…`) and one value line; every figure in
//! it must equal the sum of its column over all rows (the count: the number of rows). A summary
//! field whose column the layout lacks must be zero; summary fields we do not know are ignored.

mod layout;
mod summary;

use std::io::Read;

use chrono::NaiveDateTime;
use domain::Money;

pub use layout::WechatLayout;

use crate::amount::{Total, parse_scaled};
use crate::cells::{Clean, Header, Splitter, parse_datetime};
use crate::dedup::Seen;
use crate::error::{Ctx, StatementError};
use crate::lines::{Lines, maybe_gunzip};
use crate::totals::{Parsed, ReadOptions, Scan, Tally};
use crate::{Fee, Kind, Status};
use layout::{Columns, SUMS, Sum};

/// One record of a WeChat bill, borrowing its text from the line being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WechatRow<'a> {
    /// 1-based line in the (decompressed) file.
    pub line: u64,
    /// 交易时间; for the REFUND layout 退款成功时间 when present.
    pub traded_at: NaiveDateTime,
    /// 微信订单号: the third-party no.
    pub transaction_id: &'a str,
    /// 商户订单号: the platform order no.
    pub out_trade_no: &'a str,
    /// 交易状态 as written (`SUCCESS`, `REFUND`, `REVOKED`…).
    pub trade_state: &'a str,
    pub kind: Kind,
    /// From 交易状态, or for refunds from 退款状态.
    pub status: Status,
    /// 微信退款单号 (`""` on payments, where the bill writes `0`).
    pub refund_id: &'a str,
    /// 商户退款单号: the refund's key (`""` on payments).
    pub out_refund_no: &'a str,
    /// 应结订单金额 (legacy: 总金额).
    pub settlement_amount: Money,
    /// 订单金额 (legacy: 总金额).
    pub order_amount: Money,
    /// 退款金额.
    pub refund_amount: Money,
    /// 申请退款金额 (legacy: 退款金额).
    pub requested_refund: Money,
    /// 手续费, exact (negative on refunds: the fee comes back).
    pub fee: Fee,
    /// 费率 as written (`0.60%`), `""` when absent.
    pub rate: &'a str,
    /// 商品名称, `""` when absent.
    pub product: &'a str,
}

impl WechatRow<'_> {
    /// The amount the platform compares: 订单金额 for a payment, 申请退款金额 for a refund.
    pub fn amount(&self) -> Money {
        match self.kind {
            Kind::Payment => self.order_amount,
            Kind::Refund => self.requested_refund,
        }
    }

    /// The key the row is unique by: 商户订单号 for a payment, 商户退款单号 for a refund.
    pub fn key(&self) -> &str {
        match self.kind {
            Kind::Payment => self.out_trade_no,
            Kind::Refund => self.out_refund_no,
        }
    }
}

/// Reads a WeChat bill (plain or gzip) from `reader`, calling `on_row` for every record, and
/// checks it against its summary. `file` names the file in messages.
pub fn read_wechat<R: Read>(
    file: &str,
    reader: R,
    on_row: impl FnMut(&WechatRow<'_>),
) -> Result<Parsed, StatementError> {
    scan(file, reader, ReadOptions::default(), on_row)?.into_parsed()
}

/// [`read_wechat`] with options (e.g. leaving the duplicate check to the reconcile engine).
pub fn read_wechat_with<R: Read>(
    file: &str,
    reader: R,
    options: ReadOptions,
    on_row: impl FnMut(&WechatRow<'_>),
) -> Result<Parsed, StatementError> {
    scan(file, reader, options, on_row)?.into_parsed()
}

pub(crate) fn scan<R: Read>(
    file: &str,
    reader: R,
    options: ReadOptions,
    mut on_row: impl FnMut(&WechatRow<'_>),
) -> Result<Scan, StatementError> {
    let ctx = Ctx::new(file);
    let mut lines = Lines::new(maybe_gunzip(reader, ctx)?);
    let mut splitter = Splitter::default();
    let header_line = match lines.next_nonblank(ctx)? {
        None => return Err(ctx.empty()),
        Some(line) => line.text.to_owned(),
    };
    splitter.split(&header_line, b',', Clean::Backtick);
    let columns = Columns::from_header(&Header::new(&splitter, &header_line), ctx)?;
    let mut seen = Seen::new();
    let mut tally = Tally::default();
    let mut sums = [Total::default(); SUMS];
    let mut last = 1;
    loop {
        let Some(line) = lines.next_nonblank(ctx)? else {
            return Err(ctx.truncated(last, "缺少汇总行（总交易单数…）"));
        };
        let (number, terminated, text) = (line.number, line.terminated, line.text);
        last = number;
        let cells = splitter.split(text, b',', Clean::Backtick);
        if splitter.get(text, 0) == "总交易单数" {
            let summary_header = text.to_owned();
            let summary = summary::read(&mut lines, &mut splitter, &summary_header, number, ctx)?;
            let totals = tally.finish(ctx)?;
            let agreed = summary.check(&tally, &sums, &columns, ctx);
            return Ok(Scan { format: columns.layout.name(), totals, summary: agreed });
        }
        if cells != columns.width {
            if !terminated {
                return Err(ctx.truncated(number, "最后一行被截断"));
            }
            return Err(ctx.cell_count(number, columns.width, cells));
        }
        let row = parse_row(text, number, &splitter, &columns, &mut sums, ctx)?;
        let tag = row.kind as u8;
        if options.check_duplicates
            && let Some(first) = seen.first_line(tag, row.key(), number)
        {
            return Err(ctx.duplicate(number, first, row.key()));
        }
        tally.add(row.kind, row.amount().fen(), row.fee.units());
        on_row(&row);
    }
}

fn parse_row<'a>(
    text: &'a str,
    line: u64,
    cells: &Splitter,
    columns: &Columns,
    sums: &mut [Total; SUMS],
    ctx: Ctx<'_>,
) -> Result<WechatRow<'a>, StatementError> {
    let cell = |index: usize| cells.get(text, index);
    let opt = |index: Option<usize>| index.map_or("", |i| cells.get(text, i));
    let mut amounts = [0i64; SUMS];
    for (which, index) in columns.sums.iter().enumerate() {
        let Some(index) = *index else { continue };
        let value = cell(index);
        let scale = if which == Sum::Fee as usize { 5 } else { 2 };
        let parsed = if value.is_empty() { Some(0) } else { parse_scaled(value, scale) };
        let units = parsed.ok_or_else(|| ctx.amount(line, columns.sum_names[which], value))?;
        amounts[which] = units;
        sums[which].add(units);
    }
    let money = |which: Sum| {
        Money::from_fen(amounts[which as usize]).map_err(|_| ctx.amount(line, columns.sum_names[which as usize], ""))
    };
    let trade_state = cell(columns.trade_state);
    let (kind, status) = match trade_state {
        "SUCCESS" => (Kind::Payment, Status::Success),
        "REFUND" => (
            Kind::Refund,
            refund_status(opt(columns.refund_status))
                .ok_or_else(|| ctx.value(line, "退款状态", opt(columns.refund_status)))?,
        ),
        "REVOKED" | "CLOSED" | "PAYERROR" => (Kind::Payment, Status::Closed),
        "NOTPAY" | "USERPAYING" => (Kind::Payment, Status::Pending),
        other => return Err(ctx.value(line, "交易状态", other)),
    };
    let time_column = match (kind, columns.refund_time) {
        (Kind::Refund, Some(index)) if !cell(index).is_empty() => index,
        _ => columns.time,
    };
    let time_text = cell(time_column);
    let traded_at = parse_datetime(time_text).ok_or_else(|| ctx.time(line, "交易时间", time_text))?;
    let zero_as_empty = |value: &'a str| if value == "0" { "" } else { value };
    let row = WechatRow {
        line,
        traded_at,
        transaction_id: cell(columns.transaction_id),
        out_trade_no: cell(columns.out_trade_no),
        trade_state,
        kind,
        status,
        refund_id: zero_as_empty(opt(columns.refund_id)),
        out_refund_no: zero_as_empty(opt(columns.out_refund_no)),
        settlement_amount: money(Sum::Settlement)?,
        order_amount: money(Sum::Order)?,
        refund_amount: money(Sum::Refund)?,
        requested_refund: money(Sum::RequestedRefund)?,
        fee: Fee::from_units(amounts[Sum::Fee as usize]),
        rate: opt(columns.rate),
        product: opt(columns.product),
    };
    if row.out_trade_no.is_empty() {
        return Err(ctx.value(line, "商户订单号", ""));
    }
    if kind == Kind::Refund && row.out_refund_no.is_empty() {
        return Err(ctx.value(line, "商户退款单号", ""));
    }
    Ok(row)
}

fn refund_status(text: &str) -> Option<Status> {
    match text {
        "SUCCESS" => Some(Status::Success),
        "PROCESSING" => Some(Status::Pending),
        "FAIL" | "FAILED" | "CHANGE" | "ABNORMAL" | "REFUNDCLOSE" | "CLOSED" => Some(Status::Closed),
        _ => None,
    }
}
