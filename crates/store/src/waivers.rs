//! The blood platform's answers kept at the counter (migration 0007): registrations it accepted,
//! and the waivers it granted at settlements with the products paid for and the millilitres each
//! certificate gave (`blood_certificate_use`); a recall appends the cancellation. Nothing is
//! updated or deleted.

use chrono::NaiveDateTime;
use domain::Money;
use domain::blood::WaivedProduct;
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{money, time, time_text};
use crate::error::Result;

/// Records that the blood platform accepted registration `registration_id` under `reference`.
pub async fn append_forwarded(
    conn: &mut SqliteConnection,
    registration_id: i64,
    reference: &str,
    remaining_ml: Option<u32>,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO blood_forwarded (registration_id, reference, remaining_ml, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (registration_id) DO NOTHING",
    )
    .bind(registration_id)
    .bind(reference)
    .bind(remaining_ml.map(i64::from))
    .bind(time_text(at))
    .execute(conn)
    .await?;
    Ok(())
}

/// The blood platform's reference for registration `registration_id`, once it accepted it.
pub async fn forwarded(conn: &mut SqliteConnection, registration_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT reference FROM blood_forwarded WHERE registration_id = ?1")
        .bind(registration_id)
        .fetch_optional(conn)
        .await?)
}

/// What the blood platform said was left of registration `registration_id`'s entitlement when
/// it accepted it (`Some(None)`: free for life; `None`: not forwarded).
pub async fn forwarded_remaining(conn: &mut SqliteConnection, registration_id: i64) -> Result<Option<Option<u32>>> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT remaining_ml FROM blood_forwarded WHERE registration_id = ?1")
            .bind(registration_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(ml,)| ml.map(|ml| u32::try_from(ml.max(0)).unwrap_or(u32::MAX))))
}

/// A waiver about to be kept with its settlement.
pub struct NewWaiver<'a> {
    pub key: Uuid,
    pub admission: Uuid,
    pub settlement_id: i64,
    pub reference: &'a str,
    pub amount: Money,
    pub ml: u32,
    pub uses: &'a [(String, u32)],
    pub products: &'a [WaivedProduct],
    pub at: NaiveDateTime,
}

/// Appends a granted waiver, its products and the millilitres each certificate gave.
pub async fn append_waiver(conn: &mut SqliteConnection, w: &NewWaiver<'_>) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO blood_waivers (key, admission_id, settlement_id, reference, amount_fen, ml, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(w.key.to_string())
    .bind(w.admission.to_string())
    .bind(w.settlement_id)
    .bind(w.reference)
    .bind(w.amount.fen())
    .bind(i64::from(w.ml))
    .bind(time_text(w.at))
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    for p in w.products {
        sqlx::query(
            "INSERT INTO blood_waiver_products (waiver_id, item_name, ml, amount_fen, covered_ml, waived_fen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(id)
        .bind(&p.item_name)
        .bind(i64::from(p.ml))
        .bind(p.amount.fen())
        .bind(i64::from(p.covered_ml))
        .bind(p.waived.fen())
        .execute(&mut *conn)
        .await?;
    }
    append_uses(conn, w.settlement_id, w.uses, 1, w.at).await?;
    Ok(id)
}

async fn append_uses(
    conn: &mut SqliteConnection,
    settlement_id: i64,
    uses: &[(String, u32)],
    sign: i64,
    at: NaiveDateTime,
) -> Result<()> {
    for (certificate_no, ml) in uses.iter().filter(|(_, ml)| *ml > 0) {
        sqlx::query(
            "INSERT INTO blood_certificate_use (certificate_no, settlement_id, ml, at) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(certificate_no)
        .bind(settlement_id)
        .bind(sign * i64::from(*ml))
        .bind(time_text(at))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A settlement's waiver as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredWaiver {
    pub id: i64,
    pub key: Uuid,
    pub admission_id: Uuid,
    pub settlement_id: i64,
    pub reference: String,
    pub amount: Money,
    pub ml: u32,
    pub at: NaiveDateTime,
    pub uses: Vec<(String, u32)>,
    pub products: Vec<WaivedProduct>,
    /// When a recall cancelled it.
    pub cancelled_at: Option<NaiveDateTime>,
}

type WaiverRow = (i64, String, String, i64, String, i64, i64, String);

/// The waiver granted at settlement `settlement_id`, if any.
pub async fn of_settlement(conn: &mut SqliteConnection, settlement_id: i64) -> Result<Option<StoredWaiver>> {
    let row: Option<WaiverRow> = sqlx::query_as(
        "SELECT id, key, admission_id, settlement_id, reference, amount_fen, ml, at FROM blood_waivers
         WHERE settlement_id = ?1 AND amount_fen > 0",
    )
    .bind(settlement_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, key, admission, settlement_id, reference, amount, ml, at)) = row else { return Ok(None) };
    let cancelled: Option<String> =
        sqlx::query_scalar("SELECT at FROM blood_waivers WHERE settlement_id = ?1 AND amount_fen < 0")
            .bind(settlement_id)
            .fetch_optional(&mut *conn)
            .await?;
    let uses: Vec<(String, i64)> = sqlx::query_as(
        "SELECT certificate_no, ml FROM blood_certificate_use WHERE settlement_id = ?1 AND ml > 0 ORDER BY id",
    )
    .bind(settlement_id)
    .fetch_all(&mut *conn)
    .await?;
    let products: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT item_name, ml, amount_fen, covered_ml, waived_fen FROM blood_waiver_products
         WHERE waiver_id = ?1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let whole = |n: i64| u32::try_from(n).unwrap_or(0);
    Ok(Some(StoredWaiver {
        id,
        key: crate::codec::uuid(&key)?,
        admission_id: crate::codec::uuid(&admission)?,
        settlement_id,
        reference,
        amount: money(amount)?,
        ml: whole(ml),
        at: time(&at)?,
        uses: uses.into_iter().map(|(no, ml)| (no, whole(ml))).collect(),
        products: products
            .into_iter()
            .map(|(item_name, ml, amount, covered, waived)| {
                Ok(WaivedProduct {
                    item_name,
                    ml: whole(ml),
                    covered_ml: whole(covered),
                    amount: money(amount)?,
                    waived: money(waived)?,
                })
            })
            .collect::<Result<_>>()?,
        cancelled_at: cancelled.as_deref().map(time).transpose()?,
    }))
}

/// Appends the cancellation of settlement `settlement_id`'s waiver (a recall): the negative
/// amount and ml, and each certificate's millilitres given back. Returns the cancelled waiver;
/// `None` when the settlement had none or it was cancelled already.
pub async fn cancel(
    conn: &mut SqliteConnection,
    key: Uuid,
    settlement_id: i64,
    at: NaiveDateTime,
) -> Result<Option<StoredWaiver>> {
    let Some(w) = of_settlement(conn, settlement_id).await? else { return Ok(None) };
    if w.cancelled_at.is_some() {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO blood_waivers (key, admission_id, settlement_id, reference, amount_fen, ml, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(key.to_string())
    .bind(w.admission_id.to_string())
    .bind(settlement_id)
    .bind(&w.reference)
    .bind(-w.amount.fen())
    .bind(-i64::from(w.ml))
    .bind(time_text(at))
    .execute(&mut *conn)
    .await?;
    append_uses(conn, settlement_id, &w.uses, -1, at).await?;
    Ok(Some(w))
}

/// The waivers granted for admission `admission`, net of cancellations.
pub async fn total(conn: &mut SqliteConnection, admission: Uuid) -> Result<Money> {
    let fen: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM blood_waivers WHERE admission_id = ?1")
        .bind(admission.to_string())
        .fetch_one(conn)
        .await?;
    money(fen)
}

/// A waiver line of a month: a grant, or a recall's cancellation (negative), with what the
/// monthly claim shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthLine {
    /// The grant's business number (the settlement's key), also on a cancellation.
    pub business_no: Uuid,
    pub cancellation: bool,
    pub settlement_no: String,
    pub case_no: String,
    pub patient_name: String,
    pub reference: String,
    pub amount: Money,
    pub ml: i64,
    pub at: NaiveDateTime,
    pub certificates: Vec<String>,
    /// The products the grant paid, as `name ml`.
    pub products: Vec<String>,
}

type MonthRow = (String, i64, String, String, String, String, i64, i64, String, i64);

/// The grants and cancellations made from `from` (inclusive) to `until` (exclusive), oldest first.
pub async fn between(conn: &mut SqliteConnection, from: NaiveDateTime, until: NaiveDateTime) -> Result<Vec<MonthLine>> {
    let rows: Vec<MonthRow> = sqlx::query_as(
        "SELECT g.key, w.amount_fen < 0, s.settlement_no, a.case_no, p.name, w.reference, w.amount_fen, w.ml, w.at,
                g.id
         FROM blood_waivers w
         JOIN blood_waivers g ON g.settlement_id = w.settlement_id AND g.amount_fen > 0
         JOIN settlements s ON s.id = w.settlement_id
         JOIN admissions a ON a.id = w.admission_id
         JOIN patients p ON p.id = a.patient_id
         WHERE w.at >= ?1 AND w.at < ?2
         ORDER BY w.at, w.id",
    )
    .bind(time_text(from))
    .bind(time_text(until))
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for (key, cancellation, settlement_no, case_no, patient_name, reference, amount, ml, at, grant_id) in rows {
        let certificates: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT u.certificate_no FROM blood_certificate_use u
             JOIN blood_waivers g ON g.settlement_id = u.settlement_id WHERE g.id = ?1 ORDER BY u.certificate_no",
        )
        .bind(grant_id)
        .fetch_all(&mut *conn)
        .await?;
        let products: Vec<(String, i64)> =
            sqlx::query_as("SELECT item_name, ml FROM blood_waiver_products WHERE waiver_id = ?1 ORDER BY id")
                .bind(grant_id)
                .fetch_all(&mut *conn)
                .await?;
        lines.push(MonthLine {
            business_no: crate::codec::uuid(&key)?,
            cancellation: cancellation != 0,
            settlement_no,
            case_no,
            patient_name,
            reference,
            amount: money(amount)?,
            ml,
            at: time(&at)?,
            certificates,
            products: products.into_iter().map(|(name, ml)| format!("{name} {ml}ml")).collect(),
        });
    }
    Ok(lines)
}
