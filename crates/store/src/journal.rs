//! The inpatient account's journal as a whole: admission events, the account version, and
//! `load_account`, which reads every row the domain needs for one admission.

use chrono::NaiveDateTime;
use domain::{AccountVersion, AdmissionEvent, InpatientAccount};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::time_text;
use crate::error::Result;
use crate::patients::state_of;
use crate::{blood, deposits, fees, settlements, waivers};

pub use crate::deposits::append_deposit;
pub use crate::fees::{append_fee, append_fee_event, append_fees};

/// Appends an admission event (discharge order, audit result, settlement…).
pub async fn append_event(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    event: AdmissionEvent,
    at: NaiveDateTime,
    actor: &str,
    reason: Option<&str>,
) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO admission_events (idempotency_key, admission_id, kind, at, actor, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
    .bind(event.code())
    .bind(time_text(at))
    .bind(actor)
    .bind(reason)
    .execute(conn)
    .await?
    .last_insert_rowid();
    Ok(id)
}

/// Everything the domain needs to compute the account of one admission.
pub async fn load_account(conn: &mut SqliteConnection, admission: Uuid) -> Result<InpatientAccount> {
    let version = version(conn, admission).await?;
    Ok(InpatientAccount {
        state: state_of(conn, admission).await?,
        fees: fees::load_fees(conn, admission).await?,
        deposits: deposits::load_deposits(conn, admission).await?,
        settlements: settlements::load_settlements(conn, admission).await?,
        // What the platform approved, and the waivers granted here at settlements (net of recalls).
        blood_approved: blood::approved_total(conn, admission).await? + waivers::total(conn, admission).await?,
        version,
        refund_windows: crate::settings::refund_windows(conn).await?,
    })
}

/// The newest row id of each journal table for the admission (see `domain::AccountVersion`).
pub async fn version(conn: &mut SqliteConnection, admission: Uuid) -> Result<AccountVersion> {
    let row: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT
            (SELECT COALESCE(MAX(id), 0) FROM fee_items WHERE admission_id = ?1),
            (SELECT COALESCE(MAX(e.id), 0) FROM fee_item_events e JOIN fee_items f ON f.id = e.fee_item_id WHERE f.admission_id = ?1),
            (SELECT COALESCE(MAX(id), 0) FROM deposits WHERE admission_id = ?1),
            (SELECT COALESCE(MAX(id), 0) FROM settlements WHERE admission_id = ?1),
            (SELECT COALESCE(MAX(r.id), 0) FROM settlement_recalls r JOIN settlements s ON s.id = r.settlement_id WHERE s.admission_id = ?1),
            (SELECT COALESCE(MAX(id), 0) FROM admission_events WHERE admission_id = ?1),
            (SELECT COALESCE(MAX(id), 0) FROM blood_reimbursements WHERE admission_id = ?1)",
    )
    .bind(admission.to_string())
    .fetch_one(conn)
    .await?;
    let (fees, fee_events, deposits, settlements, recalls, events, blood) = row;
    Ok(AccountVersion { fees, fee_events, deposits, settlements, recalls, events, blood })
}

/// When the admission's discharge was last ordered (for recall windows and documents).
pub async fn last_event_at(
    conn: &mut SqliteConnection,
    admission: Uuid,
    event: AdmissionEvent,
) -> Result<Option<NaiveDateTime>> {
    let at: Option<String> = sqlx::query_scalar(
        "SELECT at FROM admission_events WHERE admission_id = ?1 AND kind = ?2 ORDER BY id DESC LIMIT 1",
    )
    .bind(admission.to_string())
    .bind(event.code())
    .fetch_optional(conn)
    .await?;
    at.map(|t| crate::codec::time(&t)).transpose()
}
