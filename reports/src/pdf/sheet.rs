//! An A4 page flow for reports: text placed in millimetres from the top-left, aligned by
//! glyph widths, split across the primary and fallback fonts, with page breaks and a footer.
// printpdf positions everything in f32 points; this module is the one place floats are
// allowed, and only for coordinates — no amount ever passes through a float.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rect, Rgb, TextItem,
};

use super::fonts;
use crate::{RenderedPdf, ReportError};

/// A4 portrait, in millimetres.
pub const PAGE_WIDTH: f32 = 210.0;
pub const PAGE_HEIGHT: f32 = 297.0;
pub const MARGIN: f32 = 12.0;
const PT_TO_MM: f32 = 25.4 / 72.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// A document being laid out page by page.
pub struct Sheet {
    doc: PdfDocument,
    width: f32,
    height: f32,
    primary: (FontId, &'static ParsedFont),
    /// Added to the document the first time a character needs it.
    fallback: Option<(FontId, &'static ParsedFont)>,
    pages: Vec<Vec<Op>>,
    current: Vec<Op>,
    missing: BTreeSet<char>,
    /// Where everything moves on a pre-printed form (套打), in millimetres right and down.
    shift: (f32, f32),
}

impl Sheet {
    /// An A4 portrait document.
    pub fn new(title: &str) -> Result<Sheet, ReportError> {
        Sheet::with_size(title, PAGE_WIDTH, PAGE_HEIGHT)
    }

    /// A document of `width` × `height` millimetres (a receipt is a third of A4).
    pub fn with_size(title: &str, width: f32, height: f32) -> Result<Sheet, ReportError> {
        let font = fonts::primary()?;
        let mut doc = PdfDocument::new(title);
        let primary = (doc.add_font(font), font);
        Ok(Sheet {
            doc,
            width,
            height,
            primary,
            fallback: None,
            pages: Vec::new(),
            current: Vec::new(),
            missing: BTreeSet::new(),
            shift: (0.0, 0.0),
        })
    }

    /// Moves everything drawn afterwards by `offset` (套打: the printer feeds the pre-printed
    /// form a little off, and the counter's settings say by how much).
    pub fn shift(&mut self, offset: crate::PaperOffset) {
        self.shift = (f32::from(offset.right_tenths) / 10.0, f32::from(offset.down_tenths) / 10.0);
    }

    fn at(&self, x_mm: f32, y_from_top_mm: f32) -> Point {
        point(self.height, x_mm + self.shift.0, y_from_top_mm + self.shift.1)
    }

    pub fn width_mm(&self) -> f32 {
        self.width
    }
    pub fn height_mm(&self) -> f32 {
        self.height
    }

    /// Width of `text` at `size` points, in millimetres.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c, size)).sum()
    }

    fn char_width(&self, c: char, size: f32) -> f32 {
        if let Some(em) = fonts::primary_advance(c) {
            return em * size * PT_TO_MM;
        }
        let (_, font) = self.font_for(c);
        let gid = font.lookup_glyph_index(u32::from(c)).unwrap_or(0);
        let units = f32::from(font.get_horizontal_advance(gid));
        let per_em = f32::from(font.font_metrics.units_per_em.max(1));
        units / per_em * size * PT_TO_MM
    }

    fn font_for(&self, c: char) -> (&FontId, &'static ParsedFont) {
        if fonts::primary_advance(c).is_some() {
            return (&self.primary.0, self.primary.1);
        }
        match &self.fallback {
            Some((id, font)) if font.has_glyph(u32::from(c)) => (id, *font),
            _ => (&self.primary.0, self.primary.1),
        }
    }

    /// Whether the fallback font can draw `c`, adding it to the document on first use.
    fn ensure_fallback_for(&mut self, c: char) -> bool {
        if self.fallback.is_none()
            && let Some(font) = fonts::fallback()
            && font.has_glyph(u32::from(c))
        {
            self.fallback = Some((self.doc.add_font(font), font));
        }
        self.fallback.as_ref().is_some_and(|(_, f)| f.has_glyph(u32::from(c)))
    }

    /// Shortens `text` with "…" so it fits in `max_width` millimetres.
    pub fn fit(&self, text: &str, size: f32, max_width: f32) -> String {
        if self.width(text, size) <= max_width {
            return text.to_owned();
        }
        let ellipsis = self.width("…", size);
        let mut out = String::new();
        let mut used = 0.0;
        for c in text.chars() {
            let w = self.char_width(c, size);
            if used + w + ellipsis > max_width {
                break;
            }
            used += w;
            out.push(c);
        }
        out.push('…');
        out
    }

    /// Places `text` with its baseline at `y` millimetres from the top of the page.
    pub fn text(&mut self, x: f32, y: f32, size: f32, align: Align, text: &str) {
        if text.is_empty() {
            return;
        }
        for c in text.chars() {
            if fonts::primary_advance(c).is_none() {
                self.ensure_fallback_for(c);
            }
        }
        let width = self.width(text, size);
        let mut cursor = match align {
            Align::Left => x,
            Align::Right => x - width,
            Align::Center => x - width / 2.0,
        };
        // One run per font: the fallback only draws what the primary lacks.
        let mut runs: Vec<(FontId, String, f32)> = Vec::new();
        for c in text.chars() {
            let drawable = fonts::primary_advance(c).is_some() || self.ensure_fallback_for(c);
            let c = if drawable || c.is_whitespace() {
                c
            } else {
                self.missing.insert(c);
                '?'
            };
            let (font, _) = self.font_for(c);
            let w = self.char_width(c, size);
            match runs.last_mut() {
                Some((id, run, run_w)) if id == font => {
                    run.push(c);
                    *run_w += w;
                }
                _ => runs.push((font.clone(), c.to_string(), w)),
            }
        }
        self.current.push(Op::StartTextSection);
        for (font, run, run_width) in runs {
            self.current.push(Op::SetTextCursor { pos: self.at(cursor, y) });
            self.current.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) });
            self.current.push(Op::ShowText { items: vec![TextItem::Text(run)] });
            self.current.push(Op::EndTextSection);
            self.current.push(Op::StartTextSection);
            cursor += run_width;
        }
        self.current.push(Op::EndTextSection);
    }

    /// A horizontal rule at `y` from `x0` to `x1`.
    pub fn rule(&mut self, y: f32, x0: f32, x1: f32, thickness: f32) {
        self.current.push(Op::SetOutlineColor { col: Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None }) });
        self.current.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.current.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint { p: self.at(x0, y), bezier: false },
                    LinePoint { p: self.at(x1, y), bezier: false },
                ],
                is_closed: false,
            },
        });
    }

    pub fn new_page(&mut self) {
        let page = std::mem::take(&mut self.current);
        self.pages.push(page);
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    /// Closes the last page, draws `footer(page, pages)` at the bottom of each, and saves.
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> RenderedPdf {
        self.new_page();
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (index, ops) in pages.into_iter().enumerate() {
            self.current = ops;
            let text = footer(index + 1, total);
            if !text.is_empty() {
                self.text(self.width / 2.0, self.height - 7.0, 8.0, Align::Center, &text);
            }
            out.push(PdfPage::new(Mm(self.width), Mm(self.height), std::mem::take(&mut self.current)));
        }
        let options = PdfSaveOptions { subset_fonts: true, ..PdfSaveOptions::default() };
        let bytes = self.doc.with_pages(out).save(&options, &mut Vec::new());
        RenderedPdf {
            bytes,
            pages: u32::try_from(total).unwrap_or(u32::MAX),
            missing_glyphs: self.missing.into_iter().collect(),
        }
    }

    /// A black square of `size` millimetres with its top-left corner at (`x`, `y`).
    fn square(&mut self, x: f32, y: f32, size: f32) {
        // Filled: a rectangle without a paint mode is a path that paints nothing (`re n`).
        self.current.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(printpdf::PaintMode::Fill),
                ..Rect::from_xywh(
                    Mm(x + self.shift.0).into(),
                    Mm(self.height - y - size - self.shift.1).into(),
                    Mm(size).into(),
                    Mm(size).into(),
                )
            },
        });
    }

    /// A QR code of `text`, `size` millimetres wide, top-left at (`x`, `y`).
    pub fn qr(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else { return };
        let modules = code.width();
        let cell = size / modules as f32;
        self.current.push(Op::SetFillColor { col: Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None }) });
        for (index, color) in code.to_colors().into_iter().enumerate() {
            if color == qrcode::Color::Dark {
                let (row, col) = (index / modules, index % modules);
                self.square(x + col as f32 * cell, y + row as f32 * cell, cell);
            }
        }
    }
}

fn point(page_height: f32, x_mm: f32, y_from_top_mm: f32) -> Point {
    Point::new(Mm(x_mm), Mm(page_height - y_from_top_mm))
}
