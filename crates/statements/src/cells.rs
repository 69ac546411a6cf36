//! Cells of a delimited line as spans into the line (one reused buffer, nothing allocated per
//! row), header lookup by name, and the `YYYY-MM-DD HH:MM:SS` time of every statement.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// More cells than any statement layout has: a line past it is refused as it stands.
pub(crate) const MAX_CELLS: usize = 64;

/// How to clean a cell after splitting.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Clean {
    /// As is.
    Raw,
    /// WeChat: drop one leading backtick.
    Backtick,
    /// Alipay: trim spaces and TABs on both sides (ID cells carry a trailing TAB).
    Trim,
}

/// Reusable cell boundaries of the current line: where each cell ends (one `u32` per cell,
/// no allocation); cells are cleaned when read.
pub(crate) struct Splitter {
    ends: [u32; MAX_CELLS + 1],
    len: usize,
    clean: Clean,
}

impl Default for Splitter {
    fn default() -> Splitter {
        Splitter { ends: [0; MAX_CELLS + 1], len: 0, clean: Clean::Raw }
    }
}

impl Splitter {
    /// Splits `line` on `sep`; returns the number of cells (at most `MAX_CELLS + 1`: the
    /// caller refuses a count that does not match its header). Looks at eight bytes at a time.
    pub(crate) fn split(&mut self, line: &str, sep: u8, clean: Clean) -> usize {
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        self.len = 0;
        self.clean = clean;
        let bytes = line.as_bytes();
        if bytes.len() > u32::MAX as usize {
            self.len = MAX_CELLS + 1;
            return self.len;
        }
        let pattern = u64::from_ne_bytes([sep; 8]);
        let mut chunks = bytes.chunks_exact(8);
        let mut base = 0u32;
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default()) ^ pattern;
            // The high bit of each byte that equals `sep` (exact: no carry crosses bytes).
            let mut hits = !(((word & LOW7) + LOW7) | word | LOW7);
            while hits != 0 {
                if self.len == MAX_CELLS {
                    self.len = MAX_CELLS + 1;
                    return self.len;
                }
                self.ends[self.len] = base + hits.trailing_zeros() / 8;
                self.len += 1;
                hits &= hits - 1;
            }
            base += 8;
        }
        for (offset, byte) in (base..).zip(chunks.remainder()) {
            if *byte == sep {
                if self.len == MAX_CELLS {
                    self.len = MAX_CELLS + 1;
                    return self.len;
                }
                self.ends[self.len] = offset;
                self.len += 1;
            }
        }
        self.ends[self.len] = bytes.len() as u32;
        self.len += 1;
        self.len
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Cell `index` of the line last split (the same `line`), cleaned; `""` past the end.
    pub(crate) fn get<'a>(&self, line: &'a str, index: usize) -> &'a str {
        if index >= self.len.min(MAX_CELLS) {
            return "";
        }
        let from = if index == 0 { 0 } else { self.ends[index - 1] as usize + 1 };
        let cell = line.get(from..self.ends[index] as usize).unwrap_or("");
        match self.clean {
            Clean::Raw => cell,
            Clean::Backtick => cell.strip_prefix('`').unwrap_or(cell),
            Clean::Trim => cell.trim_matches([' ', '\t']),
        }
    }
}

/// A header line's column names, for finding columns by name.
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    pub(crate) fn new(splitter: &Splitter, line: &str) -> Header {
        let names = (0..splitter.len())
            .map(|i| splitter.get(line, i).trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace()).to_owned())
            .collect();
        Header { names }
    }
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
    pub(crate) fn has(&self, name: &str) -> bool {
        self.position(name).is_some()
    }
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
    /// The first name that appears twice, if any.
    pub(crate) fn repeated(&self) -> Option<&str> {
        self.names.iter().enumerate().find(|(i, n)| self.names[..*i].contains(n)).map(|(_, n)| n.as_str())
    }
}

/// `YYYY-MM-DD HH:MM:SS`; old WeChat bills write the colons full-width (`16：33：45`).
pub(crate) fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let mut buf = [0u8; 19];
    let bytes = text.as_bytes();
    if bytes.len() == 19 {
        buf.copy_from_slice(bytes);
    } else {
        let mut n = 0;
        for ch in text.chars() {
            let ch = if ch == '：' { ':' } else { ch };
            if n >= buf.len() || !ch.is_ascii() {
                return None;
            }
            buf[n] = ch as u8;
            n += 1;
        }
        if n != buf.len() {
            return None;
        }
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        buf[range].iter().try_fold(0u32, |acc, b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
    };
    if buf[4] != b'-' || buf[7] != b'-' || buf[10] != b' ' || buf[13] != b':' || buf[16] != b':' {
        return None;
    }
    let year = i32::try_from(num(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_cleans_cells() {
        let mut s = Splitter::default();
        let line = "`2021-01-28 17:07:11,`wx81be,`,`0.27000";
        assert_eq!(s.split(line, b',', Clean::Backtick), 4);
        assert_eq!(s.get(line, 0), "2021-01-28 17:07:11");
        assert_eq!(s.get(line, 2), "");
        assert_eq!(s.get(line, 3), "0.27000");
        assert_eq!(s.get(line, 9), "");
        let line = "2019091622001458860515315453\t, 退款 ,";
        assert_eq!(s.split(line, b',', Clean::Trim), 3);
        assert_eq!(s.get(line, 0), "2019091622001458860515315453");
        assert_eq!(s.get(line, 1), "退款");
        let many = ",".repeat(200);
        assert_eq!(s.split(&many, b',', Clean::Raw), MAX_CELLS + 1);
    }

    proptest::proptest! {
        #[test]
        fn splits_like_the_standard_library(line in "[a-c,`\t 中]{0,70}", tab in proptest::bool::ANY) {
            let sep = if tab { b'\t' } else { b',' };
            let mut s = Splitter::default();
            let count = s.split(&line, sep, Clean::Raw);
            let expected: Vec<&str> = line.split(char::from(sep)).collect();
            if expected.len() <= MAX_CELLS {
                proptest::prop_assert_eq!(count, expected.len());
                for (i, cell) in expected.iter().enumerate() {
                    proptest::prop_assert_eq!(s.get(&line, i), *cell);
                }
            } else {
                proptest::prop_assert_eq!(count, MAX_CELLS + 1);
            }
        }
    }

    #[test]
    fn parses_statement_times() {
        let t = parse_datetime("2021-01-28 17:07:11").unwrap();
        assert_eq!(t.to_string(), "2021-01-28 17:07:11");
        assert_eq!(parse_datetime("2016-05-01 16：33：45").unwrap().to_string(), "2016-05-01 16:33:45");
        for bad in
            ["2021-02-30 10:00:00", "2021-01-28T17:07:11", "2021-01-28 25:00:00", "", "2021-01-28 17:07", "２０２１"]
        {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }
}
