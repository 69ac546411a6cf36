//! 付款码收款 for linked counters: the platform holds the merchant credentials, so a counter's
//! WeChat or Alipay collection is asked here, under the counter's order number (from the
//! operation's key and the code: a retry is the same order, never a second payment). The order
//! and every outcome the channel gave are kept (`channel_orders`, `channel_order_events`), and a
//! pushed deposit or settlement must name a transaction paid here, of that tender and amount, by
//! that cashier, used by no other record (`check_pushed`). A payment no record named within a
//! day (the counter crashed and the operation was never retried) is given back to the payer
//! automatically and logged (`give_back_orphans`): never money taken without a record.

use axum::http::StatusCode;
use channels::{CodeOrder, CollectError};
use domain::account::pay_code::PayCode;
use domain::{PaymentAmount, Tender};
use sqlx::PgConnection;
use wire::pay::{CancelOrder, CodePaid, CodePayment};
use wire::{Envelope, Record};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::paid_otherwise::Returned;
use crate::push_checks::{Pusher, Refusal};
use crate::{AppState, audit};

fn channel(state: &AppState, tender: Tender) -> ApiResult<&std::sync::Arc<dyn channels::PayChannel>> {
    state
        .channels
        .iter()
        .find(|c| c.tender() == tender)
        .ok_or_else(|| ApiError::bad_request("TENDER_NOT_CHANNEL", format!("{}不经支付渠道收款", tender.label())))
}

async fn record_outcome(
    conn: &mut PgConnection,
    order_no: &str,
    outcome: &str,
    transaction_id: Option<&str>,
    code: Option<&str>,
    message: Option<&str>,
    at: chrono::NaiveDateTime,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO channel_order_events (order_no, outcome, transaction_id, code, message, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_no)
    .bind(outcome)
    .bind(transaction_id)
    .bind(code)
    .bind(message)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Collects a counter's code payment through the channel.
pub async fn collect(state: &AppState, caller: &Caller, request: &CodePayment) -> ApiResult<CodePaid> {
    let tender = Tender::parse(&request.tender).map_err(|e| ApiError::bad_request("TENDER_UNKNOWN", e.to_string()))?;
    let code =
        PayCode::parse(tender, Some(&request.auth_code)).map_err(|e| ApiError::bad_request(e.code(), e.to_string()))?;
    let amount = PaymentAmount::new(request.amount.money())
        .map_err(|e| ApiError::bad_request("AMOUNT_NOT_POSITIVE", e.to_string()))?
        .money();
    let order_no = request.order_no.trim();
    if order_no.len() != 32 || !order_no.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request("ORDER_NO_INVALID", "商户订单号应为 32 位字母或数字"));
    }
    let channel = channel(state, tender)?;
    let now = state.clock().now();
    let mut conn = state.pool.acquire().await?;
    let seen: Option<(String, i64, String)> =
        sqlx::query_as("SELECT tender, amount_fen, cashier FROM channel_orders WHERE order_no = $1")
            .bind(order_no)
            .fetch_optional(&mut *conn)
            .await?;
    match seen {
        Some((t, fen, cashier)) if t != tender.code() || fen != amount.fen() || cashier != caller.username => {
            return Err(ApiError::new(StatusCode::CONFLICT, wire::codes::KEY_CONFLICT, "同一订单号已用于另一笔收款"));
        }
        Some(_) => {}
        None => {
            sqlx::query(
                "INSERT INTO channel_orders (order_no, tender, amount_fen, case_no, cashier, device_id, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_no) DO NOTHING",
            )
            .bind(order_no)
            .bind(tender.code())
            .bind(amount.fen())
            .bind(request.case_no.trim())
            .bind(&caller.username)
            .bind(caller.device_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    }
    // An order already paid here is answered from the platform's own register: a retry after a
    // lost answer (or after the channel's connection was renewed) never pays again.
    let paid: Option<String> = sqlx::query_scalar::<_, Option<String>>(
        "SELECT e.transaction_id FROM channel_order_events e WHERE e.order_no = $1 AND e.outcome = 'paid'
           AND NOT EXISTS (SELECT 1 FROM channel_order_events c WHERE c.order_no = $1 AND c.outcome = 'cancelled')
         ORDER BY e.id DESC LIMIT 1",
    )
    .bind(order_no)
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    if let Some(transaction_id) = paid {
        return Ok(CodePaid { order_no: order_no.to_owned(), transaction_id });
    }
    drop(conn);
    let order = CodeOrder {
        order_no: order_no.to_owned(),
        tender,
        amount,
        auth_code: code.as_str().to_owned(),
        subject: request.subject.clone(),
    };
    // The payer may take half a minute: no connection is held meanwhile.
    let result = channels::collect(channel.as_ref(), &order, state.pay_patience).await;
    let mut conn = state.pool.acquire().await?;
    let at = state.clock().now();
    match &result {
        Ok(id) => record_outcome(&mut conn, order_no, "paid", Some(id), None, None, at).await?,
        Err(e) => {
            let outcome = match e {
                CollectError::Refused { .. } => "refused",
                CollectError::TimedOut { .. } => "timed_out",
                CollectError::Unavailable(_) => "unavailable",
                CollectError::Undecided { .. } => "undecided",
            };
            record_outcome(&mut conn, order_no, outcome, None, Some(e.code()), Some(&e.to_string()), at).await?;
        }
    }
    match result {
        Ok(transaction_id) => {
            let detail =
                serde_json::json!({ "order_no": order_no, "tender": tender.code(), "amount": amount.to_string() });
            let mut tx = state.pool.begin().await?;
            audit::append(&mut tx, &caller.username, "channel.collected", &detail).await?;
            tx.commit().await?;
            Ok(CodePaid { order_no: order_no.to_owned(), transaction_id })
        }
        Err(CollectError::Unavailable(e)) => {
            Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "CHANNEL_UNAVAILABLE", format!("{e}，未扣款")))
        }
        Err(e) => Err(ApiError::new(StatusCode::CONFLICT, e.code(), e.to_string())),
    }
}

/// 撤销 the caller's order (its operation could not be written): the money goes back.
pub async fn cancel(state: &AppState, caller: &Caller, request: &CancelOrder) -> ApiResult<()> {
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT tender, cashier FROM channel_orders WHERE order_no = $1")
            .bind(request.order_no.trim())
            .fetch_optional(&state.pool)
            .await?;
    let Some((tender, cashier)) = found else {
        return Err(ApiError::not_found(format!("平台上没有订单 {}", request.order_no.trim())));
    };
    if cashier != caller.username {
        return Err(ApiError::forbidden("只能撤销本人的收款"));
    }
    let used: Option<String> = sqlx::query_scalar(
        "SELECT u.transaction_id FROM channel_order_uses u JOIN channel_order_events e ON e.transaction_id = u.transaction_id
         WHERE e.order_no = $1",
    )
    .bind(request.order_no.trim())
    .fetch_optional(&state.pool)
    .await?;
    if used.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "ORDER_RECORDED", "该笔收款已入账，不能撤销（请走退款）"));
    }
    let tender = Tender::parse(&tender).map_err(ApiError::internal)?;
    channel(state, tender)?
        .cancel(request.order_no.trim())
        .await
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "CHANNEL_UNAVAILABLE", e.to_string()))?;
    let mut tx = state.pool.begin().await?;
    record_outcome(&mut tx, request.order_no.trim(), "cancelled", None, None, None, state.clock().now()).await?;
    audit::append(&mut tx, &caller.username, "channel.cancelled", &serde_json::json!({ "order_no": request.order_no }))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A payment the platform collected (paid, not cancelled since), by its transaction number.
pub struct Paid {
    pub order_no: String,
    pub tender: String,
    pub amount_fen: i64,
    pub cashier: String,
    pub case_no: String,
}

pub async fn paid(conn: &mut PgConnection, transaction_id: &str) -> ApiResult<Option<Paid>> {
    let row: Option<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT o.order_no, o.tender, o.amount_fen, o.cashier, o.case_no
           FROM channel_order_events e JOIN channel_orders o ON o.order_no = e.order_no
          WHERE e.transaction_id = $1 AND e.outcome = 'paid'
            AND NOT EXISTS (SELECT 1 FROM channel_order_events c WHERE c.order_no = e.order_no AND c.outcome = 'cancelled')",
    )
    .bind(transaction_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(order_no, tender, amount_fen, cashier, case_no)| Paid {
        order_no,
        tender,
        amount_fen,
        cashier,
        case_no,
    }))
}

/// The WeChat and Alipay collections a pushed operation states: (tender, amount in fen, reference).
fn collections(envelope: &Envelope) -> Vec<(&str, i64, Option<&str>)> {
    let mut out = Vec::new();
    for record in &envelope.records {
        match record {
            Record::Deposit(d) if d.deposit_kind == "deposit" => {
                for t in &d.tenders {
                    out.push((t.tender.as_str(), t.amount.money().fen(), t.reference.as_deref()));
                }
            }
            Record::Settlement(s) => {
                for p in s.payments.iter().filter(|p| p.deposit.is_none()) {
                    out.push((p.tender.as_str(), p.amount.money().fen(), p.reference.as_deref()));
                }
            }
            _ => {}
        }
    }
    out.retain(|(tender, fen, _)| *fen > 0 && Tender::parse(tender).is_ok_and(PayCode::scanned_for));
    out
}

/// A pushed WeChat or Alipay collection names a transaction the platform collected: paid, of
/// that tender and amount, by the pushing cashier, and used by no other record (it is then
/// marked used by this operation's record, in the push's transaction).
pub async fn check_pushed(conn: &mut PgConnection, pusher: &Pusher, envelope: &Envelope) -> ApiResult<Option<Refusal>> {
    let cashier = pusher.username.as_str();
    let record_key = envelope.records.first().map(|r| r.key()).unwrap_or_default();
    for (tender, fen, reference) in collections(envelope) {
        let label = Tender::parse(tender).map(Tender::label).unwrap_or("渠道");
        let Some(transaction) = reference else {
            return Ok(Some(Refusal {
                code: "CHANNEL_PAYMENT_UNKNOWN",
                message: format!("{label}收款没有交易号：平台未经支付渠道收到这笔钱"),
            }));
        };
        // 改退: the money of a refund the channel could not make, back on the deposits.
        match crate::paid_otherwise::returned(conn, pusher, tender, fen, transaction, record_key).await? {
            Returned::Taken => continue,
            Returned::Refused(refusal) => return Ok(Some(refusal)),
            Returned::NotARefund => {}
        }
        let Some(Paid { tender: paid_tender, amount_fen: paid_fen, cashier: paid_by, .. }) =
            paid(conn, transaction).await?
        else {
            return Ok(Some(Refusal {
                code: "CHANNEL_PAYMENT_UNKNOWN",
                message: format!("平台没有经{label}收到交易号为 {transaction} 的付款（或已撤销）"),
            }));
        };
        if paid_tender != tender || paid_fen != fen || paid_by != cashier {
            return Ok(Some(Refusal {
                code: "CHANNEL_PAYMENT_MISMATCH",
                message: format!("交易号 {transaction} 的收款与记录不符（支付方式、金额或收费员不同）"),
            }));
        }
        let taken = sqlx::query(
            "INSERT INTO channel_order_uses (transaction_id, record_key) VALUES ($1, $2) ON CONFLICT (transaction_id) DO NOTHING",
        )
        .bind(transaction)
        .bind(record_key)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if taken == 0 {
            return Ok(Some(Refusal {
                code: "CHANNEL_PAYMENT_USED",
                message: format!("交易号 {transaction} 的收款已记在另一笔记录上"),
            }));
        }
    }
    Ok(None)
}

/// Cancels (撤销: the money goes back) the paid orders no pushed record named for `older_than`,
/// each logged and audited; how many were given back.
pub async fn give_back_orphans(state: &AppState, older_than: chrono::Duration) -> ApiResult<usize> {
    let cutoff = state.clock().now() - older_than;
    let orphans: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT o.order_no, o.tender, e.transaction_id FROM channel_orders o JOIN channel_order_events e ON e.order_no = o.order_no
         WHERE e.outcome = 'paid' AND e.at < $1
           AND NOT EXISTS (SELECT 1 FROM channel_order_events c WHERE c.order_no = o.order_no AND c.outcome = 'cancelled')
           AND NOT EXISTS (SELECT 1 FROM channel_order_uses u WHERE u.transaction_id = e.transaction_id)
         ORDER BY e.at",
    )
    .bind(cutoff)
    .fetch_all(&state.pool)
    .await?;
    let mut given = 0;
    for (order_no, tender, transaction_id) in orphans {
        let tender = Tender::parse(&tender).map_err(ApiError::internal)?;
        if let Err(e) = channel(state, tender)?.cancel(&order_no).await {
            tracing::warn!(order = %order_no, error = %e, "an orphan code payment could not be given back yet");
            continue;
        }
        let mut tx = state.pool.begin().await?;
        // The use check again, under the row's lock: a push that named it meanwhile keeps it.
        let named: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM channel_order_uses WHERE transaction_id = $1)")
                .bind(&transaction_id)
                .fetch_one(&mut *tx)
                .await?;
        if named {
            tracing::error!(order = %order_no, "a code payment was named by a record while it was given back");
        }
        let message = "无记录的收款，已自动撤销退回付款人";
        record_outcome(&mut tx, &order_no, "cancelled", None, Some("ORPHAN"), Some(message), state.clock().now())
            .await?;
        let detail = serde_json::json!({ "order_no": order_no, "transaction_id": transaction_id });
        audit::append(&mut tx, "platform", "channel.orphan_given_back", &detail).await?;
        tx.commit().await?;
        tracing::warn!(order = %order_no, "a code payment no record named was given back to the payer");
        given += 1;
    }
    Ok(given)
}

/// Runs [`give_back_orphans`] and the refunds' sweep (`refunds::sweep`) every `period`.
pub async fn run_orphan_sweep(state: AppState, older_than: chrono::Duration, period: std::time::Duration) {
    loop {
        match give_back_orphans(&state, older_than).await {
            Ok(0) => {}
            Ok(given) => tracing::info!(given, "orphan code payments given back"),
            Err(e) => tracing::warn!(code = e.body.code, "orphan code payment sweep"),
        }
        if let Err(e) = crate::refunds::sweep(&state).await {
            tracing::warn!(code = e.body.code, "refund sweep");
        }
        tokio::time::sleep(period).await;
    }
}
