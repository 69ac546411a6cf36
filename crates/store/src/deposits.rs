//! The deposit ledger: deposits, reversals and recall transfers with their tenders.

use domain::{DepositEntry, DepositKind, Tender, TenderLine};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{coded, money, time, time_text};
use crate::error::{Result, StoreError};

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
    let (reverses, settlement) = match entry.kind {
        DepositKind::Deposit => (None, None),
        DepositKind::Reversal { of } => (Some(of), None),
        DepositKind::RecallTransfer { settlement } => (None, Some(settlement)),
    };
    let id = sqlx::query(
        "INSERT INTO deposits (idempotency_key, admission_id, receipt_no, kind, reverses_id, settlement_id, amount_fen, cashier, at, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
    .bind(&entry.receipt_no)
    .bind(entry.kind.code())
    .bind(reverses)
    .bind(settlement)
    .bind(entry.amount.fen())
    .bind(&entry.cashier)
    .bind(time_text(entry.at))
    .bind(entry.reason.as_deref())
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

/// The deposit recorded under an idempotency key: its id, admission and amount in fen.
pub async fn by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<(i64, String, i64)>> {
    Ok(sqlx::query_as("SELECT id, admission_id, amount_fen FROM deposits WHERE idempotency_key = ?1")
        .bind(key.to_string())
        .fetch_optional(conn)
        .await?)
}

/// id, receipt_no, kind, reverses_id, settlement_id, amount_fen, cashier, at, reason
type DepositRow = (i64, String, String, Option<i64>, Option<i64>, i64, String, String, Option<String>);

pub async fn load_deposits(conn: &mut SqliteConnection, admission: Uuid) -> Result<Vec<DepositEntry>> {
    let rows: Vec<DepositRow> = sqlx::query_as(
        // The receipt shown is the newest one printed for the deposit that was not voided.
        "SELECT d.id,
                COALESCE((SELECT r.receipt_no FROM receipts r WHERE r.deposit_id = d.id
                            AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_no = r.receipt_no)
                          ORDER BY r.id DESC LIMIT 1),
                         (SELECT p.new_no FROM pulled_receipt_voids p WHERE p.deposit_id = d.id ORDER BY p.id DESC LIMIT 1),
                         d.receipt_no),
                d.kind, d.reverses_id, d.settlement_id, d.amount_fen, d.cashier, d.at, d.reason
         FROM deposits d WHERE d.admission_id = ?1 AND d.idempotency_key NOT IN (SELECT key FROM rejected_records) ORDER BY d.id",
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
        .map(|(id, receipt_no, kind, reverses, settlement, amount, cashier, at, reason)| {
            let kind = match (kind.as_str(), reverses, settlement) {
                ("deposit", None, None) => DepositKind::Deposit,
                ("reversal", Some(of), None) => DepositKind::Reversal { of },
                ("recall_transfer", None, Some(settlement)) => DepositKind::RecallTransfer { settlement },
                _ => return Err(StoreError::BadRow(format!("deposits.kind 无法读取：{kind}"))),
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
            Ok(DepositEntry { id, receipt_no, kind, amount: money(amount)?, tenders, at: time(&at)?, cashier, reason })
        })
        .collect()
}
