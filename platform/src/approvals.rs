//! Approvals with proof (组长授权). Online, the approver types their password at the cashier's
//! counter; the cashier's device session asks the platform ([`grant`]), which checks the
//! password as a login does and issues a one-time token bound to the operation's key, its
//! admission, the recalled settlement, the amount it transfers, the approver, the cashier and
//! the device. A pushed recall spends it ([`check`]). Offline, the counter checks the password
//! against its cached hash and says so in the envelope; the platform believes that only if it
//! did not hear from the device at that moment ([`seen`] keeps when it did), keeps the approval
//! for a supervisor's review, and sends the recall to the pending list otherwise.
//! Nobody approves their own operation.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use domain::{Permission, Role};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::approval::{ApprovalAsk, ApprovalGrant, ApprovalProof, ApprovalReview, OfflineApproval};
use wire::{Envelope, Record, codes};

use crate::auth::{self, Caller};
use crate::error::{ApiError, ApiResult};
use crate::push_checks::Refusal;
use crate::{AppState, audit};

/// How long an approval token may be spent after it was issued.
pub const TOKEN_MINUTES: i64 = 10;
/// Requests of one device closer together than this make one stretch of presence (counters
/// sync every few seconds).
const STRETCH_GAP_SECONDS: i64 = 20;
/// An offline approval is not believed this soon after the platform last heard from the device.
const HEARD_MARGIN_SECONDS: i64 = 10;

/// Notes that `device` was heard from now (every authenticated request of a device session).
pub async fn seen(state: &AppState, device: Uuid) -> ApiResult<()> {
    let now = state.clock().now();
    let extended = sqlx::query(
        "UPDATE device_presence SET last_at = GREATEST(last_at, $2)
         WHERE device_id = $1 AND last_at >= $3
           AND first_at = (SELECT max(first_at) FROM device_presence WHERE device_id = $1)",
    )
    .bind(device)
    .bind(now)
    .bind(now - Duration::seconds(STRETCH_GAP_SECONDS))
    .execute(&state.pool)
    .await?
    .rows_affected();
    if extended == 0 {
        sqlx::query(
            "INSERT INTO device_presence (device_id, first_at, last_at) VALUES ($1, $2, $2)
             ON CONFLICT (device_id, first_at) DO UPDATE SET last_at = GREATEST(device_presence.last_at, EXCLUDED.last_at)",
        )
        .bind(device)
        .bind(now)
        .execute(&state.pool)
        .await?;
    }
    Ok(())
}

/// Whether the platform heard from `device` at `at`: a stretch of presence began before it and
/// reached it, or ended less than the margin before it (a counter finds its link down only after
/// a failed round). A stretch that began in the same second or later proves nothing about it:
/// a counter back online pushes what it did offline at once.
pub async fn heard_from(conn: &mut PgConnection, device: Uuid, at: NaiveDateTime) -> ApiResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM device_presence WHERE device_id = $1 AND first_at < $2 AND last_at >= $3)",
    )
    .bind(device)
    .bind(at)
    .bind(at - Duration::seconds(HEARD_MARGIN_SECONDS))
    .fetch_one(&mut *conn)
    .await?)
}

fn refused(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, message)
}

/// Issues an approval token to the caller's device for the operation `ask` names, once the
/// approver's password checked out and their role may approve.
pub async fn grant(state: &AppState, caller: &Caller, ask: &ApprovalAsk) -> ApiResult<ApprovalGrant> {
    caller.require(Permission::HandleMoney)?;
    let Some(device) = caller.device_id else {
        return Err(refused(codes::DEVICE_NOT_PROVEN, "授权须由登记过的收费终端申请"));
    };
    if ask.username.trim() == caller.username {
        return Err(refused(codes::SELF_APPROVAL, "不能为自己的操作授权，请由另一位收费组长授权"));
    }
    // What the recall moves into the deposits: the settlement's net payments (negative when
    // it refunded more than it collected).
    let amount = ask.amount.0;
    let admitted: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM admissions WHERE id = $1)")
        .bind(ask.admission_id)
        .fetch_one(&state.pool)
        .await?;
    if !admitted {
        return Err(ApiError::not_found(format!("平台上没有住院 {}", ask.admission_id)));
    }
    let (mut tx, approver) =
        auth::check_password(state, &ask.username, &ask.password, Some(device), "approval").await?;
    let may = Role::from_code(&approver.role).is_some_and(|r| r.may(Permission::ApproveRecall));
    if !may {
        let role = Role::from_code(&approver.role).map_or(approver.role.as_str(), |r| r.label());
        return Err(refused(
            codes::FORBIDDEN,
            format!("{}（{role}）不能审批，需要收费组长授权", approver.display_name),
        ));
    }
    let token = auth::new_secret();
    let issued = state.clock().now();
    let valid_until = issued + Duration::minutes(TOKEN_MINUTES);
    sqlx::query(
        "INSERT INTO approval_tokens (token_hash, operation_key, admission_id, settlement_key, amount_fen, approver, cashier, device_id, issued_at, valid_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(auth::token_hash(&token))
    .bind(ask.key)
    .bind(ask.admission_id)
    .bind(ask.settlement)
    .bind(amount.fen())
    .bind(&approver.username)
    .bind(&caller.username)
    .bind(device)
    .bind(issued)
    .bind(valid_until)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "key": ask.key, "settlement": ask.settlement, "amount": amount.yuan(),
        "cashier": caller.username, "device": device });
    audit::append(&mut tx, &approver.username, "approval.grant", &detail).await?;
    tx.commit().await?;
    Ok(ApprovalGrant { token, approver: approver.username, display_name: approver.display_name, valid_until })
}

/// What the platform makes of an operation's approval.
pub enum Decided {
    /// The operation needs none.
    NotNeeded,
    /// A token issued for exactly this operation, spent now (in the operation's transaction).
    Token,
    /// A believable offline check: applied, and listed for review.
    Offline { approver: String, checked_at: NaiveDateTime },
    /// No proof, or a proof that does not fit: the operation is refused (`invalid`).
    Refused(Refusal),
    /// An offline check from a device the platform heard from then: kept for a supervisor.
    ToPending(Refusal),
}

fn refusal(code: &'static str, message: String) -> ApiResult<Decided> {
    Ok(Decided::Refused(Refusal { code, message }))
}

/// A token as issued: operation, admission, settlement, amount (fen), approver, cashier, device,
/// issued, valid until, used.
type TokenRow = (Uuid, Uuid, Uuid, i64, String, String, Uuid, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>);

/// Checks the approval of `envelope` (pushed by `device`): a recall needs a token issued for
/// exactly it, or a believable offline check. `now` is the platform's time at receipt.
pub async fn check(
    conn: &mut PgConnection,
    device: Uuid,
    envelope: &Envelope,
    now: NaiveDateTime,
) -> ApiResult<Decided> {
    let Some(recall) = envelope.records.iter().find_map(|r| match r {
        Record::Recall(recall) => Some(recall),
        _ => None,
    }) else {
        return Ok(Decided::NotNeeded);
    };
    let Some(proof) = &envelope.approval else {
        return refusal(codes::APPROVAL_MISSING, "召回未附收费组长的授权凭证，操作未入账".into());
    };
    if recall.approver == envelope.cashier {
        return refusal(codes::SELF_APPROVAL, format!("召回不能由操作人“{}”自己授权", envelope.cashier));
    }
    let transfer_fen: i64 = envelope
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Deposit(d) if d.deposit_kind == "recall_transfer" => Some(d.amount.0.fen()),
            _ => None,
        })
        .sum();
    let approver: Option<(String, String, bool)> =
        sqlx::query_as("SELECT display_name, role, disabled_at IS NULL FROM users WHERE username = $1")
            .bind(&recall.approver)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((display_name, role, enabled)) = approver else {
        return refusal(codes::APPROVAL_INVALID, format!("平台上没有授权人“{}”，召回未入账", recall.approver));
    };
    if !Role::from_code(&role).is_some_and(|r| r.may(Permission::ApproveRecall)) || !enabled {
        return refusal(codes::APPROVAL_INVALID, format!("召回须由在职的收费组长授权，“{}”不能授权", recall.approver));
    }
    if recall.approved_by != display_name {
        return refusal(
            codes::APPROVAL_INVALID,
            format!("召回所写授权人“{}”与平台上的“{display_name}”不符", recall.approved_by),
        );
    }
    match proof {
        ApprovalProof::Token { token } => {
            let row: Option<TokenRow> = sqlx::query_as(
                "SELECT operation_key, admission_id, settlement_key, amount_fen, approver, cashier, device_id, issued_at, valid_until, used_at
                 FROM approval_tokens WHERE token_hash = $1 FOR UPDATE",
            )
            .bind(auth::token_hash(token))
            .fetch_optional(&mut *conn)
            .await?;
            let Some((key, admission, settlement, amount, approver, cashier, issued_to, issued, valid_until, used)) =
                row
            else {
                return refusal(codes::APPROVAL_INVALID, "授权凭证不是平台签发的，召回未入账".into());
            };
            if used.is_some() {
                return refusal(codes::APPROVAL_INVALID, "授权凭证已经用过，召回未入账".into());
            }
            let fits = key == envelope.key
                && admission == envelope.admission_id
                && settlement == recall.settlement
                && amount == transfer_fen
                && approver == recall.approver
                && cashier == envelope.cashier
                && issued_to == device;
            if !fits {
                return refusal(
                    codes::APPROVAL_INVALID,
                    "授权凭证不是为这笔召回（金额、结算、授权人或终端）签发的，召回未入账".into(),
                );
            }
            if recall.at > valid_until
                || now > valid_until + Duration::days(1)
                || recall.at < issued - Duration::minutes(5)
            {
                return refusal(
                    codes::APPROVAL_INVALID,
                    format!("授权凭证的有效期（至 {valid_until}）已过，召回未入账"),
                );
            }
            sqlx::query("UPDATE approval_tokens SET used_at = $2 WHERE token_hash = $1")
                .bind(auth::token_hash(token))
                .bind(now)
                .execute(&mut *conn)
                .await?;
            Ok(Decided::Token)
        }
        ApprovalProof::OfflineCheck { checked_at } => {
            if heard_from(conn, device, recall.at).await? || heard_from(conn, device, *checked_at).await? {
                return Ok(Decided::ToPending(Refusal {
                    code: codes::APPROVAL_NOT_OFFLINE,
                    message: format!(
                        "授权时（{}）本机正与平台联通，离线授权不被采信：召回待组长处理",
                        recall.at.format("%Y-%m-%d %H:%M:%S")
                    ),
                }));
            }
            Ok(Decided::Offline { approver: recall.approver.clone(), checked_at: *checked_at })
        }
    }
}

/// Lists an applied operation's offline approval for review.
pub async fn record_offline(
    conn: &mut PgConnection,
    envelope: &Envelope,
    device: Uuid,
    approver: &str,
    checked_at: NaiveDateTime,
    now: NaiveDateTime,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO offline_approvals (operation_key, admission_id, device_id, cashier, approver, checked_at, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(envelope.key)
    .bind(envelope.admission_id)
    .bind(device)
    .bind(&envelope.cashier)
    .bind(approver)
    .bind(checked_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

type OfflineRow =
    (Uuid, Uuid, Uuid, String, String, NaiveDateTime, NaiveDateTime, Option<String>, Option<String>, Option<String>);

/// The offline approvals, those waiting for review first.
pub async fn offline(pool: &sqlx::PgPool) -> ApiResult<Vec<OfflineApproval>> {
    let rows: Vec<OfflineRow> = sqlx::query_as(
        "SELECT operation_key, admission_id, device_id, cashier, approver, checked_at, received_at, verdict, reviewed_by, note
         FROM offline_approvals ORDER BY verdict IS NOT NULL, received_at",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(key, admission_id, device_id, cashier, approver, checked_at, received_at, verdict, reviewed_by, note)| {
                OfflineApproval {
                    key,
                    admission_id,
                    device_id,
                    cashier,
                    approver,
                    checked_at,
                    received_at,
                    verdict,
                    reviewed_by,
                    note,
                }
            },
        )
        .collect())
}

/// A supervisor's review of an offline approval: never by its approver or its cashier, once.
pub async fn review(state: &AppState, caller: &Caller, key: Uuid, review: &ApprovalReview) -> ApiResult<()> {
    caller.require(Permission::ApproveRecall)?;
    if !matches!(review.verdict.as_str(), "confirmed" | "disputed") {
        return Err(ApiError::bad_request(codes::MALFORMED, "复核结论应为 confirmed（属实）或 disputed（有异议）"));
    }
    let note = review.note.trim();
    if note.is_empty() || note.chars().count() > 200 {
        return Err(ApiError::bad_request(codes::MALFORMED, "请填写复核说明（不超过 200 字）"));
    }
    let mut tx = state.pool.begin().await?;
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT cashier, approver, verdict FROM offline_approvals WHERE operation_key = $1 FOR UPDATE")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((cashier, approver, verdict)) = row else {
        return Err(ApiError::not_found(format!("没有离线授权 {key}")));
    };
    if caller.username == cashier || caller.username == approver {
        return Err(refused(codes::SELF_APPROVAL, "离线授权须由操作人和授权人以外的组长复核"));
    }
    if verdict.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, codes::KEY_CONFLICT, "这笔离线授权已复核过"));
    }
    sqlx::query(
        "UPDATE offline_approvals SET verdict = $2, reviewed_by = $3, reviewed_at = $4, note = $5 WHERE operation_key = $1",
    )
    .bind(key)
    .bind(&review.verdict)
    .bind(&caller.username)
    .bind(state.clock().now())
    .bind(note)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "key": key, "verdict": review.verdict, "note": note });
    audit::append(&mut tx, &caller.username, "approval.review", &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether insurance may reverse the claim settled under `settlement` for operation `key`
/// asked by `device`: the crash sweep of the device that settled it, for a settlement the
/// journal never received (`key` is then the settlement's own), or a recall of that settlement
/// the platform issued an approval token for to this device.
pub async fn reversal_allowed(
    conn: &mut PgConnection,
    key: Uuid,
    settlement: Uuid,
    settled_by_device: Option<Uuid>,
    device: Option<Uuid>,
) -> ApiResult<bool> {
    if key == settlement {
        let journaled: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM journal WHERE key = $1)")
            .bind(settlement)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(!journaled && device.is_some() && settled_by_device == device);
    }
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM approval_tokens WHERE operation_key = $1 AND settlement_key = $2 AND device_id = $3)",
    )
    .bind(key)
    .bind(settlement)
    .bind(device)
    .fetch_one(&mut *conn)
    .await?)
}
