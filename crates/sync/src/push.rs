//! Pushing the outbox: oldest first, in batches; each answer is recorded beside its operation in
//! one transaction per batch. A crash between the platform's commit and ours only means the
//! batch goes again — and the platform answers a repeated key with its first answer. An
//! operation the platform could not apply (`failed`) is recorded as an attempt and waits its
//! back-off (see `store::outbox`) while the rest of the outbox goes on. Only the logged-in
//! user's operations go (the platform takes an operation only from its maker's token); another
//! user's wait for that user's next login, and so do the later operations of the same admission
//! (they may build on it), while other admissions go on.

use store::outbox;
use uuid::Uuid;
use wire::Envelope;
use wire::api::PushBatch;

use crate::client::{Client, ClientError};

/// What one push round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushReport {
    pub sent: usize,
    pub applied: usize,
    pub duplicate: usize,
    pub rejected: usize,
    pub invalid: usize,
    /// Answered `failed` (an internal error at the platform): sent again after a wait.
    pub failed: usize,
}

/// A batch's largest size in JSON bytes (a single larger operation still goes alone).
pub const BATCH_BYTES: usize = 256 * 1024;

/// Pushes `user`'s operations (`token` is theirs) until none is left (or the platform stops
/// answering).
pub async fn push_all(
    app: &app::App,
    client: &Client,
    user: &str,
    token: &str,
    device: Uuid,
    batch_size: i64,
) -> Result<PushReport, ClientError> {
    let mut report = PushReport::default();
    loop {
        let store = app.store();
        let mut conn = store.conn().await?;
        let pending = outbox::unanswered(&mut conn, batch_size, app.clock().now()).await?;
        drop(conn);
        let mut waiting: Vec<Uuid> = Vec::new();
        let mut mine = Vec::new();
        for p in &pending {
            let envelope = serde_json::from_str::<Envelope>(&p.envelope)
                .map_err(|e| store::StoreError::BadRow(format!("待上传操作 {}：{e}", p.key)))?;
            if envelope.cashier != user {
                waiting.push(envelope.admission_id);
            } else if !waiting.contains(&envelope.admission_id) {
                mine.push((p.envelope.len(), envelope));
            }
        }
        if mine.is_empty() {
            return Ok(report);
        }
        // Stop short of the platform's body limit: long-stay settlements carry thousands of fee keys.
        let mut bytes = 0;
        let fits = mine
            .iter()
            .take_while(|(len, _)| {
                bytes += len;
                bytes <= BATCH_BYTES
            })
            .count()
            .max(1);
        let envelopes: Vec<Envelope> = mine.into_iter().take(fits).map(|(_, e)| e).collect();
        let answer = client.push(token, &PushBatch { device_id: device, envelopes: envelopes.clone() }).await?;
        let now = app.clock().now();
        let mut tx = store.begin().await?;
        for envelope in &envelopes {
            // Answers are matched by key; an envelope left unanswered is simply sent again.
            let Some(result) = answer.results.iter().find(|r| r.key == envelope.key) else { continue };
            if result.outcome == "failed" {
                let key = result.key.to_string();
                outbox::record_failure(&mut tx, &key, result.code.as_deref(), result.message.as_deref(), now).await?;
                report.failed += 1;
                continue;
            }
            let record_keys: Vec<String> = envelope.records.iter().map(|r| r.key().to_string()).collect();
            outbox::acknowledge(
                &mut tx,
                &result.key.to_string(),
                &result.outcome,
                result.code.as_deref(),
                result.message.as_deref(),
                &record_keys,
                now,
            )
            .await?;
            match result.outcome.as_str() {
                "applied" => report.applied += 1,
                "duplicate" => report.duplicate += 1,
                "rejected" => report.rejected += 1,
                _ => report.invalid += 1,
            }
        }
        // The platform has applied the batch; a crash here loses only the answers (the batch is
        // sent again and answered `duplicate`). Crash tests pause here.
        app.pause_before_commit().await;
        tx.commit().await.map_err(store::StoreError::from)?;
        report.sent += envelopes.len();
        if answer.results.len() < envelopes.len() {
            return Err(ClientError::Garbled("平台少回答了部分操作".into()));
        }
    }
}
