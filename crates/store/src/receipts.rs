//! Receipt and settlement numbers: per cashier and series, gap-free, issued inside the
//! transaction of what they number; spoiled receipts are voided, never reissued.

use chrono::NaiveDateTime;
use sqlx::SqliteConnection;

use crate::codec::time_text;
use crate::error::{Result, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// 预交金收据 (deposits and their reversals): `YJ` + cashier prefix + 8 digits.
    Deposit,
    /// 结算单号: `JS` + cashier prefix + 8 digits.
    Settlement,
}

impl Series {
    pub fn code(self) -> &'static str {
        match self {
            Series::Deposit => "deposit",
            Series::Settlement => "settlement",
        }
    }
    fn letters(self) -> &'static str {
        match self {
            Series::Deposit => "YJ",
            Series::Settlement => "JS",
        }
    }
}

/// What a number is printed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbered {
    Deposit(i64),
    Settlement(i64),
}

/// The cashier's next number in `series` and its sequence position. Take it and record it in
/// the same write transaction as the row it numbers: if that rolls back, so does the number,
/// and the sequence keeps no gap. On a device synced with the platform, numbers come from the
/// blocks the platform handed it (`receipt_ranges`), so two offline counters never collide.
/// Where a counter's numbers come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// A stand-alone counter numbers on its own, after its last number.
    Own,
    /// A counter linked to a platform numbers only from the blocks the platform allocated to
    /// it; without one it cannot take money (another counter may hold the same numbers).
    Ranges,
}

pub async fn next(
    conn: &mut SqliteConnection,
    cashier: &str,
    prefix: &str,
    series: Series,
    numbering: Numbering,
) -> Result<(String, i64)> {
    let ranges: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT first_seq, last_seq, prefix FROM receipt_ranges WHERE cashier = ?1 AND series = ?2 ORDER BY first_seq",
    )
    .bind(cashier)
    .bind(series.code())
    .fetch_all(&mut *conn)
    .await?;
    if ranges.is_empty() && numbering == Numbering::Ranges {
        return Err(StoreError::NumbersExhausted);
    }
    if ranges.is_empty() {
        let seq: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM receipts WHERE cashier = ?1 AND series = ?2")
                .bind(cashier)
                .bind(series.code())
                .fetch_one(&mut *conn)
                .await?;
        return Ok((format!("{}{prefix}{seq:08}", series.letters()), seq));
    }
    for (first, last, range_prefix) in ranges {
        let used: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(seq) FROM receipts WHERE cashier = ?1 AND series = ?2 AND seq BETWEEN ?3 AND ?4",
        )
        .bind(cashier)
        .bind(series.code())
        .bind(first)
        .bind(last)
        .fetch_one(&mut *conn)
        .await?;
        let seq = used.map_or(first, |u| u + 1);
        if seq <= last {
            return Ok((format!("{}{range_prefix}{seq:08}", series.letters()), seq));
        }
    }
    Err(StoreError::NumbersExhausted)
}

/// Numbers left in the cashier's blocks (`None` when the device numbers on its own).
pub async fn numbers_left(conn: &mut SqliteConnection, cashier: &str, series: Series) -> Result<Option<i64>> {
    let total: Option<i64> = sqlx::query_scalar(
        "SELECT SUM(last_seq - first_seq + 1) FROM receipt_ranges WHERE cashier = ?1 AND series = ?2",
    )
    .bind(cashier)
    .bind(series.code())
    .fetch_one(&mut *conn)
    .await?;
    let Some(total) = total else { return Ok(None) };
    let used: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM receipts r WHERE r.cashier = ?1 AND r.series = ?2
           AND EXISTS (SELECT 1 FROM receipt_ranges g WHERE g.cashier = r.cashier AND g.series = r.series AND r.seq BETWEEN g.first_seq AND g.last_seq)",
    )
    .bind(cashier)
    .bind(series.code())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(total - used))
}

/// The numbers left in every cashier's blocks on this device, by cashier and series (设置 shows
/// them to the administrator, who asks the platform for more before a block runs out).
pub async fn blocks_left(conn: &mut SqliteConnection) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT g.cashier, g.series,
                SUM(g.last_seq - g.first_seq + 1)
                - (SELECT count(*) FROM receipts r WHERE r.cashier = g.cashier AND r.series = g.series
                     AND EXISTS (SELECT 1 FROM receipt_ranges h WHERE h.cashier = r.cashier AND h.series = r.series
                                   AND r.seq BETWEEN h.first_seq AND h.last_seq))
           FROM receipt_ranges g GROUP BY g.cashier, g.series ORDER BY g.cashier, g.series",
    )
    .fetch_all(conn)
    .await?)
}

/// Adds a block the platform allocated.
pub async fn add_range(
    conn: &mut SqliteConnection,
    cashier: &str,
    series: Series,
    first: i64,
    last: i64,
    prefix: &str,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO receipt_ranges (cashier, series, first_seq, last_seq, prefix, allocated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(cashier)
    .bind(series.code())
    .bind(first)
    .bind(last)
    .bind(prefix)
    .bind(time_text(at))
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a number as used for `what`.
pub async fn record(
    conn: &mut SqliteConnection,
    receipt_no: &str,
    cashier: &str,
    series: Series,
    seq: i64,
    at: NaiveDateTime,
    what: Numbered,
) -> Result<()> {
    let (deposit, settlement) = match what {
        Numbered::Deposit(id) => (Some(id), None),
        Numbered::Settlement(id) => (None, Some(id)),
    };
    sqlx::query(
        "INSERT INTO receipts (receipt_no, cashier, series, seq, issued_at, deposit_id, settlement_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(receipt_no)
    .bind(cashier)
    .bind(series.code())
    .bind(seq)
    .bind(time_text(at))
    .bind(deposit)
    .bind(settlement)
    .execute(conn)
    .await?;
    Ok(())
}

/// The receipt a deposit carries now: the newest number printed for it that was not voided.
pub async fn current_for_deposit(conn: &mut SqliteConnection, deposit_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT r.receipt_no FROM receipts r WHERE r.deposit_id = ?1
           AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_no = r.receipt_no)
         ORDER BY r.id DESC LIMIT 1",
    )
    .bind(deposit_id)
    .fetch_optional(conn)
    .await?)
}

/// The deposit a receipt number was printed for, and whether the number was voided.
pub async fn deposit_of(conn: &mut SqliteConnection, receipt_no: &str) -> Result<Option<(i64, bool)>> {
    let row: Option<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT r.deposit_id, EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_no = r.receipt_no)
         FROM receipts r WHERE r.receipt_no = ?1",
    )
    .bind(receipt_no)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(deposit, voided)| deposit.map(|d| (d, voided != 0))))
}

/// Voids a spoiled receipt; the number stays taken.
pub async fn void(
    conn: &mut SqliteConnection,
    receipt_no: &str,
    at: NaiveDateTime,
    by: &str,
    reason: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO receipt_voids (receipt_no, at, by_user, reason) VALUES (?1, ?2, ?3, ?4)")
        .bind(receipt_no)
        .bind(time_text(at))
        .bind(by)
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}

/// The numbers a cashier has voided, in order.
pub async fn voided(conn: &mut SqliteConnection, cashier: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT v.receipt_no FROM receipt_voids v JOIN receipts r ON r.receipt_no = v.receipt_no
         WHERE r.cashier = ?1 ORDER BY v.id",
    )
    .bind(cashier)
    .fetch_all(conn)
    .await?)
}

/// All of a cashier's numbers in a series, in order (for checks that the sequence has no gap).
pub async fn sequence(conn: &mut SqliteConnection, cashier: &str, series: Series) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT seq FROM receipts WHERE cashier = ?1 AND series = ?2 ORDER BY seq")
        .bind(cashier)
        .bind(series.code())
        .fetch_all(conn)
        .await?)
}

/// A receipt void made at another counter, as the feed brings it (false: known already — this
/// counter made it, or received it before).
#[allow(clippy::too_many_arguments)]
pub async fn append_pulled_void(
    conn: &mut SqliteConnection,
    key: &str,
    deposit_id: i64,
    voided_no: &str,
    new_no: &str,
    reason: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    if deposit_of(&mut *conn, new_no).await?.is_some() {
        return Ok(false);
    }
    let done = sqlx::query(
        "INSERT INTO pulled_receipt_voids (key, deposit_id, voided_no, new_no, reason, by_user, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .bind(deposit_id)
    .bind(voided_no)
    .bind(new_no)
    .bind(reason)
    .bind(by)
    .bind(time_text(at))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
