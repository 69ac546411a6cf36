//! The 票据 commands: an admission's e-invoices with their paper copies, the layout file
//! (版式文件) printed or saved, 换开纸质 / 重新换开 and
//! 作废纸质 (a window's or a kiosk's copy, by its number), the operator's paper stock (领用,
//! 核销), the day's kiosk report (finance) and asking again for invoices not yet issued. The
//! operator is the one logged in at the shell; each command parses, calls one use case and
//! converts.

use contract::invoice::{
    InvoiceView, KioskReport, PaperCopyOutcome, PaperCopyRequest, PaperVoided, StockRequest, StockView,
    VoidPaperRequest,
};
use contract::{ApiError, PrintOutcome};
use domain::paper::PaperKind;
use tauri::State;

use crate::shell::Shell;

/// The invoices of an admission's settlements, oldest first, each with its paper copies.
#[tauri::command]
pub async fn invoices(shell: State<'_, Shell>, case_no: String) -> Result<Vec<InvoiceView>, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.invoices(&case_no).await?)
}

/// The invoice of a settlement as its layout file, printed (or saved and opened).
#[tauri::command]
pub async fn print_invoice(
    shell: State<'_, Shell>,
    case_no: String,
    settlement_no: String,
) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_invoice(&operator, &case_no, &settlement_no).await?)
}

/// 换开纸质 (or 重新换开, which voids the valid copy first) on the operator's next paper number.
#[tauri::command]
pub async fn print_paper(shell: State<'_, Shell>, request: PaperCopyRequest) -> Result<PaperCopyOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_paper(&operator, &request).await?)
}

/// 作废 a paper copy by its number, typed or scanned (a window's or a kiosk's).
#[tauri::command]
pub async fn void_paper(shell: State<'_, Shell>, request: VoidPaperRequest) -> Result<PaperVoided, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.void_paper(&operator, &request).await?)
}

/// 领用: a range of paper received by the operator.
#[tauri::command]
pub async fn receive_stock(shell: State<'_, Shell>, request: StockRequest) -> Result<StockView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.receive_stock(&operator, &request).await?)
}

/// 核销: unused numbers of the operator's stock written off with a reason.
#[tauri::command]
pub async fn write_off_stock(shell: State<'_, Shell>, request: StockRequest) -> Result<StockView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.write_off_stock(&operator, &request).await?)
}

/// The operator's paper of `kind` (`invoice` or `receipt`).
#[tauri::command]
pub async fn paper_stock(shell: State<'_, Shell>, kind: String) -> Result<StockView, ApiError> {
    let operator = shell.operator()?;
    let kind = PaperKind::from_code(kind.trim()).ok_or_else(|| {
        ApiError::new("PAPER_KIND_UNKNOWN", format!("票据种类应为 invoice 或 receipt：“{}”", kind.trim()))
            .on_field("kind")
    })?;
    Ok(shell.app()?.stock(&operator, kind).await?)
}

/// 自助机报表: the paper copies kiosks printed on `day` (`YYYY-MM-DD`), per kiosk (finance).
#[tauri::command]
pub async fn kiosk_invoices(shell: State<'_, Shell>, day: String) -> Result<KioskReport, ApiError> {
    let operator = shell.operator()?;
    let parsed = day.trim().parse().map_err(|_| {
        ApiError::new("DATE_MALFORMED", format!("日期格式应为 YYYY-MM-DD：“{}”", day.trim())).on_field("day")
    })?;
    Ok(shell.app()?.kiosk_invoices(&operator, parsed).await?)
}

/// Asks the fiscal platform again for what is not issued or reversed yet (a stand-alone
/// counter; a linked one leaves it to the platform); answers how many are still undone.
#[tauri::command]
pub async fn finish_invoices(shell: State<'_, Shell>) -> Result<usize, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.finish_invoices().await?)
}
