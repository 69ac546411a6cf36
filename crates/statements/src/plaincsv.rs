//! The shared reading of our own plain CSV exports (platform ledger, HIS): a header of known
//! names, unquoted cells, one record per line, `#` lines for trailers, the field helpers.

use std::io::Read;

use chrono::NaiveDateTime;
use domain::Money;

use crate::amount::parse_money;
use crate::cells::{Clean, Header, Splitter, parse_datetime};
use crate::error::{Ctx, StatementError};
use crate::lines::{Lines, maybe_gunzip};
use crate::{Channel, Kind};

/// A line of the file after the header.
pub(crate) enum Line<'a> {
    /// A record whose cell count matches the header.
    Record(&'a str),
    /// A line starting with `#` (a trailer).
    Comment(&'a str),
}

/// Lines of a plain CSV export with its header mapped.
pub(crate) struct PlainCsv<'r, 'f> {
    lines: Lines<Box<dyn Read + 'r>>,
    splitter: Splitter,
    pub(crate) ctx: Ctx<'f>,
    /// Position of each expected column, in the order the caller named them.
    positions: Vec<usize>,
    width: usize,
}

impl<'r, 'f> PlainCsv<'r, 'f> {
    /// Opens the stream (plain or gzip) and reads the header, which must hold exactly the
    /// `expected` names, in any order.
    pub(crate) fn open<R: Read + 'r>(file: &'f str, reader: R, expected: &[&str]) -> Result<Self, StatementError> {
        let ctx = Ctx::new(file);
        let mut lines = Lines::new(maybe_gunzip(reader, ctx)?);
        let mut splitter = Splitter::default();
        let header_text = match lines.next_line(ctx)? {
            None => return Err(ctx.empty()),
            Some(line) => line.text.to_owned(),
        };
        splitter.split(&header_text, b',', Clean::Trim);
        let header = Header::new(&splitter, &header_text);
        let mut positions = Vec::with_capacity(expected.len());
        for name in expected {
            positions.push(header.position(name).ok_or_else(|| ctx.missing_column(1, name))?);
        }
        if let Some(extra) = header.names().iter().find(|n| !expected.contains(&n.as_str())) {
            return Err(ctx.value(1, "表头", extra));
        }
        if let Some(name) = header.repeated() {
            return Err(ctx.value(1, "表头", name));
        }
        Ok(PlainCsv { lines, splitter, ctx, positions, width: header.len() })
    }

    /// The next non-empty line, split when it is a record; `None` at the end of the file.
    pub(crate) fn next(&mut self) -> Result<Option<Next<'_>>, StatementError> {
        let PlainCsv { lines, splitter, ctx, positions, width } = self;
        let ctx = *ctx;
        let Some(line) = lines.next_nonblank(ctx)? else { return Ok(None) };
        let (number, terminated, text) = (line.number, line.terminated, line.text);
        if text.starts_with('#') {
            return Ok(Some(Next { number, terminated, line: Line::Comment(text), splitter, positions }));
        }
        let cells = splitter.split(text, b',', Clean::Raw);
        if cells != *width {
            if !terminated {
                return Err(ctx.truncated(number, "最后一行被截断"));
            }
            return Err(ctx.cell_count(number, *width, cells));
        }
        if text.contains('"') {
            return Err(ctx.value(number, "整行", "不支持带引号的字段"));
        }
        Ok(Some(Next { number, terminated, line: Line::Record(text), splitter, positions }))
    }
}

/// One line handed out by [`PlainCsv::next`].
pub(crate) struct Next<'a> {
    pub(crate) number: u64,
    pub(crate) terminated: bool,
    pub(crate) line: Line<'a>,
    pub(crate) splitter: &'a Splitter,
    pub(crate) positions: &'a [usize],
}

impl<'a> Next<'a> {
    /// Field access to a record line (`text` is the record's text).
    pub(crate) fn fields<'s>(&'s self, text: &'a str, names: &'s [&'s str], ctx: Ctx<'s>) -> Fields<'a, 's> {
        Fields { text, line: self.number, splitter: self.splitter, positions: self.positions, names, ctx }
    }
}

/// Cell helpers over one split record.
#[derive(Clone, Copy)]
pub(crate) struct Fields<'a, 's> {
    pub(crate) text: &'a str,
    pub(crate) line: u64,
    pub(crate) splitter: &'s Splitter,
    pub(crate) positions: &'s [usize],
    pub(crate) names: &'s [&'s str],
    pub(crate) ctx: Ctx<'s>,
}

impl<'a> Fields<'a, '_> {
    /// The cell of expected column `i`.
    pub(crate) fn get(&self, i: usize) -> &'a str {
        self.splitter.get(self.text, self.positions[i])
    }
    pub(crate) fn required(&self, i: usize) -> Result<&'a str, StatementError> {
        let value = self.get(i);
        if value.is_empty() { Err(self.ctx.value(self.line, self.names[i], "")) } else { Ok(value) }
    }
    pub(crate) fn channel(&self, i: usize) -> Result<Channel, StatementError> {
        Channel::parse(self.get(i)).ok_or_else(|| self.ctx.value(self.line, self.names[i], self.get(i)))
    }
    pub(crate) fn kind(&self, i: usize) -> Result<Kind, StatementError> {
        Kind::parse(self.get(i)).ok_or_else(|| self.ctx.value(self.line, self.names[i], self.get(i)))
    }
    /// Yuan with at most two decimals, not negative (the kind says which way money went).
    pub(crate) fn amount(&self, i: usize) -> Result<Money, StatementError> {
        let value = self.get(i);
        match parse_money(value) {
            Some(money) if !money.is_negative() && !value.starts_with('-') => Ok(money),
            _ => Err(self.ctx.amount(self.line, self.names[i], value)),
        }
    }
    pub(crate) fn time(&self, i: usize) -> Result<NaiveDateTime, StatementError> {
        parse_datetime(self.get(i)).ok_or_else(|| self.ctx.time(self.line, self.names[i], self.get(i)))
    }
}
