//! 缴款确认 at the platform: finance collects a cashier's closes from any counter, so the closes
//! waiting and the hand-ins live here. The money expected is the platform's own (the net cash and
//! cheques of the closes it accepted); what the counter sends is only what was counted, checked
//! again here (the pieces add up, each face value is one counted, a difference has a reason — the
//! domain's `hand_in` rules). Finance never collects their own close; a close is collected once
//! while the hand-in stands; a supervisor reverses one with a reason. Nothing is written for a
//! refused hand-in.

use std::collections::{BTreeMap, HashSet};

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use contract::Yuan;
use domain::Money;
use domain::hand_in::{self, DENOMINATIONS_FEN};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::close::{
    Cheque, CloseWaiting, ClosedTakings, HandInRecord, HandInReversal, HandInStatement, MyClose, Pieces, ReverseHandIn,
};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::{AppState, audit};

fn money(fen: i64) -> ApiResult<Money> {
    Money::from_fen(fen).map_err(ApiError::internal)
}

/// The fen of tender `code` in a close's net.
fn net_fen(net: &serde_json::Value, code: &str) -> ApiResult<i64> {
    let net: BTreeMap<String, Yuan> = serde_json::from_value(net.clone()).map_err(ApiError::internal)?;
    Ok(net.get(code).map(|y| y.money().fen()).unwrap_or(0))
}

const IN_FORCE: &str = "NOT EXISTS (SELECT 1 FROM close_cancellations x WHERE x.close_key = c.key)";
const NOT_COLLECTED: &str = "NOT EXISTS (SELECT 1 FROM hand_in_closes hc WHERE hc.close_key = c.key
      AND NOT EXISTS (SELECT 1 FROM hand_in_reversals r WHERE r.hand_in_key = hc.hand_in_key))";

/// The closes in force that no standing hand-in collected, oldest first.
pub async fn waiting(state: &AppState) -> ApiResult<Vec<CloseWaiting>> {
    let rows: Vec<(String, String, String, NaiveDateTime, NaiveDateTime, serde_json::Value)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT c.close_no, c.cashier, c.cashier_name, c.from_at, c.until_at, c.net FROM closes c
             WHERE {IN_FORCE} AND {NOT_COLLECTED} ORDER BY c.until_at, c.close_no"
        )))
        .fetch_all(&state.pool)
        .await?;
    rows.into_iter()
        .map(|(close_no, cashier, cashier_name, from, until, net)| {
            Ok(CloseWaiting {
                close_no,
                cashier,
                cashier_name,
                from,
                until,
                cash: Yuan(money(net_fen(&net, "cash")?)?),
                cheques: Yuan(money(net_fen(&net, "cheque")?)?),
            })
        })
        .collect()
}

/// The closes in force whose cut-off lies in `[from, until)`, for the hospital's reports.
pub async fn closed_between(
    state: &AppState,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> ApiResult<Vec<ClosedTakings>> {
    let rows: Vec<(String, String, NaiveDateTime, serde_json::Value)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.close_no, c.cashier_name, c.until_at, c.net FROM closes c
         WHERE c.until_at >= $1 AND c.until_at < $2 AND {IN_FORCE} ORDER BY c.until_at, c.close_no"
    )))
    .bind(from)
    .bind(until)
    .fetch_all(&state.pool)
    .await?;
    rows.into_iter()
        .map(|(close_no, cashier_name, until, net)| {
            Ok(ClosedTakings {
                close_no,
                cashier_name,
                until,
                net: serde_json::from_value(net).map_err(ApiError::internal)?,
            })
        })
        .collect()
}

/// The caller's closes in force, newest first, with the standing hand-in that collected each.
pub async fn of_cashier(state: &AppState, caller: &Caller) -> ApiResult<Vec<MyClose>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.close_no,
                (SELECT h.hand_in_no FROM hand_in_closes hc JOIN hand_ins h ON h.key = hc.hand_in_key
                  WHERE hc.close_key = c.key AND NOT EXISTS (SELECT 1 FROM hand_in_reversals r WHERE r.hand_in_key = h.key))
         FROM closes c WHERE c.cashier = $1 AND {IN_FORCE} ORDER BY c.until_at DESC"
    )))
    .bind(&caller.username)
    .fetch_all(&state.pool)
    .await?;
    Ok(rows.into_iter().map(|(close_no, hand_in_no)| MyClose { close_no, hand_in_no }).collect())
}

/// Whether a standing hand-in collected the close `key` (its number if so).
pub async fn collected_by(conn: &mut PgConnection, close_key: Uuid) -> ApiResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT h.hand_in_no FROM hand_in_closes hc JOIN hand_ins h ON h.key = hc.hand_in_key
         WHERE hc.close_key = $1 AND NOT EXISTS (SELECT 1 FROM hand_in_reversals r WHERE r.hand_in_key = h.key)",
    )
    .bind(close_key)
    .fetch_optional(conn)
    .await?)
}

/// What the counter counted, checked: cash not negative and, when counted by denomination, the
/// pieces of counted face values adding up to it; cheques numbered and positive.
fn check_count(statement: &HandInStatement) -> ApiResult<()> {
    let cash = statement.counted_cash.money();
    if cash.is_negative() {
        return Err(ApiError::bad_request("AMOUNT_NEGATIVE", format!("实收现金不能为负数：{cash}")));
    }
    if !statement.pieces.is_empty() {
        if let Some(p) = statement.pieces.iter().find(|p| !DENOMINATIONS_FEN.contains(&p.face_fen)) {
            return Err(ApiError::bad_request(
                "DENOMINATION_UNKNOWN",
                format!("面额 {} 分无效（可用：100、50、20、10、5、1 元，5 角、1 角）", p.face_fen),
            ));
        }
        let pieces: Vec<(i64, u32)> = statement.pieces.iter().map(|p| (p.face_fen, p.count)).collect();
        let by_note = hand_in::count_cash(&pieces);
        if by_note != cash {
            return Err(ApiError::bad_request(
                "HAND_IN_COUNT_MISMATCH",
                format!("按面额清点合计 {} 与实收现金 {} 不符", by_note.yuan(), cash.yuan()),
            ));
        }
    }
    for cheque in &statement.cheques {
        if cheque.number.trim().is_empty() {
            return Err(ApiError::bad_request("CHEQUE_NUMBER_REQUIRED", "请填写支票号"));
        }
        if !cheque.amount.money().is_positive() {
            return Err(ApiError::bad_request(
                "AMOUNT_NEGATIVE",
                format!("支票 {} 的金额应大于零：{}", cheque.number.trim(), cheque.amount),
            ));
        }
    }
    if statement.reason.as_deref().is_some_and(|r| r.trim().chars().count() > 200) {
        return Err(ApiError::bad_request("REASON_TOO_LONG", "原因最多 200 字"));
    }
    Ok(())
}

fn hash(statement: &HandInStatement) -> ApiResult<String> {
    let bytes = serde_json::to_vec(statement).map_err(ApiError::internal)?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

type HandInRow = (
    Uuid,
    String,
    String,
    String,
    NaiveDateTime,
    i64,
    i64,
    serde_json::Value,
    i64,
    i64,
    serde_json::Value,
    Option<String>,
);

/// A hand-in as kept, by key or number.
async fn record(
    conn: &mut PgConnection,
    key: Option<Uuid>,
    hand_in_no: Option<&str>,
) -> ApiResult<Option<HandInRecord>> {
    let row: Option<HandInRow> = sqlx::query_as(
        "SELECT key, hand_in_no, cashier, by_user, at, expected_cash_fen, counted_cash_fen, pieces,
                expected_cheque_fen, counted_cheque_fen, cheques, reason
         FROM hand_ins WHERE key = $1 OR hand_in_no = $2",
    )
    .bind(key)
    .bind(hand_in_no)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let closes: Vec<String> = sqlx::query_scalar(
        "SELECT c.close_no FROM hand_in_closes hc JOIN closes c ON c.key = hc.close_key
         WHERE hc.hand_in_key = $1 ORDER BY c.until_at",
    )
    .bind(r.0)
    .fetch_all(&mut *conn)
    .await?;
    let reversed: Option<(String, NaiveDateTime, String)> =
        sqlx::query_as("SELECT by_user, at, reason FROM hand_in_reversals WHERE hand_in_key = $1")
            .bind(r.0)
            .fetch_optional(&mut *conn)
            .await?;
    let pieces: Vec<Pieces> = serde_json::from_value(r.7).map_err(ApiError::internal)?;
    let cheques: Vec<Cheque> = serde_json::from_value(r.10).map_err(ApiError::internal)?;
    Ok(Some(HandInRecord {
        hand_in_no: r.1,
        cashier: r.2,
        collected_by: r.3,
        at: r.4,
        closes,
        expected_cash: Yuan(money(r.5)?),
        counted_cash: Yuan(money(r.6)?),
        pieces,
        expected_cheques: Yuan(money(r.8)?),
        counted_cheques: Yuan(money(r.9)?),
        cheques,
        reason: r.11,
        reversed: reversed.map(|(by, at, reason)| HandInReversal { by, at, reason }),
    }))
}

/// A hand-in by its number.
pub async fn by_no(state: &AppState, hand_in_no: &str) -> ApiResult<HandInRecord> {
    let mut conn = state.pool.acquire().await?;
    record(&mut conn, None, Some(hand_in_no.trim()))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("没有缴款单号为 {} 的缴款", hand_in_no.trim())))
}

/// 缴款确认 of `statement` by the caller.
pub async fn accept(state: &AppState, caller: &Caller, statement: &HandInStatement) -> ApiResult<HandInRecord> {
    check_count(statement)?;
    let mut numbers: Vec<&str> = statement.close_nos.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
    let mut seen = HashSet::new();
    numbers.retain(|n| seen.insert(*n));
    if numbers.is_empty() {
        return Err(ApiError::bad_request("HAND_IN_NO_CLOSE", "请选择要缴款的日结"));
    }
    let payload = hash(statement)?;
    let mut tx = state.pool.begin().await?;
    // Hand-ins one at a time: a close is collected once, and the numbers follow one another.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('hand-in'))").execute(&mut *tx).await?;
    let seen: Option<String> = sqlx::query_scalar("SELECT payload_hash FROM hand_ins WHERE key = $1")
        .bind(statement.key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(seen) = seen {
        if seen != payload {
            return Err(ApiError::conflict(wire::codes::KEY_CONFLICT, "同一操作编号已用于另一次不同的缴款"));
        }
        return record(&mut tx, Some(statement.key), None).await?.ok_or_else(|| ApiError::internal("缴款消失"));
    }
    let mut closes: Vec<(Uuid, String, i64, i64)> = Vec::with_capacity(numbers.len());
    for number in &numbers {
        let close: Option<(Uuid, String, serde_json::Value, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT c.key, c.cashier, c.net, NOT {IN_FORCE} FROM closes c WHERE c.close_no = $1"
        )))
        .bind(number)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((key, cashier, net, cancelled)) = close else {
            return Err(ApiError::not_found(format!("平台上没有日结单号为 {number} 的日结")));
        };
        if cancelled {
            return Err(ApiError::conflict("CLOSE_CANCELLED", format!("日结 {number} 已取消")));
        }
        if let Some(hand_in_no) = collected_by(&mut tx, key).await? {
            return Err(ApiError::conflict(
                "CLOSE_COLLECTED",
                format!("日结 {number} 已缴款确认（{hand_in_no}），不能重复缴款"),
            ));
        }
        if cashier == caller.username {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "HAND_IN_OWN_CLOSE",
                format!("日结 {number} 是您本人的，须由其他财务人员缴款确认"),
            ));
        }
        closes.push((key, cashier, net_fen(&net, "cash")?, net_fen(&net, "cheque")?));
    }
    if closes.iter().any(|c| c.1 != closes[0].1) {
        return Err(ApiError::bad_request("HAND_IN_MIXED_CASHIERS", "一次缴款只能包含同一收费员的日结"));
    }
    let expected_cash: i64 = closes.iter().map(|c| c.2).sum();
    let expected_cheque: i64 = closes.iter().map(|c| c.3).sum();
    let counted_cash = statement.counted_cash.money();
    let counted_cheque: Money = statement.cheques.iter().map(|c| c.amount.money()).sum();
    let reason = statement.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    hand_in::settle_count(counted_cash + counted_cheque, money(expected_cash + expected_cheque)?, reason)
        .map_err(|missing| ApiError::bad_request("HAND_IN_REASON_REQUIRED", missing.to_string()))?;
    let now = state.clock().now();
    let seq: i64 = sqlx::query_scalar("SELECT count(*) FROM hand_ins").fetch_one(&mut *tx).await?;
    let hand_in_no = format!("JK{}{:05}", now.format("%Y%m%d"), seq + 1);
    let difference = counted_cash.fen() + counted_cheque.fen() - expected_cash - expected_cheque;
    let cheques: Vec<Cheque> =
        statement.cheques.iter().map(|c| Cheque { number: c.number.trim().to_owned(), amount: c.amount }).collect();
    sqlx::query(
        "INSERT INTO hand_ins (key, hand_in_no, cashier, by_user, device_id, at, expected_cash_fen, counted_cash_fen, pieces,
                               expected_cheque_fen, counted_cheque_fen, cheques, difference_fen, reason, payload_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(statement.key)
    .bind(&hand_in_no)
    .bind(&closes[0].1)
    .bind(&caller.username)
    .bind(caller.device_id)
    .bind(now)
    .bind(expected_cash)
    .bind(counted_cash.fen())
    .bind(serde_json::to_value(&statement.pieces).map_err(ApiError::internal)?)
    .bind(expected_cheque)
    .bind(counted_cheque.fen())
    .bind(serde_json::to_value(&cheques).map_err(ApiError::internal)?)
    .bind(difference)
    .bind(reason)
    .bind(&payload)
    .execute(&mut *tx)
    .await?;
    let keys: Vec<Uuid> = closes.iter().map(|c| c.0).collect();
    sqlx::query("INSERT INTO hand_in_closes (hand_in_key, close_key) SELECT $1, unnest($2::uuid[])")
        .bind(statement.key)
        .bind(&keys)
        .execute(&mut *tx)
        .await?;
    let detail = serde_json::json!({ "hand_in_no": hand_in_no, "closes": numbers, "difference_fen": difference });
    audit::append(&mut tx, &caller.username, "hand_in.accepted", &detail).await?;
    let done = record(&mut tx, Some(statement.key), None).await?.ok_or_else(|| ApiError::internal("缴款消失"))?;
    tx.commit().await?;
    Ok(done)
}

/// 冲销缴款 by a supervisor: the closes wait for collection again.
pub async fn reverse(state: &AppState, caller: &Caller, request: &ReverseHandIn) -> ApiResult<HandInRecord> {
    let reason = request.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::bad_request("REASON_REQUIRED", "请填写冲销原因"));
    }
    if reason.chars().count() > 200 {
        return Err(ApiError::bad_request("REASON_TOO_LONG", "原因最多 200 字"));
    }
    let mut tx = state.pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('hand-in'))").execute(&mut *tx).await?;
    let number = request.hand_in_no.trim();
    let found: Option<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT h.key, r.key FROM hand_ins h LEFT JOIN hand_in_reversals r ON r.hand_in_key = h.key WHERE h.hand_in_no = $1",
    )
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((key, reversal)) = found else {
        return Err(ApiError::not_found(format!("没有缴款单号为 {number} 的缴款")));
    };
    match reversal {
        Some(done) if done == request.key => {}
        Some(_) => return Err(ApiError::conflict("HAND_IN_REVERSED", format!("缴款 {number} 已冲销"))),
        None => {
            sqlx::query(
                "INSERT INTO hand_in_reversals (key, hand_in_key, by_user, at, reason) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(request.key)
            .bind(key)
            .bind(&caller.username)
            .bind(state.clock().now())
            .bind(reason)
            .execute(&mut *tx)
            .await?;
            let detail = serde_json::json!({ "hand_in_no": number, "reason": reason });
            audit::append(&mut tx, &caller.username, "hand_in.reversed", &detail).await?;
        }
    }
    let done = record(&mut tx, Some(key), None).await?.ok_or_else(|| ApiError::internal("缴款消失"))?;
    tx.commit().await?;
    Ok(done)
}
