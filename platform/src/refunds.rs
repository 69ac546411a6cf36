//! 原路退款 for linked counters: a pushed deposit reversal or settlement that gives money back
//! to a WeChat or Alipay payment must name a transaction the platform collected, and may not
//! give back more than it paid (`check_pushed`); the push writes each refund under the
//! counter's refund number, and once it is committed the platform asks the channel
//! (`send_for_operation`). Every answer is appended; a refund in progress or not reached is
//! asked again by the sweep; a failed one stays in the pending list (退款失败) until it is paid
//! another way.

use channels::{RefundOrder, RefundState};
use domain::account::refund_progress::RefundProgress;
use domain::{Money, Tender};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::Envelope;
use wire::pay::RefundStatus;

use crate::error::{ApiError, ApiResult};
use crate::push_checks::Refusal;
use crate::{AppState, audit};

/// A refund a pushed operation asks for, checked, to be written if the operation is applied.
#[derive(Debug)]
pub struct NewRefund {
    line: wire::pay::RefundLine,
    transaction_id: String,
    order_no: String,
    case_no: String,
}

/// The refunds a pushed operation asks for are of payments collected here, within what each
/// paid, under refund numbers not used before.
pub async fn check_pushed(conn: &mut PgConnection, envelope: &Envelope) -> ApiResult<Result<Vec<NewRefund>, Refusal>> {
    let mut out: Vec<NewRefund> = Vec::new();
    for line in wire::pay::refund_lines(envelope) {
        let label = line.tender.label();
        let Some(transaction) = line.transaction_id.clone() else {
            return Ok(Err(Refusal {
                code: "CHANNEL_REFUND_UNKNOWN",
                message: format!("原路退回{label}的款项没有原交易号，不能原路退款"),
            }));
        };
        let Some(crate::payments::Paid { order_no, tender, amount_fen: paid_fen, case_no, .. }) =
            crate::payments::paid(conn, &transaction).await?
        else {
            return Ok(Err(Refusal {
                code: "CHANNEL_REFUND_UNKNOWN",
                message: format!("平台没有经{label}收到交易号为 {transaction} 的付款，不能原路退款"),
            }));
        };
        if tender != line.tender.code() {
            return Ok(Err(Refusal {
                code: "CHANNEL_REFUND_MISMATCH",
                message: format!("交易号 {transaction} 不是{label}付款，不能原路退到{label}"),
            }));
        }
        let (refunded, used): (i64, bool) = sqlx::query_as(
            "SELECT COALESCE((SELECT SUM(amount_fen) FROM channel_refunds WHERE transaction_id = $1), 0)::BIGINT,
                    EXISTS (SELECT 1 FROM channel_refunds WHERE refund_no = $2)",
        )
        .bind(&transaction)
        .bind(&line.refund_no)
        .fetch_one(&mut *conn)
        .await?;
        if used {
            return Ok(Err(Refusal {
                code: "CHANNEL_REFUND_USED",
                message: format!("退款单号 {} 已用于另一笔退款", line.refund_no),
            }));
        }
        let earlier: i64 = out.iter().filter(|r| r.transaction_id == transaction).map(|r| r.line.amount.fen()).sum();
        if refunded + earlier + line.amount.fen() > paid_fen {
            let left = Money::from_fen(paid_fen - refunded - earlier).unwrap_or(Money::ZERO);
            return Ok(Err(Refusal {
                code: "CHANNEL_REFUND_EXCEEDS",
                message: format!(
                    "交易号 {transaction} 最多还可原路退回 {}，本次申请 {}",
                    left.yuan(),
                    line.amount.yuan()
                ),
            }));
        }
        out.push(NewRefund { line, transaction_id: transaction, order_no, case_no });
    }
    Ok(Ok(out))
}

/// Writes the refunds of an applied operation, in its transaction.
pub async fn write(
    conn: &mut PgConnection,
    refunds: &[NewRefund],
    cashier: &str,
    key: Uuid,
    now: chrono::NaiveDateTime,
) -> ApiResult<()> {
    for r in refunds {
        sqlx::query(
            "INSERT INTO channel_refunds (refund_no, transaction_id, order_no, tender, amount_fen, case_no, record_no, record_key, cashier, reason, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&r.line.refund_no)
        .bind(&r.transaction_id)
        .bind(&r.order_no)
        .bind(r.line.tender.code())
        .bind(r.line.amount.fen())
        .bind(&r.case_no)
        .bind(&r.line.record_no)
        .bind(key)
        .bind(cashier)
        .bind(&r.line.reason)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const STATUS: &str = "SELECT r.refund_no, r.case_no, r.record_no, r.tender, r.amount_fen, r.transaction_id,
        COALESCE(e.state, 'requested') AS state, e.refund_id, e.message, r.at, r.order_no, r.reason
     FROM channel_refunds r
     LEFT JOIN LATERAL (SELECT state, refund_id, message FROM channel_refund_events x WHERE x.refund_no = r.refund_no
                        AND x.state <> 'unavailable' ORDER BY x.id DESC LIMIT 1) e ON true";

type Row = (
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    chrono::NaiveDateTime,
    String,
    String,
);

fn status(row: &Row) -> ApiResult<RefundStatus> {
    Ok(RefundStatus {
        refund_no: row.0.clone(),
        case_no: row.1.clone(),
        record_no: row.2.clone(),
        tender: row.3.clone(),
        amount: contract::Yuan(Money::from_fen(row.4).map_err(ApiError::internal)?),
        transaction_id: row.5.clone(),
        state: row.6.clone(),
        refund_id: row.7.clone(),
        message: row.8.clone(),
        at: row.9,
    })
}

/// The refunds of an admission (by its case number), oldest first.
pub async fn of_case(state: &AppState, case_no: &str) -> ApiResult<Vec<RefundStatus>> {
    let rows: Vec<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{STATUS} WHERE r.case_no = $1 ORDER BY r.at, r.refund_no")))
            .bind(case_no.trim())
            .fetch_all(&state.pool)
            .await?;
    rows.iter().map(status).collect()
}

/// The refunds that failed (退款失败) and were not paid in cash since: the pending list's.
pub async fn failed(state: &AppState) -> ApiResult<Vec<RefundStatus>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STATUS} WHERE e.state = 'failed'
           AND NOT EXISTS (SELECT 1 FROM channel_order_uses u WHERE u.transaction_id = r.refund_no)
         ORDER BY r.at, r.refund_no"
    )))
    .fetch_all(&state.pool)
    .await?;
    rows.iter().map(status).collect()
}

/// Asks the channel about refund `refund_no` (for it, if it never answered), appends the
/// answer and returns where the refund stands.
pub async fn send(state: &AppState, refund_no: &str) -> ApiResult<RefundStatus> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{STATUS} WHERE r.refund_no = $1")))
        .bind(refund_no.trim())
        .fetch_optional(&state.pool)
        .await?;
    let Some(row) = row else {
        return Err(ApiError::not_found(format!("平台上没有退款单 {}", refund_no.trim())));
    };
    let current = status(&row)?;
    if RefundProgress::parse(&current.state).is_some_and(RefundProgress::is_final) {
        return Ok(current);
    }
    let tender = Tender::parse(&row.3).map_err(ApiError::internal)?;
    let Some(channel) = state.channels.iter().find(|c| c.tender() == tender) else {
        return Err(ApiError::internal(format!("平台未接入{}", tender.label())));
    };
    let order = RefundOrder {
        refund_no: row.0.clone(),
        order_no: row.10.clone(),
        transaction_id: row.5.clone(),
        tender,
        amount: current.amount.money(),
        reason: row.11.clone(),
    };
    let answer = channels::refund::refund(channel.as_ref(), &order).await;
    // The progress codes are `RefundProgress`'s; `unavailable` is a call that reached nobody.
    let (event, refund_id, code, message) = match &answer {
        Ok(RefundState::Unknown) => return Ok(current),
        Ok(s @ RefundState::Processing) => (s.progress().code(), None, None, None),
        Ok(s @ RefundState::Refunded { refund_id }) => (s.progress().code(), Some(refund_id.clone()), None, None),
        Ok(s @ RefundState::Failed { code, message }) => {
            (s.progress().code(), None, Some(code.clone()), Some(message.clone()))
        }
        Err(e) => ("unavailable", None, None, Some(e.to_string())),
    };
    if event == current.state {
        return Ok(current);
    }
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "INSERT INTO channel_refund_events (refund_no, state, refund_id, code, message, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&row.0)
    .bind(event)
    .bind(&refund_id)
    .bind(&code)
    .bind(&message)
    .bind(state.clock().now())
    .execute(&mut *tx)
    .await?;
    if event == RefundProgress::Failed.code() {
        let detail = serde_json::json!({ "refund_no": row.0, "case_no": row.1, "code": code, "reason": message });
        audit::append(&mut tx, "platform", "channel.refund_failed", &detail).await?;
    }
    tx.commit().await?;
    tracing::info!(refund = %row.0, state = event, "channel refund");
    if event == "unavailable" {
        return Ok(current);
    }
    Ok(RefundStatus { state: event.to_owned(), refund_id, message, ..current })
}

/// Asks the channel for the refunds of the operation `key`, just pushed.
pub async fn send_for_operation(state: AppState, key: Uuid) {
    let refund_nos: Vec<String> =
        match sqlx::query_scalar("SELECT refund_no FROM channel_refunds WHERE record_key = $1 ORDER BY refund_no")
            .bind(key)
            .fetch_all(&state.pool)
            .await
        {
            Ok(nos) => nos,
            Err(e) => {
                tracing::warn!(error = %e, "refunds of a pushed operation not read; the sweep asks later");
                return;
            }
        };
    for refund_no in refund_nos {
        if let Err(e) = send(&state, &refund_no).await {
            tracing::warn!(refund = %refund_no, code = e.body.code, "refund not asked yet; the sweep asks later");
        }
    }
}

/// Asks again about every refund not final (never answered, in progress, not reached).
pub async fn sweep(state: &AppState) -> ApiResult<usize> {
    let open: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT q.refund_no FROM ({STATUS}) q WHERE q.state NOT IN ('refunded', 'failed') ORDER BY q.at"
    )))
    .fetch_all(&state.pool)
    .await?;
    let mut asked = 0;
    for refund_no in open {
        send(state, &refund_no).await?;
        asked += 1;
    }
    Ok(asked)
}
