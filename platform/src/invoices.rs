//! The fiscal e-invoice of every applied settlement (电子票据). The platform holds the hospital's
//! fiscal credentials and the one legal sequence: as soon as a push applies a settlement it asks
//! the fiscal adapter for its invoice, and after a recall for the red reversal (冲红) — in the
//! background, so a push never waits on the fiscal platform. What failed is tried again by the
//! [`Runner`] (and listed for finance: [`unfinished`]); an unknown outcome is resolved by the
//! settlement's key (`fiscal::issue_once`), never by a second invoice. Every answer is an
//! `invoice_events` row and an `invoice` journal record in one transaction, so counters learn it
//! through the feed.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use domain::invoice::invoice_amounts;
use fiscal::{InvoiceRequest, WriteOff, issue_once, write_off_once};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::Record;
use wire::fold::Ledger;
use wire::records::InvoiceRecord;

use crate::error::{ApiError, ApiResult};
use crate::{AppState, journal};

/// What is left to do for one settlement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unfinished {
    pub settlement_key: Uuid,
    pub admission_id: Uuid,
    pub settlement_no: String,
    /// True: issued and recalled, waiting for the reversal; false: not issued yet.
    pub reverse: bool,
    /// The latest failure, if any attempt failed.
    pub failure: Option<String>,
}

/// Settlements with fees whose invoice is not issued (and that are not recalled), and recalled
/// ones whose invoice is not reversed, oldest first.
pub async fn unfinished(conn: &mut PgConnection) -> ApiResult<Vec<Unfinished>> {
    let rows: Vec<(Uuid, Uuid, String, bool, Option<String>)> = sqlx::query_as(
        "WITH s AS (
             SELECT j.key, j.admission_id, j.record->>'settlement_no' AS no, j.seq,
                    EXISTS (SELECT 1 FROM journal r WHERE r.kind = 'recall' AND r.admission_id = j.admission_id
                                AND r.record->>'settlement' = j.key::text) AS recalled,
                    EXISTS (SELECT 1 FROM invoice_events i WHERE i.settlement_key = j.key AND i.kind = 'issued') AS issued,
                    EXISTS (SELECT 1 FROM invoice_events i WHERE i.settlement_key = j.key AND i.kind = 'reversed') AS reversed
             FROM journal j
             WHERE j.kind = 'settlement' AND (j.record->>'fees')::numeric > 0
         )
         SELECT s.key, s.admission_id, s.no, s.issued,
                (SELECT f.message FROM invoice_events f WHERE f.settlement_key = s.key AND f.kind = 'failed'
                  ORDER BY f.at DESC, f.key DESC LIMIT 1)
         FROM s
         WHERE (NOT s.issued AND NOT s.recalled) OR (s.issued AND s.recalled AND NOT s.reversed)
         ORDER BY s.seq",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(settlement_key, admission_id, settlement_no, reverse, failure)| Unfinished {
            settlement_key,
            admission_id,
            settlement_no,
            reverse,
            failure,
        })
        .collect())
}

/// Issues or reverses everything unfinished; answers how many are still unfinished. `by_itself`
/// (the runner): those whose last attempt the fiscal platform refused wait for a retry by hand
/// (their cause must be corrected first); a retry by hand asks for all.
pub async fn finish_all(state: &AppState, by_itself: bool) -> ApiResult<usize> {
    let mut conn = state.pool.acquire().await?;
    let work = unfinished(&mut conn).await?;
    drop(conn);
    let mut left = 0;
    for item in work {
        if by_itself && item.failure.as_deref().is_some_and(|f| !domain::invoice::retried_by_itself(f)) {
            left += 1;
            continue;
        }
        match finish(state, &item).await {
            Ok(true) => {}
            Ok(false) => left += 1,
            Err(e) => {
                tracing::warn!(settlement = %item.settlement_no, code = e.body.code, "invoice not finished");
                left += 1;
            }
        }
    }
    Ok(left)
}

/// The admission's ledger as the journal has it now, through the pushes' cache (only what was
/// journaled since it was cached is replayed), and left in the cache for the next one.
async fn ledger_of(state: &AppState, conn: &mut PgConnection, admission_id: Uuid) -> ApiResult<Ledger> {
    let (seq, ledger) = state.ledgers.take(conn, admission_id).await?;
    state.ledgers.store(admission_id, seq, ledger.clone());
    Ok(ledger)
}

async fn finish(state: &AppState, item: &Unfinished) -> ApiResult<bool> {
    let mut conn = state.pool.acquire().await?;
    let ledger = ledger_of(state, &mut conn, item.admission_id).await?;
    let admission = journal::admission(&mut conn, item.admission_id)
        .await?
        .ok_or_else(|| ApiError::internal("开票的住院记录不存在"))?;
    let issued: Option<(String, String)> =
        sqlx::query_as("SELECT code, number FROM invoice_events WHERE settlement_key = $1 AND kind = 'issued'")
            .bind(item.settlement_key)
            .fetch_optional(&mut *conn)
            .await?;
    drop(conn);
    let settlement =
        ledger.settlement(item.settlement_key).ok_or_else(|| ApiError::internal("开票的结算不在台账中"))?;
    let now = state.clock().now();
    let fiscal = state.fiscal.as_ref();
    let (record, done) = match (item.reverse, issued, &settlement.recall) {
        (true, Some((code, number)), Some(recall)) => {
            let write_off = WriteOff {
                bus_no: item.settlement_key,
                code,
                number,
                reason: recall.reason.clone(),
                operator: recall.by.clone(),
                at: recall.at,
            };
            match write_off_once(fiscal, &write_off).await {
                Ok(red) => (answer(item, "reversed", now).red(red.code, red.number, recall.reason.clone()), true),
                Err(e) => (answer(item, "failed", now).failed(format!("冲红未完成：{e}（{}）", e.code())), false),
            }
        }
        (false, None, None) => {
            let Some(request) = request_for(state, &ledger, &admission, item.settlement_key)? else {
                return Ok(true);
            };
            match issue_once(fiscal, &request).await {
                Ok(issued) => (answer(item, "issued", now).issued(issued), true),
                Err(e) => (answer(item, "failed", now).failed(format!("{e}（{}）", e.code())), false),
            }
        }
        // Nothing to do any more (recalled before it was issued, or done meanwhile).
        _ => return Ok(true),
    };
    keep(state, &record).await?;
    tracing::info!(settlement = %item.settlement_no, event = %record.event, "e-invoice answer kept");
    Ok(done)
}

/// The invoice of settlement `settlement_key` as the platform's ledger and admission record
/// have it (`None`: its fees are not positive, it has none).
fn request_for(
    state: &AppState,
    ledger: &Ledger,
    admission: &domain::Admission,
    settlement_key: Uuid,
) -> ApiResult<Option<InvoiceRequest>> {
    let settlement = ledger.settlement(settlement_key).ok_or_else(|| ApiError::internal("开票的结算不在台账中"))?;
    let Some(amounts) = invoice_amounts(&ledger.account, settlement).map_err(ApiError::internal)? else {
        return Ok(None);
    };
    let place = settlement.place.label().to_owned();
    Ok(Some(InvoiceRequest::of_settlement(
        settlement_key,
        admission,
        settlement,
        amounts,
        place,
        state.hospital.clone(),
    )))
}

/// The invoice check's fix for a settlement of the platform's that one side lacks: its invoice
/// asked for by key (issued when the fiscal platform has none), and kept if the platform had no
/// record of it.
pub async fn adopt(state: &AppState, settlement_key: Uuid) -> ApiResult<()> {
    let mut conn = state.pool.acquire().await?;
    let admission_id: Uuid =
        sqlx::query_scalar("SELECT admission_id FROM journal WHERE kind = 'settlement' AND key = $1")
            .bind(settlement_key)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("平台没有业务流水号为 {settlement_key} 的结算")))?;
    let ledger = ledger_of(state, &mut conn, admission_id).await?;
    let admission =
        journal::admission(&mut conn, admission_id).await?.ok_or_else(|| ApiError::internal("开票的住院记录不存在"))?;
    let recorded: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoice_events WHERE settlement_key = $1 AND kind = 'issued')",
    )
    .bind(settlement_key)
    .fetch_one(&mut *conn)
    .await?;
    drop(conn);
    let request = request_for(state, &ledger, &admission, settlement_key)?
        .ok_or_else(|| ApiError::conflict("INVOICE_NOT_NEEDED", "该结算费用不为正，无需开具电子票据"))?;
    let issued = issue_once(state.fiscal.as_ref(), &request).await.map_err(|e| fiscal_refused(&e))?;
    if !recorded {
        let settlement_no = request.settlement_no.clone();
        let item = Unfinished { settlement_key, admission_id, settlement_no, reverse: false, failure: None };
        keep(state, &answer(&item, "issued", state.clock().now()).issued(issued)).await?;
    }
    Ok(())
}

/// The invoice check's fix for an invoice the fiscal platform holds and the platform has no
/// settlement for (or a red invoice it lacks): reversed at the fiscal platform, audited.
pub async fn reverse_unknown(state: &AppState, bus_no: Uuid, by: &str) -> ApiResult<()> {
    let held = state
        .fiscal
        .query(bus_no)
        .await
        .map_err(|e| fiscal_refused(&e))?
        .ok_or_else(|| ApiError::not_found(format!("财政平台没有业务流水号 {bus_no} 的票据")))?;
    let write_off = WriteOff {
        bus_no,
        code: held.issued.code.clone(),
        number: held.issued.number.clone(),
        reason: "票据对账：平台无对应结算".into(),
        operator: by.to_owned(),
        at: state.clock().now(),
    };
    let red = write_off_once(state.fiscal.as_ref(), &write_off).await.map_err(|e| fiscal_refused(&e))?;
    let detail = serde_json::json!({ "bus_no": bus_no, "number": held.issued.number, "red_number": red.number });
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "INSERT INTO invoice_check_reversals (bus_no, number, red_number, by_user, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(bus_no)
    .bind(&held.issued.number)
    .bind(&red.number)
    .bind(by)
    .bind(state.clock().now())
    .execute(&mut *tx)
    .await?;
    crate::audit::append(&mut tx, by, "invoice.check_reverse", &detail).await?;
    tx.commit().await?;
    Ok(())
}

fn answer(item: &Unfinished, event: &str, at: chrono::NaiveDateTime) -> InvoiceRecord {
    InvoiceRecord {
        key: Uuid::nil(),
        admission_id: item.admission_id,
        settlement: item.settlement_key,
        event: event.to_owned(),
        code: None,
        number: None,
        check_code: None,
        qr: None,
        seal: None,
        amount: None,
        message: None,
        red_code: None,
        red_number: None,
        paper_no: None,
        by: None,
        place: None,
        at,
    }
}

trait Filled {
    fn issued(self, issued: fiscal::Issued) -> Self;
    fn failed(self, message: String) -> Self;
    fn red(self, code: String, number: String, reason: String) -> Self;
}

impl Filled for InvoiceRecord {
    fn issued(self, i: fiscal::Issued) -> Self {
        InvoiceRecord {
            code: Some(i.code),
            number: Some(i.number),
            check_code: Some(i.check_code),
            qr: Some(i.qr),
            seal: Some(i.seal),
            amount: Some(i.total.into()),
            ..self
        }
    }
    fn failed(self, message: String) -> Self {
        InvoiceRecord { message: Some(message), ..self }
    }
    fn red(self, code: String, number: String, reason: String) -> Self {
        InvoiceRecord { red_code: Some(code), red_number: Some(number), message: Some(reason), ..self }
    }
}

/// Keeps an answer: its event row and its journal record, in one transaction (a second issue
/// or reversal of one settlement — two runners racing — changes nothing).
async fn keep(state: &AppState, record: &InvoiceRecord) -> ApiResult<InvoiceRecord> {
    let record = InvoiceRecord { key: state.clock().key(), ..record.clone() };
    let mut tx = state.pool.begin().await?;
    let ward = journal::lock_admission(&mut tx, record.admission_id)
        .await?
        .ok_or_else(|| ApiError::internal("开票的住院记录不存在"))?;
    let inserted = sqlx::query(
        "INSERT INTO invoice_events (key, settlement_key, admission_id, kind, code, number, check_code, seal, amount_fen, message, red_code, red_number, paper_no, by_user, place, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING",
    )
    .bind(record.key)
    .bind(record.settlement)
    .bind(record.admission_id)
    .bind(&record.event)
    .bind(&record.code)
    .bind(&record.number)
    .bind(&record.check_code)
    .bind(&record.seal)
    .bind(record.amount.map(|a| a.money().fen()))
    .bind(&record.message)
    .bind(&record.red_code)
    .bind(&record.red_number)
    .bind(&record.paper_no)
    .bind(&record.by)
    .bind(&record.place)
    .bind(record.at)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        journal::insert(&mut tx, record.admission_id, &ward, &Record::Invoice(record.clone()), None, None).await?;
    }
    tx.commit().await?;
    Ok(record)
}

/// Runs [`finish_all`] whenever woken (a push applied a settlement or a recall) and every
/// `period` (failed attempts are tried again).
#[derive(Debug, Default)]
pub struct Runner {
    pub wake: tokio::sync::Notify,
}

impl Runner {
    pub async fn run(self: Arc<Self>, state: AppState, period: Duration) {
        loop {
            match finish_all(&state, true).await {
                Ok(0) => {}
                Ok(left) => tracing::info!(left, "e-invoices still unfinished"),
                Err(e) => tracing::warn!(code = e.body.code, "e-invoice runner"),
            }
            let _ = tokio::time::timeout(period, self.wake.notified()).await;
        }
    }
}

/// An issued invoice as the platform holds it, with its paper copy if one is valid.
#[derive(Clone, Debug)]
pub struct Held {
    pub settlement_key: Uuid,
    pub admission_id: Uuid,
    pub number: String,
    pub reversed: bool,
    pub valid_paper: Option<String>,
}

const HELD: &str = "SELECT i.settlement_key, i.admission_id, i.number,
        EXISTS (SELECT 1 FROM invoice_events r WHERE r.settlement_key = i.settlement_key AND r.kind = 'reversed'),
        (SELECT p.paper_no FROM invoice_events p WHERE p.settlement_key = i.settlement_key AND p.kind = 'paper_printed'
           AND NOT EXISTS (SELECT 1 FROM invoice_events v WHERE v.paper_no = p.paper_no AND v.kind = 'paper_voided'))
     FROM invoice_events i WHERE i.kind = 'issued'";

type HeldRow = (Uuid, Uuid, String, bool, Option<String>);

fn held((settlement_key, admission_id, number, reversed, valid_paper): HeldRow) -> Held {
    Held { settlement_key, admission_id, number, reversed, valid_paper }
}

/// The invoice issued for settlement `settlement_key`.
pub async fn held_by_settlement(conn: &mut PgConnection, settlement_key: Uuid) -> ApiResult<Option<Held>> {
    let row: Option<HeldRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{HELD} AND i.settlement_key = $1")))
        .bind(settlement_key)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(held))
}

/// The invoice numbered `number` (票据号码).
pub async fn held_by_number(conn: &mut PgConnection, number: &str) -> ApiResult<Option<Held>> {
    let row: Option<HeldRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{HELD} AND i.number = $1")))
        .bind(number.trim())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(held))
}

fn fiscal_refused(e: &fiscal::FiscalError) -> ApiError {
    match e {
        fiscal::FiscalError::Refused { code, message } => ApiError::new(StatusCode::CONFLICT, code, message.clone()),
        other => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, other.code(), other.to_string()),
    }
}

/// 换开纸质: the invoice of `settlement_key` printed on `paper_no` by `by` at `place` — registered
/// with the fiscal platform first, then kept and sent to every counter.
pub async fn print_paper(
    state: &AppState,
    settlement_key: Uuid,
    paper_no: &str,
    by: &str,
    place: &str,
) -> ApiResult<InvoiceRecord> {
    let paper_no = paper_no.trim();
    let mut conn = state.pool.acquire().await?;
    let invoice = held_by_settlement(&mut conn, settlement_key)
        .await?
        .ok_or_else(|| ApiError::conflict("INVOICE_NOT_ISSUED", "该结算的电子票据尚未开具，不能换开纸质票据"))?;
    if invoice.reversed {
        return Err(ApiError::conflict(
            "INVOICE_REVERSED",
            format!("票据 {} 已冲红，不能换开纸质票据", invoice.number),
        ));
    }
    if let Some(valid) = invoice.valid_paper {
        return Err(ApiError::conflict(
            "PAPER_VALID",
            format!("票据 {} 已换开纸质票据 {valid}，请先作废或使用重新换开", invoice.number),
        ));
    }
    let used: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM invoice_events WHERE paper_no = $1)")
        .bind(paper_no)
        .fetch_one(&mut *conn)
        .await?;
    if used || paper_no.is_empty() {
        return Err(ApiError::conflict("PAPER_USED", format!("纸质票据号 {paper_no} 无效或已使用")));
    }
    drop(conn);
    state.fiscal.print_paper(settlement_key, paper_no).await.map_err(|e| fiscal_refused(&e))?;
    let item = Unfinished {
        settlement_key,
        admission_id: invoice.admission_id,
        settlement_no: String::new(),
        reverse: false,
        failure: None,
    };
    let record = InvoiceRecord {
        paper_no: Some(paper_no.to_owned()),
        by: Some(by.to_owned()),
        place: Some(place.to_owned()),
        ..answer(&item, "paper_printed", state.clock().now())
    };
    keep(state, &record).await
}

/// 作废: voids paper copy `paper_no` with `reason` — at the fiscal platform first.
pub async fn void_paper(
    state: &AppState,
    paper_no: &str,
    reason: &str,
    by: &str,
    place: &str,
) -> ApiResult<InvoiceRecord> {
    let paper_no = paper_no.trim();
    if reason.trim().is_empty() {
        return Err(ApiError::bad_request("REASON_REQUIRED", "请填写作废原因"));
    }
    let mut conn = state.pool.acquire().await?;
    let printed: Option<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT settlement_key, admission_id FROM invoice_events WHERE paper_no = $1 AND kind = 'paper_printed'",
    )
    .bind(paper_no)
    .fetch_optional(&mut *conn)
    .await?;
    let (settlement_key, admission_id) =
        printed.ok_or_else(|| ApiError::not_found(format!("纸质票据号 {paper_no} 未换开过，无法作废")))?;
    let voided: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoice_events WHERE paper_no = $1 AND kind = 'paper_voided')",
    )
    .bind(paper_no)
    .fetch_one(&mut *conn)
    .await?;
    if voided {
        return Err(ApiError::conflict("PAPER_ALREADY_VOID", format!("纸质票据 {paper_no} 已作废")));
    }
    drop(conn);
    state.fiscal.void_paper(paper_no, reason.trim()).await.map_err(|e| fiscal_refused(&e))?;
    let item = Unfinished { settlement_key, admission_id, settlement_no: String::new(), reverse: false, failure: None };
    let record = InvoiceRecord {
        paper_no: Some(paper_no.to_owned()),
        by: Some(by.to_owned()),
        place: Some(place.to_owned()),
        message: Some(reason.trim().to_owned()),
        ..answer(&item, "paper_voided", state.clock().now())
    };
    keep(state, &record).await
}
