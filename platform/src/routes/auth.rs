//! Login and user administration.

use axum::Json;
use axum::extract::{Path, State};
use domain::Permission;
use serde::Deserialize;
use utoipa::ToSchema;
use wire::api::{LoginAnswer, LoginRequest};

use crate::AppState;
use crate::auth::{self as login, Caller};
use crate::body::Body;
use crate::error::{ApiError, ApiResult};

/// Logs in: returns an expiring bearer token. Five failures in 15 minutes throttle the user
/// (counted under a per-username lock, so parallel attempts cannot exceed them); a username over
/// 64 characters is `MALFORMED_REQUEST`.
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginAnswer), (status = 400, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 429, body = wire::ErrorBody)))]
pub async fn login(State(state): State<AppState>, Body(request): Body<LoginRequest>) -> ApiResult<Json<LoginAnswer>> {
    Ok(Json(login::log_in(&state, &request).await?))
}

/// Ends the caller's session: its token is no longer accepted (e.g. a supervisor's approval
/// token, used once).
#[utoipa::path(post, path = "/api/v1/auth/logout",
    responses((status = 204), (status = 401, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn logout(
    State(state): State<AppState>,
    _caller: Caller,
    headers: axum::http::HeaderMap,
) -> ApiResult<axum::http::StatusCode> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(login::token_hash(token))
        .execute(&state.pool)
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
    pub receipt_prefix: String,
}

/// Creates a user (admin only).
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser,
    responses((status = 200), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Body(user): Body<NewUser>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Permission::Administer)?;
    if domain::Role::from_code(&user.role).is_none() || user.password.len() < 8 {
        return Err(ApiError::bad_request(wire::codes::MALFORMED, "角色无效或密码少于 8 位"));
    }
    login::create_user(
        &state.pool,
        &user.username,
        &user.display_name,
        &user.role,
        &user.password,
        &user.receipt_prefix,
    )
    .await
    .map_err(|e| ApiError::bad_request(wire::codes::MALFORMED, format!("无法创建用户：{e}")))?;
    Ok(Json(serde_json::json!({ "username": user.username })))
}

/// Disables a user (admin only): their sessions end at once and their logins are refused
/// (`USER_DISABLED`).
#[utoipa::path(post, path = "/api/v1/users/{username}/disable",
    params(("username" = String, Path, description = "The user's login name")),
    responses((status = 200), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn disable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Permission::Administer)?;
    let ended = crate::users::disable(&state.pool, &username, &caller.username).await.map_err(refused)?;
    Ok(Json(serde_json::json!({ "username": username, "sessions_ended": ended })))
}

/// Enables a disabled user again (admin only); they can log in anew.
#[utoipa::path(post, path = "/api/v1/users/{username}/enable",
    params(("username" = String, Path, description = "The user's login name")),
    responses((status = 200), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn enable_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Permission::Administer)?;
    crate::users::enable(&state.pool, &username, &caller.username).await.map_err(refused)?;
    Ok(Json(serde_json::json!({ "username": username })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub password: String,
}

/// Sets a user's password (admin only); the user's other sessions end.
#[utoipa::path(post, path = "/api/v1/users/{username}/password", request_body = NewPassword,
    params(("username" = String, Path, description = "The user's login name")),
    responses((status = 200), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)), security(("bearer" = [])))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
    headers: axum::http::HeaderMap,
    Body(request): Body<NewPassword>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Permission::Administer)?;
    let own = bearer(&headers).map(login::token_hash);
    let ended = crate::users::set_password(&state.pool, &username, &request.password, &caller.username, own.as_deref())
        .await
        .map_err(refused)?;
    Ok(Json(serde_json::json!({ "username": username, "sessions_ended": ended })))
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
}

fn refused(e: crate::users::UserChangeError) -> ApiError {
    use crate::users::UserChangeError;
    match e {
        UserChangeError::Unknown(_) => {
            ApiError::new(axum::http::StatusCode::NOT_FOUND, wire::codes::NOT_FOUND, e.to_string())
        }
        UserChangeError::WeakPassword => ApiError::bad_request(wire::codes::MALFORMED, e.to_string()),
        UserChangeError::Database(e) => e.into(),
        UserChangeError::Other(e) => ApiError::internal(e),
    }
}
