//! The e-invoices' pending list (开具失败 / 冲红未完成) for finance and supervisors, asking the
//! fiscal platform again now, and paper copies (换开纸质 / 作废) from a linked counter, audited.

use axum::Json;
use axum::extract::State;
use domain::Permission;
use wire::api::{InvoicesRetried, PaperRequest, UnfinishedInvoice, VoidPaperRequest};
use wire::records::InvoiceRecord;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiResult;
use crate::invoice_check::{self, InvoiceCheck};
use crate::invoices;
use crate::{AppState, audit};

/// Settlements whose invoice is not issued, or recalled ones not reversed, oldest first.
#[utoipa::path(get, path = "/api/v1/invoices/unfinished", responses((status = 200, body = Vec<UnfinishedInvoice>),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn unfinished(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<UnfinishedInvoice>>> {
    caller.require(Permission::ViewPending)?;
    let mut conn = state.pool.acquire().await?;
    let items = invoices::unfinished(&mut conn).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| UnfinishedInvoice {
                settlement_key: i.settlement_key,
                admission_id: i.admission_id,
                settlement_no: i.settlement_no,
                reverse: i.reverse,
                failure: i.failure,
            })
            .collect(),
    ))
}

/// Asks the fiscal platform again for every unfinished invoice now; answers how many are left.
#[utoipa::path(post, path = "/api/v1/invoices/retry", responses((status = 200, body = InvoicesRetried),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn retry(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<InvoicesRetried>> {
    caller.require(Permission::ViewPending)?;
    Ok(Json(InvoicesRetried { left: invoices::finish_all(&state, false).await? }))
}

/// 换开纸质 at a counter: the caller's name and the counter's place go on the record.
#[utoipa::path(post, path = "/api/v1/invoices/paper", request_body = PaperRequest,
    responses((status = 200, body = wire::records::InvoiceRecord), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn paper(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<PaperRequest>,
) -> ApiResult<Json<InvoiceRecord>> {
    caller.require(Permission::HandleMoney)?;
    let place = place_of(&state, &caller).await?;
    let record =
        invoices::print_paper(&state, request.settlement_key, &request.paper_no, &caller.display_name, &place).await?;
    audit_paper(&state, &caller, "invoice.paper", &record).await?;
    Ok(Json(record))
}

/// 作废 a paper copy (a counter's or a kiosk's), with its reason.
#[utoipa::path(post, path = "/api/v1/invoices/paper/void", request_body = VoidPaperRequest,
    responses((status = 200, body = wire::records::InvoiceRecord), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn void_paper(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<VoidPaperRequest>,
) -> ApiResult<Json<InvoiceRecord>> {
    caller.require(Permission::HandleMoney)?;
    let place = place_of(&state, &caller).await?;
    let record = invoices::void_paper(&state, &request.paper_no, &request.reason, &caller.display_name, &place).await?;
    audit_paper(&state, &caller, "invoice.paper_void", &record).await?;
    Ok(Json(record))
}

/// Where the caller's device stands (a place code); `counter` for a session without a device.
async fn place_of(state: &AppState, caller: &Caller) -> ApiResult<String> {
    let Some(device) = caller.device_id else { return Ok("counter".to_owned()) };
    let place: Option<String> =
        sqlx::query_scalar("SELECT place FROM devices WHERE id = $1").bind(device).fetch_optional(&state.pool).await?;
    Ok(place.unwrap_or_else(|| "counter".to_owned()))
}

async fn audit_paper(state: &AppState, caller: &Caller, action: &str, record: &InvoiceRecord) -> ApiResult<()> {
    let detail = serde_json::json!({
        "paper_no": record.paper_no, "settlement": record.settlement, "reason": record.message,
        "device": caller.device_id,
    });
    let mut tx = state.pool.begin().await?;
    audit::append(&mut tx, &caller.username, action, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The day's invoice check (票据对账) against the fiscal platform's list (finance).
#[utoipa::path(get, path = "/api/v1/invoices/check", params(("day" = String, Query, description = "YYYY-MM-DD")),
    responses((status = 200, body = InvoiceCheck), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn check(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<axum::extract::Query<super::recon::DayQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<InvoiceCheck>> {
    caller.require(Permission::ReviewReconciliation)?;
    let day = super::recon::day_of(&super::recon::query(q)?.day)?;
    Ok(Json(invoice_check::check(&state, day).await?))
}

/// Applies the fix of one difference of the day's check; answers the check after it.
#[utoipa::path(post, path = "/api/v1/invoices/check/fix", request_body = CheckFix,
    responses((status = 200, body = InvoiceCheck), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn fix(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<CheckFix>,
) -> ApiResult<Json<InvoiceCheck>> {
    caller.require(Permission::ReviewReconciliation)?;
    Ok(Json(invoice_check::fix(&state, request.day, request.bus_no, &caller.username).await?))
}

/// Which difference to fix.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckFix {
    pub day: chrono::NaiveDate,
    pub bus_no: uuid::Uuid,
}
