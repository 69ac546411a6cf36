//! The inpatient account's journal: fee lines, deposits with their tenders, and admission
//! events. Rows are only ever appended; `load_account` reads them back for the domain.

use chrono::NaiveDateTime;
use domain::{
    AdmissionEvent, AdmissionState, DepositEntry, DepositKind, FeeCategory, FeeLine, FeeStatus, InpatientAccount,
    Tender, TenderLine,
};
use rust_decimal::Decimal;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use uuid::Uuid;

use crate::codec::{coded, money, time, time_text};
use crate::error::{Result, StoreError};
use crate::patients::states_of;

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

/// Appends a deposit or a reversal with its tenders; the entry's `id` is assigned here.
pub async fn append_deposit(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    entry: &DepositEntry,
) -> Result<i64> {
    let tender_sum: domain::Money = entry.tenders.iter().map(|t| t.amount).sum();
    if tender_sum != entry.amount {
        return Err(StoreError::BadRow(format!("支付方式合计 {tender_sum} 与金额 {} 不符", entry.amount)));
    }
    let (kind, reverses) = match entry.kind {
        DepositKind::Deposit => ("deposit", None),
        DepositKind::Reversal { of } => ("reversal", Some(of)),
    };
    let id = sqlx::query(
        "INSERT INTO deposits (idempotency_key, admission_id, receipt_no, kind, reverses_id, amount_fen, cashier, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
    .bind(&entry.receipt_no)
    .bind(kind)
    .bind(reverses)
    .bind(entry.amount.fen())
    .bind(&entry.cashier)
    .bind(time_text(entry.at))
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    for (seq, tender) in entry.tenders.iter().enumerate() {
        sqlx::query(
            "INSERT INTO deposit_tenders (deposit_id, seq, tender, amount_fen, reference) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(id)
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(tender.tender.code())
        .bind(tender.amount.fen())
        .bind(tender.reference.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Appends an admission event (discharge order, audit result, settlement…).
pub async fn append_event(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    event: AdmissionEvent,
    at: NaiveDateTime,
    actor: &str,
    reason: Option<&str>,
) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO admission_events (idempotency_key, admission_id, kind, at, actor, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
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

/// Everything the domain needs to compute the account of one admission.
pub async fn load_account(conn: &mut SqliteConnection, admission: Uuid) -> Result<InpatientAccount> {
    let fee_rows: Vec<FeeRow> = sqlx::query_as(
        "SELECT id, item_code, item_name, category, spec, unit, quantity, unit_price_fen, amount_fen, charged_at, department, status
         FROM fee_items WHERE admission_id = ?1 ORDER BY charged_at, id",
    )
    .bind(admission.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let fees = fee_rows.into_iter().map(fee_from_row).collect::<Result<Vec<_>>>()?;
    let deposits = load_deposits(conn, admission).await?;
    let state: AdmissionState = states_of(conn, &[admission]).await?.remove(0);
    Ok(InpatientAccount { state, fees, deposits })
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

/// id, receipt_no, kind, reverses_id, amount_fen, cashier, at
type DepositRow = (i64, String, String, Option<i64>, i64, String, String);

async fn load_deposits(conn: &mut SqliteConnection, admission: Uuid) -> Result<Vec<DepositEntry>> {
    let rows: Vec<DepositRow> = sqlx::query_as(
        "SELECT id, receipt_no, kind, reverses_id, amount_fen, cashier, at FROM deposits WHERE admission_id = ?1 ORDER BY id",
    )
    .bind(admission.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let tenders: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT t.deposit_id, t.tender, t.amount_fen, t.reference FROM deposit_tenders t
         JOIN deposits d ON d.id = t.deposit_id WHERE d.admission_id = ?1 ORDER BY t.deposit_id, t.seq",
    )
    .bind(admission.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, receipt_no, kind, reverses, amount, cashier, at)| {
            let kind = match (kind.as_str(), reverses) {
                ("deposit", None) => DepositKind::Deposit,
                ("reversal", Some(of)) => DepositKind::Reversal { of },
                _ => {
                    return Err(StoreError::BadRow(format!("deposits.kind 无法读取：{kind}")));
                }
            };
            let tenders = tenders
                .iter()
                .filter(|t| t.0 == id)
                .map(|(_, tender, amount, reference)| {
                    Ok(TenderLine {
                        tender: coded("deposit_tenders.tender", tender, |c| Tender::parse(c).ok())?,
                        amount: money(*amount)?,
                        reference: reference.clone(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(DepositEntry { id, receipt_no, kind, amount: money(amount)?, tenders, at: time(&at)?, cashier })
        })
        .collect()
}
