//! The fonts every PDF embeds: Noto Sans SC cut to GB 2312 (shipped in the binary), and a
//! fallback (the system's full Noto Sans CJK) whose bytes the caller hands over with
//! [`set_fallback_font`] — this crate reads no file — parsed only when a rare character in a
//! name needs it.

use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::ReportError;

static PRIMARY_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-GB2312.otf");
/// Where Debian's `fonts-noto-cjk` installs the full font. The caller reads it (once per
/// process) and passes the bytes to [`set_fallback_font`] with [`SYSTEM_FALLBACK_FACE`].
pub const SYSTEM_FALLBACK_PATH: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// Face 2 of that collection is Simplified Chinese.
pub const SYSTEM_FALLBACK_FACE: usize = 2;

static PRIMARY: OnceLock<Option<ParsedFont>> = OnceLock::new();
static FALLBACK_BYTES: OnceLock<(Vec<u8>, usize)> = OnceLock::new();
static FALLBACK: OnceLock<Option<ParsedFont>> = OnceLock::new();

/// Parsed once per process: parsing a CJK font takes longer than laying out a page.
pub fn primary() -> Result<&'static ParsedFont, ReportError> {
    PRIMARY
        .get_or_init(|| ParsedFont::from_bytes(PRIMARY_BYTES, 0, &mut Vec::new()))
        .as_ref()
        .ok_or_else(|| ReportError::Font("内置字体 NotoSansSC-GB2312 无法解析".to_owned()))
}

/// Gives the renderers a fallback font: `bytes` of an OpenType font or collection and the
/// `face` to use in it. The first call of the process wins; later ones are ignored (and answer
/// `false`). Without one, characters outside the embedded font print as "?" and are reported
/// in `RenderedPdf::missing_glyphs`.
pub fn set_fallback_font(bytes: Vec<u8>, face: usize) -> bool {
    FALLBACK_BYTES.set((bytes, face)).is_ok()
}

/// The fallback font when one was given and parses; `None` otherwise (characters become "?").
pub fn fallback() -> Option<&'static ParsedFont> {
    // Not cached while none is given, so a font set after an earlier render still counts.
    let (bytes, face) = FALLBACK_BYTES.get()?;
    FALLBACK.get_or_init(|| ParsedFont::from_bytes(bytes, *face, &mut Vec::new())).as_ref()
}

#[allow(clippy::disallowed_types)] // glyph metrics, not money
type Advances = std::collections::HashMap<char, Option<f32>>;

thread_local! {
    /// The advances met so far on this thread: a document uses a few hundred characters, and
    /// looking up the whole Basic Multilingual Plane in the font's cmap up front cost about
    /// 110 ms per process (the fee list's whole-process time, issue 16).
    static PRIMARY_ADVANCES: std::cell::RefCell<Advances> = std::cell::RefCell::new(Advances::new());
}

/// The advance of `c` in the embedded font as a fraction of the em, or `None` when the font
/// has no glyph for it. Learned once per character and thread: a map lookup per character
/// instead of a cmap search keeps a 5,000-line list fast.
#[allow(clippy::disallowed_types, clippy::float_arithmetic)] // glyph metrics, not money
pub fn primary_advance(c: char) -> Option<f32> {
    PRIMARY_ADVANCES.with(|cache| {
        if let Some(known) = cache.borrow().get(&c) {
            return *known;
        }
        let advance = primary().ok().and_then(|font| {
            let gid = font.lookup_glyph_index(u32::from(c))?;
            let per_em = f32::from(font.font_metrics.units_per_em.max(1));
            Some(f32::from(font.get_horizontal_advance(gid)) / per_em)
        });
        cache.borrow_mut().insert(c, advance);
        advance
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_is_only_what_the_caller_gave() {
        assert!(fallback().is_none(), "no fallback until the caller gives one");
        assert!(set_fallback_font(b"not a font".to_vec(), 0));
        assert!(fallback().is_none(), "bytes that are no font leave rare characters to \"?\"");
        assert!(!set_fallback_font(Vec::new(), 0), "the first font given stays");
    }
}
