//! Fee lines (费用明细) and what happens to them later (确费, 取消): appending and loading with
//! the status their events lead to.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use domain::{FeeCategory, FeeEvent, FeeLine, FeeStatus};
use rust_decimal::Decimal;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use uuid::Uuid;

use crate::codec::{coded, money, time, time_text};
use crate::error::{Result, StoreError};

/// Appends a fee line; the line's `id` is assigned here (the value passed is ignored).
pub async fn append_fee(conn: &mut SqliteConnection, admission: Uuid, key: Uuid, fee: &FeeLine) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO fee_items (idempotency_key, admission_id, item_code, item_name, category, spec, unit, quantity,
                                unit_price_fen, amount_fen, charged_at, department, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
    .bind(&fee.item_code)
    .bind(&fee.item_name)
    .bind(fee.category.code())
    .bind(&fee.spec)
    .bind(&fee.unit)
    .bind(fee.quantity.to_string())
    .bind(fee.unit_price.fen())
    .bind(fee.amount.fen())
    .bind(time_text(fee.charged_at))
    .bind(&fee.department)
    .bind(fee.status.code())
    .execute(conn)
    .await?
    .last_insert_rowid();
    Ok(id)
}

/// Appends many fee lines of one admission in a few statements (HIS imports, demo seeding);
/// each line keeps its own idempotency key. Ids are assigned here.
pub async fn append_fees(conn: &mut SqliteConnection, admission: Uuid, fees: &[(Uuid, &FeeLine)]) -> Result<()> {
    // 13 parameters a row; SQLite allows 32,766 per statement.
    for chunk in fees.chunks(500) {
        let mut builder: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO fee_items (idempotency_key, admission_id, item_code, item_name, category, spec, unit, quantity,
                                    unit_price_fen, amount_fen, charged_at, department, status) ",
        );
        builder.push_values(chunk, |mut row, (key, fee)| {
            row.push_bind(key.to_string())
                .push_bind(admission.to_string())
                .push_bind(fee.item_code.clone())
                .push_bind(fee.item_name.clone())
                .push_bind(fee.category.code())
                .push_bind(fee.spec.clone())
                .push_bind(fee.unit.clone())
                .push_bind(fee.quantity.to_string())
                .push_bind(fee.unit_price.fen())
                .push_bind(fee.amount.fen())
                .push_bind(time_text(fee.charged_at))
                .push_bind(fee.department.clone())
                .push_bind(fee.status.code());
        });
        builder.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records a confirmation or cancellation of a fee line.
pub async fn append_fee_event(
    conn: &mut SqliteConnection,
    fee_id: i64,
    key: Uuid,
    event: FeeEvent,
    at: NaiveDateTime,
    actor: &str,
    reason: Option<&str>,
) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO fee_item_events (idempotency_key, fee_item_id, kind, at, actor, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(key.to_string())
    .bind(fee_id)
    .bind(event.code())
    .bind(time_text(at))
    .bind(actor)
    .bind(reason)
    .execute(conn)
    .await?
    .last_insert_rowid();
    Ok(id)
}

type FeeRow = (i64, String, String, String, String, String, String, i64, i64, String, String, String);

/// The fee lines of an admission in charge order, each with the status its events lead to.
pub async fn load_fees(conn: &mut SqliteConnection, admission: Uuid) -> Result<Vec<FeeLine>> {
    let rows: Vec<FeeRow> = sqlx::query_as(
        "SELECT id, item_code, item_name, category, spec, unit, quantity, unit_price_fen, amount_fen, charged_at, department, status
         FROM fee_items WHERE admission_id = ?1 ORDER BY charged_at, id",
    )
    .bind(admission.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let events: Vec<(i64, String)> = sqlx::query_as(
        "SELECT e.fee_item_id, e.kind FROM fee_item_events e JOIN fee_items f ON f.id = e.fee_item_id
         WHERE f.admission_id = ?1 AND e.idempotency_key NOT IN (SELECT key FROM rejected_records) ORDER BY e.id",
    )
    .bind(admission.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut latest: HashMap<i64, FeeStatus> = HashMap::new();
    for (fee_id, kind) in events {
        latest.insert(fee_id, coded("fee_item_events.kind", &kind, FeeEvent::from_code)?.status());
    }
    rows.into_iter()
        .map(|row| {
            let mut line = fee_from_row(row)?;
            if let Some(status) = latest.get(&line.id) {
                line.status = *status;
            }
            Ok(line)
        })
        .collect()
}

fn fee_from_row(row: FeeRow) -> Result<FeeLine> {
    let (id, item_code, item_name, category, spec, unit, quantity, unit_price, amount, charged_at, department, status) =
        row;
    Ok(FeeLine {
        id,
        item_code,
        item_name,
        category: coded("fee_items.category", &category, FeeCategory::from_code)?,
        spec,
        unit,
        quantity: quantity
            .parse::<Decimal>()
            .map_err(|_| StoreError::BadRow(format!("fee_items.quantity 无法读取：{quantity}")))?,
        unit_price: money(unit_price)?,
        amount: money(amount)?,
        charged_at: time(&charged_at)?,
        department,
        status: coded("fee_items.status", &status, FeeStatus::from_code)?,
    })
}
