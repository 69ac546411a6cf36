//! Pulling the change feed: pages of records after the stored cursor, applied and the cursor
//! moved in one transaction, so a crash never skips or doubles a page.

use store::{Store, settings, users};
use uuid::Uuid;

use crate::apply;
use crate::client::{Client, ClientError};

pub const CURSOR: &str = settings::PULL_CURSOR;

/// How long a pull waits, at most, for records the platform holds back behind a transaction
/// still open on the server, before leaving them to the next round.
const HELD_BACK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Pulls until the feed is exhausted (waiting briefly for records held back behind an open
/// transaction); returns how many records were new here.
pub async fn pull_all(
    store: &Store,
    client: &Client,
    token: &str,
    device: Uuid,
    page: i64,
) -> Result<usize, ClientError> {
    let mut written = 0;
    let mut waited = std::time::Duration::ZERO;
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
        for username in &answer.disabled_users {
            users::forget_password(&mut tx, username).await?;
        }
        settings::set(&mut tx, CURSOR, &answer.last_seq.to_string()).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        if answer.more {
            continue;
        }
        if !answer.held_back || waited >= HELD_BACK_WAIT {
            return Ok(written);
        }
        let pause = std::time::Duration::from_millis(100);
        tokio::time::sleep(pause).await;
        waited += pause;
    }
}
