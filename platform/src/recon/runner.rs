//! The batch runner inside `platform serve`: wakes every tick (or at once when finance starts a
//! run), opens yesterday's batches in the nightly window, and runs every due batch — fetch the
//! statement (or use the stored one), export and store the platform's ledger, match with
//! yesterday's cross-day set, and replace the day's items — updating its progress as it goes.
//! A batch that cannot get its statement waits; one that fails is re-run by the watchdog.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::PgPool;
use tokio::sync::Notify;

use crate::error::{ApiError, ApiResult};
use crate::recon::items::{self, Figures};
use crate::recon::schedule::{self, BatchState};
use crate::recon::source::{Fetch, StatementSource};
use crate::recon::{compute, ledger, stored};

pub use crate::clock::Clock;

#[derive(Debug)]
pub struct Runner {
    pub pool: PgPool,
    pub source: Arc<dyn StatementSource>,
    pub clock: Clock,
    /// Batch channels the nightly run opens.
    pub channels: Vec<String>,
    pub wake: Notify,
}

type BatchKey = (NaiveDate, String);

impl Runner {
    /// Runs forever: a pass every `tick`, or sooner when woken.
    pub async fn run(self: Arc<Self>, tick: Duration) {
        loop {
            if let Err(e) = self.pass().await {
                tracing::error!(error = %e.body.message, "reconciliation pass failed");
            }
            tokio::select! {
                () = tokio::time::sleep(tick) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// One pass: open tonight's batches, then run every due batch.
    pub async fn pass(&self) -> ApiResult<()> {
        let now = self.clock.now();
        if let Some(day) = schedule::day_to_open(now) {
            for channel in &self.channels {
                sqlx::query(
                    "INSERT INTO recon_batches (day, channel, status) VALUES ($1, $2, 'queued') ON CONFLICT DO NOTHING",
                )
                .bind(day)
                .bind(channel)
                .execute(&self.pool)
                .await?;
            }
        }
        while let Some((day, channel)) = self.claim(self.clock.now()).await? {
            if let Err(e) = self.run_batch(day, &channel).await {
                self.fail(day, &channel, &e.body.message).await?;
            }
        }
        Ok(())
    }

    /// Takes one due batch and marks it running (another pass cannot take it too).
    async fn claim(&self, now: NaiveDateTime) -> ApiResult<Option<BatchKey>> {
        type Row = (NaiveDate, String, String, i32, Option<NaiveDateTime>, Option<NaiveDateTime>);
        let mut tx = self.pool.begin().await?;
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT day, channel, status, attempts, next_try_at, started_at FROM recon_batches
              WHERE status <> 'done' ORDER BY day, channel FOR UPDATE SKIP LOCKED",
        )
        .fetch_all(&mut *tx)
        .await?;
        let state =
            |row: &Row| BatchState { status: row.2.clone(), attempts: row.3, next_try_at: row.4, started_at: row.5 };
        // A day waits while the same channel's day before will still run: it needs that day's
        // cross-day set.
        let blocked = |row: &Row| {
            let previous = row.0 - chrono::Duration::days(1);
            rows.iter().any(|r| r.0 == previous && r.1 == row.1 && schedule::will_run(&state(r)))
        };
        let due = rows.iter().find(|row| schedule::is_due(&state(row), now) && !blocked(row)).cloned();
        let Some((day, channel, ..)) = due else { return Ok(None) };
        sqlx::query(
            "UPDATE recon_batches SET status = 'running', progress = 5, attempts = attempts + 1, started_at = $3,
               note = NULL WHERE day = $1 AND channel = $2",
        )
        .bind(day)
        .bind(&channel)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((day, channel)))
    }

    async fn progress(&self, day: NaiveDate, channel: &str, progress: i16) -> ApiResult<()> {
        sqlx::query("UPDATE recon_batches SET progress = $3 WHERE day = $1 AND channel = $2")
            .bind(day)
            .bind(channel)
            .bind(progress)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_waiting(&self, day: NaiveDate, channel: &str, retry_at: NaiveDateTime, note: &str) -> ApiResult<()> {
        // Never sooner than a minute from now, whatever the source says.
        let retry_at = retry_at.max(self.clock.now() + chrono::Duration::minutes(1));
        sqlx::query(
            "UPDATE recon_batches SET status = 'waiting', progress = 0, next_try_at = $3, note = $4,
               attempts = attempts - 1 WHERE day = $1 AND channel = $2",
        )
        .bind(day)
        .bind(channel)
        .bind(retry_at)
        .bind(note)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn fail(&self, day: NaiveDate, channel: &str, note: &str) -> ApiResult<()> {
        let attempts: (i32,) = sqlx::query_as("SELECT attempts FROM recon_batches WHERE day = $1 AND channel = $2")
            .bind(day)
            .bind(channel)
            .fetch_one(&self.pool)
            .await?;
        let retry = schedule::retry_after_failure(attempts.0, self.clock.now());
        let note = match retry {
            Some(at) => format!("{note}（第 {} 次失败，{} 自动重试）", attempts.0, at.format("%H:%M")),
            None => format!("{note}（已失败 {} 次，请处理后手动重新对账）", attempts.0),
        };
        tracing::warn!(%day, channel, %note, "reconciliation batch failed");
        sqlx::query(
            "UPDATE recon_batches SET status = 'failed', progress = 0, next_try_at = $3, note = $4
              WHERE day = $1 AND channel = $2",
        )
        .bind(day)
        .bind(channel)
        .bind(retry)
        .bind(note)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Asks the source off the async threads (a real download blocks).
    async fn fetch(&self, channel: &str, day: NaiveDate) -> ApiResult<Fetch> {
        let (source, channel, now) = (self.source.clone(), channel.to_owned(), self.clock.now());
        tokio::task::spawn_blocking(move || source.fetch(&channel, day, now)).await.map_err(ApiError::internal)
    }

    async fn run_batch(&self, day: NaiveDate, channel: &str) -> ApiResult<()> {
        let mut conn = self.pool.acquire().await?;
        let statement = match stored::latest(&mut conn, day, channel).await? {
            Some(stored) => stored,
            None => match self.fetch(channel, day).await? {
                Fetch::Ready(file) => {
                    let stored = stored::import(&mut conn, day, channel, &file.name, &file.bytes, "nightly").await?;
                    (stored.id, file.name, file.bytes)
                }
                Fetch::NotYet { retry_at, note } => return self.set_waiting(day, channel, retry_at, &note).await,
                Fetch::Failed(reason) => return Err(ApiError::bad_request("STATEMENT_UNAVAILABLE", reason)),
            },
        };
        self.progress(day, channel, 30).await?;
        let mut rows = ledger::journal_rows(&mut conn, day).await?;
        ledger::apply_adjustments(&mut conn, day, &mut rows).await?;
        let csv = ledger::to_csv(&rows);
        let ledger_name = format!("platform-ledger-{day}.csv");
        let ledger_id = stored::import(&mut conn, day, "ledger", &ledger_name, &csv, "nightly").await?.id;
        self.progress(day, channel, 50).await?;
        let (statement_id, name, bytes) = statement;
        let run = compute::run(&mut conn, day, channel, (name, bytes), (ledger_name, csv)).await?;
        self.progress(day, channel, 80).await?;
        let figures: Figures = items::figures(&run.result);
        let rows = items::rows(channel, &run.result);
        let deferred = serde_json::to_value(items::store_deferred(&run.result.deferred)).map_err(ApiError::internal)?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM recon_items WHERE day = $1 AND channel = $2")
            .bind(day)
            .bind(channel)
            .execute(&mut *tx)
            .await?;
        for r in &rows {
            sqlx::query(
                "INSERT INTO recon_items (day, channel, id, class, side, kind, record_channel, order_no, third_party_no,
                   refund_no, platform_fen, counterpart_fen, difference_fen, direction, platform_status,
                   counterpart_status, at, cause)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            )
            .bind(r.day)
            .bind(&r.channel)
            .bind(&r.id)
            .bind(&r.class)
            .bind(&r.side)
            .bind(&r.kind)
            .bind(&r.record_channel)
            .bind(&r.order_no)
            .bind(&r.third_party_no)
            .bind(&r.refund_no)
            .bind(r.platform_fen)
            .bind(r.counterpart_fen)
            .bind(r.difference_fen)
            .bind(&r.direction)
            .bind(&r.platform_status)
            .bind(&r.counterpart_status)
            .bind(r.at)
            .bind(&r.cause)
            .execute(&mut *tx)
            .await?;
        }
        let before: Option<(serde_json::Value,)> =
            sqlx::query_as("SELECT entries FROM recon_deferred WHERE day = $1 AND channel = $2 FOR UPDATE")
                .bind(day)
                .bind(channel)
                .fetch_optional(&mut *tx)
                .await?;
        if before.as_ref().map(|(v,)| v) != Some(&deferred) {
            // The next day was matched against another cross-day set: run it again.
            sqlx::query(
                "UPDATE recon_batches SET status = 'queued', attempts = 0, progress = 0,
                   note = '前一日的跨天记录有变化，重新对账' WHERE day = $1 AND channel = $2 AND status = 'done'",
            )
            .bind(day + chrono::Duration::days(1))
            .bind(channel)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO recon_deferred (day, channel, entries) VALUES ($1, $2, $3)
             ON CONFLICT (day, channel) DO UPDATE SET entries = EXCLUDED.entries",
        )
        .bind(day)
        .bind(channel)
        .bind(deferred)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE recon_batches SET status = 'done', progress = 100, note = NULL, next_try_at = NULL, finished_at = $3,
               statement_id = $4, ledger_id = $5, figures = $6 WHERE day = $1 AND channel = $2",
        )
        .bind(day)
        .bind(channel)
        .bind(self.clock.now())
        .bind(statement_id)
        .bind(ledger_id)
        .bind(serde_json::to_value(&figures).map_err(ApiError::internal)?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(%day, channel, items = rows.len(), "reconciliation batch done");
        Ok(())
    }
}
