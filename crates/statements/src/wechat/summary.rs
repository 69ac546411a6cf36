//! The WeChat bill's summary block (header and one value line) and its comparison with the
//! figures counted from the rows.

use std::io::Read;

use crate::amount::{Total, parse_scaled};
use crate::cells::{Clean, Splitter};
use crate::error::{Ctx, StatementError};
use crate::lines::Lines;
use crate::totals::{Summary, Tally, fee_text, fen_text};

use super::layout::{Columns, Measure, SUMS, Sum, summary_measure};

/// One summary figure we know how to check.
struct Figure {
    name: String,
    measure: Measure,
    stated: String,
    /// Counts as is; amounts in 1/100000 yuan.
    units: i128,
}

/// The summary as stated, with the line of its values.
pub(super) struct SummaryBlock {
    line: u64,
    figures: Vec<Figure>,
}

/// Reads the summary value line after the summary header; nothing but blank lines may follow.
pub(super) fn read<R: Read>(
    lines: &mut Lines<R>,
    splitter: &mut Splitter,
    header: &str,
    header_line: u64,
    ctx: Ctx<'_>,
) -> Result<SummaryBlock, StatementError> {
    splitter.split(header, b',', Clean::Backtick);
    let names: Vec<String> = (0..splitter.len()).map(|i| splitter.get(header, i).trim().to_owned()).collect();
    let Some(values_line) = lines.next_nonblank(ctx)? else {
        return Err(ctx.truncated(header_line + 1, "缺少汇总数值行"));
    };
    let (line, text) = (values_line.number, values_line.text);
    let count = splitter.split(text, b',', Clean::Backtick);
    if count != names.len() {
        return Err(ctx.truncated(line, format!("汇总数值行有 {count} 项，汇总表头为 {} 项", names.len())));
    }
    let values: Vec<String> = (0..count).map(|i| splitter.get(text, i).trim().to_owned()).collect();
    if let Some(after) = lines.next_nonblank(ctx)? {
        return Err(ctx.value(after.number, "汇总行之后的内容", after.text));
    }
    let mut figures = Vec::new();
    for (name, stated) in names.into_iter().zip(values) {
        let Some(measure) = summary_measure(&name) else { continue };
        let units = match measure {
            Measure::Count => stated.parse::<u64>().ok().map(i128::from),
            Measure::Column(_) => parse_scaled(&stated, 5).map(i128::from),
        };
        let units = units.ok_or_else(|| ctx.amount(line, &name, &stated))?;
        figures.push(Figure { name, measure, stated, units });
    }
    if !figures.iter().any(|f| f.measure == Measure::Count) {
        return Err(ctx.missing_column(header_line, "总交易单数"));
    }
    Ok(SummaryBlock { line, figures })
}

impl SummaryBlock {
    /// `Agreed`, or the first figure that differs from what the rows add up to.
    pub(super) fn check(
        &self,
        tally: &Tally,
        sums: &[Total; SUMS],
        columns: &Columns,
        ctx: Ctx<'_>,
    ) -> Result<Summary, StatementError> {
        for figure in &self.figures {
            let (counted, text) = match figure.measure {
                Measure::Count => (i128::from(tally.rows), tally.rows.to_string()),
                Measure::Column(sum) => {
                    let total = if columns.sums[sum as usize].is_some() { sums[sum as usize] } else { Total(0) };
                    if sum == Sum::Fee { (total.0, fee_text(total)) } else { (total.0 * 1000, fen_text(total)) }
                }
            };
            if counted != figure.units {
                return Err(ctx.mismatch(self.line, &figure.name, figure.stated.clone(), text));
            }
        }
        Ok(Summary::Agreed)
    }
}
