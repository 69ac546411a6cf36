//! The fonts every PDF embeds: Noto Sans SC cut to GB 2312 (shipped in the binary), and the
//! full system Noto Sans CJK, loaded only when a rare character in a name needs it.

use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::ReportError;

static PRIMARY_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-GB2312.otf");
/// Debian `fonts-noto-cjk`; face 2 of the collection is Simplified Chinese.
const FALLBACK_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
const FALLBACK_INDEX: usize = 2;

static PRIMARY: OnceLock<Option<ParsedFont>> = OnceLock::new();
static FALLBACK: OnceLock<Option<ParsedFont>> = OnceLock::new();

/// Parsed once per process: parsing a CJK font takes longer than laying out a page.
pub fn primary() -> Result<&'static ParsedFont, ReportError> {
    PRIMARY
        .get_or_init(|| ParsedFont::from_bytes(PRIMARY_BYTES, 0, &mut Vec::new()))
        .as_ref()
        .ok_or_else(|| ReportError::Font("内置字体 NotoSansSC-GB2312 无法解析".to_owned()))
}

/// The full CJK font when the system has it; `None` otherwise (characters become "?").
pub fn fallback() -> Option<&'static ParsedFont> {
    FALLBACK
        .get_or_init(|| {
            let bytes = std::fs::read(FALLBACK_PATH).ok()?;
            ParsedFont::from_bytes(&bytes, FALLBACK_INDEX, &mut Vec::new())
        })
        .as_ref()
}

#[allow(clippy::disallowed_types)] // glyph metrics, not money
static PRIMARY_ADVANCES: OnceLock<std::collections::HashMap<char, f32>> = OnceLock::new();

/// The advance of `c` in the embedded font as a fraction of the em, or `None` when the font
/// has no glyph for it. Built once for the whole Basic Multilingual Plane: a map lookup per
/// character instead of a cmap search keeps a 5,000-line list fast.
#[allow(clippy::disallowed_types, clippy::float_arithmetic)] // glyph metrics, not money
pub fn primary_advance(c: char) -> Option<f32> {
    PRIMARY_ADVANCES
        .get_or_init(|| {
            let Ok(font) = primary() else { return std::collections::HashMap::new() };
            let per_em = f32::from(font.font_metrics.units_per_em.max(1));
            (0u32..0x1_0000)
                .filter_map(|cp| {
                    let ch = char::from_u32(cp)?;
                    let gid = font.lookup_glyph_index(cp)?;
                    Some((ch, f32::from(font.get_horizontal_advance(gid)) / per_em))
                })
                .collect()
        })
        .get(&c)
        .copied()
}
