//! Streaming lines: a chunked reader that hands out each line as text borrowed from its own
//! buffer (LF or CRLF, no copy per line, UTF-8 checked with the line's number), gzip sniffing.

use std::io::{self, Read};

use flate2::read::MultiGzDecoder;

use crate::error::{Ctx, InflatedTooLarge, StatementError};

/// No statement line is longer; a longer "line" is a binary or corrupt file.
pub(crate) const MAX_LINE: usize = 1 << 20;
const CHUNK: usize = 1 << 20;

/// One line of a stream as text: without `\n`/`\r\n` (and without a BOM on line 1), its 1-based
/// number, and whether a newline ended it (a file cut off mid-line does not).
#[derive(Debug)]
pub(crate) struct TextLine<'a> {
    pub(crate) text: &'a str,
    pub(crate) number: u64,
    pub(crate) terminated: bool,
}

/// Lines of a UTF-8 byte stream, read in 1 MiB chunks, each validated as UTF-8 (SIMD).
pub(crate) struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes of `start..end` already searched for a newline.
    scanned: usize,
    eof: bool,
    line_no: u64,
    terminated: bool,
}

impl<R: Read> Lines<R> {
    pub(crate) fn new(reader: R) -> Lines<R> {
        Lines { reader, buf: vec![0; CHUNK], start: 0, end: 0, scanned: 0, eof: false, line_no: 0, terminated: true }
    }

    /// The next line (blank ones too), or `None` at the end; an encoding error names the line.
    pub(crate) fn next_line(&mut self, ctx: Ctx<'_>) -> Result<Option<TextLine<'_>>, StatementError> {
        let Some((from, to)) = self.next_range(ctx)? else { return Ok(None) };
        self.text(from, to, ctx).map(Some)
    }

    /// The next line that is not blank (ASCII whitespace only), or `None` at the end.
    pub(crate) fn next_nonblank(&mut self, ctx: Ctx<'_>) -> Result<Option<TextLine<'_>>, StatementError> {
        loop {
            let Some((from, to)) = self.next_range(ctx)? else { return Ok(None) };
            if !self.buf[from..to].iter().all(u8::is_ascii_whitespace) {
                return self.text(from, to, ctx).map(Some);
            }
        }
    }

    fn text(&self, from: usize, to: usize, ctx: Ctx<'_>) -> Result<TextLine<'_>, StatementError> {
        let bytes = &self.buf[from..to];
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let mut text = simdutf8::basic::from_utf8(bytes).map_err(|_| ctx.encoding(self.line_no, "UTF-8"))?;
        if self.line_no == 1 {
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        Ok(TextLine { text, number: self.line_no, terminated: self.terminated })
    }

    fn next_range(&mut self, ctx: Ctx<'_>) -> Result<Option<(usize, usize)>, StatementError> {
        let range = loop {
            let window = &self.buf[self.start + self.scanned..self.end];
            if let Some(pos) = memchr::memchr(b'\n', window) {
                let from = self.start;
                let to = self.start + self.scanned + pos;
                self.start = to + 1;
                self.scanned = 0;
                self.terminated = true;
                break (from, to);
            }
            self.scanned = self.end - self.start;
            if self.eof {
                if self.start == self.end {
                    return Ok(None);
                }
                let from = self.start;
                self.start = self.end;
                self.scanned = 0;
                self.terminated = false;
                break (from, self.end);
            }
            if self.end - self.start > MAX_LINE {
                return Err(StatementError::LineTooLong {
                    file: ctx.file.to_owned(),
                    line: self.line_no + 1,
                    limit: MAX_LINE,
                });
            }
            self.fill(ctx)?;
        };
        self.line_no += 1;
        Ok(Some(range))
    }

    fn fill(&mut self, ctx: Ctx<'_>) -> Result<(), StatementError> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return Err(ctx.truncated(self.line_no + 1, "压缩数据意外结束"));
                }
                Err(e) => return Err(ctx.io(&e)),
            }
        }
    }
}

/// The stream itself, or its gunzipped content when it starts with the gzip magic bytes.
pub(crate) fn maybe_gunzip<'r, R: Read + 'r>(
    mut reader: R,
    ctx: Ctx<'_>,
) -> Result<Box<dyn Read + 'r>, StatementError> {
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ctx.io(&e)),
        }
    }
    let stream = io::Cursor::new(head[..got].to_vec()).chain(reader);
    if got == 2 && head == [0x1f, 0x8b] {
        Ok(Box::new(Capped { inner: MultiGzDecoder::new(stream), left: crate::archive::MAX_ENTRY }))
    } else {
        Ok(Box::new(stream))
    }
}

/// A gunzipped stream that fails with [`InflatedTooLarge`] past `left` bytes (a gzip bomb).
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| io::Error::other(InflatedTooLarge))?;
        Ok(n)
    }
}

/// Lines of a text already in memory: (1-based number, line without `\r`, whether a newline
/// ended it).
pub(crate) fn text_lines(text: &str) -> impl Iterator<Item = (u64, &str, bool)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rest = Some(text);
    let mut number = 0u64;
    std::iter::from_fn(move || {
        let current = rest?;
        if current.is_empty() {
            rest = None;
            return None;
        }
        number += 1;
        let (line, terminated) = match current.split_once('\n') {
            Some((line, after)) => {
                rest = Some(after);
                (line, true)
            }
            None => {
                rest = None;
                (current, false)
            }
        };
        Some((number, line.strip_suffix('\r').unwrap_or(line), terminated))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(data: &[u8]) -> Vec<(Vec<u8>, bool)> {
        let ctx = Ctx::new("t");
        let mut lines = Lines::new(data);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line(ctx).unwrap() {
            out.push((line.text.as_bytes().to_vec(), line.terminated));
        }
        out
    }

    #[test]
    fn splits_lf_and_crlf_and_reports_an_unterminated_tail() {
        let got = collect(b"a,b\r\nc\n\nlast");
        let mut lines = Lines::new(&b"\n  \nx\n"[..]);
        let line = lines.next_nonblank(Ctx::new("t")).unwrap().unwrap();
        assert_eq!((line.text, line.number), ("x", 3));
        let texts: Vec<_> = got.iter().map(|(l, _)| String::from_utf8(l.clone()).unwrap()).collect();
        assert_eq!(texts, ["a,b", "c", "", "last"]);
        assert!(got[2].1);
        assert!(!got[3].1);
    }

    #[test]
    fn lines_longer_than_a_chunk_survive_refills() {
        let mut data = vec![b'x'; CHUNK + 17];
        data.push(b'\n');
        data.extend_from_slice(b"tail\n");
        let got = collect(&data);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.len(), CHUNK + 17);
        assert_eq!(got[1].0, b"tail");
    }

    #[test]
    fn names_the_line_that_is_not_utf8_in_any_chunk() {
        for bad_line in [2usize, 5_000, 40_000] {
            let mut data = Vec::new();
            for i in 1..=50_000usize {
                if i == bad_line {
                    data.extend_from_slice(b"\xd7\xa1\xd4\xba,\xff\n");
                } else {
                    data.extend_from_slice("\u{feff}行,ok,1.00\n".as_bytes());
                }
            }
            let mut lines = Lines::new(&data[..]);
            let ctx = Ctx::new("t");
            let mut good = 0;
            let err = loop {
                match lines.next_line(ctx) {
                    Ok(Some(_)) => good += 1,
                    Ok(None) => panic!("no error"),
                    Err(e) => break e,
                }
            };
            assert_eq!((err.code(), err.line(), good), ("STATEMENT_ENCODING", Some(bad_line as u64), bad_line - 1));
        }
        let mut lines = Lines::new("\u{feff}头\r\n".as_bytes());
        assert_eq!(lines.next_line(Ctx::new("t")).unwrap().unwrap().text, "头");
    }

    #[test]
    fn refuses_endless_lines() {
        let data = vec![b'x'; MAX_LINE + CHUNK + 2];
        let mut lines = Lines::new(&data[..]);
        let err = lines.next_line(Ctx::new("big.csv")).unwrap_err();
        assert_eq!(err.code(), "STATEMENT_LINE_TOO_LONG");
    }

    #[test]
    fn text_lines_number_from_one_and_strip_bom() {
        let got: Vec<_> = text_lines("\u{feff}a\r\nb\nc").collect();
        assert_eq!(got, [(1, "a", true), (2, "b", true), (3, "c", false)]);
        assert_eq!(text_lines("").count(), 0);
    }

    #[test]
    fn a_gzip_is_not_inflated_past_the_entry_limit() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&vec![b'\n'; 3 << 20]).unwrap();
        let gz = gz.finish().unwrap();
        let mut capped = Capped { inner: MultiGzDecoder::new(gz.as_slice()), left: 1 << 20 };
        let err = capped.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(Ctx::new("bill.csv.gz").io(&err).code(), "ARCHIVE_TOO_LARGE");
        let mut whole = Capped { inner: MultiGzDecoder::new(gz.as_slice()), left: 3 << 20 };
        assert_eq!(whole.read_to_end(&mut Vec::new()).unwrap(), 3 << 20);
    }
}
