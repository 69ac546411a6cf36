//! Paper stock at this counter (migration 0010): ranges received per cashier and numbers
//! written off; the numbers used are the paper copies' (`invoice_events.paper_no`). The rules
//! (no overlap, oldest range first, never a used number written off) are `domain::paper`'s.

use chrono::NaiveDateTime;
use domain::paper::{PaperKind, PaperRange, Stock};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{coded, time_text};
use crate::error::{Result, StoreError};

type RangeRow = (String, String, i64, i64, i64);

fn range((kind, prefix, first, last, width): RangeRow) -> Result<PaperRange> {
    let bad = |_| StoreError::BadRow("号段数值无效".into());
    Ok(PaperRange {
        kind: coded("paper_ranges.kind", &kind, PaperKind::from_code)?,
        prefix,
        first: u64::try_from(first).map_err(bad)?,
        last: u64::try_from(last).map_err(bad)?,
        width: usize::try_from(width).map_err(bad)?,
    })
}

fn number(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::BadRow("号码超出范围".into()))
}

/// Every range ever received at this counter, by anyone, oldest first.
pub async fn all_ranges(conn: &mut SqliteConnection) -> Result<Vec<PaperRange>> {
    let rows: Vec<RangeRow> =
        sqlx::query_as("SELECT kind, prefix, first, last, width FROM paper_ranges ORDER BY id").fetch_all(conn).await?;
    rows.into_iter().map(range).collect()
}

/// Records that `holder` received `received` (checked by the caller).
pub async fn receive(
    conn: &mut SqliteConnection,
    key: Uuid,
    holder: &str,
    received: &PaperRange,
    by: &str,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO paper_ranges (key, kind, holder, prefix, first, last, width, received_by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(key.to_string())
    .bind(received.kind.code())
    .bind(holder)
    .bind(&received.prefix)
    .bind(number(received.first)?)
    .bind(number(received.last)?)
    .bind(i64::try_from(received.width).unwrap_or(18))
    .bind(by)
    .bind(time_text(at))
    .execute(conn)
    .await?;
    Ok(())
}

/// `holder`'s paper of `kind`: their ranges, the numbers printed on, those written off.
pub async fn stock(conn: &mut SqliteConnection, holder: &str, kind: PaperKind) -> Result<Stock> {
    let rows: Vec<RangeRow> = sqlx::query_as(
        "SELECT kind, prefix, first, last, width FROM paper_ranges WHERE holder = ?1 AND kind = ?2 ORDER BY id",
    )
    .bind(holder)
    .bind(kind.code())
    .fetch_all(&mut *conn)
    .await?;
    let ranges = rows.into_iter().map(range).collect::<Result<Vec<_>>>()?;
    let used: Vec<String> = match kind {
        PaperKind::Invoice => {
            sqlx::query_scalar("SELECT paper_no FROM invoice_events WHERE kind = 'paper_printed'")
                .fetch_all(&mut *conn)
                .await?
        }
        PaperKind::Receipt => {
            sqlx::query_scalar("SELECT paper_no FROM prints WHERE document = 'receipt' AND paper_no IS NOT NULL")
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let written_off: Vec<String> = sqlx::query_scalar("SELECT paper_no FROM paper_write_offs WHERE kind = ?1")
        .bind(kind.code())
        .fetch_all(&mut *conn)
        .await?;
    Ok(Stock { ranges, used: used.into_iter().collect(), written_off: written_off.into_iter().collect() })
}

/// Writes off `numbers` (printed forms) of `holder`'s `kind` with `reason` (checked by the caller).
#[allow(clippy::too_many_arguments)]
pub async fn write_off(
    conn: &mut SqliteConnection,
    key: Uuid,
    kind: PaperKind,
    holder: &str,
    numbers: &[String],
    reason: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<()> {
    for (i, paper_no) in numbers.iter().enumerate() {
        sqlx::query(
            "INSERT INTO paper_write_offs (key, kind, holder, paper_no, reason, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(format!("{key}#{i}"))
        .bind(kind.code())
        .bind(holder)
        .bind(paper_no)
        .bind(reason.trim())
        .bind(by)
        .bind(time_text(at))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
