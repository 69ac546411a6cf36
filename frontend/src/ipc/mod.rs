//! Typed calls to the desktop shell: the only place the frontend talks to the backend, and
//! only with contract DTOs.

mod exports;
mod settings;

pub use exports::{cancel_export, export_progress, recon_export};
pub use settings::{
    counter_settings, print_test_page, register_counter, restart_app, save_platform_settings, save_print_settings,
    window_painted,
};

use contract::account::AccountView;
use contract::blood::{RegisterBloodRequest, RegistrationView, ReviewBloodRequest};
use contract::blood_desk::{
    CaptureRequest, CaptureSettings, CaptureSetup, CapturedPage, EntitlementQuery, EntitlementView, RegistrationPage,
};
use contract::cashier::{
    AuditDecision, AuditGate, DepositReceipt, DepositRequest, FeeDecision, RecallOutcome, RecallRequest,
    RefundOtherwiseRequest, ReversalRequest, SettleRequest, SettlementView, TrialRequest, TrialView,
    VoidReceiptRequest,
};
use contract::close::{
    CancelCloseRequest, CloseRequest, CloseView, DailyReport, HandInRequest, HandInView, MonthlyReport, WaitingClose,
};
use contract::invoice::{
    InvoiceView, KioskReport, PaperCopyOutcome, PaperCopyRequest, PaperVoided, StockRequest, StockView,
    VoidPaperRequest,
};
use contract::patient::PatientHit;
use contract::recon::{
    AssignCause, DecideCorrection, ItemFilter, ReconBatch, ReconItem, ResolveItem, RunReconciliation, SavedFile,
};
use contract::session::{LoginRequest, Session};
use contract::{ApiError, PrintOutcome, StartupStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `__TAURI_INTERNALS__.invoke` is what `@tauri-apps/api`'s `invoke` calls; Tauri injects it into
    // every window, so `withGlobalTauri` (the `window.__TAURI__` API bundle) stays off.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI_INTERNALS__"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

async fn call<A: Serialize, T: DeserializeOwned>(command: &str, args: &A) -> Result<T, ApiError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args.serialize(&serializer).map_err(|e| ApiError::new("IPC", format!("请求无法发送：{e}")))?;
    match invoke(command, args).await {
        Ok(value) => {
            serde_wasm_bindgen::from_value(value).map_err(|e| ApiError::new("IPC", format!("应答无法读取：{e}")))
        }
        Err(error) => Err(serde_wasm_bindgen::from_value::<ApiError>(error.clone()).unwrap_or_else(|_| {
            ApiError::new("IPC", format!("与收费程序通讯失败：{}", error.as_string().unwrap_or_default()))
        })),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct LoginArgs<'a> {
    request: &'a LoginRequest,
}

#[derive(Serialize)]
struct QueryArgs<'a> {
    query: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CaseArgs<'a> {
    case_no: &'a str,
}

pub async fn startup_status() -> Result<StartupStatus, ApiError> {
    call("startup_status", &NoArgs {}).await
}

pub async fn link_status() -> Result<contract::link::LinkStatus, ApiError> {
    call("link_status", &NoArgs {}).await
}

pub async fn log_in(request: &LoginRequest) -> Result<Session, ApiError> {
    call("log_in", &LoginArgs { request }).await
}

pub async fn log_out() -> Result<(), ApiError> {
    call("log_out", &NoArgs {}).await
}

pub async fn find_patients(query: &str) -> Result<Vec<PatientHit>, ApiError> {
    call("find_patients", &QueryArgs { query }).await
}

pub async fn account(case_no: &str) -> Result<AccountView, ApiError> {
    call("account", &CaseArgs { case_no }).await
}

pub async fn print_statement(case_no: &str) -> Result<PrintOutcome, ApiError> {
    call("print_statement", &CaseArgs { case_no }).await
}

#[derive(Serialize)]
struct RequestArgs<'a, T: Serialize> {
    request: &'a T,
}

#[derive(Serialize)]
struct DecisionArgs<'a, T: Serialize> {
    decision: &'a T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReceiptArgs<'a> {
    case_no: &'a str,
    receipt_no: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettlementArgs<'a> {
    case_no: &'a str,
    settlement_no: &'a str,
}

pub async fn operation_key() -> Result<String, ApiError> {
    call("operation_key", &NoArgs {}).await
}

pub async fn take_deposit(request: &DepositRequest) -> Result<DepositReceipt, ApiError> {
    call("take_deposit", &RequestArgs { request }).await
}

pub async fn reverse_deposit(request: &ReversalRequest) -> Result<DepositReceipt, ApiError> {
    call("reverse_deposit", &RequestArgs { request }).await
}

/// The admission's refunds by the original route, the channels asked again about open ones.
pub async fn refund_status(case_no: &str) -> Result<Vec<contract::account::RefundView>, ApiError> {
    call("refund_status", &CaseArgs { case_no }).await
}

/// 关于: the versions and where the data lives.
pub async fn about() -> Result<contract::session::AboutView, ApiError> {
    call("about", &NoArgs {}).await
}

/// 导出诊断包: the zip's path.
pub async fn export_diagnostics() -> Result<String, ApiError> {
    call("export_diagnostics", &NoArgs {}).await
}

/// 立即备份: the checked copy, as the status line says it.
pub async fn back_up_now() -> Result<String, ApiError> {
    call("back_up_now", &NoArgs {}).await
}

/// 工作清单: who waits for the settlement or the fee audit.
pub async fn worklists() -> Result<contract::worklist::Worklists, ApiError> {
    call("worklists", &NoArgs {}).await
}

/// 我的今日操作.
pub async fn my_day() -> Result<contract::worklist::MyDay, ApiError> {
    call("my_day", &NoArgs {}).await
}

/// 待处理: the failed refunds waiting to be paid another way.
pub async fn pending() -> Result<contract::pending::PendingList, ApiError> {
    call("pending", &NoArgs {}).await
}

/// 待处理: a supervisor's resolution of an operation the platform refused.
pub async fn resolve_pending(
    request: &contract::pending::ResolveRequest,
) -> Result<contract::pending::RefusedOperation, ApiError> {
    call("resolve_pending", &RequestArgs { request }).await
}

/// 改退现金 / 转账退款 of a failed refund (a supervisor's).
pub async fn refund_otherwise(request: &RefundOtherwiseRequest) -> Result<DepositReceipt, ApiError> {
    call("refund_otherwise", &RequestArgs { request }).await
}

pub async fn void_receipt(request: &VoidReceiptRequest) -> Result<DepositReceipt, ApiError> {
    call("void_receipt", &RequestArgs { request }).await
}

pub async fn print_deposit_receipt(case_no: &str, receipt_no: &str) -> Result<PrintOutcome, ApiError> {
    call("print_deposit_receipt", &ReceiptArgs { case_no, receipt_no }).await
}

pub async fn trial(request: &TrialRequest) -> Result<TrialView, ApiError> {
    call("trial", &RequestArgs { request }).await
}

pub async fn settle(request: &SettleRequest) -> Result<SettlementView, ApiError> {
    call("settle", &RequestArgs { request }).await
}

pub async fn print_settlement(case_no: &str, settlement_no: &str) -> Result<PrintOutcome, ApiError> {
    call("print_settlement", &SettlementArgs { case_no, settlement_no }).await
}

pub async fn recall(request: &RecallRequest) -> Result<RecallOutcome, ApiError> {
    call("recall", &RequestArgs { request }).await
}

pub async fn audit_gate(case_no: &str) -> Result<AuditGate, ApiError> {
    call("audit_gate", &CaseArgs { case_no }).await
}

pub async fn decide_audit(decision: &AuditDecision) -> Result<AuditGate, ApiError> {
    call("decide_audit", &DecisionArgs { decision }).await
}

pub async fn decide_fee(decision: &FeeDecision) -> Result<AuditGate, ApiError> {
    call("decide_fee", &DecisionArgs { decision }).await
}

// 对账复核. Tauri maps these camelCase names to the commands' snake_case parameters; all of
// them are single words (`day`, `request`, `filter`, `id`, `supervisor`, `password`, `decision`).

#[derive(Serialize)]
struct DayArgs<'a> {
    day: &'a str,
}

#[derive(Serialize)]
struct FilterArgs<'a> {
    filter: &'a ItemFilter,
}

#[derive(Serialize)]
struct ItemArgs<'a, T: Serialize> {
    id: &'a str,
    request: &'a T,
}

#[derive(Serialize)]
struct DecideArgs<'a> {
    id: &'a str,
    supervisor: &'a str,
    password: &'a str,
    decision: &'a DecideCorrection,
}

#[derive(Serialize)]
struct FileArgs {
    id: i64,
}

pub async fn recon_batches(day: &str) -> Result<Vec<ReconBatch>, ApiError> {
    call("recon_batches", &DayArgs { day }).await
}

pub async fn recon_run(request: &RunReconciliation) -> Result<Vec<ReconBatch>, ApiError> {
    call("recon_run", &RequestArgs { request }).await
}

pub async fn recon_items(filter: &ItemFilter) -> Result<Vec<ReconItem>, ApiError> {
    call("recon_items", &FilterArgs { filter }).await
}

pub async fn recon_assign_cause(id: &str, request: &AssignCause) -> Result<ReconItem, ApiError> {
    call("recon_assign_cause", &ItemArgs { id, request }).await
}

pub async fn recon_resolve(id: &str, request: &ResolveItem) -> Result<ReconItem, ApiError> {
    call("recon_resolve", &ItemArgs { id, request }).await
}

pub async fn recon_decide(
    id: &str,
    supervisor: &str,
    password: &str,
    decision: &DecideCorrection,
) -> Result<ReconItem, ApiError> {
    call("recon_decide", &DecideArgs { id, supervisor, password, decision }).await
}

pub async fn recon_download_statement(id: i64) -> Result<SavedFile, ApiError> {
    call("recon_download_statement", &FileArgs { id }).await
}

#[derive(Serialize)]
struct ReportArgs<'a> {
    day: &'a str,
    channel: &'a str,
    format: &'a str,
}

pub async fn recon_download_report(day: &str, channel: &str, format: &str) -> Result<SavedFile, ApiError> {
    call("recon_download_report", &ReportArgs { day, channel, format }).await
}

// 用血减免. Parameter names are single words (`registration`, `request`, `query`, `settings`,
// `item`, `handle`) or `caseNo`.

#[derive(Serialize)]
struct RegistrationArgs {
    registration: i64,
}

#[derive(Serialize)]
struct EntitlementArgs<'a> {
    query: &'a EntitlementQuery,
}

#[derive(Serialize)]
struct SettingsArgs<'a> {
    settings: &'a CaptureSettings,
}

#[derive(Serialize)]
struct RotateArgs<'a> {
    item: &'a str,
    handle: &'a str,
}

pub async fn blood_registrations(case_no: &str) -> Result<Vec<RegistrationView>, ApiError> {
    call("blood_registrations", &CaseArgs { case_no }).await
}

pub async fn blood_waiting() -> Result<Vec<RegistrationView>, ApiError> {
    call("blood_waiting", &NoArgs {}).await
}

pub async fn blood_entitlement(query: &EntitlementQuery) -> Result<EntitlementView, ApiError> {
    call("blood_entitlement", &EntitlementArgs { query }).await
}

pub async fn register_blood(request: &RegisterBloodRequest) -> Result<RegistrationView, ApiError> {
    call("register_blood", &RequestArgs { request }).await
}

pub async fn review_blood(request: &ReviewBloodRequest) -> Result<RegistrationView, ApiError> {
    call("review_blood", &RequestArgs { request }).await
}

pub async fn blood_pages(registration: i64) -> Result<Vec<RegistrationPage>, ApiError> {
    call("blood_pages", &RegistrationArgs { registration }).await
}

pub async fn print_pledge(request: &RegisterBloodRequest) -> Result<PrintOutcome, ApiError> {
    call("print_pledge", &RequestArgs { request }).await
}

pub async fn print_blood_form(registration: i64) -> Result<PrintOutcome, ApiError> {
    call("print_blood_form", &RegistrationArgs { registration }).await
}

pub async fn capture_setup() -> Result<CaptureSetup, ApiError> {
    call("capture_setup", &NoArgs {}).await
}

pub async fn save_capture_settings(settings: &CaptureSettings) -> Result<CaptureSetup, ApiError> {
    call("save_capture_settings", &SettingsArgs { settings }).await
}

pub async fn capture_page(request: &CaptureRequest) -> Result<CapturedPage, ApiError> {
    call("capture_page", &RequestArgs { request }).await
}

pub async fn rotate_page(item: &str, handle: &str) -> Result<CapturedPage, ApiError> {
    call("rotate_page", &RotateArgs { item, handle }).await
}

// 票据. Parameter names are single words (`request`, `kind`, `day`) or `caseNo`.

#[derive(Serialize)]
struct KindArgs<'a> {
    kind: &'a str,
}

pub async fn invoices(case_no: &str) -> Result<Vec<InvoiceView>, ApiError> {
    call("invoices", &CaseArgs { case_no }).await
}

pub async fn print_invoice(case_no: &str, settlement_no: &str) -> Result<PrintOutcome, ApiError> {
    call("print_invoice", &SettlementArgs { case_no, settlement_no }).await
}

pub async fn print_paper(request: &PaperCopyRequest) -> Result<PaperCopyOutcome, ApiError> {
    call("print_paper", &RequestArgs { request }).await
}

pub async fn void_paper(request: &VoidPaperRequest) -> Result<PaperVoided, ApiError> {
    call("void_paper", &RequestArgs { request }).await
}

pub async fn receive_stock(request: &StockRequest) -> Result<StockView, ApiError> {
    call("receive_stock", &RequestArgs { request }).await
}

pub async fn write_off_stock(request: &StockRequest) -> Result<StockView, ApiError> {
    call("write_off_stock", &RequestArgs { request }).await
}

pub async fn paper_stock(kind: &str) -> Result<StockView, ApiError> {
    call("paper_stock", &KindArgs { kind }).await
}

pub async fn kiosk_invoices(day: &str) -> Result<KioskReport, ApiError> {
    call("kiosk_invoices", &DayArgs { day }).await
}

pub async fn finish_invoices() -> Result<usize, ApiError> {
    call("finish_invoices", &NoArgs {}).await
}

// ---- 日结 ----

#[derive(Serialize)]
struct CloseNoArgs<'a> {
    #[serde(rename = "closeNo")]
    close_no: &'a str,
}

#[derive(Serialize)]
struct HandInNoArgs<'a> {
    #[serde(rename = "handInNo")]
    hand_in_no: &'a str,
}

#[derive(Serialize)]
struct MonthArgs<'a> {
    month: &'a str,
}

#[derive(Serialize)]
struct PeriodArgs<'a> {
    period: &'a str,
}

pub async fn preview_close(request: &CloseRequest) -> Result<CloseView, ApiError> {
    call("preview_close", &RequestArgs { request }).await
}

pub async fn close_day(request: &CloseRequest) -> Result<CloseView, ApiError> {
    call("close_day", &RequestArgs { request }).await
}

pub async fn cancel_close(request: &CancelCloseRequest) -> Result<CloseView, ApiError> {
    call("cancel_close", &RequestArgs { request }).await
}

pub async fn print_close(close_no: &str) -> Result<PrintOutcome, ApiError> {
    call("print_close", &CloseNoArgs { close_no }).await
}

pub async fn waiting_closes() -> Result<Vec<WaitingClose>, ApiError> {
    call("waiting_closes", &NoArgs {}).await
}

pub async fn hand_in(request: &HandInRequest) -> Result<HandInView, ApiError> {
    call("hand_in", &RequestArgs { request }).await
}

pub async fn print_hand_in(hand_in_no: &str) -> Result<PrintOutcome, ApiError> {
    call("print_hand_in", &HandInNoArgs { hand_in_no }).await
}

pub async fn daily_report(day: &str) -> Result<DailyReport, ApiError> {
    call("daily_report", &DayArgs { day }).await
}

pub async fn monthly_report(month: &str) -> Result<MonthlyReport, ApiError> {
    call("monthly_report", &MonthArgs { month }).await
}

pub async fn print_day_end(period: &str) -> Result<PrintOutcome, ApiError> {
    call("print_day_end", &PeriodArgs { period }).await
}

pub async fn export_day_end(period: &str) -> Result<String, ApiError> {
    call("export_day_end", &PeriodArgs { period }).await
}
