//! The reconciliation reports (对账): the result report — matched, single-sided (platform side
//! and channel/HIS side) and mismatched, per channel and in total — and the single-sided detail
//! report with two tabs, 平台多出 and 渠道多出 (HIS多出 for a platform ↔ HIS run), each entry with
//! its cause. Both as XLSX ([`xlsx`]) and PDF ([`pdf`]), from one [`ReconciliationReport`].
//!
//! The renderers know nothing of the engine: [`from_engine`] maps its result to the model, in
//! Chinese words, for the `cashier` CLI and the platform.

pub mod from_engine;
pub mod model;
pub mod pdf;
pub mod xlsx;

use thiserror::Error;

pub use model::{
    CountAmount, DiscrepancyLine, MismatchFigures, ReconciliationReport, ResultLine, SingleSidedLine, total_of,
};
pub use pdf::{reconciliation_pdf, result_pdf, single_sided_pdf};
pub use xlsx::{reconciliation_xlsx, result_xlsx, single_sided_xlsx};

/// An XLSX that could not be written (a sheet name refused, the temporary file of constant
/// memory mode not writable).
#[derive(Debug, Error)]
#[error("对账报表（XLSX）生成失败：{0}")]
pub struct XlsxReportError(String);

impl XlsxReportError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "REPORT_XLSX"
    }
}

impl From<rust_xlsxwriter::XlsxError> for XlsxReportError {
    fn from(error: rust_xlsxwriter::XlsxError) -> XlsxReportError {
        XlsxReportError(error.to_string())
    }
}
