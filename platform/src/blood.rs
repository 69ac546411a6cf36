//! The platform's side of the blood waiver (用血直免): it holds the connection to the blood
//! platform (a [`BloodPlatform`]; the sandbox in this process), forwards each approved
//! registration whose materials have all arrived, asks for a settlement's waiver from the blood
//! products *its own ledger* holds (the counter names the fee lines, never the products or the
//! amounts), keeps every grant in its register (`blood_grants`), and cancels a grant when the
//! settlement it was for is recalled or refused. A pushed settlement's waiver is checked against
//! that register; an offline counter's waiver is asked for when its settlement arrives.

use std::collections::HashMap;

use axum::http::StatusCode;
use blood_platform::{BloodError, BloodPlatform, Registration, WaiverAnswer, WaiverClaim};
use domain::Money;
use domain::blood::{ProductRules, blood_products};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::fold::BloodGrant;
use wire::records::BloodRegistrationRecord;
use wire::{Envelope, Record};

use crate::error::{ApiError, ApiResult};
use crate::{AppState, journal};

/// The code of a waiver asked for lines the platform's ledger does not hold as unsettled.
pub const WAIVER_LINES_UNKNOWN: &str = "BLOOD_LINES_UNKNOWN";
/// The code of a registration that cannot be forwarded yet.
pub const NOT_READY: &str = "BLOOD_REGISTRATION_NOT_READY";

/// A blood platform failure as the platform answers it: unreachable 503, refused 422, no
/// answer 504.
pub fn refusal(error: &BloodError) -> ApiError {
    let status = match error {
        BloodError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        BloodError::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        BloodError::Unknown => StatusCode::GATEWAY_TIMEOUT,
    };
    ApiError::new(status, error.code(), error.to_string())
}

fn blood(state: &AppState) -> &dyn BloodPlatform {
    state.blood.as_ref()
}

/// The registration record under `key` and whether a review approved it.
async fn registration(conn: &mut PgConnection, key: Uuid) -> ApiResult<Option<(BloodRegistrationRecord, bool)>> {
    let record: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT record FROM journal WHERE key = $1 AND kind = 'blood_registration'")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(Ok(Record::BloodRegistration(record))) = record.map(serde_json::from_value::<Record>) else {
        return Ok(None);
    };
    let approved: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM journal WHERE kind = 'blood_review'
           AND record->>'registration' = $1 AND (record->>'approve')::boolean)",
    )
    .bind(key.to_string())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some((record, approved)))
}

/// Forwards the approved registration `key` to the blood platform (once; a repeat answers what
/// was kept). Refused while it is not approved or a material has not arrived whole.
pub async fn forward(state: &AppState, key: Uuid) -> ApiResult<blood_platform::Registered> {
    let mut conn = state.pool.acquire().await?;
    if let Some((reference, remaining, rule)) = sqlx::query_as::<_, (String, Option<i32>, String)>(
        "SELECT reference, remaining_ml, rule FROM blood_forwarded WHERE registration_key = $1",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?
    {
        let remaining_ml = remaining.map(|ml| u32::try_from(ml).unwrap_or(0));
        return Ok(blood_platform::Registered { reference, remaining_ml, rule });
    }
    let Some((record, approved)) = registration(&mut conn, key).await? else {
        return Err(ApiError::not_found(format!("平台上没有献血证报销登记 {key}（尚未同步？）")));
    };
    if !approved {
        return Err(ApiError::new(StatusCode::CONFLICT, NOT_READY, "该献血证报销登记尚未审核通过"));
    }
    let hashes: Vec<String> = record.materials.iter().map(|m| m.sha256.clone()).collect();
    let arrived: i64 =
        sqlx::query_scalar("SELECT count(*) FROM materials WHERE sha256 = ANY($1) AND complete_at IS NOT NULL")
            .bind(&hashes)
            .fetch_one(&mut *conn)
            .await?;
    let mut distinct = hashes.clone();
    distinct.sort();
    distinct.dedup();
    if usize::try_from(arrived).unwrap_or(0) < distinct.len() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            NOT_READY,
            format!("该登记的材料尚未全部上传（{arrived}/{} 份），上传完毕后再报送用血直报平台", distinct.len()),
        ));
    }
    let admission = journal::admission(&mut conn, record.admission_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("平台上没有住院 {}", record.admission_id)))?;
    let form = wire::convert::registration_form(&record)
        .map_err(|e| ApiError::bad_request(wire::codes::MALFORMED, e.to_string()))?;
    drop(conn);
    let asked = Registration {
        business_no: key,
        patient_id: admission.patient.person_id(),
        donor: form.donor,
        donor_name: record.donor_name.clone(),
        donor_id: record.donor_id.clone(),
        gold_award: record.gold_award,
        donations: form.donations,
        on: state.clock().now().date(),
    };
    let answer = blood(state).register(&asked).await.map_err(|e| refusal(&e))?;
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "INSERT INTO blood_forwarded (registration_key, admission_id, reference, remaining_ml, rule, forwarded_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (registration_key) DO NOTHING",
    )
    .bind(key)
    .bind(record.admission_id)
    .bind(&answer.reference)
    .bind(answer.remaining_ml.map(|ml| i32::try_from(ml).unwrap_or(i32::MAX)))
    .bind(&answer.rule)
    .bind(state.clock().now())
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "registration": key, "reference": answer.reference });
    crate::audit::append(&mut tx, "platform", "blood.forward", &detail).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Forwards every approved registration of the admission not forwarded yet (those not ready
/// are left for later), and answers the business numbers the blood platform accepted.
async fn forwarded(state: &AppState, admission: Uuid) -> ApiResult<Vec<Uuid>> {
    let keys: Vec<Uuid> = sqlx::query_scalar(
        "SELECT j.key FROM journal j WHERE j.admission_id = $1 AND j.kind = 'blood_registration'
           AND NOT EXISTS (SELECT 1 FROM blood_forwarded f WHERE f.registration_key = j.key)
         ORDER BY j.seq",
    )
    .bind(admission)
    .fetch_all(&state.pool)
    .await?;
    for key in keys {
        if let Err(e) = forward(state, key).await {
            tracing::info!(%key, code = e.body.code, "registration not forwarded yet");
        }
    }
    Ok(sqlx::query_scalar("SELECT registration_key FROM blood_forwarded WHERE admission_id = $1 ORDER BY forwarded_at")
        .bind(admission)
        .fetch_all(&state.pool)
        .await?)
}

/// The claim for the blood products among the named fee lines, as the platform's own ledger
/// holds them: every line must be an unsettled line of the admission.
pub async fn claim(state: &AppState, key: Uuid, admission: Uuid, fee_keys: &[Uuid]) -> ApiResult<WaiverClaim> {
    let mut tx = state.pool.begin().await?;
    if journal::lock_admission(&mut tx, admission).await?.is_none() {
        return Err(ApiError::not_found(format!("平台上没有住院 {admission}")));
    }
    let (seq, ledger) = state.ledgers.take(&mut tx, admission).await?;
    let lines = ledger.unsettled_lines(fee_keys);
    tx.commit().await?;
    state.ledgers.store(admission, seq, ledger);
    let lines = lines.map_err(|line| {
        ApiError::new(
            StatusCode::CONFLICT,
            WAIVER_LINES_UNKNOWN,
            format!("费用 {line} 不是平台账目中该住院未结算的费用，请等待同步后重新试算"),
        )
    })?;
    let (products, _) = blood_products(&ProductRules::default(), &lines);
    let registrations = forwarded(state, admission).await?;
    Ok(WaiverClaim {
        business_no: key,
        admission_id: admission,
        fee_keys: fee_keys.to_vec(),
        registrations,
        products,
        at: state.clock().now(),
    })
}

/// 预减免: what the blood platform would waive now. No products or no registration: nothing.
pub async fn estimate(state: &AppState, claim: &WaiverClaim) -> ApiResult<WaiverAnswer> {
    if claim.products.is_empty() || claim.registrations.is_empty() {
        return Ok(nothing(state));
    }
    blood(state).estimate(claim).await.map_err(|e| refusal(&e))
}

fn nothing(state: &AppState) -> WaiverAnswer {
    WaiverAnswer { reference: String::new(), amount: Money::ZERO, ml: 0, uses: Vec::new(), at: state.clock().now() }
}

/// The grant standing under a settlement key in the register, if any.
pub async fn standing(conn: &mut PgConnection, key: Uuid) -> ApiResult<Option<WaiverAnswer>> {
    let row: Option<(String, i64, i32, serde_json::Value, chrono::NaiveDateTime)> = sqlx::query_as(
        "SELECT reference, amount_fen, ml, uses, granted_at FROM blood_grants WHERE key = $1 AND cancelled_at IS NULL",
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(reference, fen, ml, uses, at)| {
        Ok(WaiverAnswer {
            reference,
            amount: Money::from_fen(fen).map_err(ApiError::internal)?,
            ml: u32::try_from(ml).unwrap_or(0),
            uses: serde_json::from_value(uses).map_err(ApiError::internal)?,
            at,
        })
    })
    .transpose()
}

/// 减免: the waiver of `claim` under its key — the standing grant if there is one, else the
/// blood platform's (a lost answer resolved by asking), kept in the register.
pub async fn grant(state: &AppState, claim: &WaiverClaim, by: &str, device: Option<Uuid>) -> ApiResult<WaiverAnswer> {
    let key = claim.business_no;
    let mut conn = state.pool.acquire().await?;
    if let Some(answer) = standing(&mut conn, key).await? {
        return Ok(answer);
    }
    drop(conn);
    if claim.products.is_empty() || claim.registrations.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "BLOOD_NOTHING_TO_WAIVE",
            "这笔结算没有可减免的血液制品，或该住院没有已报送的献血证报销登记",
        ));
    }
    let platform = blood(state);
    let answer = match platform.waive(claim).await {
        Err(BloodError::Unknown) => platform.query(key).await.map_err(|e| refusal(&e))?.ok_or(BloodError::Unknown),
        other => other,
    }
    .map_err(|e| refusal(&e))?;
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "INSERT INTO blood_grants (key, admission_id, reference, amount_fen, ml, uses, granted_by, device_id, granted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(claim.admission_id)
    .bind(&answer.reference)
    .bind(answer.amount.fen())
    .bind(i32::try_from(answer.ml).unwrap_or(i32::MAX))
    .bind(serde_json::to_value(&answer.uses).map_err(ApiError::internal)?)
    .bind(by)
    .bind(device)
    .bind(state.clock().now())
    .execute(&mut *tx)
    .await?;
    let detail = serde_json::json!({ "key": key, "reference": answer.reference, "device": device,
        "amount": answer.amount.yuan().to_string(), "ml": answer.ml });
    crate::audit::append(&mut tx, by, "blood.waive", &detail).await?;
    tx.commit().await?;
    Ok(answer)
}

/// 撤销: gives the grant under `key` back at the blood platform and marks it cancelled. Nothing
/// standing: nothing to do.
pub async fn cancel(state: &AppState, key: Uuid, by: &str) -> ApiResult<()> {
    let mut conn = state.pool.acquire().await?;
    if standing(&mut conn, key).await?.is_none() {
        return Ok(());
    }
    drop(conn);
    blood(state).cancel(key, state.clock().now()).await.map_err(|e| refusal(&e))?;
    let mut tx = state.pool.begin().await?;
    sqlx::query("UPDATE blood_grants SET cancelled_at = $2 WHERE key = $1 AND cancelled_at IS NULL")
        .bind(key)
        .bind(state.clock().now())
        .execute(&mut *tx)
        .await?;
    crate::audit::append(&mut tx, by, "blood.cancel", &serde_json::json!({ "key": key })).await?;
    tx.commit().await?;
    Ok(())
}

/// The device that settled under the grant `key` (for the recall's approval check).
pub async fn granted_to(conn: &mut PgConnection, key: Uuid) -> ApiResult<Option<Option<Uuid>>> {
    Ok(sqlx::query_scalar("SELECT device_id FROM blood_grants WHERE key = $1 AND cancelled_at IS NULL")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The blood platform's standing grant for each settlement an operation pushes.
pub async fn grants(conn: &mut PgConnection, envelope: &Envelope) -> ApiResult<HashMap<Uuid, BloodGrant>> {
    let mut found = HashMap::new();
    for record in &envelope.records {
        if let Record::Settlement(settlement) = record
            && let Some(answer) = standing(conn, settlement.key).await?
        {
            found.insert(
                settlement.key,
                BloodGrant { reference: answer.reference, amount: answer.amount, ml: answer.ml },
            );
        }
    }
    Ok(found)
}

/// Whether `envelope` holds a settlement that says it has a blood waiver.
pub fn claims_a_waiver(envelope: &Envelope) -> bool {
    envelope.records.iter().any(|r| matches!(r, Record::Settlement(s) if s.blood_waiver.is_some()))
}

/// Before a pushed operation is checked: a settlement that says it has a waiver the register
/// does not hold (made at a counter cut off from the platform) gets the blood platform's own
/// answer for its lines now. A refusal is left to the check (the figures will differ: pending
/// list); an unreachable blood platform is the error (the counter pushes it again later).
/// Answers the settlement keys granted now (given back if the operation is not applied).
pub async fn ask_for_offline_waivers(
    state: &AppState,
    envelope: &Envelope,
    by: &str,
    device: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    let mut granted = Vec::new();
    // Most operations carry no waiver: nothing to ask, not even the database.
    if !claims_a_waiver(envelope) {
        return Ok(granted);
    }
    let seen: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM operations WHERE key = $1)")
        .bind(envelope.key)
        .fetch_one(&state.pool)
        .await?;
    if seen {
        return Ok(granted);
    }
    for record in &envelope.records {
        let Record::Settlement(settlement) = record else { continue };
        if settlement.blood_waiver.is_none() {
            continue;
        }
        let mut conn = state.pool.acquire().await?;
        if standing(&mut conn, settlement.key).await?.is_some() {
            continue;
        }
        drop(conn);
        let claim = match claim(state, settlement.key, settlement.admission_id, &settlement.fee_keys).await {
            Ok(claim) => claim,
            Err(e) if e.status == StatusCode::CONFLICT => continue,
            Err(e) => return Err(e),
        };
        match grant(state, &claim, by, Some(device)).await {
            Ok(_) => granted.push(settlement.key),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                tracing::info!(key = %settlement.key, code = e.body.code, "offline waiver refused by the blood platform");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(granted)
}

/// After an operation was decided: the grants asked for at this push are given back when it
/// was not applied (only those: a forged operation naming another settlement's key must not
/// undo that one's waiver); an applied recall gives back the recalled settlement's grant.
/// Failures are logged and left standing (the pending list shows the settlement).
pub async fn settle_grants(state: &AppState, envelope: &Envelope, granted_now: &[Uuid], applied: bool, by: &str) {
    let undone: Vec<Uuid> = if applied {
        envelope
            .records
            .iter()
            .filter_map(|record| match record {
                Record::Recall(r) => Some(r.settlement),
                _ => None,
            })
            .collect()
    } else {
        granted_now.to_vec()
    };
    for key in undone {
        if let Err(e) = cancel(state, key, by).await {
            tracing::warn!(%key, code = e.body.code, "blood waiver not cancelled");
        }
    }
}
