//! Translating between local row ids and the UUID keys rows carry everywhere else (the outbox,
//! the platform, other devices).

use sqlx::SqliteConnection;

use crate::error::Result;

/// The tables whose rows have idempotency keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyed {
    Fees,
    FeeEvents,
    Deposits,
    Settlements,
    Recalls,
    AdmissionEvents,
    Blood,
}

impl Keyed {
    fn id_by_key(self) -> &'static str {
        match self {
            Keyed::Fees => "SELECT id FROM fee_items WHERE idempotency_key = ?1",
            Keyed::FeeEvents => "SELECT id FROM fee_item_events WHERE idempotency_key = ?1",
            Keyed::Deposits => "SELECT id FROM deposits WHERE idempotency_key = ?1",
            Keyed::Settlements => "SELECT id FROM settlements WHERE idempotency_key = ?1",
            Keyed::Recalls => "SELECT id FROM settlement_recalls WHERE idempotency_key = ?1",
            Keyed::AdmissionEvents => "SELECT id FROM admission_events WHERE idempotency_key = ?1",
            Keyed::Blood => "SELECT id FROM blood_reimbursements WHERE idempotency_key = ?1",
        }
    }
    fn key_by_id(self) -> &'static str {
        match self {
            Keyed::Fees => "SELECT idempotency_key FROM fee_items WHERE id = ?1",
            Keyed::FeeEvents => "SELECT idempotency_key FROM fee_item_events WHERE id = ?1",
            Keyed::Deposits => "SELECT idempotency_key FROM deposits WHERE id = ?1",
            Keyed::Settlements => "SELECT idempotency_key FROM settlements WHERE id = ?1",
            Keyed::Recalls => "SELECT idempotency_key FROM settlement_recalls WHERE id = ?1",
            Keyed::AdmissionEvents => "SELECT idempotency_key FROM admission_events WHERE id = ?1",
            Keyed::Blood => "SELECT idempotency_key FROM blood_reimbursements WHERE id = ?1",
        }
    }
}

pub async fn id_of(conn: &mut SqliteConnection, table: Keyed, key: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(table.id_by_key()).bind(key).fetch_optional(conn).await?)
}

pub async fn key_of(conn: &mut SqliteConnection, table: Keyed, id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(table.key_by_id()).bind(id).fetch_optional(conn).await?)
}

/// Keys of many fee lines at once (a settlement's), in the order given.
pub async fn fee_keys(conn: &mut SqliteConnection, admission: &str) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, idempotency_key FROM fee_items WHERE admission_id = ?1")
        .bind(admission)
        .fetch_all(conn)
        .await?)
}
