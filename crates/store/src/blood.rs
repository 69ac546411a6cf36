//! Blood reimbursements (用血减免) the blood platform approved for an admission.

use domain::{ApprovedBloodReimbursement, Money};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{money, time_text};
use crate::error::Result;

pub async fn append(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    r: &ApprovedBloodReimbursement,
) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO blood_reimbursements (idempotency_key, admission_id, certificate_no, donor_name, relationship,
             volume_ml, amount_fen, approved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
    .bind(&r.certificate_no)
    .bind(&r.donor_name)
    .bind(&r.relationship)
    .bind(r.volume_ml)
    .bind(r.amount.fen())
    .bind(time_text(r.approved_at))
    .execute(conn)
    .await?
    .last_insert_rowid();
    Ok(id)
}

pub async fn approved_total(conn: &mut SqliteConnection, admission: Uuid) -> Result<Money> {
    let fen: i64 =
        sqlx::query_scalar("SELECT COALESCE(SUM(amount_fen), 0) FROM blood_reimbursements WHERE admission_id = ?1")
            .bind(admission.to_string())
            .fetch_one(conn)
            .await?;
    money(fen)
}
