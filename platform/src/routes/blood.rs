//! The blood waiver through the platform (用血直报: 报送, 预减免, 减免, 查询, 撤销) for linked
//! counters, and the chunked upload of registrations' materials. Each call needs its
//! permission; the products of a waiver come from the platform's ledger ([`crate::blood`]).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use domain::Permission;
use serde::Deserialize;
use uuid::Uuid;
use wire::blood::{
    CHUNK_SHA256_HEADER, CancelBody, ForwardAnswer, MaterialStatus, QueryAnswer, WaiverAnswerBody, WaiverBody,
};
use wire::codes;

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::{AppState, approvals, blood, materials};

/// 报送: forwards an approved registration whose materials have all arrived (once).
#[utoipa::path(post, path = "/api/v1/blood/registrations/{key}/forward",
    params(("key" = Uuid, Path, description = "The registration's key")),
    responses((status = 200, body = ForwardAnswer), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody), (status = 504, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn forward(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<Uuid>,
) -> ApiResult<Json<ForwardAnswer>> {
    caller.require(Permission::HandleMoney)?;
    let answer = blood::forward(&state, key).await?;
    Ok(Json(wire::blood::forward_answer(&answer)))
}

/// 预减免: what the blood platform would waive for the named lines now. Changes nothing.
#[utoipa::path(post, path = "/api/v1/blood/estimate", request_body = WaiverBody,
    responses((status = 200, body = WaiverAnswerBody), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn estimate(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<WaiverBody>,
) -> ApiResult<Json<WaiverAnswerBody>> {
    caller.require(Permission::HandleMoney)?;
    let claim = blood::claim(&state, Uuid::nil(), body.admission_id, &body.fee_keys).await?;
    Ok(Json(wire::blood::waiver_answer(&blood::estimate(&state, &claim).await?)))
}

/// 减免: grants the waiver under the settlement's key; a repeated key answers the first grant.
#[utoipa::path(post, path = "/api/v1/blood/waive", request_body = WaiverBody,
    responses((status = 200, body = WaiverAnswerBody), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody), (status = 504, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn waive(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<WaiverBody>,
) -> ApiResult<Json<WaiverAnswerBody>> {
    caller.require(Permission::HandleMoney)?;
    if body.key.is_nil() {
        return Err(ApiError::bad_request(codes::MALFORMED, "减免须带结算的业务流水号"));
    }
    let mut conn = state.pool.acquire().await?;
    if let Some(answer) = blood::standing(&mut conn, body.key).await? {
        return Ok(Json(wire::blood::waiver_answer(&answer)));
    }
    drop(conn);
    let claim = blood::claim(&state, body.key, body.admission_id, &body.fee_keys).await?;
    let answer = blood::grant(&state, &claim, &caller.username, caller.device_id).await?;
    Ok(Json(wire::blood::waiver_answer(&answer)))
}

/// The grant standing under a settlement key, if any (asked after a lost answer).
#[utoipa::path(get, path = "/api/v1/blood/waivers/{key}",
    params(("key" = Uuid, Path, description = "The settlement's idempotency key")),
    responses((status = 200, body = QueryAnswer), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn query(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<Uuid>,
) -> ApiResult<Json<QueryAnswer>> {
    caller.require(Permission::HandleMoney)?;
    let mut conn = state.pool.acquire().await?;
    let waiver = blood::standing(&mut conn, key).await?.map(|a| wire::blood::waiver_answer(&a));
    Ok(Json(QueryAnswer { waiver }))
}

/// 撤销: gives a settlement's waiver back — for a recall a supervisor approved through the
/// platform (its token names that settlement), or the device's own settlement that never
/// reached the journal. Anything else is `APPROVAL_MISSING` (the platform cancels a recalled
/// settlement's waiver itself when the recall arrives).
#[utoipa::path(post, path = "/api/v1/blood/cancel", request_body = CancelBody,
    responses((status = 204), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<CancelBody>,
) -> ApiResult<StatusCode> {
    caller.require(Permission::HandleMoney)?;
    let mut conn = state.pool.acquire().await?;
    let Some(granted_to) = blood::granted_to(&mut conn, body.settlement).await? else {
        return Ok(StatusCode::NO_CONTENT);
    };
    if !approvals::reversal_allowed(&mut conn, body.key, body.settlement, granted_to, caller.device_id).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            codes::APPROVAL_MISSING,
            "撤销用血减免须有收费组长对这笔召回的授权（或是本机未入账结算的自动撤销）",
        ));
    }
    drop(conn);
    blood::cancel(&state, body.settlement, &caller.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How far a material's upload has come.
#[utoipa::path(get, path = "/api/v1/materials/{sha256}",
    params(("sha256" = String, Path, description = "The file's SHA-256, lower-case hex")),
    responses((status = 200, body = MaterialStatus), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 422, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn material(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
) -> ApiResult<Json<MaterialStatus>> {
    caller.require(Permission::HandleMoney)?;
    let mut conn = state.pool.acquire().await?;
    materials::status(&mut conn, materials::checked_hash(&sha256)?)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("平台上还没有材料 {sha256}")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChunkParams {
    /// The whole file's size in bytes.
    pub bytes: u64,
}

/// One chunk of a material (the body is the chunk's bytes; `x-chunk-sha256` its SHA-256).
#[utoipa::path(put, path = "/api/v1/materials/{sha256}/chunks/{index}",
    params(("sha256" = String, Path, description = "The file's SHA-256"),
        ("index" = u64, Path, description = "The chunk's index, from 0"), ChunkParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = MaterialStatus), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn chunk(
    State(state): State<AppState>,
    caller: Caller,
    Path((sha256, index)): Path<(String, u64)>,
    Query(params): Query<ChunkParams>,
    headers: HeaderMap,
    data: Bytes,
) -> ApiResult<Json<MaterialStatus>> {
    caller.require(Permission::HandleMoney)?;
    let chunk_sha = headers
        .get(CHUNK_SHA256_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::bad_request(codes::MALFORMED, format!("缺少 {CHUNK_SHA256_HEADER} 头")))?;
    Ok(Json(materials::put_chunk(&state, &sha256, index, params.bytes, chunk_sha, &data).await?))
}

/// A complete material's bytes, for a reviewer at another counter.
#[utoipa::path(get, path = "/api/v1/materials/{sha256}/content",
    params(("sha256" = String, Path, description = "The file's SHA-256")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn material_content(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
) -> ApiResult<impl IntoResponse> {
    if !caller.may(Permission::ReviewBloodWaiver) {
        caller.require(Permission::HandleMoney)?;
    }
    let mut conn = state.pool.acquire().await?;
    let bytes = materials::content(&mut conn, &sha256)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("平台上没有完整的材料 {sha256}")))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/octet-stream")], bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MonthParams {
    pub year: i32,
    /// 1–12
    pub month: u32,
}

/// The blood platform's statement of a month (月结对账单), oldest first, for finance's monthly
/// claim at any counter (the counters hold every waiver through the feed).
#[utoipa::path(get, path = "/api/v1/blood/statement", params(MonthParams),
    responses((status = 200, body = Vec<wire::blood::StatementLineBody>), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn statement(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<MonthParams>,
) -> ApiResult<Json<Vec<wire::blood::StatementLineBody>>> {
    caller.require(Permission::ReviewReconciliation)?;
    if !(1..=12).contains(&params.month) {
        return Err(ApiError::bad_request(codes::MALFORMED, format!("月份应为 1–12：{}", params.month)));
    }
    let lines = state.blood.statement(params.year, params.month).await.map_err(|e| blood::refusal(&e))?;
    Ok(Json(lines.iter().map(wire::blood::statement_line_body).collect()))
}
