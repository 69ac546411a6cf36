//! Logging in at the counter: argon2-verified passwords, and a lockout after repeated
//! failures that a queue of guesses cannot get around.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, NaiveDateTime};
use contract::Tag;
use contract::session::{LoginRequest, Session};
use domain::{Permission, Role};
use store::users;

use crate::{App, AppError};

/// Consecutive failures that lock a user out, and for how long.
pub const MAX_FAILURES: usize = 5;
pub const LOCKOUT_MINUTES: i64 = 15;

/// Who is working the counter, as proven by their password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Printed in this operator's receipt numbers.
    pub receipt_prefix: String,
}

impl Operator {
    /// Refuses, with the reason, what the operator's role may not do.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.may(permission) {
            Ok(())
        } else {
            Err(AppError::Rule {
                code: contract::error::codes::FORBIDDEN,
                message: format!("{}（{}）没有“{}”权限", self.display_name, self.role.label(), permission.label()),
            })
        }
    }
}

impl App {
    pub async fn log_in(&self, request: &LoginRequest) -> Result<Operator, AppError> {
        let username = request.username.trim();
        if username.is_empty() || request.password.is_empty() {
            return Err(AppError::LoginFailed { code: "LOGIN_EMPTY", message: "请输入用户名和密码".into() });
        }
        let now = self.clock.now();
        let mut conn = self.store.conn().await?;
        let failures = users::failures_since_last_success(&mut conn, username).await?;
        if let Some(until) = locked_until(&failures, now) {
            return Err(AppError::LoginFailed {
                code: contract::error::codes::LOGIN_LOCKED,
                message: format!(
                    "连续 {MAX_FAILURES} 次密码错误，账户已锁定，请于 {} 后重试，或请收费组长协助",
                    until.format("%H:%M")
                ),
            });
        }
        let user = users::find(&mut conn, username).await?;
        let verified = user.as_ref().is_some_and(|u| verify(&request.password, &u.password_hash));
        users::record_attempt(&mut conn, username, now, verified).await?;
        match user {
            Some(user) if verified => {
                let role = Role::from_code(&user.role)
                    .ok_or_else(|| AppError::Refused(format!("用户 {username} 的角色无效，请联系系统管理员")))?;
                Ok(Operator {
                    username: user.username,
                    display_name: user.display_name,
                    role,
                    receipt_prefix: user.receipt_prefix,
                })
            }
            _ => {
                let left = MAX_FAILURES.saturating_sub(consecutive_recent(&failures, now) + 1);
                let message = if left == 0 {
                    format!("用户名或密码错误。账户已锁定 {LOCKOUT_MINUTES} 分钟")
                } else {
                    format!("用户名或密码错误，还可尝试 {left} 次")
                };
                Err(AppError::LoginFailed { code: contract::error::codes::LOGIN_FAILED, message })
            }
        }
    }

    /// A supervisor approves in a dialog with their own credentials (组长授权). Failures count
    /// towards the supervisor's lockout like any login.
    pub async fn approve(&self, approval: &contract::cashier::Approval) -> Result<Operator, AppError> {
        let request = LoginRequest { username: approval.username.clone(), password: approval.password.clone() };
        let approver = self.log_in(&request).await.map_err(|e| match e {
            AppError::LoginFailed { code, message } => {
                AppError::LoginFailed { code, message: format!("组长授权失败：{message}") }
            }
            other => other,
        })?;
        if !approver.role.may(Permission::ApproveRecall) {
            return Err(AppError::Rule {
                code: "APPROVAL_REQUIRES_SUPERVISOR",
                message: format!("{}（{}）不能审批，需要收费组长授权", approver.display_name, approver.role.label()),
            });
        }
        Ok(approver)
    }

    /// The operator a command-line script acts as. The CLI runs where the database file is
    /// and is trusted like it; it names the user whose receipts and settlements it records.
    pub async fn console_operator(&self, username: &str) -> Result<Operator, AppError> {
        let mut conn = self.store.conn().await?;
        let user = users::find(&mut conn, username.trim())
            .await?
            .ok_or_else(|| AppError::invalid("USER_UNKNOWN", format!("没有用户“{}”", username.trim()), "as"))?;
        let role =
            Role::from_code(&user.role).ok_or_else(|| AppError::Refused(format!("用户 {username} 的角色无效")))?;
        Ok(Operator {
            username: user.username,
            display_name: user.display_name,
            role,
            receipt_prefix: user.receipt_prefix,
        })
    }

    /// The session the screen shows for a logged-in operator.
    pub fn session(&self, operator: &Operator) -> Session {
        Session {
            username: operator.username.clone(),
            display_name: operator.display_name.clone(),
            role: Tag::new(operator.role.code(), operator.role.label()),
            permissions: operator.role.permissions().into_iter().map(contract::session::Permission::from).collect(),
            hospital: self.hospital.clone(),
            counter: self.counter.clone(),
            business_date: self.clock.now().format("%Y-%m-%d").to_string(),
        }
    }
}

/// Failures within the lockout window, counted back from the newest.
fn consecutive_recent(failures: &[NaiveDateTime], now: NaiveDateTime) -> usize {
    failures.iter().take_while(|at| now - **at < Duration::minutes(LOCKOUT_MINUTES)).count()
}

/// When the lockout ends, if the newest failures lock the user now.
fn locked_until(failures: &[NaiveDateTime], now: NaiveDateTime) -> Option<NaiveDateTime> {
    if consecutive_recent(failures, now) >= MAX_FAILURES {
        failures.first().map(|newest| *newest + Duration::minutes(LOCKOUT_MINUTES))
    } else {
        None
    }
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// An argon2id PHC string for `password` with the given 16 salt bytes.
pub fn hash_password(password: &str, salt: &[u8; 16]) -> Result<String, AppError> {
    let salt = SaltString::encode_b64(salt).map_err(AppError::internal)?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(AppError::internal)
}
