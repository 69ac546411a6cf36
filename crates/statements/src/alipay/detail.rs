//! The Alipay detail file (业务明细): comment preamble, header, rows, the end marker, and the
//! `#交易合计` / `#退款合计` trailer lines the rows are checked against.

use domain::Money;

use crate::amount::{Total, parse_fen, parse_money};
use crate::cells::{Clean, Header, Splitter, parse_datetime};
use crate::dedup::Seen;
use crate::error::{Ctx, StatementError};
use crate::lines::text_lines;
use crate::totals::{Tally, fen_text};
use crate::{Fee, Kind};

use super::AlipayRow;

/// What the rows add up to, and what the trailer lines say.
#[derive(Default)]
pub(super) struct Counted {
    pub(super) tally: Tally,
    /// 商家实收 and 商家优惠 of trades and of refunds (signed as written).
    received: [Total; 2],
    discount: [Total; 2],
    /// Over all rows, signed as written: 订单金额, 商家实收, 商家优惠, 服务费.
    pub(super) order_all: Total,
    pub(super) received_all: Total,
    pub(super) discount_all: Total,
    pub(super) fee_all: Total,
    trailers: [Option<Trailer>; 2],
}

/// A `#交易合计：6笔，商家实收共0.06元，商家优惠共0.00元` line.
struct Trailer {
    line: u64,
    count: u64,
    received: Option<(String, i64)>,
    discount: Option<(String, i64)>,
}

struct Columns {
    width: usize,
    trade_no: usize,
    out_trade_no: usize,
    business_type: usize,
    product: Option<usize>,
    created: Option<usize>,
    finished: Option<usize>,
    store_id: Option<usize>,
    order: usize,
    received: usize,
    discount: Option<usize>,
    refund_no: usize,
    fee: Option<usize>,
    remark: Option<usize>,
}

impl Columns {
    fn new(header: &Header, line: u64, ctx: Ctx<'_>) -> Result<Columns, StatementError> {
        let need = |name: &str| header.position(name).ok_or_else(|| ctx.missing_column(line, name));
        if let Some(name) = header.repeated() {
            return Err(ctx.value(line, "表头", name));
        }
        let columns = Columns {
            width: header.len(),
            trade_no: need("支付宝交易号")?,
            out_trade_no: need("商户订单号")?,
            business_type: need("业务类型")?,
            product: header.position("商品名称"),
            created: header.position("创建时间"),
            finished: header.position("完成时间"),
            store_id: header.position("门店编号"),
            order: need("订单金额（元）")?,
            received: need("商家实收（元）")?,
            discount: header.position("商家优惠（元）"),
            refund_no: need("退款批次号/请求号")?,
            fee: header.position("服务费（元）"),
            remark: header.position("备注"),
        };
        if columns.created.is_none() && columns.finished.is_none() {
            return Err(ctx.missing_column(line, "完成时间"));
        }
        Ok(columns)
    }
}

enum State {
    Preamble,
    Rows(Columns),
    Ended,
}

pub(super) fn parse(
    text: &str,
    ctx: Ctx<'_>,
    mut on_row: impl FnMut(&AlipayRow<'_>),
) -> Result<Counted, StatementError> {
    let mut counted = Counted::default();
    let mut splitter = Splitter::default();
    let mut seen = Seen::new();
    let mut state = State::Preamble;
    let mut last = 0;
    for (number, line, terminated) in text_lines(text) {
        last = number;
        if line.trim().is_empty() {
            continue;
        }
        match &state {
            State::Preamble if line.starts_with('#') => {}
            State::Preamble => {
                splitter.split(line, b',', Clean::Trim);
                state = State::Rows(Columns::new(&Header::new(&splitter, line), number, ctx)?);
            }
            State::Rows(_) if line.starts_with('#') && line.contains("业务明细列表结束") => {
                state = State::Ended
            }
            State::Rows(_) if line.starts_with('#') => return Err(ctx.value(number, "整行", line)),
            State::Rows(columns) => {
                let cells = splitter.split(line, b',', Clean::Trim);
                if cells != columns.width {
                    if !terminated {
                        return Err(ctx.truncated(number, "最后一行被截断"));
                    }
                    return Err(ctx.cell_count(number, columns.width, cells));
                }
                let row = row(line, number, &splitter, columns, ctx)?;
                if let Some(first) = seen.first_line(row.kind as u8, row.key(), number) {
                    return Err(ctx.duplicate(number, first, row.key()));
                }
                counted.add(&row);
                on_row(&row);
            }
            State::Ended => {
                let which = if line.starts_with("#交易合计") {
                    0
                } else if line.starts_with("#退款合计") {
                    1
                } else if line.starts_with('#') {
                    continue;
                } else {
                    return Err(ctx.value(number, "整行", line));
                };
                counted.trailers[which] = Some(trailer(line, number, ctx)?);
            }
        }
    }
    if !matches!(state, State::Ended) {
        return Err(ctx.truncated(last, "缺少“业务明细列表结束”行"));
    }
    if counted.trailers.iter().any(Option::is_none) {
        return Err(ctx.truncated(last, "缺少“#交易合计”或“#退款合计”行"));
    }
    Ok(counted)
}

fn row<'a>(
    line: &'a str,
    number: u64,
    cells: &Splitter,
    c: &Columns,
    ctx: Ctx<'_>,
) -> Result<AlipayRow<'a>, StatementError> {
    let cell = |i: usize| cells.get(line, i);
    let opt = |i: Option<usize>| i.map_or("", |i| cells.get(line, i));
    let money = |i: Option<usize>, name: &str| -> Result<Money, StatementError> {
        let value = opt(i);
        if value.is_empty() {
            return Ok(Money::ZERO);
        }
        parse_money(value).ok_or_else(|| ctx.amount(number, name, value))
    };
    let time = |i: Option<usize>, name: &str| {
        let value = opt(i);
        parse_datetime(value).ok_or_else(|| ctx.time(number, name, value))
    };
    let business_type = cell(c.business_type);
    let kind = match business_type {
        "交易" => Kind::Payment,
        "退款" => Kind::Refund,
        other => return Err(ctx.value(number, "业务类型", other)),
    };
    let created_at = if opt(c.created).is_empty() { None } else { Some(time(c.created, "创建时间")?) };
    let finished_at = match (c.finished, created_at) {
        (Some(_), _) if !opt(c.finished).is_empty() => time(c.finished, "完成时间")?,
        (_, Some(created)) => created,
        _ => return Err(ctx.time(number, "完成时间", "")),
    };
    let row = AlipayRow {
        line: number,
        trade_no: cell(c.trade_no),
        out_trade_no: cell(c.out_trade_no),
        business_type,
        kind,
        product: opt(c.product),
        created_at,
        finished_at,
        store_id: opt(c.store_id),
        order_amount: money(Some(c.order), "订单金额（元）")?,
        received: money(Some(c.received), "商家实收（元）")?,
        merchant_discount: money(c.discount, "商家优惠（元）")?,
        refund_request_no: opt(Some(c.refund_no)),
        service_fee: money(c.fee, "服务费（元）")?,
        remark: opt(c.remark),
    };
    if row.trade_no.is_empty() {
        return Err(ctx.value(number, "支付宝交易号", ""));
    }
    if row.key().is_empty() {
        let column = if kind == Kind::Refund { "退款批次号/请求号" } else { "商户订单号" };
        return Err(ctx.value(number, column, ""));
    }
    Ok(row)
}

fn trailer(line: &str, number: u64, ctx: Ctx<'_>) -> Result<Trailer, StatementError> {
    let body = line.split_once('：').map_or("", |(_, body)| body);
    let mut parts = body.split(['，', ',']);
    let count_text = parts.next().unwrap_or("").trim();
    let count = count_text.strip_suffix('笔').and_then(|n| n.trim().parse::<u64>().ok());
    let count = count.ok_or_else(|| ctx.value(number, "合计笔数", count_text))?;
    let mut trailer = Trailer { line: number, count, received: None, discount: None };
    for part in parts {
        let Some((label, value)) = part.split_once('共') else { continue };
        let value = value.trim().trim_end_matches('元').trim();
        let fen = parse_fen(value).ok_or_else(|| ctx.amount(number, label, value))?;
        if label.contains("商家实收") {
            trailer.received = Some((value.to_owned(), fen));
        } else if label.contains("商家优惠") {
            trailer.discount = Some((value.to_owned(), fen));
        }
    }
    Ok(trailer)
}

impl Counted {
    fn add(&mut self, row: &AlipayRow<'_>) {
        let which = row.kind as usize;
        self.tally.add(row.kind, row.amount().fen(), Fee::units(row.fee()));
        self.received[which].add(row.received.fen());
        self.discount[which].add(row.merchant_discount.fen());
        self.order_all.add(row.order_amount.fen());
        self.received_all.add(row.received.fen());
        self.discount_all.add(row.merchant_discount.fen());
        self.fee_all.add(row.service_fee.fen());
    }

    /// The `#交易合计` and `#退款合计` lines against the rows.
    pub(super) fn check_trailers(&self, ctx: Ctx<'_>) -> Result<(), StatementError> {
        let labels = [
            ("交易合计笔数", "交易合计商家实收", "交易合计商家优惠"),
            ("退款合计笔数", "退款合计商家实收", "退款合计商家优惠"),
        ];
        let counts = [self.tally.payments, self.tally.refunds];
        for (which, trailer) in self.trailers.iter().enumerate() {
            let Some(t) = trailer else { continue };
            let (count_label, received_label, discount_label) = labels[which];
            if t.count != counts[which] {
                return Err(ctx.mismatch(t.line, count_label, t.count.to_string(), counts[which].to_string()));
            }
            for (stated, total, label) in [
                (&t.received, self.received[which], received_label),
                (&t.discount, self.discount[which], discount_label),
            ] {
                if let Some((text, fen)) = stated
                    && i128::from(*fen) != total.0
                {
                    return Err(ctx.mismatch(t.line, label, text.clone(), fen_text(total)));
                }
            }
        }
        Ok(())
    }
}
