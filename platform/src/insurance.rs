//! The platform's side of insurance (医保): it holds the connection to the insurance back-end
//! (an [`InsuranceBackend`]; the sandbox in this process), passes on each linked counter's
//! pre-settlement, settlement, reversal and query, and keeps every settlement insurance committed
//! in its register (`insurance_claims`). A claim is checked against the platform's own ledger
//! first: the stay's insurance type and insured person come from the platform's admission record
//! and the fee categories must be the ones the platform's ledger would settle — a counter cannot
//! claim for fees the platform does not hold. A pushed settlement's insurance figures are then
//! re-derived from the register ([`answers`]), never taken from the counter.

use std::collections::HashMap;

use ::insurance::{Claim, InsuranceError, InsuranceSettlement};
use chrono::{Datelike, NaiveDate};
use domain::{InsuranceShare, Money};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::fold::InsuranceAnswer;
use wire::{Envelope, Record};

use crate::error::{ApiError, ApiResult};
use crate::{AppState, journal};

/// The code of a claim that does not match the platform's ledger.
pub const CLAIM_DIFFERS: &str = "CLAIM_DIFFERS";

/// An insurance failure as the platform answers it: unreachable 503, refused 422, no answer 504.
pub fn refusal(error: &InsuranceError) -> ApiError {
    let status = match error {
        InsuranceError::Unavailable(_) => axum::http::StatusCode::SERVICE_UNAVAILABLE,
        InsuranceError::Refused(_) => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        InsuranceError::Unknown => axum::http::StatusCode::GATEWAY_TIMEOUT,
    };
    ApiError::new(status, error.code(), error.to_string())
}

fn money(fen: i64) -> ApiResult<Money> {
    Money::from_fen(fen).map_err(ApiError::internal)
}

/// The claim as the platform's own records make it: the counter's claim is accepted only when its
/// stay is known, its insurance type and person are the stay's, and its fee categories are
/// exactly those the platform's ledger would settle now. The fund already paid this year is the
/// register's, not the counter's.
pub async fn checked_claim(state: &AppState, asked: &Claim) -> ApiResult<Claim> {
    let mut tx = state.pool.begin().await?;
    if journal::lock_admission(&mut tx, asked.admission_id).await?.is_none() {
        return Err(ApiError::not_found(format!("平台上没有住院 {}", asked.admission_id)));
    }
    let admission = journal::admission(&mut tx, asked.admission_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("平台上没有住院 {} 的登记", asked.admission_id)))?;
    let person = admission.patient.person_id();
    let (seq, ledger) = state.ledgers.take(&mut tx, asked.admission_id).await?;
    let draft = ledger.account.draft_settlement(asked.kind);
    tx.commit().await?;
    state.ledgers.store(asked.admission_id, seq, ledger);
    let draft = draft.map_err(|e| ApiError::new(axum::http::StatusCode::CONFLICT, e.code(), e.to_string()))?;
    if !admission.insurance.is_insured() || admission.insurance != asked.insurance || person != asked.person {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            CLAIM_DIFFERS,
            format!("医保申报的险种或参保人与平台上住院 {} 的登记不符", admission.case_no),
        ));
    }
    if draft.categories != asked.categories {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            CLAIM_DIFFERS,
            format!(
                "医保申报的费用（合计 {}）与平台账目中应结算的费用（合计 {}）不符，请等待同步后重新试算",
                asked.categories.iter().map(|c| c.total).sum::<Money>().yuan(),
                draft.fees.yuan()
            ),
        ));
    }
    let year = state.clock().now().date().year();
    let paid_this_year = paid_in_year(&state.pool, &person, year).await?;
    Ok(Claim { categories: draft.categories, paid_this_year, person, ..asked.clone() })
}

/// The fund insurance paid this person in `year` on settlements still standing.
async fn paid_in_year(pool: &sqlx::PgPool, person: &str, year: i32) -> ApiResult<Money> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
    let to = NaiveDate::from_ymd_opt(year + 1, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
    let fen: Option<i64> = sqlx::query_scalar(
        "SELECT SUM(fund_fen)::BIGINT FROM insurance_claims
         WHERE person = $1 AND reversed_at IS NULL AND settled_at >= $2 AND settled_at < $3",
    )
    .bind(person)
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?;
    money(fen.unwrap_or(0))
}

/// The standing settlement under `key` in the register, if any.
pub async fn standing(conn: &mut PgConnection, key: Uuid) -> ApiResult<Option<InsuranceAnswer>> {
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT reference, fund_fen, personal_fen FROM insurance_claims WHERE key = $1 AND reversed_at IS NULL",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(reference, fund, personal)| {
        Ok(InsuranceAnswer {
            reference,
            share: InsuranceShare { fund: money(fund)?, personal_account: money(personal)? },
        })
    })
    .transpose()
}

/// Keeps what insurance committed (a repeated key keeps the first answer).
pub async fn record(
    state: &AppState,
    key: Uuid,
    claim: &Claim,
    settled: &InsuranceSettlement,
    by: &str,
    device: Option<Uuid>,
) -> ApiResult<()> {
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "INSERT INTO insurance_claims (key, admission_id, person, insurance, reference, fund_fen, personal_fen, settled_by, device_id, settled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(claim.admission_id)
    .bind(&claim.person)
    .bind(claim.insurance.code())
    .bind(&settled.reference)
    .bind(settled.share.fund.fen())
    .bind(settled.share.personal_account.fen())
    .bind(by)
    .bind(device)
    .bind(state.clock().now())
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "key": key, "reference": settled.reference, "device": device,
        "fund": settled.share.fund.yuan().to_string(), "personal_account": settled.share.personal_account.yuan().to_string() });
    crate::audit::append(&mut tx, by, "insurance.settle", &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// The standing settlement with insurance's `reference`: its key and the device that settled it.
pub async fn holds(state: &AppState, reference: &str) -> ApiResult<Option<(Uuid, Option<Uuid>)>> {
    Ok(sqlx::query_as("SELECT key, device_id FROM insurance_claims WHERE reference = $1 AND reversed_at IS NULL")
        .bind(reference)
        .fetch_optional(&state.pool)
        .await?)
}

/// Marks the settlement with insurance's `reference` reversed (by the operation `key`).
pub async fn reversed(state: &AppState, key: Uuid, reference: &str, by: &str) -> ApiResult<()> {
    let mut tx = state.pool.begin().await?;
    sqlx::query("UPDATE insurance_claims SET reversed_at = $2 WHERE reference = $1 AND reversed_at IS NULL")
        .bind(reference)
        .bind(state.clock().now())
        .execute(&mut *tx)
        .await?;
    crate::audit::append(&mut tx, by, "insurance.reverse", &serde_json::json!({ "key": key, "reference": reference }))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Insurance's standing answer for each settlement an operation pushes.
pub async fn answers(conn: &mut PgConnection, envelope: &Envelope) -> ApiResult<HashMap<Uuid, InsuranceAnswer>> {
    let mut found = HashMap::new();
    for record in &envelope.records {
        if let Record::Settlement(settlement) = record
            && let Some(answer) = standing(conn, settlement.key).await?
        {
            found.insert(settlement.key, answer);
        }
    }
    Ok(found)
}
