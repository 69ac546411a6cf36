//! Registering desktops and handing them blocks of receipt numbers to use offline.

use axum::Json;
use axum::extract::{Path, State};
use domain::Permission;
use uuid::Uuid;
use wire::api::{DeviceAnswer, RangeAnswer, RangeRequest, RegisterDevice};
use wire::codes;

use crate::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};

/// Registers a desktop (admin only); it then bootstraps and pulls the wards it serves.
#[utoipa::path(post, path = "/api/v1/devices", request_body = RegisterDevice,
    responses((status = 200, body = DeviceAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<RegisterDevice>,
) -> ApiResult<Json<DeviceAnswer>> {
    caller.require(Permission::Administer)?;
    if domain::Place::from_code(&request.place).is_none() || request.name.trim().is_empty() {
        return Err(ApiError::bad_request(
            codes::MALFORMED,
            "设备名称不能为空，地点须为 counter、ward_station、bedside 或 kiosk",
        ));
    }
    let id = state.clock.key();
    let secret = crate::auth::new_secret();
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "INSERT INTO devices (id, name, place, wards, registered_at, registered_by, secret_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(request.name.trim())
    .bind(&request.place)
    .bind(&request.wards)
    .bind(crate::clock::instant())
    .bind(&caller.username)
    .bind(crate::auth::token_hash(&secret))
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        &caller.username,
        "device.register",
        &serde_json::json!({ "device": id, "name": request.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(DeviceAnswer { device_id: id, name: request.name, wards: request.wards, device_secret: secret }))
}

/// The device a caller acts for must be registered.
pub async fn known_device(state: &AppState, id: Uuid) -> ApiResult<Vec<String>> {
    let wards: Option<Vec<String>> =
        sqlx::query_scalar("SELECT wards FROM devices WHERE id = $1").bind(id).fetch_optional(&state.pool).await?;
    wards.ok_or_else(|| {
        ApiError::new(axum::http::StatusCode::FORBIDDEN, codes::UNKNOWN_DEVICE, format!("设备 {id} 未在平台登记"))
    })
}

/// Hands the calling cashier a block of numbers for this device (gap-free within the block).
#[utoipa::path(post, path = "/api/v1/devices/{id}/ranges", request_body = RangeRequest,
    params(("id" = Uuid, Path, description = "The device")),
    responses((status = 200, body = RangeAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn allocate_range(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Body(request): Body<RangeRequest>,
) -> ApiResult<Json<RangeAnswer>> {
    caller.require(Permission::ReserveNumbers)?;
    known_device(&state, id).await?;
    caller.require_device(id)?;
    if request.device_id != id
        || !["deposit", "settlement"].contains(&request.series.as_str())
        || !(1..=10_000).contains(&request.count)
    {
        return Err(ApiError::bad_request(
            codes::MALFORMED,
            "号段请求无效：设备不符、类型应为 deposit 或 settlement、数量 1–10000",
        ));
    }
    let mut tx = state.pool.begin().await?;
    sqlx::query("INSERT INTO receipt_counters (cashier, series, next_seq) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING")
        .bind(&caller.username)
        .bind(&request.series)
        .execute(&mut *tx)
        .await?;
    let first: i64 = sqlx::query_scalar(
        "UPDATE receipt_counters SET next_seq = next_seq + $3 WHERE cashier = $1 AND series = $2 RETURNING next_seq - $3",
    )
    .bind(&caller.username)
    .bind(&request.series)
    .bind(request.count)
    .fetch_one(&mut *tx)
    .await?;
    let last = first + request.count - 1;
    sqlx::query(
        "INSERT INTO receipt_ranges (device_id, cashier, series, first_seq, last_seq, allocated_at) VALUES ($1, $2, $3, $4, $5, now())",
    )
    .bind(id)
    .bind(&caller.username)
    .bind(&request.series)
    .bind(first)
    .bind(last)
    .execute(&mut *tx)
    .await?;
    let prefix: String = sqlx::query_scalar("SELECT receipt_prefix FROM users WHERE username = $1")
        .bind(&caller.username)
        .fetch_one(&mut *tx)
        .await?;
    let detail = serde_json::json!({ "device": id, "cashier": caller.username, "series": request.series, "first": first, "last": last });
    audit::append(&mut tx, &caller.username, "receipts.range", &detail).await?;
    tx.commit().await?;
    Ok(Json(RangeAnswer {
        device_id: id,
        cashier: caller.username,
        series: request.series,
        first_seq: first,
        last_seq: last,
        prefix,
    }))
}
