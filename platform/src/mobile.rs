//! 移动预交金: a deposit paid in the hospital's app or at a kiosk reaches the platform as the
//! channel's signed notification. The platform checks the signature with the merchant key,
//! credits the admission's deposit (a journal record every counter pulls, checked by the same
//! fold as a counter's) and only then answers the channel; a notification already taken is
//! answered again and changes nothing. A payment that cannot be credited — the case unknown
//! (the admission may not have reached the platform from the HIS yet), the admission settled —
//! is answered "not yet" so the channel announces it again, and once it has been announced
//! `serve --mobile-credit-attempts` times (3) it is refunded by the original route, with the
//! reason. Each notification is logged (`channel_notifications`), whatever became of it.

use channels::notify::{Notification, NotifyError};
use domain::Tender;
use sqlx::PgConnection;
use uuid::Uuid;
use wire::Envelope;
use wire::fold::FoldError;
use wire::fold::Ledger;
use wire::records::{DepositRecord, Record, TenderRecord};

use crate::error::ApiResult;
use crate::{AppState, audit, journal};

/// The code logged for an announcement answered "not yet" (the payment cannot be credited).
const NOT_CREDITABLE: &str = "NOT_CREDITABLE";

/// Who the credited deposits name as their cashier.
pub const MOBILE_CASHIER: &str = "移动支付";

/// What became of a notification.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Credited to the admission (the deposit's receipt number).
    Credited(String),
    /// Not creditable: refunded by the original route (why).
    Refunded(String),
    /// Not creditable yet (why): the channel announces it again.
    NotYet(String),
    /// Taken before: nothing done.
    Duplicate,
}

async fn log(
    state: &AppState,
    tender: Tender,
    verdict: &str,
    code: Option<&str>,
    transaction_id: Option<&str>,
    body: &[u8],
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO channel_notifications (tender, verdict, code, transaction_id, body, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tender.code())
    .bind(verdict)
    .bind(code)
    .bind(transaction_id)
    .bind(String::from_utf8_lossy(body).into_owned())
    .bind(state.clock().now())
    .execute(&state.pool)
    .await?;
    Ok(())
}

/// Takes a notification `tender`'s channel posted: Ok when it was read (the verdict says whether
/// the channel may stop announcing it).
pub async fn receive(state: &AppState, tender: Tender, body: &[u8]) -> Result<Verdict, NotifyError> {
    let key = state.merchant_key(tender);
    let notification = match channels::notify::read(tender, body, key) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(tender = tender.code(), code = e.code(), "a payment notification refused");
            let _ = log(state, tender, "refused", Some(e.code()), None, body).await;
            return Err(e);
        }
    };
    // A few attempts against a busy database; then the channel announces again later.
    let mut last = None;
    for _ in 0..3 {
        match credit(state, &notification).await {
            Ok(Verdict::NotYet(reason)) => {
                tracing::info!(transaction = %notification.transaction_id, %reason, "a mobile payment not creditable yet");
                let _ =
                    log(state, tender, "failed", Some(NOT_CREDITABLE), Some(&notification.transaction_id), body).await;
                return Ok(Verdict::NotYet(reason));
            }
            Ok(verdict) => {
                let said = if verdict == Verdict::Duplicate { "duplicate" } else { "taken" };
                let _ = log(state, tender, said, None, Some(&notification.transaction_id), body).await;
                if let Verdict::Refunded(_) = &verdict {
                    let refund_no = refund_no_of(&notification);
                    tokio::spawn(send_refund(state.clone(), refund_no));
                }
                return Ok(verdict);
            }
            Err(e) => last = Some(e),
        }
    }
    let code = last.as_ref().map_or("INTERNAL", |e| e.body.code.as_str());
    tracing::warn!(transaction = %notification.transaction_id, code, "a mobile payment not credited; the channel announces again");
    let _ = log(state, tender, "failed", Some(code), Some(&notification.transaction_id), body).await;
    Err(NotifyError::Malformed(format!("暂时无法入账（{code}），请稍后再通知")))
}

async fn send_refund(state: AppState, refund_no: String) {
    if let Err(e) = crate::refunds::send(&state, &refund_no).await {
        tracing::warn!(refund = %refund_no, code = e.body.code, "automatic refund not asked yet; the sweep asks later");
    }
}

fn refund_no_of(n: &Notification) -> String {
    format!("{}tk", n.order_no)
}

/// How many announcements of `n`'s payment were answered "not yet" before this one.
async fn announced_before(conn: &mut PgConnection, n: &Notification) -> ApiResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM channel_notifications WHERE transaction_id = $1 AND verdict = 'failed' AND code = $2",
    )
    .bind(&n.transaction_id)
    .bind(NOT_CREDITABLE)
    .fetch_one(&mut *conn)
    .await?)
}

/// Credits `n` once: the deposit, or (when it cannot be) the refund, in one transaction.
async fn credit(state: &AppState, n: &Notification) -> ApiResult<Verdict> {
    let mut tx = state.pool.begin().await?;
    // One notification of a transaction at a time: a duplicate waits and then sees it taken.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(&n.transaction_id).execute(&mut *tx).await?;
    let seen: Option<String> = sqlx::query_scalar("SELECT outcome FROM mobile_payments WHERE transaction_id = $1")
        .bind(&n.transaction_id)
        .fetch_optional(&mut *tx)
        .await?;
    if seen.is_some() {
        return Ok(Verdict::Duplicate);
    }
    let now = state.clock().now();
    record_order(&mut tx, n, now).await?;
    let admission: Option<Uuid> = sqlx::query_scalar("SELECT id FROM admissions WHERE case_no = $1")
        .bind(n.case_no.trim())
        .fetch_optional(&mut *tx)
        .await?;
    let refused = match admission {
        None => Err(format!("平台上没有病案号为 {} 的住院", n.case_no.trim())),
        Some(admission_id) => deposit(state, &mut tx, n, admission_id, now).await?,
    };
    let credit = match refused {
        Ok(credit) => credit,
        Err(reason) if announced_before(&mut tx, n).await? + 1 < i64::from(state.mobile_credit_attempts) => {
            tx.rollback().await?;
            return Ok(Verdict::NotYet(reason));
        }
        Err(reason) => {
            let refund_no = refund_no_of(n);
            sqlx::query(
                "INSERT INTO channel_refunds (refund_no, transaction_id, order_no, tender, amount_fen, case_no, record_no, record_key, cashier, reason, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $3, $7, $8, $9, $10)",
            )
            .bind(&refund_no)
            .bind(&n.transaction_id)
            .bind(&n.order_no)
            .bind(n.tender.code())
            .bind(n.amount.fen())
            .bind(n.case_no.trim())
            .bind(state.clock.key())
            .bind(MOBILE_CASHIER)
            .bind(format!("移动预交金无法入账，原路退回：{reason}"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO mobile_payments (transaction_id, order_no, tender, amount_fen, case_no, outcome, refund_no, reason, paid_at, received_at)
                 VALUES ($1, $2, $3, $4, $5, 'refunded', $6, $7, $8, $9)",
            )
            .bind(&n.transaction_id)
            .bind(&n.order_no)
            .bind(n.tender.code())
            .bind(n.amount.fen())
            .bind(n.case_no.trim())
            .bind(&refund_no)
            .bind(&reason)
            .bind(n.paid_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let detail =
                serde_json::json!({ "transaction_id": n.transaction_id, "case_no": n.case_no, "reason": reason });
            audit::append(&mut tx, "platform", "mobile.refunded", &detail).await?;
            tx.commit().await?;
            tracing::warn!(transaction = %n.transaction_id, %reason, "a mobile payment refunded: it cannot be credited");
            return Ok(Verdict::Refunded(reason));
        }
    };
    tx.commit().await?;
    state.ledgers.store(credit.admission_id, credit.seq, credit.ledger);
    tracing::info!(transaction = %n.transaction_id, receipt_no = %credit.receipt_no, "a mobile payment credited");
    Ok(Verdict::Credited(credit.receipt_no))
}

/// The order and its payment in the platform's register, as a counter's code payment is kept:
/// refunds and the day's reconciliation find it there.
async fn record_order(conn: &mut PgConnection, n: &Notification, now: chrono::NaiveDateTime) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO channel_orders (order_no, tender, amount_fen, case_no, cashier, device_id, at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (order_no) DO NOTHING",
    )
    .bind(&n.order_no)
    .bind(n.tender.code())
    .bind(n.amount.fen())
    .bind(n.case_no.trim())
    .bind(MOBILE_CASHIER)
    .bind(n.paid_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO channel_order_events (order_no, outcome, transaction_id, code, message, at) VALUES ($1, 'paid', $2, 'NOTIFIED', NULL, $3)",
    )
    .bind(&n.order_no)
    .bind(&n.transaction_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A deposit written, and the admission's ledger with it (kept once the transaction commits).
struct Credit {
    receipt_no: String,
    seq: i64,
    ledger: Ledger,
    admission_id: Uuid,
}

/// Writes the deposit if the admission's ledger takes it, or says why not.
async fn deposit(
    state: &AppState,
    tx: &mut PgConnection,
    n: &Notification,
    admission_id: Uuid,
    now: chrono::NaiveDateTime,
) -> ApiResult<Result<Credit, String>> {
    let Some(ward) = journal::lock_admission(tx, admission_id).await? else {
        return Ok(Err("住院不存在".into()));
    };
    let key = state.clock.key();
    let receipt_no = format!("YD{}", n.order_no);
    let record = Record::Deposit(DepositRecord {
        key,
        admission_id,
        receipt_no: receipt_no.clone(),
        deposit_kind: "deposit".to_owned(),
        reverses: None,
        settlement: None,
        amount: contract::Yuan(n.amount),
        tenders: vec![TenderRecord {
            tender: n.tender.code().to_owned(),
            amount: contract::Yuan(n.amount),
            reference: Some(n.transaction_id.clone()),
        }],
        at: n.paid_at,
        cashier: MOBILE_CASHIER.to_owned(),
        reason: None,
    });
    let envelope = Envelope {
        key,
        admission_id,
        cashier: MOBILE_CASHIER.to_owned(),
        at: n.paid_at,
        records: vec![record],
        approval: None,
    };
    let (seq, mut ledger) = state.ledgers.take(tx, admission_id).await?;
    let facts = crate::push::facts(state, tx, &envelope, now).await?;
    match ledger.check_and_apply(&envelope, &facts) {
        Ok(()) => {}
        Err(FoldError::Conflict { message, .. } | FoldError::Malformed { message, .. }) => {
            state.ledgers.store(admission_id, seq, ledger);
            return Ok(Err(message));
        }
    }
    let mut last = seq;
    for record in &envelope.records {
        last = journal::insert(tx, admission_id, &ward, record, None, Some(key)).await?;
    }
    sqlx::query("INSERT INTO channel_order_uses (transaction_id, record_key) VALUES ($1, $2)")
        .bind(&n.transaction_id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO mobile_payments (transaction_id, order_no, tender, amount_fen, case_no, outcome, record_key, paid_at, received_at)
         VALUES ($1, $2, $3, $4, $5, 'credited', $6, $7, $8)",
    )
    .bind(&n.transaction_id)
    .bind(&n.order_no)
    .bind(n.tender.code())
    .bind(n.amount.fen())
    .bind(n.case_no.trim())
    .bind(key)
    .bind(n.paid_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "transaction_id": n.transaction_id, "receipt_no": receipt_no, "amount": n.amount.to_string() });
    audit::append(tx, "platform", "mobile.credited", &detail).await?;
    Ok(Ok(Credit { receipt_no, seq: last, ledger, admission_id }))
}
