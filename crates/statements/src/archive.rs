//! Zip entries (names in GBK or UTF-8, contents bounded) and strict GBK decoding with the line
//! number of the first byte sequence that is not GBK.

use std::io::{Cursor, Read};

use encoding_rs::GBK;

use crate::error::{Ctx, StatementError};

/// Most entries a statement zip may hold (Alipay packs two CSVs, insurance a few files).
pub const MAX_ENTRIES: usize = 16;
/// Largest entry, uncompressed: a real 1M-order WeChat day is ~345 MB.
pub const MAX_ENTRY: u64 = 512 << 20;
/// Largest sum of all entries, uncompressed.
pub const MAX_TOTAL: u64 = 1 << 30;
/// Highest compression ratio (uncompressed : compressed) of an entry over [`RATIO_FLOOR`]:
/// statement text deflates about 5–15 : 1, a zip bomb of zeros about 1000 : 1.
pub const MAX_RATIO: u64 = 200;
/// Entries up to this size are not held to [`MAX_RATIO`] (a tiny file can compress well).
pub const RATIO_FLOOR: u64 = 1 << 20;

/// Refusal codes of the limits.
pub(crate) const TOO_MANY_ENTRIES: &str = "ARCHIVE_TOO_MANY_ENTRIES";
pub(crate) const TOO_LARGE: &str = "ARCHIVE_TOO_LARGE";
pub(crate) const RATIO: &str = "ARCHIVE_RATIO";

/// One file inside a statement zip.
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) data: Vec<u8>,
}

/// Whether the bytes start like a zip archive.
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn mib(bytes: u64) -> u64 {
    bytes >> 20
}

/// Whether `size` inflated from `compressed` bytes is over [`MAX_RATIO`].
fn over_ratio(size: u64, compressed: u64) -> bool {
    size > RATIO_FLOOR && size / compressed.max(1) > MAX_RATIO
}

/// Every file entry of the zip, with names decoded (UTF-8 when valid, else GBK). A zip over the
/// limits ([`MAX_ENTRIES`], [`MAX_ENTRY`], [`MAX_TOTAL`], [`MAX_RATIO`]) is refused from its
/// central directory before anything is inflated, and again while reading, since the sizes it
/// declares can lie: no entry is read past the size it declared.
pub(crate) fn zip_entries(bytes: &[u8], ctx: Ctx<'_>) -> Result<Vec<Entry>, StatementError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ctx.archive(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        let reason = format!("含 {} 个文件，超过 {MAX_ENTRIES} 个，不是对账单压缩包", archive.len());
        return Err(ctx.archive_limit(TOO_MANY_ENTRIES, reason));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let file = archive.by_index_raw(index).map_err(|e| ctx.archive(e.to_string()))?;
        let name = decode_name(file.name_raw());
        limits(ctx, &name, file.size(), file.compressed_size(), &mut total)?;
    }
    let mut total: u64 = 0;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| ctx.archive(e.to_string()))?;
        if file.is_dir() {
            continue;
        }
        let name = decode_name(file.name_raw());
        let (declared, compressed) = (file.size(), file.compressed_size());
        let mut data = Vec::new();
        (&mut file).take(declared + 1).read_to_end(&mut data).map_err(|e| ctx.archive(format!("{name}：{e}")))?;
        if data.len() as u64 > declared {
            let reason = format!("{name} 解压后超过其声明的 {declared} 字节，压缩包已被篡改或损坏");
            return Err(ctx.archive_limit(TOO_LARGE, reason));
        }
        limits(ctx, &name, data.len() as u64, compressed, &mut total)?;
        entries.push(Entry { name, data });
    }
    Ok(entries)
}

/// One entry's size against the limits, adding it to the running `total`.
fn limits(ctx: Ctx<'_>, name: &str, size: u64, compressed: u64, total: &mut u64) -> Result<(), StatementError> {
    if size > MAX_ENTRY {
        let reason = format!("{name} 解压后 {} MiB，超过 {} MiB", mib(size), mib(MAX_ENTRY));
        return Err(ctx.archive_limit(TOO_LARGE, reason));
    }
    *total = total.saturating_add(size);
    if *total > MAX_TOTAL {
        let reason = format!("解压后合计超过 {} MiB", mib(MAX_TOTAL));
        return Err(ctx.archive_limit(TOO_LARGE, reason));
    }
    if over_ratio(size, compressed) {
        let reason = format!("{name} 压缩比超过 {MAX_RATIO}:1（{size} 字节压缩为 {compressed} 字节），疑似压缩炸弹");
        return Err(ctx.archive_limit(RATIO, reason));
    }
    Ok(())
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

    /// A zip of `(name, bytes)` entries, deflated.
    fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            writer.start_file(*name, options).unwrap();
            std::io::Write::write_all(&mut writer, data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// Overwrites the uncompressed size the local header and the central directory declare.
    fn declare_size(zip: &mut [u8], size: u32) {
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = zip.windows(4).position(|w| w == signature).unwrap() + offset;
            zip[at..at + 4].copy_from_slice(&size.to_le_bytes());
        }
    }

    fn refusal(zip: &[u8]) -> StatementError {
        zip_entries(zip, Ctx::new("bill.zip")).err().expect("refused")
    }

    #[test]
    fn limits_entries_sizes_and_ratio() {
        let fine = zip_of(&[("a.csv", b"x,y\n1,2\n".to_vec()), ("b.csv", vec![b'1'; 4096])]);
        assert_eq!(zip_entries(&fine, Ctx::new("bill.zip")).unwrap().len(), 2);

        let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("{i}.csv")).collect();
        let many: Vec<(&str, Vec<u8>)> = names.iter().map(|n| (n.as_str(), b"1".to_vec())).collect();
        assert_eq!(refusal(&zip_of(&many)).code(), "ARCHIVE_TOO_MANY_ENTRIES");

        let bomb = zip_of(&[("zeros.csv", vec![0; 8 << 20])]);
        assert!(bomb.len() < 64 << 10, "zeros deflate far beyond {MAX_RATIO}:1");
        let err = refusal(&bomb);
        assert_eq!(err.code(), "ARCHIVE_RATIO");
        assert!(err.to_string().contains("压缩炸弹"), "{err}");
    }

    #[test]
    fn declared_sizes_are_checked_before_and_while_inflating() {
        let mut huge = zip_of(&[("a.csv", vec![b'1'; 1000])]);
        declare_size(&mut huge, u32::try_from(MAX_ENTRY + 1).unwrap());
        assert_eq!(refusal(&huge).code(), "ARCHIVE_TOO_LARGE", "refused from the central directory");

        let mut liar = zip_of(&[("zeros.csv", vec![0; 8 << 20])]);
        declare_size(&mut liar, 100_000);
        let err = refusal(&liar);
        assert_eq!(err.code(), "ARCHIVE_TOO_LARGE", "{err}");
        assert!(err.to_string().contains("声明"), "{err}");
    }
}
