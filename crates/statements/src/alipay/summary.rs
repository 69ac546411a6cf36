//! The Alipay summary file (业务明细(汇总)): one row per store and a 合计 row, which must equal
//! both the sum of the store rows and the detail file's rows.

use crate::amount::{Total, parse_fen};
use crate::cells::{Clean, Header, Splitter};
use crate::error::{Ctx, StatementError};
use crate::lines::text_lines;
use crate::totals::fen_text;

use super::detail::Counted;

/// Figures of the summary, by column: counts, then amounts in fen.
const COLUMNS: [&str; 6] =
    ["交易订单总笔数", "退款订单总笔数", "订单金额（元）", "商家实收（元）", "商家优惠（元）", "服务费（元）"];
/// Columns that must be present (the others are checked when present).
const REQUIRED: usize = 4;

/// The 合计 row as stated.
pub(super) struct Stated {
    line: u64,
    /// The 合计 row's cells for [`COLUMNS`], with their value (count, or fen).
    total: [Option<(String, i64)>; 6],
}

pub(super) fn parse(text: &str, ctx: Ctx<'_>) -> Result<Stated, StatementError> {
    let mut splitter = Splitter::default();
    let mut positions: Option<(usize, usize, [Option<usize>; 6])> = None;
    let mut stores = [Total::default(); 6];
    let mut total: Option<Stated> = None;
    let mut ended = false;
    let mut store_rows = 0u64;
    let mut last = 0;
    for (number, line, terminated) in text_lines(text) {
        last = number;
        if line.trim().is_empty() || ended {
            if ended && !line.trim().is_empty() && !line.starts_with('#') {
                return Err(ctx.value(number, "整行", line));
            }
            continue;
        }
        if line.starts_with('#') {
            if positions.is_some() && line.contains("汇总列表结束") {
                ended = true;
            }
            continue;
        }
        let Some((width, store_col, cols)) = &positions else {
            splitter.split(line, b',', Clean::Trim);
            let header = Header::new(&splitter, line);
            let mut cols = [None; 6];
            for (i, name) in COLUMNS.iter().enumerate() {
                cols[i] = header.position(name);
                if i < REQUIRED && cols[i].is_none() {
                    return Err(ctx.missing_column(number, name));
                }
            }
            let store = header.position("门店编号").ok_or_else(|| ctx.missing_column(number, "门店编号"))?;
            positions = Some((header.len(), store, cols));
            continue;
        };
        let cells = splitter.split(line, b',', Clean::Trim);
        if cells != *width {
            if !terminated {
                return Err(ctx.truncated(number, "最后一行被截断"));
            }
            return Err(ctx.cell_count(number, *width, cells));
        }
        let mut values: [Option<(String, i64)>; 6] = Default::default();
        for (i, col) in cols.iter().enumerate() {
            let Some(col) = *col else { continue };
            let value = splitter.get(line, col);
            let parsed = if i < 2 { value.parse::<i64>().ok() } else { parse_fen(value) };
            let parsed = parsed.ok_or_else(|| ctx.amount(number, COLUMNS[i], value))?;
            values[i] = Some((value.to_owned(), parsed));
        }
        if splitter.get(line, *store_col) == "合计" {
            if total.is_some() {
                return Err(ctx.value(number, "门店编号", "合计"));
            }
            total = Some(Stated { line: number, total: values });
        } else if total.is_some() {
            return Err(ctx.value(number, "整行", "合计行之后还有门店行"));
        } else {
            store_rows += 1;
            for (sum, value) in stores.iter_mut().zip(&values) {
                sum.add(value.as_ref().map_or(0, |(_, v)| *v));
            }
        }
    }
    let Some(stated) = total else {
        return Err(ctx.truncated(last, "缺少“合计”行"));
    };
    if !ended {
        return Err(ctx.truncated(last, "缺少“业务汇总列表结束”行"));
    }
    for (i, sum) in stores.iter().enumerate() {
        if let Some((text, value)) = &stated.total[i]
            && store_rows > 0
            && i128::from(*value) != sum.0
        {
            let counted = if i < 2 { sum.0.to_string() } else { fen_text(*sum) };
            return Err(ctx.mismatch(stated.line, &format!("{}（门店合计）", COLUMNS[i]), text.clone(), counted));
        }
    }
    Ok(stated)
}

impl Stated {
    /// The 合计 row against the detail rows.
    pub(super) fn check(&self, counted: &Counted, ctx: Ctx<'_>) -> Result<crate::Summary, StatementError> {
        let figures = [
            Total(i128::from(counted.tally.payments)),
            Total(i128::from(counted.tally.refunds)),
            counted.order_all,
            counted.received_all,
            counted.discount_all,
            counted.fee_all,
        ];
        for (i, figure) in figures.iter().enumerate() {
            let Some((text, value)) = &self.total[i] else { continue };
            if i128::from(*value) != figure.0 {
                let shown = if i < 2 { figure.0.to_string() } else { fen_text(*figure) };
                return Err(ctx.mismatch(self.line, COLUMNS[i], text.clone(), shown));
            }
        }
        Ok(crate::Summary::Agreed)
    }
}
