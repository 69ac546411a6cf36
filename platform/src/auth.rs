//! Users, logins and the caller of a request: argon2-verified passwords, expiring session tokens
//! (only their SHA-256 is stored), throttled repeated failures, and role checks on the server.
//!
//! A login holds a per-username advisory lock for its whole transaction, so the failure count
//! is read and the failure recorded atomically: parallel wrong passwords get at most
//! `THROTTLE_FAILURES` tries. Argon2 runs on the blocking pool, and an unknown user is checked
//! against a dummy hash, so it takes as long as a wrong password.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use wire::api::{LoginAnswer, LoginRequest};
use wire::codes;

use crate::error::{ApiError, ApiResult};
use crate::{AppState, audit};

/// Failures within this window lock further attempts for that user.
const THROTTLE_FAILURES: i64 = 5;
const THROTTLE_MINUTES: i64 = 15;
/// Longest username accepted at login (characters); longer ones are `MALFORMED_REQUEST`.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Longest password accepted at login (bytes).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The advisory lock class of logins (with the username's hash as the second key).
const LOGIN_LOCK_CLASS: i32 = 0x4c4f_4749;

/// What an unknown user's password is checked against, so it costs what a wrong one costs.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut raw = [0u8; 16];
    rand::rng().fill_bytes(&mut raw);
    hash_password(&hex::encode(raw)).unwrap_or_default()
});

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!(e.to_string()))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!(e.to_string()))?
        .to_string())
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// 32 random bytes, URL-safe base64: a session token or a device's secret.
pub fn new_secret() -> String {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// A login naming a device must carry that device's secret (given at its registration).
async fn prove_device(pool: &sqlx::PgPool, device: uuid::Uuid, secret: Option<&str>) -> ApiResult<()> {
    let kept: Option<Option<String>> =
        sqlx::query_scalar("SELECT secret_hash FROM devices WHERE id = $1").bind(device).fetch_optional(pool).await?;
    let Some(kept) = kept else {
        return Err(ApiError::new(StatusCode::FORBIDDEN, codes::UNKNOWN_DEVICE, format!("设备 {device} 未在平台登记")));
    };
    match (kept, secret) {
        (Some(kept), Some(secret)) if kept == token_hash(secret) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            codes::DEVICE_NOT_PROVEN,
            "本机的设备密钥与平台登记的不符，请由管理员重新登记本机",
        )),
    }
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `verify` on the blocking pool (argon2 takes tens of milliseconds of CPU).
async fn verify_off_thread(password: &str, hash: Option<&str>) -> ApiResult<bool> {
    let known = hash.is_some();
    let (password, hash) = (password.to_owned(), hash.map(str::to_owned));
    // The dummy hash, too, is made on the blocking pool (the first time it is needed).
    let check = move || verify(&password, hash.as_deref().unwrap_or(DUMMY_HASH.as_str()));
    let matches = tokio::task::spawn_blocking(check).await.map_err(ApiError::internal)?;
    Ok(known && matches)
}

pub async fn create_user(
    pool: &sqlx::PgPool,
    username: &str,
    display_name: &str,
    role: &str,
    password: &str,
    receipt_prefix: &str,
) -> anyhow::Result<()> {
    let owned = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&owned)).await??;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, receipt_prefix) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(username)
    .bind(display_name)
    .bind(role)
    .bind(&hash)
    .bind(receipt_prefix)
    .execute(&mut *tx)
    .await?;
    audit::append(&mut tx, "platform", "user.create", &serde_json::json!({ "username": username, "role": role }))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A user at login: display name, role, password hash, receipt prefix, disabled.
type UserRow = (String, String, String, String, bool);

/// A user whose password was just checked.
#[derive(Debug)]
pub struct Checked {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub receipt_prefix: String,
}

/// Refuses an empty or oversized username or password (`MALFORMED_REQUEST`).
fn well_formed(username: &str, password: &str) -> ApiResult<()> {
    if username.is_empty() || password.is_empty() {
        return Err(ApiError::bad_request(codes::MALFORMED, "请输入用户名和密码"));
    }
    if username.chars().count() > MAX_USERNAME_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::bad_request(
            codes::MALFORMED,
            format!("用户名最长 {MAX_USERNAME_CHARS} 个字符，密码最长 {MAX_PASSWORD_BYTES} 字节"),
        ));
    }
    Ok(())
}

/// Checks `username`'s password as a login does — throttled under the per-username lock, a
/// failure recorded and audited as `{action}.failed`, a disabled user refused — and hands back
/// the still open transaction (holding the lock) with the user. `action` names what the
/// password is typed for in the audit log: `login` or `approval`.
pub async fn check_password(
    state: &AppState,
    username: &str,
    password: &str,
    device: Option<Uuid>,
    action: &str,
) -> ApiResult<(sqlx::Transaction<'static, sqlx::Postgres>, Checked)> {
    let username = username.trim();
    well_formed(username, password)?;
    let mut tx = state.pool.begin().await?;
    // One check per username at a time, until this transaction ends: the count read below and
    // the failure recorded after it cannot interleave with another attempt's.
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(LOGIN_LOCK_CLASS)
        .bind(username)
        .execute(&mut *tx)
        .await?;
    let now = crate::clock::instant();
    let recent: i64 = sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE username = $1 AND at > $2")
        .bind(username)
        .bind(now - Duration::minutes(THROTTLE_MINUTES))
        .fetch_one(&mut *tx)
        .await?;
    if recent >= THROTTLE_FAILURES {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::LOGIN_THROTTLED,
            format!("连续 {THROTTLE_FAILURES} 次密码错误，请 {THROTTLE_MINUTES} 分钟后再试"),
        ));
    }
    let user: Option<UserRow> = sqlx::query_as(
        "SELECT display_name, role, password_hash, receipt_prefix, disabled_at IS NOT NULL FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(&mut *tx)
    .await?;
    let matches = verify_off_thread(password, user.as_ref().map(|u| u.2.as_str())).await?;
    let Some((display_name, role, password_hash, receipt_prefix, disabled)) = user.filter(|_| matches) else {
        sqlx::query("INSERT INTO login_failures (username, at) VALUES ($1, $2)")
            .bind(username)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        audit::append(&mut tx, username, &format!("{action}.failed"), &serde_json::json!({ "device": device })).await?;
        tx.commit().await?;
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, codes::LOGIN_FAILED, "用户名或密码错误"));
    };
    // Only after the right password: a wrong one does not learn that the user is disabled.
    if disabled {
        audit::append(&mut tx, username, &format!("{action}.disabled"), &serde_json::json!({ "device": device }))
            .await?;
        tx.commit().await?;
        return Err(ApiError::new(StatusCode::FORBIDDEN, codes::USER_DISABLED, "该用户已被停用，请联系管理员"));
    }
    let checked = Checked { username: username.to_owned(), display_name, role, password_hash, receipt_prefix };
    Ok((tx, checked))
}

pub async fn log_in(state: &AppState, request: &LoginRequest) -> ApiResult<LoginAnswer> {
    well_formed(request.username.trim(), &request.password)?;
    if let Some(device) = request.device_id {
        prove_device(&state.pool, device, request.device_secret.as_deref()).await?;
    }
    let (mut tx, user) =
        check_password(state, &request.username, &request.password, request.device_id, "login").await?;
    let username = user.username.as_str();
    let now = crate::clock::instant();
    let token = new_secret();
    let expires = now + Duration::hours(state.session_hours);
    sqlx::query(
        "INSERT INTO sessions (token_hash, username, device_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(username)
    .bind(request.device_id)
    .bind(now)
    .bind(expires)
    .execute(&mut *tx)
    .await?;
    audit::append(&mut tx, username, "login", &serde_json::json!({ "device": request.device_id })).await?;
    // The hash goes only to a registered desktop the user logs in at (for its offline logins),
    // never to a bare API client.
    let to_device: bool = match request.device_id {
        Some(device) => {
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM devices WHERE id = $1)")
                .bind(device)
                .fetch_one(&mut *tx)
                .await?
        }
        None => false,
    };
    tx.commit().await?;
    if let Some(device) = request.device_id {
        crate::approvals::seen(state, device).await?;
    }
    Ok(LoginAnswer {
        token,
        expires_at: expires.naive_utc(),
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        receipt_prefix: user.receipt_prefix,
        password_hash: to_device.then_some(user.password_hash),
        refund_windows: Some(state.refund_windows.to_string()),
    })
}

/// Who is calling, from the bearer token.
#[derive(Clone, Debug)]
pub struct Caller {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub device_id: Option<Uuid>,
}

impl Caller {
    /// Whether the caller's role may do `permission` (`domain::Role::may`, the one table).
    pub fn may(&self, permission: domain::Permission) -> bool {
        domain::Role::from_code(&self.role).is_some_and(|role| role.may(permission))
    }

    /// Refuses (403) a caller whose role may not do `permission`.
    /// The session was opened on `device` (with its secret): a request naming another device, or
    /// made with a session bound to none, is refused.
    pub fn require_device(&self, device: uuid::Uuid) -> ApiResult<()> {
        if self.device_id == Some(device) {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            codes::DEVICE_NOT_PROVEN,
            format!("本次登录不是在设备 {device} 上进行的，不能代它同步或取号"),
        ))
    }

    pub fn require(&self, permission: domain::Permission) -> ApiResult<()> {
        if self.may(permission) {
            Ok(())
        } else {
            let role = domain::Role::from_code(&self.role).map_or_else(|| self.role.clone(), |r| r.label().to_owned());
            Err(ApiError::forbidden(format!("{}（{role}）无权{}", self.display_name, permission.label())))
        }
    }
}

/// A session joined with its user: name, display name, role, device, expiry.
type SessionRow = (String, String, String, Option<Uuid>, chrono::DateTime<Utc>);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let unauthenticated = || ApiError::new(StatusCode::UNAUTHORIZED, codes::UNAUTHENTICATED, "请先登录");
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(unauthenticated)?;
        let token = header.strip_prefix("Bearer ").ok_or_else(unauthenticated)?;
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT u.username, u.display_name, u.role, s.device_id, s.expires_at FROM sessions s JOIN users u ON u.username = s.username
             WHERE s.token_hash = $1 AND u.disabled_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(&state.pool)
        .await?;
        let (username, display_name, role, device_id, expires_at) = row.ok_or_else(unauthenticated)?;
        if expires_at < crate::clock::instant() {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, codes::TOKEN_EXPIRED, "登录已过期，请重新登录"));
        }
        if let Some(device) = device_id {
            crate::approvals::seen(state, device).await?;
        }
        Ok(Caller { username, display_name, role, device_id })
    }
}
