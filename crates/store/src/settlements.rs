//! Settlements with the fee lines they settled and their payments, and recalls of them.

use domain::{
    Place, Recall, RecallKind, Settlement, SettlementFigures, SettlementKind, SettlementPayment, Tender, TenderLine,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use uuid::Uuid;

use crate::codec::{coded, money, time, time_text};
use crate::error::{Result, StoreError};

/// Appends a settlement, the fee lines it settles and its payments; the id is assigned here.
pub async fn append_settlement(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    settlement: &Settlement,
    trial_version: &str,
) -> Result<i64> {
    let f = &settlement.figures;
    let id = sqlx::query(
        "INSERT INTO settlements (idempotency_key, admission_id, settlement_no, kind, fees_fen, insurance_fund_fen,
             personal_account_fen, blood_fen, deposits_applied_fen, due_fen, insurance_ref, place, cashier, at, trial_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
    .bind(&settlement.settlement_no)
    .bind(settlement.kind.code())
    .bind(f.fees.fen())
    .bind(f.insurance_fund.fen())
    .bind(f.personal_account.fen())
    .bind(f.blood_reimbursement.fen())
    .bind(f.deposits_applied.fen())
    .bind(f.due.fen())
    .bind(settlement.insurance_ref.as_deref())
    .bind(settlement.place.code())
    .bind(&settlement.cashier)
    .bind(time_text(settlement.at))
    .bind(trial_version)
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    for chunk in settlement.fee_ids.chunks(10_000) {
        let mut builder: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO settlement_fees (settlement_id, fee_item_id) ");
        builder.push_values(chunk, |mut row, fee_id| {
            row.push_bind(id).push_bind(*fee_id);
        });
        builder.build().execute(&mut *conn).await?;
    }
    for (seq, payment) in settlement.payments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO settlement_payments (settlement_id, seq, tender, amount_fen, reference, deposit_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(id)
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(payment.line.tender.code())
        .bind(payment.line.amount.fen())
        .bind(payment.line.reference.as_deref())
        .bind(payment.deposit_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// The settlement already recorded under `key`, if any: a retried commit finds its first result.
pub async fn by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as("SELECT id, settlement_no FROM settlements WHERE idempotency_key = ?1")
        .bind(key.to_string())
        .fetch_optional(conn)
        .await?)
}

pub async fn append_recall(
    conn: &mut SqliteConnection,
    settlement_id: i64,
    key: Uuid,
    kind: RecallKind,
    recall: &Recall,
) -> Result<i64> {
    let id = sqlx::query(
        "INSERT INTO settlement_recalls (idempotency_key, settlement_id, kind, at, by_user, approved_by, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(key.to_string())
    .bind(settlement_id)
    .bind(kind.code())
    .bind(time_text(recall.at))
    .bind(&recall.by)
    .bind(&recall.approved_by)
    .bind(&recall.reason)
    .execute(conn)
    .await?
    .last_insert_rowid();
    Ok(id)
}

/// The recall already recorded under `key`, if any.
pub async fn recall_by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT settlement_id FROM settlement_recalls WHERE idempotency_key = ?1")
        .bind(key.to_string())
        .fetch_optional(conn)
        .await?)
}

/// id, settlement_no, kind, fees, fund, personal, blood, applied, due, insurance_ref, place, cashier, at
type SettlementRow = (i64, String, String, i64, i64, i64, i64, i64, i64, Option<String>, String, String, String);

pub async fn load_settlements(conn: &mut SqliteConnection, admission: Uuid) -> Result<Vec<Settlement>> {
    let rows: Vec<SettlementRow> = sqlx::query_as(
        "SELECT id, settlement_no, kind, fees_fen, insurance_fund_fen, personal_account_fen, blood_fen,
                deposits_applied_fen, due_fen, insurance_ref, place, cashier, at
         FROM settlements WHERE admission_id = ?1 AND idempotency_key NOT IN (SELECT key FROM rejected_records) ORDER BY id",
    )
    .bind(admission.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, settlement_no, kind, fees, fund, personal, blood, applied, due, insurance_ref, place, cashier, at) in rows
    {
        let fee_ids: Vec<i64> =
            sqlx::query_scalar("SELECT fee_item_id FROM settlement_fees WHERE settlement_id = ?1 ORDER BY fee_item_id")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
        let payments: Vec<(String, i64, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT tender, amount_fen, reference, deposit_id FROM settlement_payments WHERE settlement_id = ?1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let payments = payments
            .into_iter()
            .map(|(tender, amount, reference, deposit_id)| {
                Ok(SettlementPayment {
                    line: TenderLine {
                        tender: coded("settlement_payments.tender", &tender, |c| Tender::parse(c).ok())?,
                        amount: money(amount)?,
                        reference,
                    },
                    deposit_id,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let recall: Option<(String, String, String, String)> =
            sqlx::query_as("SELECT at, by_user, approved_by, reason FROM settlement_recalls WHERE settlement_id = ?1 AND idempotency_key NOT IN (SELECT key FROM rejected_records)")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let recall = match recall {
            Some((at, by, approved_by, reason)) => Some(Recall { at: time(&at)?, by, approved_by, reason }),
            None => None,
        };
        out.push(Settlement {
            id,
            settlement_no,
            kind: coded("settlements.kind", &kind, SettlementKind::from_code)?,
            fee_ids,
            figures: SettlementFigures {
                fees: money(fees)?,
                insurance_fund: money(fund)?,
                personal_account: money(personal)?,
                blood_reimbursement: money(blood)?,
                deposits_applied: money(applied)?,
                due: money(due)?,
            },
            payments,
            at: time(&at)?,
            cashier,
            place: coded("settlements.place", &place, Place::from_code)?,
            insurance_ref,
            recall,
        });
    }
    Ok(out)
}

/// Insurance fund paid for a patient in a calendar year by settlements still in force (for the
/// annual cap).
pub async fn insurance_paid_in_year(conn: &mut SqliteConnection, patient: Uuid, year: i32) -> Result<domain::Money> {
    let fen: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(s.insurance_fund_fen), 0) FROM settlements s JOIN admissions a ON a.id = s.admission_id
         WHERE a.patient_id = ?1 AND substr(s.at, 1, 4) = ?2 AND s.idempotency_key NOT IN (SELECT key FROM rejected_records)
           AND NOT EXISTS (SELECT 1 FROM settlement_recalls r WHERE r.settlement_id = s.id)",
    )
    .bind(patient.to_string())
    .bind(format!("{year:04}"))
    .fetch_one(conn)
    .await?;
    money(fen).map_err(|e| StoreError::BadRow(e.to_string()))
}
