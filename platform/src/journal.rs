//! The journal in PostgreSQL: admissions and their records, appended in one sequence (`seq`,
//! taken at insert), and the change feed devices pull, in commit order (`feed.pos`).
//!
//! Inserts run side by side (a push's admissions, a HIS import), so seqs commit out of order.
//! The feed therefore never serves by seq: [`sequence_feed`] gives a position only to rows whose
//! transaction has ended — their `txid` is below the xmin of the current snapshot — one
//! sequencer at a time. A row still being written holds back every row after it (never skips).

use sqlx::PgConnection;
use uuid::Uuid;
use wire::Record;
use wire::api::Change;
use wire::records::AdmissionRecord;

use crate::error::{ApiError, ApiResult};

/// Records an admission (from the HIS or the demo) and its journal record.
pub async fn insert_admission(conn: &mut PgConnection, admission: &AdmissionRecord) -> ApiResult<i64> {
    let initials = domain::PersonName::parse(&admission.patient.name).map(|n| n.initials()).unwrap_or_default();
    sqlx::query("INSERT INTO admissions (id, case_no, ward_code, name, initials) VALUES ($1, $2, $3, $4, $5)")
        .bind(admission.admission_id)
        .bind(&admission.case_no)
        .bind(&admission.ward_code)
        .bind(&admission.patient.name)
        .bind(initials)
        .execute(&mut *conn)
        .await?;
    insert(conn, admission.admission_id, &admission.ward_code, &Record::Admission(admission.clone()), None, None).await
}

/// Appends one record; returns its sequence number.
pub async fn insert(
    conn: &mut PgConnection,
    admission_id: Uuid,
    ward_code: &str,
    record: &Record,
    origin: Option<Uuid>,
    operation: Option<Uuid>,
) -> ApiResult<i64> {
    let json = serde_json::to_value(record).map_err(ApiError::internal)?;
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO journal (key, admission_id, ward_code, kind, record, origin, operation) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
    )
    .bind(record.key())
    .bind(admission_id)
    .bind(ward_code)
    .bind(record.kind())
    .bind(json)
    .bind(origin)
    .bind(operation)
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

/// The ward of an admission, locking it for the rest of the transaction so pushes to one
/// admission are applied one after another.
pub async fn lock_admission(conn: &mut PgConnection, admission_id: Uuid) -> ApiResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT ward_code FROM admissions WHERE id = $1 FOR UPDATE")
        .bind(admission_id)
        .fetch_optional(conn)
        .await?)
}

/// An admission's records after `after`, in order.
pub async fn records_after(conn: &mut PgConnection, admission_id: Uuid, after: i64) -> ApiResult<Vec<(i64, Record)>> {
    let rows: Vec<(i64, serde_json::Value)> =
        sqlx::query_as("SELECT seq, record FROM journal WHERE admission_id = $1 AND seq > $2 ORDER BY seq")
            .bind(admission_id)
            .bind(after)
            .fetch_all(conn)
            .await?;
    rows.into_iter().map(|(seq, json)| Ok((seq, serde_json::from_value(json).map_err(ApiError::internal)?))).collect()
}

/// The advisory lock that lets one sequencer at a time hand out feed positions.
const FEED_LOCK: i64 = 0x6665_6564;

/// Gives feed positions to the journal rows whose transactions have ended since the last time
/// (those below the snapshot's xmin), in seq order after the last position; returns how many.
/// Rows of transactions still open wait for a later call: a cursor never passes them.
pub async fn sequence_feed(conn: &mut PgConnection) -> ApiResult<u64> {
    let mut tx = sqlx::Acquire::begin(&mut *conn).await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(FEED_LOCK).execute(&mut *tx).await?;
    // One statement, one snapshot (READ COMMITTED, taken after the lock: it sees the previous
    // sequencer's positions and mark).
    let fed = sqlx::query(
        "WITH upto AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
              mark AS (SELECT below FROM feed_mark),
              top AS (SELECT coalesce(max(pos), 0) AS pos FROM feed),
              fresh AS (SELECT j.seq, j.ward_code FROM journal j, mark, upto
                        WHERE j.txid >= mark.below AND j.txid < upto.xmin),
              moved AS (UPDATE feed_mark SET below = greatest(below, (SELECT xmin FROM upto)))
         INSERT INTO feed (pos, seq, ward_code)
         SELECT top.pos + row_number() OVER (ORDER BY fresh.seq), fresh.seq, fresh.ward_code FROM fresh, top",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(fed)
}

/// Whether committed records wait for a position: written by a transaction that ended while an
/// older one is still open, they are served once that one ends.
pub async fn held_back(conn: &mut PgConnection) -> ApiResult<bool> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM journal j, feed_mark m WHERE j.txid >= m.below)")
        .fetch_one(conn)
        .await?)
}

/// The change feed after position `after`, limited to `wards` (all when empty). Call
/// [`sequence_feed`] first for the newest records.
pub async fn changes(conn: &mut PgConnection, after: i64, limit: i64, wards: &[String]) -> ApiResult<Vec<Change>> {
    let rows: Vec<(i64, Option<Uuid>, serde_json::Value)> = sqlx::query_as(
        "SELECT f.pos, j.origin, j.record FROM feed f JOIN journal j ON j.seq = f.seq
         WHERE f.pos > $1 AND (cardinality($2::text[]) = 0 OR f.ward_code = ANY($2))
         ORDER BY f.pos LIMIT $3",
    )
    .bind(after)
    .bind(wards)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(seq, origin, json)| {
            Ok(Change { seq, origin, record: serde_json::from_value(json).map_err(ApiError::internal)? })
        })
        .collect()
}

/// The admission as the platform's newest admission record has it.
pub async fn admission(conn: &mut PgConnection, admission_id: Uuid) -> ApiResult<Option<domain::Admission>> {
    let record: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT record FROM journal WHERE admission_id = $1 AND kind = 'admission' ORDER BY seq DESC LIMIT 1",
    )
    .bind(admission_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(record.and_then(|r| match serde_json::from_value::<Record>(r) {
        Ok(Record::Admission(admission)) => wire::convert::admission(&admission).ok(),
        _ => None,
    }))
}
