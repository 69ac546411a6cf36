//! Renders report models — the inpatient fee list (住院费用清单) first — to PDF bytes with an
//! embedded Chinese font, and to XLSX.
//!
//! Architecture invariants: this crate never touches a database, a file or the clock; it
//! turns a model into bytes. Money arrives as `domain::Money` and leaves as text formatted
//! by `Money`; floats exist only as page coordinates inside `pdf::sheet`.

pub mod pdf;
pub mod statement;

use thiserror::Error;

pub use statement::{StatementCategory, StatementLine, StatementModel, render_statement};

/// A finished PDF.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub pages: u32,
    /// Characters no embedded font could draw (printed as "?"); shown to the user.
    pub missing_glyphs: Vec<char>,
}

#[derive(Debug, Error)]
pub enum ReportError {
    #[error("报表字体无法加载：{0}")]
    Font(String),
}
