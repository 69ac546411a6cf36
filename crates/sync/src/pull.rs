//! Pulling the change feed: pages of records after the stored cursor, applied and the cursor
//! moved in one transaction, so a crash never skips or doubles a page.

use store::{Store, settings};
use uuid::Uuid;

use crate::apply;
use crate::client::{Client, ClientError};

pub const CURSOR: &str = "platform.cursor";

/// Pulls until the feed is exhausted; returns how many records were new here.
pub async fn pull_all(
    store: &Store,
    client: &Client,
    token: &str,
    device: Uuid,
    page: i64,
) -> Result<usize, ClientError> {
    let mut written = 0;
    loop {
        let mut conn = store.conn().await?;
        let cursor: i64 = settings::get(&mut conn, CURSOR).await?.and_then(|c| c.parse().ok()).unwrap_or(0);
        drop(conn);
        let answer = client.changes(token, device, cursor, page).await?;
        let mut tx = store.begin_immediate().await?;
        for change in &answer.changes {
            if apply::apply(&mut tx, &change.record).await? {
                written += 1;
            }
        }
        settings::set(&mut tx, CURSOR, &answer.last_seq.to_string()).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        if !answer.more {
            return Ok(written);
        }
    }
}
