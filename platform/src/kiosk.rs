//! The self-service kiosks (自助机) as the sandbox plays them: each holds its own stock of
//! pre-numbered invoice paper (`kiosk_paper`), and prints a patient's e-invoice onto the next
//! number the way a kiosk does — registered with the fiscal platform, kept, and sent to every
//! counter, where a cashier can void it (自助打印发票作废).

use domain::paper::{PaperKind, PaperRange, Stock, check_new_range};
use wire::records::InvoiceRecord;

use crate::error::{ApiError, ApiResult};
use crate::{AppState, invoices};

fn range_of((prefix, first, last, width): (String, i64, i64, i32)) -> ApiResult<PaperRange> {
    let bad = |_| ApiError::internal("自助机号段数值无效");
    Ok(PaperRange {
        kind: PaperKind::Invoice,
        prefix,
        first: u64::try_from(first).map_err(bad)?,
        last: u64::try_from(last).map_err(bad)?,
        width: usize::try_from(width).map_err(bad)?,
    })
}

/// Kiosk `kiosk` receives `range` of invoice paper; overlapping any kiosk's range is refused.
pub async fn receive(state: &AppState, kiosk: &str, range: &PaperRange) -> ApiResult<()> {
    let mut tx = state.pool.begin().await?;
    sqlx::query("LOCK TABLE kiosk_paper IN EXCLUSIVE MODE").execute(&mut *tx).await?;
    let rows: Vec<(String, i64, i64, i32)> =
        sqlx::query_as("SELECT prefix, first, last, width FROM kiosk_paper").fetch_all(&mut *tx).await?;
    let existing = rows.into_iter().map(range_of).collect::<ApiResult<Vec<_>>>()?;
    check_new_range(&existing, range).map_err(|e| ApiError::bad_request(e.code(), e.to_string()))?;
    let number = |n: u64| i64::try_from(n).map_err(|_| ApiError::bad_request("PAPER_RANGE_INVALID", "号码超出范围"));
    sqlx::query(
        "INSERT INTO kiosk_paper (key, kiosk, prefix, first, last, width, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(state.clock().key())
    .bind(kiosk)
    .bind(&range.prefix)
    .bind(number(range.first)?)
    .bind(number(range.last)?)
    .bind(i32::try_from(range.width).unwrap_or(18))
    .bind(state.clock().now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Kiosk `kiosk` prints the invoice numbered `invoice_no` (票据号码) on its next paper number.
pub async fn print(state: &AppState, kiosk: &str, invoice_no: &str) -> ApiResult<InvoiceRecord> {
    let mut conn = state.pool.acquire().await?;
    let invoice = invoices::held_by_number(&mut conn, invoice_no)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("票据号码 {} 不存在", invoice_no.trim())))?;
    let rows: Vec<(String, i64, i64, i32)> =
        sqlx::query_as("SELECT prefix, first, last, width FROM kiosk_paper WHERE kiosk = $1 ORDER BY at, key")
            .bind(kiosk)
            .fetch_all(&mut *conn)
            .await?;
    let ranges = rows.into_iter().map(range_of).collect::<ApiResult<Vec<_>>>()?;
    let used: Vec<String> = sqlx::query_scalar("SELECT paper_no FROM invoice_events WHERE kind = 'paper_printed'")
        .fetch_all(&mut *conn)
        .await?;
    drop(conn);
    let stock = Stock { ranges, used: used.into_iter().collect(), ..Stock::default() };
    let paper_no =
        stock.next(PaperKind::Invoice).map_err(|e| ApiError::bad_request(e.code(), format!("自助机 {kiosk}：{e}")))?;
    invoices::print_paper(state, invoice.settlement_key, &paper_no, kiosk, "kiosk").await
}
