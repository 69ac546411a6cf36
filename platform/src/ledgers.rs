//! A cache of each admission's replayed ledger, so checking a push does not re-read thousands of
//! fee lines. The cache is only trusted up to the sequence it saw; anything newer in the journal
//! is replayed on top. (One platform process per database: a second process would not see this
//! cache, and the journal read keeps it correct anyway.)

use std::collections::HashMap;
use std::sync::Mutex;

use sqlx::PgConnection;
use uuid::Uuid;
use wire::fold::Ledger;

use crate::error::{ApiError, ApiResult};
use crate::journal;

#[derive(Debug, Default)]
pub struct Ledgers {
    cache: Mutex<HashMap<Uuid, (i64, Ledger)>>,
}

impl Ledgers {
    /// Takes the admission's ledger out of the cache, brought up to its newest journal record.
    /// Call with the admission locked, and `store` it back after the commit; a ledger not put
    /// back (the operation failed) is rebuilt from the journal next time.
    pub async fn take(&self, conn: &mut PgConnection, admission_id: Uuid) -> ApiResult<(i64, Ledger)> {
        let cached = self.cache.lock().map_err(ApiError::internal)?.remove(&admission_id);
        let (mut seq, mut ledger) = cached.unwrap_or_default();
        for (next, record) in journal::records_after(conn, admission_id, seq).await? {
            ledger.apply(&record).map_err(ApiError::internal)?;
            seq = next;
        }
        Ok((seq, ledger))
    }

    /// Remembers the ledger after a commit.
    pub fn store(&self, admission_id: Uuid, seq: i64, ledger: Ledger) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(admission_id, (seq, ledger));
        }
    }
}
