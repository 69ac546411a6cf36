//! Push and pull, and the patient search.

use axum::Json;
use axum::extract::{Query, State};
use domain::Permission;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::api::{ChangesAnswer, PatientFound, PushAnswer, PushBatch};
use wire::codes;

use super::devices::known_device;
use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::{journal, push};

/// Pushes a device's operations; each is applied in its own transaction and answered alone.
#[utoipa::path(post, path = "/api/v1/sync/push", request_body = PushBatch,
    responses((status = 200, body = PushAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
              (status = 413, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn push(
    State(state): State<AppState>,
    caller: Caller,
    Body(batch): Body<PushBatch>,
) -> ApiResult<Json<PushAnswer>> {
    caller.require(Permission::Sync)?;
    known_device(&state, batch.device_id).await?;
    caller.require_device(batch.device_id)?;
    if batch.envelopes.len() > 1_000 {
        return Err(ApiError::bad_request(codes::MALFORMED, "一次最多推送 1000 笔操作"));
    }
    let pusher = push::Pusher {
        role: domain::Role::from_code(&caller.role),
        username: caller.username.clone(),
        display_name: caller.display_name.clone(),
    };
    Ok(Json(PushAnswer { results: push::apply_batch(&state, &pusher, batch.device_id, &batch).await? }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    pub device_id: Uuid,
    /// The last feed position the device has applied.
    pub after: i64,
    pub limit: Option<i64>,
}

/// The change feed after the device's cursor (a feed position, in commit order), for the wards
/// it serves.
#[utoipa::path(get, path = "/api/v1/sync/changes", params(ChangesQuery),
    responses((status = 200, body = ChangesAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn changes(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ChangesQuery>,
) -> ApiResult<Json<ChangesAnswer>> {
    caller.require(Permission::Sync)?;
    let wards = known_device(&state, query.device_id).await?;
    caller.require_device(query.device_id)?;
    let limit = query.limit.unwrap_or(2_000).clamp(1, 5_000);
    let mut conn = state.pool.acquire().await?;
    // Positions only for records whose transactions have ended: a record still being written
    // (a push's other admission, a HIS import) holds the cursor back instead of being passed.
    journal::sequence_feed(&mut conn).await?;
    let mut changes = journal::changes(&mut conn, query.after, limit + 1, &wards).await?;
    let more = i64::try_from(changes.len()).unwrap_or(i64::MAX) > limit;
    changes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let last_seq = changes.last().map_or(query.after, |c| c.seq);
    let held_back = !more && journal::held_back(&mut conn).await?;
    let disabled_users: Vec<String> =
        sqlx::query_scalar("SELECT username FROM users WHERE disabled_at IS NOT NULL ORDER BY username")
            .fetch_all(&mut *conn)
            .await?;
    Ok(Json(ChangesAnswer { changes, last_seq, more, held_back, disabled_users }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PatientQuery {
    pub q: String,
}

/// Finds admissions by case number, name or pinyin initials (prefix), in the wards the session's
/// device serves (all wards for a device that serves all; a session without a device is refused
/// unless an administrator's). Text is always a bound parameter: a string that looks like SQL
/// finds nothing.
#[utoipa::path(get, path = "/api/v1/patients", params(PatientQuery),
    responses((status = 200, body = Vec<PatientFound>), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn find_patients(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PatientQuery>,
) -> ApiResult<Json<Vec<PatientFound>>> {
    caller.require(Permission::Sync)?;
    let q = query.q.trim();
    if q.is_empty() || q.chars().count() > 40 {
        return Err(ApiError::bad_request(codes::MALFORMED, "查询内容为空或过长"));
    }
    // Only the wards the session's device serves (as its feed); a session bound to no device
    // searches every ward only as an administrator.
    let wards = match caller.device_id {
        Some(device) => known_device(&state, device).await?,
        None if caller.may(Permission::Administer) => Vec::new(),
        None => return Err(ApiError::forbidden("请在已登记的设备上登录后再查找患者")),
    };
    let upper = format!("{q}\u{10FFFF}");
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT id, case_no, name, ward_code FROM admissions
         WHERE (case_no = $1 OR (name >= $1 AND name < $2) OR (initials >= lower($1) AND initials < lower($2)))
           AND (cardinality($3::text[]) = 0 OR ward_code = ANY($3))
         ORDER BY case_no LIMIT 50",
    )
    .bind(q)
    .bind(&upper)
    .bind(&wards)
    .fetch_all(&state.pool)
    .await?;
    let detail = serde_json::json!({ "q": q, "found": rows.len(), "device": caller.device_id });
    crate::audit::record(&state.pool, &caller.username, "patient.search", &detail).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(admission_id, case_no, name, ward_code)| PatientFound { admission_id, case_no, name, ward_code })
            .collect(),
    ))
}
