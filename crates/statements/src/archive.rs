//! Zip entries (names in GBK or UTF-8, contents bounded) and strict GBK decoding with the line
//! number of the first byte sequence that is not GBK.

use std::io::{Cursor, Read};

use encoding_rs::GBK;

use crate::error::{Ctx, StatementError};

/// No statement entry is larger; a larger one is a zip bomb or not a statement.
const MAX_ENTRY: u64 = 256 << 20;

/// One file inside a statement zip.
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) data: Vec<u8>,
}

/// Whether the bytes start like a zip archive.
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Every file entry of the zip, with names decoded (UTF-8 when valid, else GBK).
pub(crate) fn zip_entries(bytes: &[u8], ctx: Ctx<'_>) -> Result<Vec<Entry>, StatementError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ctx.archive(e.to_string()))?;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| ctx.archive(e.to_string()))?;
        if file.is_dir() {
            continue;
        }
        let name = decode_name(file.name_raw());
        let mut data = Vec::new();
        (&mut file).take(MAX_ENTRY + 1).read_to_end(&mut data).map_err(|e| ctx.archive(format!("{name}：{e}")))?;
        if data.len() as u64 > MAX_ENTRY {
            return Err(ctx.archive(format!("{name} 超过 {} MiB", MAX_ENTRY >> 20)));
        }
        entries.push(Entry { name, data });
    }
    Ok(entries)
}

fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(name) => name.to_owned(),
        Err(_) => GBK.decode_without_bom_handling(raw).0.into_owned(),
    }
}

/// Whether bytes meant to be GBK are evidently UTF-8 instead (a re-saved file): valid UTF-8
/// whose non-ASCII characters are all Chinese (CJK ideographs or CJK / full-width punctuation).
/// GBK text is sometimes valid UTF-8 by chance (`某某医院` is), but then it reads as Latin or
/// Cyrillic letters, not as Chinese.
pub(crate) fn evidently_utf8(bytes: &[u8]) -> bool {
    if bytes.is_ascii() {
        return false;
    }
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    text.chars()
        .filter(|c| !c.is_ascii())
        .all(|c| matches!(u32::from(c), 0x4E00..=0x9FFF | 0x3000..=0x303F | 0xFF00..=0xFFEF))
}

/// The bytes as GBK text. Refuses, naming the line: bytes that are not GBK, and text that is
/// evidently UTF-8 (see [`evidently_utf8`]).
pub(crate) fn decode_gbk(bytes: &[u8], ctx: Ctx<'_>) -> Result<String, StatementError> {
    if evidently_utf8(bytes) {
        let line = bytes.split(|b| *b == b'\n').position(|l| !l.is_ascii()).unwrap_or(0);
        return Err(ctx.encoding(line as u64 + 1, "GBK"));
    }
    match GBK.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text.into_owned()),
        None => {
            let line = bytes
                .split(|b| *b == b'\n')
                .position(|l| GBK.decode_without_bom_handling_and_without_replacement(l).is_none())
                .unwrap_or(0);
            Err(ctx.encoding(line as u64 + 1, "GBK"))
        }
    }
}

/// One GBK field of a fixed-width line; `None` when it is not GBK.
pub(crate) fn gbk_field(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    GBK.decode_without_bom_handling_and_without_replacement(bytes)
}

#[cfg(test)]
pub(crate) fn encode_gbk(text: &str) -> Vec<u8> {
    GBK.encode(text).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_and_points_at_bad_lines() {
        let ctx = Ctx::new("a.csv");
        let bytes = encode_gbk("#支付宝业务明细查询\n交易,退款\n");
        assert_eq!(decode_gbk(&bytes, ctx).unwrap(), "#支付宝业务明细查询\n交易,退款\n");
        assert!(!evidently_utf8(&encode_gbk("某某医院")), "valid UTF-8 by chance, but not Chinese");
        assert!(evidently_utf8("某某医院".as_bytes()));
        let utf8 = "abc\n#支付宝\n".as_bytes();
        let err = decode_gbk(utf8, ctx).unwrap_err();
        assert_eq!((err.code(), err.line()), ("STATEMENT_ENCODING", Some(2)));
        let mut broken = encode_gbk("ok\nok\n");
        broken.extend_from_slice(&[0x81, 0x0a]);
        let err = decode_gbk(&broken, ctx).unwrap_err();
        assert_eq!(err.line(), Some(3));
    }

    #[test]
    fn refuses_what_is_not_a_zip() {
        let err = zip_entries(b"PK\x03\x04 garbage", Ctx::new("x.zip")).err().unwrap();
        assert_eq!(err.code(), "STATEMENT_ARCHIVE");
        assert!(!is_zip(b"not"));
    }
}
