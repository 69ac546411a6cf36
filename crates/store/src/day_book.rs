//! The hospital's day and month read from the records (住院日报 / 月报): each cashier's money of
//! a span of time summed by tender and kind, the settlements' figures per insurance type, income
//! by department and fee category, and the balances of deposits and of fees not yet settled at
//! any moment. Sums are done here; what they mean is the domain's. Rows the platform refused are
//! left out, as from the account.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use domain::{InsuranceType, SettlementFigures, Tender, TenderLine};
use sqlx::SqliteConnection;

use crate::codec::{coded, money, time_text};
use crate::error::Result;

/// One cashier's money in a span of time, summed.
#[derive(Clone, Debug, Default)]
pub struct CashierSums {
    pub cashier: String,
    /// Deposits received (and recall transfers) by tender, positive.
    pub received: Vec<TenderLine>,
    /// Deposits reversed by tender, positive.
    pub reversed: Vec<TenderLine>,
    /// Settlements' figures per insurance type, and their payments (collected positive,
    /// refunded negative, one line each way per tender).
    pub settled: Vec<(InsuranceType, SettlementFigures)>,
    pub settled_payments: Vec<TenderLine>,
    /// The same of the settlements this cashier recalled.
    pub recalled: Vec<(InsuranceType, SettlementFigures)>,
    pub recalled_payments: Vec<TenderLine>,
}

/// A cashier, an insurance type and six summed figures in fen.
type FiguresSum = (String, String, i64, i64, i64, i64, i64, i64);

const NOT_REJECTED: &str = "NOT IN (SELECT key FROM rejected_records)";

fn line(tender: &str, fen: i64) -> Result<TenderLine> {
    Ok(TenderLine { tender: coded("tender", tender, |c| Tender::parse(c).ok())?, amount: money(fen)?, reference: None })
}

fn entry<'a>(map: &'a mut BTreeMap<String, CashierSums>, cashier: &str) -> &'a mut CashierSums {
    map.entry(cashier.to_owned()).or_insert_with(|| CashierSums { cashier: cashier.to_owned(), ..Default::default() })
}

/// Every cashier's money made in `[from, to)`, by cashier name.
pub async fn cashiers_between(
    conn: &mut SqliteConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<CashierSums>> {
    let (from, to) = (time_text(from), time_text(to));
    let mut out: BTreeMap<String, CashierSums> = BTreeMap::new();
    let deposits: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT d.cashier, d.kind, t.tender, SUM(t.amount_fen) FROM deposits d JOIN deposit_tenders t ON t.deposit_id = d.id
         WHERE d.at >= ?1 AND d.at < ?2 AND d.idempotency_key NOT IN (SELECT key FROM rejected_records)
         GROUP BY d.cashier, d.kind, t.tender",
    )
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    for (cashier, kind, tender, fen) in deposits {
        let sums = entry(&mut out, &cashier);
        if kind == "reversal" {
            sums.reversed.push(line(&tender, fen.abs())?);
        } else {
            sums.received.push(line(&tender, fen)?);
        }
    }
    for recalls in [false, true] {
        let (who, at, join, not_rejected) = if recalls {
            ("r.by_user", "r.at", "JOIN settlement_recalls r ON r.settlement_id = s.id", "r.idempotency_key")
        } else {
            ("s.cashier", "s.at", "", "s.idempotency_key")
        };
        let figures: Vec<FiguresSum> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {who}, a.insurance_type, SUM(s.fees_fen), SUM(s.insurance_fund_fen), SUM(s.personal_account_fen),
                    SUM(s.blood_fen), SUM(s.deposits_applied_fen), SUM(s.due_fen)
             FROM settlements s JOIN admissions a ON a.id = s.admission_id {join}
             WHERE {at} >= ?1 AND {at} < ?2 AND {not_rejected} {NOT_REJECTED}
             GROUP BY {who}, a.insurance_type"
        )))
        .bind(&from)
        .bind(&to)
        .fetch_all(&mut *conn)
        .await?;
        for (cashier, insurance, fees, fund, personal, blood, applied, due) in figures {
            let insurance = coded("admissions.insurance_type", &insurance, InsuranceType::from_code)?;
            let figures = SettlementFigures {
                fees: money(fees)?,
                insurance_fund: money(fund)?,
                personal_account: money(personal)?,
                blood_reimbursement: money(blood)?,
                deposits_applied: money(applied)?,
                due: money(due)?,
            };
            let sums = entry(&mut out, &cashier);
            if recalls { sums.recalled.push((insurance, figures)) } else { sums.settled.push((insurance, figures)) }
        }
        let payments: Vec<(String, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {who}, p.tender, SUM(CASE WHEN p.amount_fen > 0 THEN p.amount_fen ELSE 0 END),
                    SUM(CASE WHEN p.amount_fen < 0 THEN p.amount_fen ELSE 0 END)
             FROM settlements s JOIN settlement_payments p ON p.settlement_id = s.id {join}
             WHERE {at} >= ?1 AND {at} < ?2 AND {not_rejected} {NOT_REJECTED}
             GROUP BY {who}, p.tender"
        )))
        .bind(&from)
        .bind(&to)
        .fetch_all(&mut *conn)
        .await?;
        for (cashier, tender, collected, refunded) in payments {
            let sums = entry(&mut out, &cashier);
            let target = if recalls { &mut sums.recalled_payments } else { &mut sums.settled_payments };
            if collected != 0 {
                target.push(line(&tender, collected)?);
            }
            if refunded != 0 {
                target.push(line(&tender, refunded)?);
            }
        }
    }
    Ok(out.into_values().collect())
}

/// Fees settled in `[from, to)` net of those recalled then, by (department, category code), in
/// fen.
pub async fn income_between(
    conn: &mut SqliteConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT department, category, SUM(fen) FROM (
            SELECT f.department, f.category, f.amount_fen AS fen FROM settlements s
              JOIN settlement_fees sf ON sf.settlement_id = s.id JOIN fee_items f ON f.id = sf.fee_item_id
             WHERE s.at >= ?1 AND s.at < ?2 AND s.idempotency_key NOT IN (SELECT key FROM rejected_records)
            UNION ALL
            SELECT f.department, f.category, -f.amount_fen FROM settlement_recalls r JOIN settlements s ON s.id = r.settlement_id
              JOIN settlement_fees sf ON sf.settlement_id = s.id JOIN fee_items f ON f.id = sf.fee_item_id
             WHERE r.at >= ?1 AND r.at < ?2 AND r.idempotency_key NOT IN (SELECT key FROM rejected_records))
         GROUP BY department, category ORDER BY department, category",
    )
    .bind(time_text(from))
    .bind(time_text(to))
    .fetch_all(conn)
    .await?)
}

/// The deposits' movements in `[from, to)`, in fen: received, reversed (negative), recall
/// transfers, applied by settlements (negative), restored by recalls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DepositMovements {
    pub received: i64,
    pub reversed: i64,
    pub transferred: i64,
    pub applied: i64,
    pub restored: i64,
}

pub async fn deposit_movements(
    conn: &mut SqliteConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<DepositMovements> {
    let (from, to) = (time_text(from), time_text(to));
    let (received, reversed, transferred): (i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN kind = 'deposit' THEN amount_fen END), 0),
                COALESCE(SUM(CASE WHEN kind = 'reversal' THEN amount_fen END), 0),
                COALESCE(SUM(CASE WHEN kind = 'recall_transfer' THEN amount_fen END), 0)
         FROM deposits WHERE at >= ?1 AND at < ?2 AND idempotency_key NOT IN (SELECT key FROM rejected_records)",
    )
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut *conn)
    .await?;
    let applied: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(deposits_applied_fen), 0) FROM settlements
         WHERE at >= ?1 AND at < ?2 AND idempotency_key NOT IN (SELECT key FROM rejected_records)",
    )
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut *conn)
    .await?;
    let restored: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(s.deposits_applied_fen), 0) FROM settlement_recalls r JOIN settlements s ON s.id = r.settlement_id
         WHERE r.at >= ?1 AND r.at < ?2 AND r.idempotency_key NOT IN (SELECT key FROM rejected_records)",
    )
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut *conn)
    .await?;
    Ok(DepositMovements { received, reversed, transferred, applied: -applied, restored })
}

/// The deposits held for patients just before `at`, in fen: every deposit row before it, less
/// what settlements in force at that moment applied.
pub async fn deposit_balance(conn: &mut SqliteConnection, at: NaiveDateTime) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COALESCE(SUM(amount_fen), 0) FROM deposits
                  WHERE at < ?1 AND idempotency_key NOT IN (SELECT key FROM rejected_records))
              - (SELECT COALESCE(SUM(s.deposits_applied_fen), 0) FROM settlements s
                  WHERE s.at < ?1 AND s.idempotency_key NOT IN (SELECT key FROM rejected_records)
                    AND NOT EXISTS (SELECT 1 FROM settlement_recalls r WHERE r.settlement_id = s.id AND r.at < ?1
                                    AND r.idempotency_key NOT IN (SELECT key FROM rejected_records)))",
    )
    .bind(time_text(at))
    .fetch_one(conn)
    .await?)
}

/// The fees' movements in `[from, to)`, in fen: charged (less lines cancelled then), settled
/// (negative), brought back by recalls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeeMovements {
    pub charged: i64,
    pub settled: i64,
    pub recalled: i64,
}

pub async fn fee_movements(
    conn: &mut SqliteConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<FeeMovements> {
    let (from, to) = (time_text(from), time_text(to));
    let charged: i64 = sqlx::query_scalar(
        "SELECT (SELECT COALESCE(SUM(amount_fen), 0) FROM fee_items WHERE charged_at >= ?1 AND charged_at < ?2 AND status <> 'cancelled')
              - (SELECT COALESCE(SUM(f.amount_fen), 0) FROM fee_item_events e JOIN fee_items f ON f.id = e.fee_item_id
                  WHERE e.kind = 'cancelled' AND e.at >= ?1 AND e.at < ?2 AND f.status <> 'cancelled')",
    )
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut *conn)
    .await?;
    let settled: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(fees_fen), 0) FROM settlements
         WHERE at >= ?1 AND at < ?2 AND idempotency_key NOT IN (SELECT key FROM rejected_records)",
    )
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut *conn)
    .await?;
    let recalled: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(s.fees_fen), 0) FROM settlement_recalls r JOIN settlements s ON s.id = r.settlement_id
         WHERE r.at >= ?1 AND r.at < ?2 AND r.idempotency_key NOT IN (SELECT key FROM rejected_records)",
    )
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut *conn)
    .await?;
    Ok(FeeMovements { charged, settled: -settled, recalled })
}

/// The fees of patients not yet settled just before `at` (在院费用), in fen: lines charged before
/// it and not cancelled by then, less the fees of settlements in force at that moment.
pub async fn unsettled_fees(conn: &mut SqliteConnection, at: NaiveDateTime) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COALESCE(SUM(amount_fen), 0) FROM fee_items WHERE charged_at < ?1 AND status <> 'cancelled')
              - (SELECT COALESCE(SUM(f.amount_fen), 0) FROM fee_item_events e JOIN fee_items f ON f.id = e.fee_item_id
                  WHERE e.kind = 'cancelled' AND e.at < ?1 AND f.status <> 'cancelled')
              - (SELECT COALESCE(SUM(s.fees_fen), 0) FROM settlements s
                  WHERE s.at < ?1 AND s.idempotency_key NOT IN (SELECT key FROM rejected_records)
                    AND NOT EXISTS (SELECT 1 FROM settlement_recalls r WHERE r.settlement_id = s.id AND r.at < ?1
                                    AND r.idempotency_key NOT IN (SELECT key FROM rejected_records)))",
    )
    .bind(time_text(at))
    .fetch_one(conn)
    .await?)
}

/// The deposits held and the fees not yet settled at midnight starting `day`, in fen, from the
/// day totals the database keeps as rows are written (migration 0014): the sum of the days before
/// it, so a report costs the same in a hospital's tenth year as in its first. The same figures
/// as `deposit_balance` and `unsettled_fees` at that midnight (property-tested).
pub async fn balances_at(conn: &mut SqliteConnection, day: chrono::NaiveDate) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT COALESCE(SUM(CASE measure WHEN 'deposits' THEN fen WHEN 'applied' THEN -fen ELSE 0 END), 0),
                COALESCE(SUM(CASE measure WHEN 'charged' THEN fen WHEN 'settled' THEN -fen ELSE 0 END), 0)
         FROM day_totals WHERE day < ?1",
    )
    .bind(day.format("%Y-%m-%d").to_string())
    .fetch_one(conn)
    .await?)
}
