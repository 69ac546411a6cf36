//! The pending list (待处理): operations the platform refused as conflicts, with their money,
//! until a supervisor resolves them — refunded to the patient, or kept as a deposit. Also the
//! audit chain check.

use axum::Json;
use axum::extract::{Path, State};
use chrono::Utc;
use domain::Permission;
use uuid::Uuid;
use wire::Envelope;
use wire::api::{PendingItem, ResolvePending};
use wire::codes;
use wire::records::{DepositRecord, Record};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::{audit, journal};

type PendingRow = (
    Uuid,
    Uuid,
    Uuid,
    String,
    Option<String>,
    Option<String>,
    chrono::DateTime<Utc>,
    serde_json::Value,
    Option<String>,
    Option<String>,
    Option<String>,
);

const PENDING_SELECT: &str =
    "SELECT o.key, o.admission_id, o.device_id, o.cashier, o.code, o.message, o.received_at, o.envelope,
        r.action, r.resolved_by, r.note
 FROM operations o LEFT JOIN pending_resolutions r ON r.key = o.key WHERE o.outcome = 'rejected'";

fn item(row: PendingRow) -> ApiResult<PendingItem> {
    let (key, admission_id, device_id, cashier, code, message, received_at, envelope, action, resolved_by, note) = row;
    let envelope: Envelope = serde_json::from_value(envelope).map_err(ApiError::internal)?;
    Ok(PendingItem {
        key,
        admission_id,
        device_id,
        cashier,
        code: code.unwrap_or_default(),
        reason: message.unwrap_or_default(),
        received_at: received_at.naive_utc(),
        records: envelope.records,
        status: match action.as_deref() {
            None => "open".to_owned(),
            Some("refund") => "refunded".to_owned(),
            Some(_) => "converted_to_deposit".to_owned(),
        },
        resolved_by,
        note,
    })
}

/// Rejected operations, open ones first.
#[utoipa::path(get, path = "/api/v1/pending", responses((status = 200, body = Vec<PendingItem>),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PendingItem>>> {
    caller.require(Permission::ViewPending)?;
    let sql = format!("{PENDING_SELECT} ORDER BY (r.action IS NOT NULL), o.received_at");
    let rows: Vec<PendingRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&state.pool).await?;
    Ok(Json(rows.into_iter().map(item).collect::<ApiResult<_>>()?))
}

/// Resolves one (supervisor only): `refund` records that the money went back to the patient;
/// `deposit` keeps it as a new deposit on the admission (it reaches the devices by the feed).
#[utoipa::path(post, path = "/api/v1/pending/{key}/resolve", request_body = ResolvePending,
    params(("key" = Uuid, Path, description = "The pending operation's key")),
    responses((status = 200, body = PendingItem), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<Uuid>,
    Body(request): Body<ResolvePending>,
) -> ApiResult<Json<PendingItem>> {
    caller.require(Permission::ResolvePending)?;
    if !["refund", "deposit"].contains(&request.action.as_str()) || request.note.trim().is_empty() {
        return Err(ApiError::bad_request(codes::MALFORMED, "处理方式应为 refund 或 deposit，并须填写说明"));
    }
    let mut tx = state.pool.begin().await?;
    let sql = format!("{PENDING_SELECT} AND o.key = $1 FOR UPDATE OF o");
    let row: Option<PendingRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(key).fetch_optional(&mut *tx).await?;
    let pending = item(row.ok_or_else(|| ApiError::not_found("没有这笔待处理操作"))?)?;
    if pending.status != "open" {
        return Err(ApiError::bad_request(codes::MALFORMED, "该笔已处理"));
    }
    sqlx::query(
        "INSERT INTO pending_resolutions (key, action, note, resolved_by, resolved_at) VALUES ($1, $2, $3, $4, now())",
    )
    .bind(key)
    .bind(&request.action)
    .bind(request.note.trim())
    .bind(&caller.username)
    .execute(&mut *tx)
    .await?;
    if request.action == "deposit" {
        // The money the refused operation took becomes a deposit of the admission.
        let taken = pending.money_taken();
        if !taken.is_empty() {
            let ward = journal::lock_admission(&mut tx, pending.admission_id)
                .await?
                .ok_or_else(|| ApiError::not_found("住院不存在"))?;
            let amount: domain::Money = taken.iter().map(|t| t.amount.money()).sum();
            let record = Record::Deposit(DepositRecord {
                key: state.clock.key(),
                admission_id: pending.admission_id,
                receipt_no: format!("DCL{}", key.simple()),
                deposit_kind: "deposit".to_owned(),
                reverses: None,
                settlement: None,
                amount: contract::Yuan(amount),
                tenders: taken,
                at: state.clock.now(),
                cashier: caller.display_name.clone(),
                reason: None,
            });
            journal::insert(&mut tx, pending.admission_id, &ward, &record, None, Some(key)).await?;
        }
    }
    let detail = serde_json::json!({ "key": key, "action": request.action, "note": request.note });
    audit::append(&mut tx, &caller.username, "pending.resolve", &detail).await?;
    tx.commit().await?;
    let mut resolved = pending;
    resolved.status = if request.action == "refund" { "refunded".into() } else { "converted_to_deposit".into() };
    resolved.resolved_by = Some(caller.username);
    resolved.note = Some(request.note);
    Ok(Json(resolved))
}

/// Walks the audit chain (admin only); names the first broken row.
#[utoipa::path(get, path = "/api/v1/audit/verify", responses((status = 200),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn verify_audit(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Permission::Administer)?;
    let v = audit::verify(&state.pool).await?;
    Ok(Json(serde_json::json!({ "rows": v.rows, "ok": v.first_broken.is_none(), "first_broken": v.first_broken })))
}
