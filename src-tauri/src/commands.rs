//! The commands the frontend invokes. Each one parses its arguments, calls one use case and
//! converts the answer; no rule and no SQL lives here.

use contract::account::AccountView;
use contract::cashier::{
    AuditDecision, AuditGate, DepositReceipt, DepositRequest, FeeDecision, RecallOutcome, RecallRequest,
    RefundOtherwiseRequest, ReversalRequest, SettleRequest, SettlementView, TrialRequest, TrialView,
    VoidReceiptRequest,
};
use contract::link::LinkStatus;
use contract::patient::PatientHit;
use contract::session::{LoginRequest, Session};
use contract::{ApiError, PrintOutcome, StartupStatus};
use tauri::State;

use crate::shell::Shell;

#[tauri::command]
pub fn startup_status(shell: State<'_, Shell>) -> StartupStatus {
    shell.status().clone()
}

#[tauri::command]
pub async fn log_in(shell: State<'_, Shell>, request: LoginRequest) -> Result<Session, ApiError> {
    let operator = shell.log_in(&request).await?;
    Ok(shell.app()?.session(&operator))
}

/// The status bar's link to the platform (online or offline since when, what waits).
#[tauri::command]
pub async fn link_status(shell: State<'_, Shell>) -> Result<LinkStatus, ApiError> {
    Ok(shell.app()?.link_status().await?)
}

#[tauri::command]
pub async fn log_out(shell: State<'_, Shell>) -> Result<(), ApiError> {
    shell.log_out().await;
    Ok(())
}

#[tauri::command]
pub fn current_session(shell: State<'_, Shell>) -> Result<Session, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.session(&operator))
}

#[tauri::command]
pub async fn find_patients(shell: State<'_, Shell>, query: String) -> Result<Vec<PatientHit>, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.find_patients(&query).await?)
}

#[tauri::command]
pub async fn account(shell: State<'_, Shell>, case_no: String) -> Result<AccountView, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.account(&case_no).await?)
}

#[tauri::command]
pub async fn print_statement(shell: State<'_, Shell>, case_no: String) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_statement(&operator, &case_no).await?)
}

/// A fresh idempotency key, asked for when a money dialog opens.
#[tauri::command]
pub fn operation_key(shell: State<'_, Shell>) -> Result<String, ApiError> {
    Ok(shell.app()?.operation_key())
}

#[tauri::command]
pub async fn take_deposit(shell: State<'_, Shell>, request: DepositRequest) -> Result<DepositReceipt, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.take_deposit(&operator, &request).await?)
}

#[tauri::command]
pub async fn reverse_deposit(shell: State<'_, Shell>, request: ReversalRequest) -> Result<DepositReceipt, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.reverse_deposit(&operator, &request).await?)
}

/// 工作清单: who waits for the settlement or the fee audit.
#[tauri::command]
pub async fn worklists(shell: State<'_, Shell>) -> Result<contract::worklist::Worklists, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.worklists(&operator).await?)
}

/// 我的今日操作: the operator's operations of the business day with their totals.
#[tauri::command]
pub async fn my_day(shell: State<'_, Shell>) -> Result<contract::worklist::MyDay, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.my_day(&operator).await?)
}

/// 待处理: the failed refunds waiting to be paid another way.
#[tauri::command]
pub async fn pending(shell: State<'_, Shell>) -> Result<contract::pending::PendingList, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.pending(&operator).await?)
}

/// 待处理: a supervisor resolves an operation the platform refused.
#[tauri::command]
pub async fn resolve_pending(
    shell: State<'_, Shell>,
    request: contract::pending::ResolveRequest,
) -> Result<contract::pending::RefusedOperation, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.resolve_pending(&operator, &request).await?)
}

/// 改退现金 / 转账退款: a supervisor pays a refund the channel could not make another way.
#[tauri::command]
pub async fn refund_otherwise(
    shell: State<'_, Shell>,
    request: RefundOtherwiseRequest,
) -> Result<DepositReceipt, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.refund_otherwise(&operator, &request).await?)
}

#[tauri::command]
pub async fn void_receipt(shell: State<'_, Shell>, request: VoidReceiptRequest) -> Result<DepositReceipt, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.void_receipt(&operator, &request).await?)
}

#[tauri::command]
pub async fn print_deposit_receipt(
    shell: State<'_, Shell>,
    case_no: String,
    receipt_no: String,
) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_deposit_receipt(&operator, &case_no, &receipt_no).await?)
}

#[tauri::command]
pub async fn trial(shell: State<'_, Shell>, request: TrialRequest) -> Result<TrialView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.trial(&operator, &request).await?)
}

#[tauri::command]
pub async fn settle(shell: State<'_, Shell>, request: SettleRequest) -> Result<SettlementView, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.settle(&operator, &request).await?)
}

/// The admission's refunds by the original route, the channels asked again about open ones.
#[tauri::command]
pub async fn refund_status(
    shell: State<'_, Shell>,
    case_no: String,
) -> Result<Vec<contract::account::RefundView>, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.refund_status(&case_no).await?)
}

#[tauri::command]
pub async fn print_settlement(
    shell: State<'_, Shell>,
    case_no: String,
    settlement_no: String,
) -> Result<PrintOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.print_settlement(&operator, &case_no, &settlement_no).await?)
}

#[tauri::command]
pub async fn recall(shell: State<'_, Shell>, request: RecallRequest) -> Result<RecallOutcome, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.recall(&operator, &request).await?)
}

#[tauri::command]
pub async fn audit_gate(shell: State<'_, Shell>, case_no: String) -> Result<AuditGate, ApiError> {
    shell.operator()?;
    Ok(shell.app()?.audit_gate(&case_no).await?)
}

#[tauri::command]
pub async fn decide_audit(shell: State<'_, Shell>, decision: AuditDecision) -> Result<AuditGate, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.decide_audit(&operator, &decision).await?)
}

#[tauri::command]
pub async fn decide_fee(shell: State<'_, Shell>, decision: FeeDecision) -> Result<AuditGate, ApiError> {
    let operator = shell.operator()?;
    Ok(shell.app()?.decide_fee(&operator, &decision).await?)
}
