//! Medical-insurance 3202 detail reconciliation files (国家医保信息平台): the detail file uploaded
//! with 9101 and the result file fetched with 9102. A zip holding UTF-8, TAB-separated text (or
//! that text itself), `null` for empty, one settlement (`setl_id`) per line.
//!
//! Detail columns: `setl_id, mdtrt_id, psn_no, medfee_sumamt, fund_pay_sumamt, acct_pay,
//! refd_setl_flag`; the result file adds `stmt_rslt` (0 agreed, 1 not) and `memo`. A first line
//! naming the columns is used as the header; without one the documented order applies (7
//! cells: detail, 8 or 9: result). The file has no summary of its own: pass the 3201 totals
//! (对总账) to check it against them. Amounts are signed as written; `refd_setl_flag` = 1 marks
//! a refunded (reversed) settlement, which reconciles as a refund keyed by its `setl_id`.

use domain::Money;

use crate::amount::{Total, parse_money};
use crate::archive::{is_zip, zip_entries};
use crate::cells::{Clean, Header, Splitter};
use crate::dedup::Seen;
use crate::error::{Ctx, StatementError};
use crate::lines::text_lines;
use crate::totals::{Parsed, Scan, Summary, Tally, fen_text};
use crate::{Kind, Status};

const NAMES: [&str; 9] = [
    "setl_id",
    "mdtrt_id",
    "psn_no",
    "medfee_sumamt",
    "fund_pay_sumamt",
    "acct_pay",
    "refd_setl_flag",
    "stmt_rslt",
    "memo",
];

/// One settlement of the detail (or result) file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsuranceRow<'a> {
    pub line: u64,
    /// 结算ID: the third-party no. and the row's key.
    pub setl_id: &'a str,
    /// 就诊ID.
    pub mdtrt_id: &'a str,
    /// 人员编号.
    pub psn_no: &'a str,
    /// 医疗费总额, as written.
    pub medfee_sumamt: Money,
    /// 基金支付总额, as written.
    pub fund_pay_sumamt: Money,
    /// 个人账户支出, as written.
    pub acct_pay: Money,
    pub kind: Kind,
    /// The result file's 对账结果 (`0`, `1`), `None` in a detail file.
    pub stmt_rslt: Option<&'a str>,
    pub memo: Option<&'a str>,
}

impl InsuranceRow<'_> {
    /// What insurance paid: fund plus personal account, as a magnitude.
    pub fn amount(&self) -> Money {
        Money::from_fen(self.fund_pay_sumamt.fen() + self.acct_pay.fen()).unwrap_or(Money::ZERO).abs()
    }
    /// A settlement in a 3202 file happened: success; the result file may still disagree.
    pub fn status(&self) -> Status {
        Status::Success
    }
}

/// The 3201 totals (对总账) a detail file is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsuranceTotals {
    pub medfee_sumamt: Money,
    pub fund_pay_sumamt: Money,
    pub acct_pay: Money,
    /// fixmedins_setl_cnt: the number of settlements.
    pub setl_cnt: u64,
}

/// Reads a 3202 detail or result file (zip or plain TSV), calling `on_row` for each settlement;
/// with `totals`, checks the rows against the 3201 figures.
pub fn read_insurance(
    file: &str,
    bytes: &[u8],
    totals: Option<&InsuranceTotals>,
    on_row: impl FnMut(&InsuranceRow<'_>),
) -> Result<Parsed, StatementError> {
    scan(file, bytes, totals, on_row)?.into_parsed()
}

pub(crate) fn scan(
    file: &str,
    bytes: &[u8],
    totals: Option<&InsuranceTotals>,
    on_row: impl FnMut(&InsuranceRow<'_>),
) -> Result<Scan, StatementError> {
    let ctx = Ctx::new(file);
    if is_zip(bytes) {
        let entries = zip_entries(bytes, ctx)?;
        let Some(entry) = entries.first() else {
            return Err(ctx.missing("压缩包中没有明细文件"));
        };
        let name = format!("{file}/{}", entry.name);
        return scan_text(Ctx::new(&name), &entry.data, totals, on_row);
    }
    scan_text(ctx, bytes, totals, on_row)
}

fn scan_text(
    ctx: Ctx<'_>,
    bytes: &[u8],
    totals: Option<&InsuranceTotals>,
    mut on_row: impl FnMut(&InsuranceRow<'_>),
) -> Result<Scan, StatementError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        ctx.encoding(line, "UTF-8")
    })?;
    let mut splitter = Splitter::default();
    let mut positions: Option<[Option<usize>; 9]> = None;
    let mut width = 0;
    let mut seen = Seen::new();
    let mut tally = Tally::default();
    let mut sums = [Total::default(); 3];
    let mut last = 0;
    for (number, line, terminated) in text_lines(text) {
        last = number;
        if line.trim().is_empty() {
            continue;
        }
        let cells = splitter.split(line, b'\t', Clean::Trim);
        let Some(cols) = positions else {
            let (cols, header_line) = layout(&splitter, line, cells, number, ctx)?;
            positions = Some(cols);
            width = cells;
            if header_line {
                continue;
            }
            let cols = positions.unwrap_or_default();
            let row = row(line, number, &splitter, &cols, ctx)?;
            accept(&row, &mut seen, &mut tally, &mut sums, ctx)?;
            on_row(&row);
            continue;
        };
        if cells != width {
            if !terminated {
                return Err(ctx.truncated(number, "最后一行被截断"));
            }
            return Err(ctx.cell_count(number, width, cells));
        }
        let row = match row(line, number, &splitter, &cols, ctx) {
            Err(_) if !terminated => return Err(ctx.truncated(number, "最后一行被截断")),
            other => other?,
        };
        accept(&row, &mut seen, &mut tally, &mut sums, ctx)?;
        on_row(&row);
    }
    if positions.is_none() {
        return Err(ctx.empty());
    }
    let summary = match totals {
        None => Ok(Summary::Absent),
        Some(t) => compare(t, &tally, &sums, last, ctx),
    };
    Ok(Scan { format: "insurance-3202", totals: tally.finish(ctx)?, summary })
}

/// Column positions from a header line, or the documented order; and whether the line was a
/// header.
fn layout(
    splitter: &Splitter,
    line: &str,
    cells: usize,
    number: u64,
    ctx: Ctx<'_>,
) -> Result<([Option<usize>; 9], bool), StatementError> {
    let mut cols = [None; 9];
    if splitter.get(line, 0) == "setl_id" {
        let header = Header::new(splitter, line);
        for (i, name) in NAMES.iter().enumerate() {
            cols[i] = header.position(name);
            if i < 7 && cols[i].is_none() {
                return Err(ctx.missing_column(number, name));
            }
        }
        return Ok((cols, true));
    }
    if !(7..=9).contains(&cells) {
        return Err(ctx.cell_count(number, 7, cells));
    }
    for (i, col) in cols.iter_mut().enumerate().take(cells) {
        *col = Some(i);
    }
    Ok((cols, false))
}

fn row<'a>(
    line: &'a str,
    number: u64,
    cells: &Splitter,
    cols: &[Option<usize>; 9],
    ctx: Ctx<'_>,
) -> Result<InsuranceRow<'a>, StatementError> {
    let get = |i: usize| {
        let value = cols[i].map_or("", |c| cells.get(line, c));
        if value == "null" { "" } else { value }
    };
    let money = |i: usize| {
        let value = get(i);
        if value.is_empty() {
            Ok(Money::ZERO)
        } else {
            parse_money(value).ok_or_else(|| ctx.amount(number, NAMES[i], value))
        }
    };
    let kind = match get(6) {
        "" | "0" => Kind::Payment,
        "1" => Kind::Refund,
        other => return Err(ctx.value(number, NAMES[6], other)),
    };
    let optional = |i: usize| cols[i].map(|_| get(i));
    let row = InsuranceRow {
        line: number,
        setl_id: get(0),
        mdtrt_id: get(1),
        psn_no: get(2),
        medfee_sumamt: money(3)?,
        fund_pay_sumamt: money(4)?,
        acct_pay: money(5)?,
        kind,
        stmt_rslt: optional(7),
        memo: optional(8),
    };
    if row.setl_id.is_empty() {
        return Err(ctx.value(number, NAMES[0], ""));
    }
    if let Some(result) = row.stmt_rslt
        && !matches!(result, "" | "0" | "1")
    {
        return Err(ctx.value(number, NAMES[7], result));
    }
    Ok(row)
}

fn accept(
    row: &InsuranceRow<'_>,
    seen: &mut Seen,
    tally: &mut Tally,
    sums: &mut [Total; 3],
    ctx: Ctx<'_>,
) -> Result<(), StatementError> {
    if let Some(first) = seen.first_line(0, row.setl_id, row.line) {
        return Err(ctx.duplicate(row.line, first, row.setl_id));
    }
    tally.add(row.kind, row.amount().fen(), 0);
    sums[0].add(row.medfee_sumamt.fen());
    sums[1].add(row.fund_pay_sumamt.fen());
    sums[2].add(row.acct_pay.fen());
    Ok(())
}

/// The rows against the 3201 totals; a mismatch points at the file's last line.
fn compare(
    stated: &InsuranceTotals,
    tally: &Tally,
    sums: &[Total; 3],
    line: u64,
    ctx: Ctx<'_>,
) -> Result<Summary, StatementError> {
    if stated.setl_cnt != tally.rows {
        return Err(ctx.mismatch(line, "fixmedins_setl_cnt", stated.setl_cnt.to_string(), tally.rows.to_string()));
    }
    let figures = [
        ("medfee_sumamt", stated.medfee_sumamt),
        ("fund_pay_sumamt", stated.fund_pay_sumamt),
        ("acct_pay", stated.acct_pay),
    ];
    for ((name, money), sum) in figures.into_iter().zip(sums) {
        if i128::from(money.fen()) != sum.0 {
            return Err(ctx.mismatch(line, name, money.to_string(), fen_text(*sum)));
        }
    }
    Ok(Summary::Agreed)
}
