//! Applying a device's push: each operation in its own transaction, remembered by its key with
//! the hash of its payload. A repeated key gets its first answer; the same key with another
//! payload is refused as a conflict; an operation the domain's rules refuse is kept as rejected
//! for a supervisor (待处理), never dropped.

use sha2::{Digest, Sha256};
use uuid::Uuid;
use wire::Envelope;
use wire::api::{PushBatch, PushResult};
use wire::fold::FoldError;

use crate::approvals::{self, Decided};
use crate::error::{ApiError, ApiResult};
pub use crate::push_checks::{Pusher, Times};
use crate::{AppState, audit, blood, insurance, journal, push_checks};

pub fn payload_hash(envelope: &Envelope) -> ApiResult<String> {
    let bytes = serde_json::to_vec(envelope).map_err(ApiError::internal)?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

fn result(key: Uuid, outcome: &str, code: Option<&str>, message: Option<String>) -> PushResult {
    PushResult { key, outcome: outcome.to_owned(), code: code.map(str::to_owned), message }
}

/// How many admissions of one batch are applied at the same time (each on its own connection)
/// at most.
const PARALLEL_ADMISSIONS: usize = 24;

/// The admissions one push applies side by side: at most [`PARALLEL_ADMISSIONS`] and at most
/// half the pool, so one push (a counter catching up after a day offline) never holds the
/// connections that other pushes, pulls, logins and the review need.
pub fn push_share(pool_size: u32) -> usize {
    usize::try_from(pool_size / 2).unwrap_or(1).clamp(1, PARALLEL_ADMISSIONS)
}

/// Applies a batch; every operation gets its own answer, in the batch's order. Operations of one
/// admission are applied in order, one after the other; different admissions go side by side
/// (each operation still in its own transaction), which lets PostgreSQL group their commits.
/// `caller` is the user whose token pushes (see [`push_checks`]); the batch's audit row names
/// them and the device.
pub async fn apply_batch(
    state: &AppState,
    caller: &Pusher,
    device_id: Uuid,
    batch: &PushBatch,
) -> ApiResult<Vec<PushResult>> {
    let groups = lanes(batch);
    let mut results: Vec<Option<PushResult>> = vec![None; batch.envelopes.len()];
    let mut running = tokio::task::JoinSet::new();
    let mut waiting = groups.into_iter();
    let share = push_share(state.pool.options().get_max_connections());
    loop {
        while running.len() < share
            && let Some(members) = waiting.next()
        {
            let state = state.clone();
            let caller = caller.clone();
            let envelopes: Vec<(usize, Envelope)> = members.iter().map(|&i| (i, batch.envelopes[i].clone())).collect();
            running.spawn(async move {
                let mut answered = Vec::with_capacity(envelopes.len());
                for (i, envelope) in envelopes {
                    answered.push((i, apply_or_fail(&state, &caller, device_id, envelope).await?));
                }
                ApiResult::Ok(answered)
            });
        }
        let Some(joined) = running.join_next().await else { break };
        for (i, answer) in joined.map_err(ApiError::internal)?? {
            results[i] = Some(answer);
        }
    }
    let results: Vec<PushResult> = results.into_iter().flatten().collect();
    // A settlement or a recall applied: its invoice is asked for (or reversed) in the background.
    let invoiced = batch.envelopes.iter().zip(&results).any(|(envelope, result)| {
        result.outcome == "applied"
            && envelope.records.iter().any(|r| matches!(r, wire::Record::Settlement(_) | wire::Record::Recall(_)))
    });
    if let (true, Some(runner)) = (invoiced, &state.invoices) {
        runner.wake.notify_one();
    }
    let applied = results.iter().filter(|r| r.outcome == "applied").count();
    let rejected = results.iter().filter(|r| r.outcome == "rejected").count();
    let failed = results.iter().filter(|r| r.outcome == "failed").count();
    if applied + rejected + failed > 0 {
        let mut conn = state.pool.acquire().await?;
        let detail = serde_json::json!({
            "user": caller.username,
            "device": device_id,
            "applied": applied,
            "rejected": rejected,
            "failed": failed,
            "keys": hex::encode(Sha256::digest(results.iter().map(|r| r.key.to_string()).collect::<String>())),
        });
        let mut tx = sqlx::Acquire::begin(&mut *conn).await?;
        audit::append(&mut tx, &caller.username, "sync.push", &detail).await?;
        tx.commit().await?;
    }
    Ok(results)
}

/// The batch's operations in lanes applied side by side, each lane in the batch's order: one
/// lane per admission, except that every admission with a settlement claiming a blood waiver
/// shares one lane. Those draw on the same certificates' entitlement at the blood platform, so
/// the settlement made first (earlier in the batch) is asked first, as at the window.
fn lanes(batch: &PushBatch) -> Vec<Vec<usize>> {
    let claims_waiver: std::collections::HashSet<Uuid> =
        batch.envelopes.iter().filter(|e| blood::claims_a_waiver(e)).map(|e| e.admission_id).collect();
    let mut lanes: Vec<(Option<Uuid>, Vec<usize>)> = Vec::new();
    for (i, envelope) in batch.envelopes.iter().enumerate() {
        let lane = (!claims_waiver.contains(&envelope.admission_id)).then_some(envelope.admission_id);
        match lanes.iter_mut().find(|(id, _)| *id == lane) {
            Some((_, members)) => members.push(i),
            None => lanes.push((lane, vec![i])),
        }
    }
    lanes.into_iter().map(|(_, members)| members).collect()
}

/// Applies one operation in a task of its own. An internal error or a panic while applying it
/// (a record the database refuses, a bug) is that operation's answer, `failed` with a code: the
/// device retries it later and the rest of the batch goes on. Only a database that does not
/// answer at all fails the whole request (every operation would fail the same way).
async fn apply_or_fail(
    state: &AppState,
    caller: &Pusher,
    device_id: Uuid,
    envelope: Envelope,
) -> ApiResult<PushResult> {
    let key = envelope.key;
    let task_state = state.clone();
    let caller = caller.clone();
    let applied = tokio::spawn(async move {
        // The blood platform is asked outside the operation's transaction (it may be slow).
        let granted = match blood::ask_for_offline_waivers(&task_state, &envelope, &caller.username, device_id).await {
            Ok(granted) => granted,
            Err(e) => return Ok(result(envelope.key, "failed", Some(&e.body.code), Some(e.body.message))),
        };
        let answer = apply_one(&task_state, &caller, device_id, &envelope).await;
        let applied = answer.as_ref().is_ok_and(|a| a.outcome == "applied");
        blood::settle_grants(&task_state, &envelope, &granted, applied, &caller.username).await;
        answer
    })
    .await;
    let detail = match applied {
        Ok(Ok(answer)) => return Ok(answer),
        Ok(Err(error)) => error.body.message,
        Err(panic) => ApiError::internal(panic).body.message,
    };
    sqlx::query("SELECT 1").execute(&state.pool).await?;
    tracing::warn!(%key, %device_id, "operation failed: {detail}");
    Ok(result(
        key,
        "failed",
        Some(wire::codes::INTERNAL),
        Some("平台未能入账这笔操作（内部错误），本机稍后重试；反复失败请联系信息科".into()),
    ))
}

/// What the fold checks `envelope` against, from the platform's registers and configuration, as
/// it stands at `now`.
pub async fn facts(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    envelope: &Envelope,
    now: chrono::NaiveDateTime,
) -> ApiResult<wire::fold::Facts> {
    Ok(wire::fold::Facts {
        received: Some(now),
        discharge_recall_days: state.discharge_recall_days,
        insurance: insurance::answers(conn, envelope).await?,
        blood: blood::grants(conn, envelope).await?,
        blood_policy: domain::blood::BloodPolicy::default(),
        refund_windows: state.refund_windows,
    })
}

async fn apply_one(state: &AppState, caller: &Pusher, device_id: Uuid, envelope: &Envelope) -> ApiResult<PushResult> {
    let hash = payload_hash(envelope)?;
    let mut tx = state.pool.begin().await?;
    let seen: Option<(String, String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT payload_hash, outcome, code, message FROM operations WHERE key = $1")
            .bind(envelope.key)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((seen_hash, outcome, code, message)) = seen {
        if seen_hash != hash {
            return Ok(result(
                envelope.key,
                "invalid",
                Some(wire::codes::KEY_CONFLICT),
                Some("同一操作编号已用于另一笔不同的操作，本次未入账".into()),
            ));
        }
        let outcome = if outcome == "applied" { "duplicate" } else { "rejected" };
        return Ok(result(envelope.key, outcome, code.as_deref(), message));
    }
    let Some(ward) = journal::lock_admission(&mut tx, envelope.admission_id).await? else {
        return Ok(result(
            envelope.key,
            "invalid",
            Some(wire::codes::MISSING_IDS),
            Some(format!("平台上没有住院 {}", envelope.admission_id)),
        ));
    };
    // The platform's time when the operation arrived: stated times and the rules' windows are
    // checked against it as well as against what the counter says.
    let times = Times { now: state.clock().now(), skew: state.max_clock_skew, offline: state.max_offline };
    if let Some(refusal) = push_checks::check(&mut tx, device_id, caller, times, envelope).await? {
        return Ok(result(envelope.key, "invalid", Some(refusal.code), Some(refusal.message)));
    }
    let refunds = match crate::refunds::check_pushed(&mut tx, envelope).await? {
        Ok(refunds) => refunds,
        Err(refusal) => return Ok(result(envelope.key, "invalid", Some(refusal.code), Some(refusal.message))),
    };
    let approval = approvals::check(&mut tx, device_id, envelope, times.now).await?;
    if let Decided::Refused(refusal) = &approval {
        return Ok(result(envelope.key, "invalid", Some(refusal.code), Some(refusal.message.clone())));
    }
    let (seq, mut ledger) = state.ledgers.take(&mut tx, envelope.admission_id).await?;
    let facts = facts(state, &mut tx, envelope, times.now).await?;
    let verdict = match &approval {
        Decided::ToPending(refusal) => {
            Err(FoldError::Conflict { code: refusal.code, message: refusal.message.clone() })
        }
        _ => ledger.check_and_apply(envelope, &facts),
    };
    let envelope_json = serde_json::to_value(envelope).map_err(ApiError::internal)?;
    let insert_operation = |outcome: &'static str, code: Option<String>, message: Option<String>| {
        sqlx::query(
            "INSERT INTO operations (key, device_id, admission_id, payload_hash, outcome, code, message, envelope, cashier, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())",
        )
        .bind(envelope.key)
        .bind(device_id)
        .bind(envelope.admission_id)
        .bind(hash.clone())
        .bind(outcome)
        .bind(code)
        .bind(message)
        .bind(envelope_json.clone())
        .bind(envelope.cashier.clone())
    };
    match verdict {
        Ok(()) => {
            let mut last = seq;
            for record in &envelope.records {
                last =
                    journal::insert(&mut tx, envelope.admission_id, &ward, record, Some(device_id), Some(envelope.key))
                        .await?;
            }
            insert_operation("applied", None, None).execute(&mut *tx).await?;
            if let Decided::Offline { approver, checked_at } = &approval {
                approvals::record_offline(&mut tx, envelope, device_id, approver, *checked_at, times.now).await?;
            }
            crate::refunds::write(&mut tx, &refunds, &caller.username, envelope.key, times.now).await?;
            tx.commit().await?;
            state.ledgers.store(envelope.admission_id, last, ledger);
            if !refunds.is_empty() {
                // The money goes back once the record is kept; the sweep asks again if need be.
                tokio::spawn(crate::refunds::send_for_operation(state.clone(), envelope.key));
            }
            Ok(result(envelope.key, "applied", None, None))
        }
        Err(FoldError::Conflict { code, message }) => {
            insert_operation("rejected", Some(code.to_owned()), Some(message.clone())).execute(&mut *tx).await?;
            let detail =
                serde_json::json!({ "key": envelope.key, "code": code, "reason": message, "device": device_id });
            audit::append(&mut tx, &caller.username, "sync.rejected", &detail).await?;
            tx.commit().await?;
            Ok(result(envelope.key, "rejected", Some(code), Some(message)))
        }
        Err(FoldError::Malformed { code, message }) => Ok(result(envelope.key, "invalid", Some(code), Some(message))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;
    use wire::Envelope;
    use wire::api::PushBatch;

    use super::lanes;

    /// An operation of `admission`: a settlement claiming a blood waiver, or a deposit.
    fn operation(key: u128, admission: u128, waiver: bool) -> Envelope {
        let admission = Uuid::from_u128(admission);
        let record = if waiver {
            json!({"kind": "settlement", "key": Uuid::from_u128(key + 1000), "admission_id": admission,
                "settlement_no": "JS0100000001", "settlement_kind": "discharge", "fees": "440.00",
                "insurance_fund": "0.00", "personal_account": "0.00", "blood_reimbursement": "330.00",
                "deposits_applied": "110.00", "due": "0.00", "insurance_ref": null, "place": "counter",
                "cashier": "王丽", "at": "2026-01-01T10:00:00", "trial_version": "v1", "fee_keys": [],
                "payments": [], "blood_waiver": {"reference": "JM1", "amount": "330.00", "ml": 300,
                "uses": [], "offline": true}})
        } else {
            json!({"kind": "deposit", "key": Uuid::from_u128(key + 1000), "admission_id": admission,
                "receipt_no": "YJ0100000001", "deposit_kind": "deposit", "reverses": null, "settlement": null,
                "amount": "1.00", "tenders": [{"tender": "cash", "amount": "1.00", "reference": null}],
                "at": "2026-01-01T10:00:00", "cashier": "王丽"})
        };
        serde_json::from_value(json!({"key": Uuid::from_u128(key), "admission_id": admission, "cashier": "cashier",
            "at": "2026-01-01T10:00:00", "records": [record]}))
        .unwrap()
    }

    #[test]
    fn admissions_claiming_a_blood_waiver_share_one_lane_in_the_batchs_order() {
        let batch = PushBatch {
            device_id: Uuid::from_u128(9),
            envelopes: vec![
                operation(1, 10, false), // admission 10: a deposit, then a waiver
                operation(2, 20, false), // admission 20: deposits only
                operation(3, 30, true),  // admission 30: a waiver
                operation(4, 10, true),
                operation(5, 20, false),
            ],
        };
        // 10 and 30 claim waivers: one lane, in the batch's order; 20 keeps its own.
        assert_eq!(lanes(&batch), vec![vec![0, 2, 3], vec![1, 4]]);
    }
}
