//! Reconciliation endpoints for finance: the day's batches, starting a run, the items with
//! their filters, assigning causes, resolving, a supervisor's decision on a correction, and
//! statements uploaded or downloaded as the original files.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use contract::recon::{
    AssignCause, BATCH_CHANNELS, DecideCorrection, ImportedStatement, ItemFilter, ReconBatch, ReconItem, ResolveItem,
    RunReconciliation, label_of,
};
use contract::{Tag, Yuan};
use domain::Money;
use domain::Permission;
use serde::Deserialize;
use wire::codes;

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::recon::items::Figures;
use crate::recon::source::channel_label;
use crate::recon::{review, schedule, stored};

pub(crate) fn day_of(text: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request(codes::MALFORMED, format!("日期格式应为 YYYY-MM-DD：“{text}”")))
}

pub(crate) fn query<T>(query: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    query.map(|Query(q)| q).map_err(|e| ApiError::bad_request(codes::MALFORMED, format!("查询参数不正确：{e}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    pub day: String,
}

const STATUSES: [(&str, &str); 5] =
    [("queued", "排队中"), ("waiting", "等待对账单"), ("running", "对账中"), ("done", "已完成"), ("failed", "失败")];

type BatchRow = (
    NaiveDate,
    String,
    String,
    Option<String>,
    i16,
    i32,
    Option<i64>,
    Option<i64>,
    Option<chrono::NaiveDateTime>,
    Option<serde_json::Value>,
);

async fn batches_of(state: &AppState, day: NaiveDate) -> ApiResult<Vec<ReconBatch>> {
    let mut conn = state.pool.acquire().await?;
    let rows: Vec<BatchRow> = sqlx::query_as(
        "SELECT day, channel, status, note, progress, attempts, statement_id, ledger_id, finished_at, figures
           FROM recon_batches WHERE day = $1
          ORDER BY array_position(ARRAY['wechat','alipay','unionpay','insurance','his'], channel)",
    )
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    let items = review::list(&mut conn, day, &ItemFilter::default()).await?;
    let today = state.clock().now().date();
    let yuan = |fen: i64| Yuan(Money::from_fen(fen).unwrap_or(Money::ZERO));
    Ok(rows
        .into_iter()
        .map(|(day, channel, status, note, progress, attempts, statement_id, ledger_id, finished_at, figures)| {
            let f: Figures = figures.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
            let open_items = items
                .iter()
                .filter(|i| i.channel.code == channel && contract::recon::needs_handling(&i.state.code))
                .count() as u64;
            ReconBatch {
                day: day.to_string(),
                channel: Tag::new(&channel, channel_label(&channel)),
                status: Tag::new(&status, contract::recon::label_of(&STATUSES, &status).unwrap_or("")),
                note,
                progress: u8::try_from(progress.clamp(0, 100)).unwrap_or(0),
                attempts,
                matched: f.matched,
                matched_amount: yuan(f.matched_fen),
                platform_only: f.platform_only,
                platform_only_amount: yuan(f.platform_only_fen),
                counterpart_only: f.counterpart_only,
                counterpart_only_amount: yuan(f.counterpart_only_fen),
                amount_mismatch: f.amount_mismatch,
                status_mismatch: f.status_mismatch,
                fee_mismatch: f.fee_mismatch,
                cross_day_deferred: f.cross_day_deferred,
                open_items,
                statement_id,
                ledger_id,
                finished_at: finished_at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
                is_final: status == "done" && schedule::is_final(day, today),
            }
        })
        .collect())
}

/// The day's batches with their status, progress and figures.
#[utoipa::path(get, path = "/api/v1/recon/batches", params(("day" = String, Query, description = "The day, YYYY-MM-DD")),
    responses((status = 200, body = serde_json::Value, description = "The day's batches (ReconBatch[])"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn batches(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<DayQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<ReconBatch>>> {
    caller.require(Permission::ReviewReconciliation)?;
    let day = day_of(&query(q)?.day)?;
    Ok(Json(batches_of(&state, day).await?))
}

/// Queues a run of a day (all batch channels, or those named) and wakes the runner.
#[utoipa::path(post, path = "/api/v1/recon/runs", request_body(content = serde_json::Value, description = "RunReconciliation: day, channels"),
    responses((status = 200, body = serde_json::Value, description = "The day's batches (ReconBatch[])"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn run(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<RunReconciliation>,
) -> ApiResult<Json<Vec<ReconBatch>>> {
    caller.require(Permission::ReviewReconciliation)?;
    let day = day_of(&request.day)?;
    if day >= state.clock().now().date() {
        return Err(ApiError::bad_request("DAY_NOT_OVER", format!("{day} 尚未结束，只能对已过去的日期对账")));
    }
    let channels: Vec<&str> = if request.channels.is_empty() {
        BATCH_CHANNELS.iter().map(|(c, _)| *c).collect()
    } else {
        request.channels.iter().map(String::as_str).collect()
    };
    if let Some(bad) = channels.iter().find(|c| label_of(&BATCH_CHANNELS, c).is_none()) {
        return Err(ApiError::bad_request(
            "CHANNEL_UNKNOWN",
            format!("渠道“{bad}”无法识别（微信、支付宝、银联、医保、HIS）"),
        ));
    }
    let runner = state.recon.clone().ok_or_else(|| ApiError::bad_request("RECON_OFF", "本平台未启用对账任务"))?;
    let mut tx = state.pool.begin().await?;
    let mut queued = 0;
    for channel in &channels {
        // A batch the runner holds right now is left alone (and the request refused).
        queued += sqlx::query(
            "INSERT INTO recon_batches (day, channel, status) VALUES ($1, $2, 'queued')
             ON CONFLICT (day, channel) DO UPDATE SET status = 'queued', attempts = 0, progress = 0, note = NULL,
               next_try_at = NULL WHERE recon_batches.status <> 'running'",
        )
        .bind(day)
        .bind(channel)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    if queued < channels.len() as u64 {
        tx.rollback().await?;
        return Err(ApiError::conflict("RECON_RUNNING", format!("{day} 正在对账，请等本轮完成后再开始")));
    }
    let detail = serde_json::json!({"day": day.to_string(), "channels": channels});
    crate::audit::append(&mut tx, &caller.username, "recon_run", &detail).await?;
    tx.commit().await?;
    runner.wake.notify_one();
    Ok(Json(batches_of(&state, day).await?))
}

/// The day's items, filtered by channel, class, kind, cause and state.
#[utoipa::path(get, path = "/api/v1/recon/items",
    params(("day" = String, Query, description = "The day, YYYY-MM-DD"), ("channel" = Option<String>, Query, description = "A batch channel"),
        ("class" = Option<String>, Query, description = "An item class"), ("kind" = Option<String>, Query, description = "payment or refund"),
        ("cause" = Option<String>, Query, description = "A cause code provider/kind"), ("state" = Option<String>, Query, description = "An item state")),
    responses((status = 200, body = serde_json::Value, description = "The items (ReconItem[])"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn items(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<ItemFilter>, QueryRejection>,
) -> ApiResult<Json<Vec<ReconItem>>> {
    caller.require(Permission::ReviewReconciliation)?;
    let filter = query(q)?;
    let day = day_of(&filter.day)?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(review::list(&mut conn, day, &filter).await?))
}

/// Assigns a cause to an item.
#[utoipa::path(post, path = "/api/v1/recon/items/{id}/cause", params(("id" = String, Path, description = "The item's id")),
    request_body(content = serde_json::Value, description = "AssignCause"),
    responses((status = 200, body = serde_json::Value, description = "The item (ReconItem)"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn assign_cause(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(request): Body<AssignCause>,
) -> ApiResult<Json<ReconItem>> {
    caller.require(Permission::ReviewReconciliation)?;
    let mut tx = state.pool.begin().await?;
    let item = review::assign_cause(&mut tx, &caller, &id, &request).await?;
    tx.commit().await?;
    Ok(Json(item))
}

/// Resolves an item (handled, or a correction asked for).
#[utoipa::path(post, path = "/api/v1/recon/items/{id}/resolve", params(("id" = String, Path, description = "The item's id")),
    request_body(content = serde_json::Value, description = "ResolveItem"),
    responses((status = 200, body = serde_json::Value, description = "The item (ReconItem)"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(request): Body<ResolveItem>,
) -> ApiResult<Json<ReconItem>> {
    caller.require(Permission::ReviewReconciliation)?;
    let mut tx = state.pool.begin().await?;
    let item = review::resolve(&mut tx, &caller, &id, &request).await?;
    tx.commit().await?;
    Ok(Json(item))
}

/// A supervisor's decision on a correction.
#[utoipa::path(post, path = "/api/v1/recon/items/{id}/decide", params(("id" = String, Path, description = "The item's id")),
    request_body(content = serde_json::Value, description = "DecideCorrection"),
    responses((status = 200, body = serde_json::Value, description = "The item (ReconItem)"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(request): Body<DecideCorrection>,
) -> ApiResult<Json<ReconItem>> {
    let mut tx = state.pool.begin().await?;
    let item = review::decide(&mut tx, &caller, &id, &request).await?;
    tx.commit().await?;
    Ok(Json(item))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    pub day: String,
    pub channel: String,
    pub name: String,
}

/// Stores a statement finance uploads (checked; the same file twice is found, not doubled).
#[utoipa::path(post, path = "/api/v1/recon/statements",
    params(("day" = String, Query, description = "The day, YYYY-MM-DD"), ("channel" = String, Query, description = "A batch channel"), ("name" = String, Query, description = "The file's name")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The statement file as the channel delivered it"),
    responses((status = 200, body = serde_json::Value, description = "ImportedStatement"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<UploadQuery>, QueryRejection>,
    bytes: Bytes,
) -> ApiResult<Json<ImportedStatement>> {
    caller.require(Permission::ReviewReconciliation)?;
    let q = query(q)?;
    let day = day_of(&q.day)?;
    if label_of(&BATCH_CHANNELS, &q.channel).is_none() {
        return Err(ApiError::bad_request("CHANNEL_UNKNOWN", format!("渠道“{}”无法识别", q.channel)));
    }
    // Parsed once, off the async threads, before a connection is taken.
    let checked = stored::check(day, &q.channel, &q.name, bytes).await?;
    let mut tx = state.pool.begin().await?;
    let imported = stored::store(&mut tx, &checked, &caller.username).await?;
    if !imported.duplicate {
        let detail = serde_json::json!({"day": q.day, "channel": q.channel, "name": q.name, "fingerprint": imported.fingerprint});
        crate::audit::append(&mut tx, &caller.username, "recon_statement_upload", &detail).await?;
    }
    tx.commit().await?;
    Ok(Json(imported))
}

/// The original file as stored.
#[utoipa::path(get, path = "/api/v1/recon/statements/{id}", params(("id" = i64, Path, description = "The statement's id")),
    responses((status = 200, body = Vec<u8>, content_type = "application/octet-stream"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn original(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<impl IntoResponse> {
    caller.require(Permission::ReviewReconciliation)?;
    let mut conn = state.pool.acquire().await?;
    let (name, bytes) = stored::original(&mut conn, id).await?;
    let detail = serde_json::json!({ "statement": id, "name": name, "bytes": bytes.len() });
    crate::audit::record(&state.pool, &caller.username, "recon_statement_download", &detail).await?;
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&name));
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    pub day: String,
    pub channel: String,
    pub format: String,
}

/// A finished batch's result and single-sided reports as one XLSX or PDF.
#[utoipa::path(get, path = "/api/v1/recon/report",
    params(("day" = String, Query, description = "The day, YYYY-MM-DD"), ("channel" = String, Query, description = "A batch channel"), ("format" = String, Query, description = "xlsx or pdf")),
    responses((status = 200, body = Vec<u8>, content_type = "application/octet-stream"), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> ApiResult<impl IntoResponse> {
    caller.require(Permission::ReviewReconciliation)?;
    let q = query(q)?;
    let day = day_of(&q.day)?;
    let mut conn = state.pool.acquire().await?;
    let (name, bytes) =
        crate::recon::report::render(&mut conn, day, &q.channel, &q.format, state.clock().now()).await?;
    let detail = serde_json::json!({ "day": day, "channel": q.channel, "format": q.format, "name": name });
    crate::audit::record(&state.pool, &caller.username, "recon_report_download", &detail).await?;
    Ok(attachment(&name, bytes))
}

fn attachment(name: &str, bytes: Vec<u8>) -> impl IntoResponse + use<> {
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(name));
    ([(header::CONTENT_TYPE, "application/octet-stream".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
}

/// RFC 5987 encoding of a file name.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
