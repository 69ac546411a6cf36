//! Renders report models — the fee list (住院费用清单), the settlement statement (结算单) and the
//! deposit receipt (预交金收据), the blood-waiver pledge (承诺书) and reimbursement form (用血报销单), the medical
//! invoice's layout file (医疗收费票据) — to PDF bytes with an embedded Chinese font, and to XLSX (the
//! reconciliation reports, the review's 对账差异 list); the kiosk-printed invoice report
//! (自助打印发票报表) to both.
//!
//! Architecture invariants: this crate never touches a database, a file or the clock; it
//! turns a model into bytes. Money arrives as `domain::Money` and leaves as text formatted
//! by `Money`; floats exist only as page coordinates inside `pdf::sheet`.

pub mod blood_form;
pub mod blood_month;
pub mod day_end;
pub mod invoice;
pub mod kiosk_report;
pub mod pdf;
pub mod pledge;
pub mod receipt;
pub mod recon_review;
pub mod reconciliation;
pub mod settlement;
pub mod statement;
pub mod test_page;

use thiserror::Error;

pub use blood_form::{BloodFormModel, FormProduct, render_blood_form};
pub use blood_month::{blood_month_pdf, blood_month_xlsx};
pub use invoice::{InvoiceModel, render_invoice, render_invoice_at};
pub use kiosk_report::{KioskLine, KioskReportModel, KioskSection, kiosk_report_pdf, kiosk_report_xlsx};
pub use pdf::fonts::{SYSTEM_FALLBACK_FACE, SYSTEM_FALLBACK_PATH, set_fallback_font};
pub use pledge::{PledgeModel, render_pledge};
pub use receipt::{ReceiptModel, render_receipt, render_receipt_at};
pub use reconciliation::{
    ReconciliationReport, XlsxReportError, reconciliation_pdf, reconciliation_xlsx, result_pdf, result_xlsx,
    single_sided_pdf, single_sided_xlsx,
};
pub use settlement::{SettlementModel, render_settlement};
pub use statement::{StatementCategory, StatementLine, StatementModel, render_statement};
pub use test_page::{TestPageModel, render_test_page};

/// How far a pre-printed form (套打: 收据纸, 票据纸) sits from where the layout expects it, in
/// tenths of a millimetre: positive moves the print right and down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaperOffset {
    pub right_tenths: i16,
    pub down_tenths: i16,
}

impl PaperOffset {
    pub const NONE: PaperOffset = PaperOffset { right_tenths: 0, down_tenths: 0 };
}

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
    /// A workbook rust_xlsxwriter refused to write (a sheet name, a cell out of range).
    #[error("报表（XLSX）生成失败：{0}")]
    Xlsx(String),
}

impl From<rust_xlsxwriter::XlsxError> for ReportError {
    fn from(error: rust_xlsxwriter::XlsxError) -> ReportError {
        ReportError::Xlsx(error.to_string())
    }
}
