//! 日结 from linked counters, checked against the platform's own journal. The cashier is the
//! session's user; every record the close names must be in the journal, be that cashier's and in
//! no other close in force; no record of theirs up to the cut-off may be left out; the close may
//! not overlap their previous one; and the figures are re-derived here by the domain's rules
//! (`domain::close`) from the journal's copies — a counter's figures that differ are refused.
//! Nothing is written for a refused close.

use std::collections::{BTreeMap, HashSet};

use contract::Yuan;
use domain::close::{CloseFigures, CloseRecord};
use domain::{Money, SettlementFigures, Tender, TenderLine};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::Record;
use wire::close::{CancelClose, CloseAccepted, CloseStatement};
use wire::records::{SettlementRecord, TenderRecord};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::{AppState, audit, journal};

fn lines(tenders: &[TenderRecord]) -> ApiResult<Vec<TenderLine>> {
    tenders
        .iter()
        .map(|t| {
            let tender = Tender::parse(&t.tender).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(TenderLine { tender, amount: t.amount.money(), reference: t.reference.clone() })
        })
        .collect()
}

fn figures(s: &SettlementRecord) -> SettlementFigures {
    SettlementFigures {
        fees: s.fees.money(),
        insurance_fund: s.insurance_fund.money(),
        personal_account: s.personal_account.money(),
        blood_reimbursement: s.blood_reimbursement.money(),
        deposits_applied: s.deposits_applied.money(),
        due: s.due.money(),
    }
}

fn payments(s: &SettlementRecord) -> ApiResult<Vec<TenderLine>> {
    let tenders: Vec<TenderRecord> = s
        .payments
        .iter()
        .map(|p| TenderRecord { tender: p.tender.clone(), amount: p.amount, reference: p.reference.clone() })
        .collect();
    lines(&tenders)
}

async fn settlement(conn: &mut PgConnection, key: Uuid) -> ApiResult<SettlementRecord> {
    let json: serde_json::Value =
        sqlx::query_scalar("SELECT record FROM journal WHERE key = $1").bind(key).fetch_one(&mut *conn).await?;
    match serde_json::from_value::<Record>(json).map_err(ApiError::internal)? {
        Record::Settlement(s) => Ok(s),
        _ => Err(ApiError::internal(format!("召回指向的 {key} 不是结算"))),
    }
}

async fn insurance(conn: &mut PgConnection, admission_id: Uuid) -> ApiResult<domain::InsuranceType> {
    journal::admission(conn, admission_id)
        .await?
        .map(|a| a.insurance)
        .ok_or_else(|| ApiError::internal(format!("平台上没有住院 {admission_id}")))
}

/// Net per tender code and `total`.
fn net_of(f: &CloseFigures) -> BTreeMap<String, Yuan> {
    let mut out = BTreeMap::new();
    let mut total = Money::ZERO;
    for tender in Tender::ALL {
        let net = f.tender(tender).net();
        total += net;
        out.insert(tender.code().to_owned(), Yuan(net));
    }
    out.insert("total".to_owned(), Yuan(total));
    out
}

/// The same net figures, a tender left out counting as zero (a counter of a version before a
/// tender existed states none for it).
fn same_net(ours: &BTreeMap<String, Yuan>, theirs: &BTreeMap<String, Yuan>) -> bool {
    let stated = |map: &BTreeMap<String, Yuan>, code: &String| map.get(code).map_or(Money::ZERO, |y| y.money());
    ours.keys().chain(theirs.keys()).all(|code| stated(ours, code) == stated(theirs, code))
}

fn hash(statement: &CloseStatement) -> ApiResult<String> {
    let bytes = serde_json::to_vec(statement).map_err(ApiError::internal)?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// Accepts a counter's close after checking it against the journal.
pub async fn accept(state: &AppState, caller: &Caller, statement: &CloseStatement) -> ApiResult<CloseAccepted> {
    let close_no = statement.close_no.trim();
    if close_no.is_empty() || close_no.chars().count() > 64 {
        return Err(ApiError::bad_request("CLOSE_NO_INVALID", "日结单号应为 1 至 64 个字符"));
    }
    if statement.from > statement.until {
        return Err(ApiError::bad_request("CLOSE_PERIOD_INVALID", "日结的开始时间晚于截止时间"));
    }
    let now = state.clock().now();
    if statement.until > now + state.max_clock_skew {
        return Err(ApiError::bad_request(
            "CLOSE_UNTIL_FUTURE",
            format!("截止时间 {} 晚于平台时间 {now}，不能为将来日结", statement.until),
        ));
    }
    let keys: HashSet<Uuid> = statement.records.iter().copied().collect();
    if keys.is_empty() || keys.len() != statement.records.len() {
        return Err(ApiError::bad_request("CLOSE_RECORDS_INVALID", "日结的记录为空或有重复"));
    }
    let payload = hash(statement)?;
    let mut tx = state.pool.begin().await?;
    // One close of a cashier at a time.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('close:' || $1))")
        .bind(&caller.username)
        .execute(&mut *tx)
        .await?;
    let seen: Option<(String, serde_json::Value, i64, String)> =
        sqlx::query_as("SELECT payload_hash, net, fees_settled_fen, close_no FROM closes WHERE key = $1")
            .bind(statement.key)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((seen_hash, net, fees, seen_no)) = seen {
        if seen_hash != payload {
            return Err(ApiError::conflict(wire::codes::KEY_CONFLICT, "同一操作编号已用于另一次不同的日结"));
        }
        return Ok(CloseAccepted {
            close_no: seen_no,
            cashier: caller.username.clone(),
            net: serde_json::from_value(net).map_err(ApiError::internal)?,
            fees_settled: Yuan(Money::from_fen(fees).map_err(ApiError::internal)?),
            records: keys.len(),
        });
    }
    let previous: Option<(String, chrono::NaiveDateTime)> = sqlx::query_as(
        "SELECT c.close_no, c.until_at FROM closes c
         WHERE c.cashier = $1 AND NOT EXISTS (SELECT 1 FROM close_cancellations x WHERE x.close_key = c.key)
         ORDER BY c.until_at DESC LIMIT 1",
    )
    .bind(&caller.username)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((previous_no, previous_until)) = &previous
        && statement.from < *previous_until
    {
        return Err(ApiError::conflict(
            "CLOSE_OVERLAP",
            format!("日结 {close_no} 的期间（自 {}）与日结 {previous_no}（截至 {previous_until}）重叠", statement.from),
        ));
    }
    let rows: Vec<(Uuid, Uuid, serde_json::Value)> =
        sqlx::query_as("SELECT key, admission_id, record FROM journal WHERE key = ANY($1)")
            .bind(&statement.records)
            .fetch_all(&mut *tx)
            .await?;
    if rows.len() != keys.len() {
        let found: HashSet<Uuid> = rows.iter().map(|r| r.0).collect();
        let missing = keys.iter().find(|k| !found.contains(k)).copied().unwrap_or_default();
        return Err(ApiError::conflict("CLOSE_RECORD_UNKNOWN", format!("平台上没有记录 {missing}，请先同步再日结")));
    }
    let closed: Option<Uuid> = sqlx::query_scalar(
        "SELECT r.record_key FROM close_records r
         WHERE r.record_key = ANY($1) AND NOT EXISTS (SELECT 1 FROM close_cancellations x WHERE x.close_key = r.close_key)
         LIMIT 1",
    )
    .bind(&statement.records)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(key) = closed {
        return Err(ApiError::conflict("CLOSE_RECORD_CLOSED", format!("记录 {key} 已在另一次日结中")));
    }
    let mut counted = Vec::with_capacity(rows.len());
    for (key, admission_id, json) in rows {
        let record: Record = serde_json::from_value(json).map_err(ApiError::internal)?;
        let (who, close_record) = match record {
            Record::Deposit(d) => {
                let tenders = lines(&d.tenders)?;
                let record = if d.deposit_kind == "reversal" {
                    CloseRecord::DepositReversed(
                        tenders.into_iter().map(|t| TenderLine { amount: t.amount.abs(), ..t }).collect(),
                    )
                } else {
                    CloseRecord::DepositReceived(tenders)
                };
                (d.cashier, record)
            }
            Record::Settlement(s) => {
                let insurance = insurance(&mut tx, admission_id).await?;
                let record = CloseRecord::Settlement { figures: figures(&s), insurance, payments: payments(&s)? };
                (s.cashier, record)
            }
            Record::Recall(r) => {
                let s = settlement(&mut tx, r.settlement).await?;
                let insurance = insurance(&mut tx, admission_id).await?;
                (r.by, CloseRecord::Recall { figures: figures(&s), insurance, payments: payments(&s)? })
            }
            other => {
                return Err(ApiError::bad_request(
                    "CLOSE_RECORD_KIND",
                    format!("记录 {key} 是 {}，日结只含预交金、结算和召回", other.kind()),
                ));
            }
        };
        if who != caller.display_name {
            return Err(ApiError::forbidden(format!(
                "记录 {key} 是 {who} 的，{} 只能日结本人的记录",
                caller.display_name
            )));
        }
        counted.push(close_record);
    }
    // Every money record of the cashier up to the cut-off is in this close or an earlier one.
    let left_out: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM journal j
         WHERE j.kind IN ('deposit', 'settlement', 'recall')
           AND coalesce(j.record ->> 'cashier', j.record ->> 'by') = $1
           AND (j.record ->> 'at')::timestamp <= $2
           AND NOT (j.key = ANY($3))
           AND NOT EXISTS (SELECT 1 FROM close_records r WHERE r.record_key = j.key
                           AND NOT EXISTS (SELECT 1 FROM close_cancellations x WHERE x.close_key = r.close_key))",
    )
    .bind(&caller.display_name)
    .bind(statement.until)
    .bind(&statement.records)
    .fetch_one(&mut *tx)
    .await?;
    if left_out > 0 {
        return Err(ApiError::conflict(
            "CLOSE_RECORDS_MISSING",
            format!(
                "平台上还有 {left_out} 笔 {} 截至 {} 的记录未计入本次日结，请先同步再日结",
                caller.display_name, statement.until
            ),
        ));
    }
    let figures = CloseFigures::of(&counted);
    figures.check().map_err(|e| ApiError::internal(e.to_string()))?;
    let net = net_of(&figures);
    if !same_net(&net, &statement.net) || figures.fees_settled != statement.fees_settled.money() {
        return Err(ApiError::conflict(
            "CLOSE_FIGURES_MISMATCH",
            format!(
                "平台按记录计算的净额 {} 、结算费用 {} 与柜台报送的净额 {} 、结算费用 {} 不符，本次日结未入账",
                net.get("total").copied().unwrap_or_default(),
                figures.fees_settled,
                statement.net.get("total").copied().unwrap_or_default(),
                statement.fees_settled
            ),
        ));
    }
    let taken: Option<Uuid> = sqlx::query_scalar("SELECT key FROM closes WHERE close_no = $1")
        .bind(close_no)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict("CLOSE_NO_TAKEN", format!("日结单号 {close_no} 已被使用")));
    }
    sqlx::query(
        "INSERT INTO closes (key, close_no, cashier, cashier_name, device_id, from_at, until_at, net, fees_settled_fen, payload_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(statement.key)
    .bind(close_no)
    .bind(&caller.username)
    .bind(&caller.display_name)
    .bind(caller.device_id)
    .bind(statement.from)
    .bind(statement.until)
    .bind(serde_json::to_value(&net).map_err(ApiError::internal)?)
    .bind(figures.fees_settled.fen())
    .bind(&payload)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO close_records (close_key, record_key) SELECT $1, unnest($2::uuid[])")
        .bind(statement.key)
        .bind(&statement.records)
        .execute(&mut *tx)
        .await?;
    let detail = serde_json::json!({ "close_no": close_no, "records": keys.len(), "net": net });
    audit::append(&mut tx, &caller.username, "close.accepted", &detail).await?;
    tx.commit().await?;
    Ok(CloseAccepted {
        close_no: close_no.to_owned(),
        cashier: caller.username.clone(),
        net,
        fees_settled: Yuan(figures.fees_settled),
        records: keys.len(),
    })
}

/// 取消日结: the caller's latest close in force.
pub async fn cancel(state: &AppState, caller: &Caller, request: &CancelClose) -> ApiResult<()> {
    let mut tx = state.pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('close:' || $1))")
        .bind(&caller.username)
        .execute(&mut *tx)
        .await?;
    let done: Option<Uuid> = sqlx::query_scalar("SELECT close_key FROM close_cancellations WHERE key = $1")
        .bind(request.key)
        .fetch_optional(&mut *tx)
        .await?;
    if done.is_some() {
        return Ok(());
    }
    let close: Option<(Uuid, String)> = sqlx::query_as("SELECT key, cashier FROM closes WHERE close_no = $1")
        .bind(request.close_no.trim())
        .fetch_optional(&mut *tx)
        .await?;
    let Some((close_key, cashier)) = close else {
        return Err(ApiError::not_found(format!("平台上没有日结 {}", request.close_no.trim())));
    };
    if cashier != caller.username {
        return Err(ApiError::forbidden("只能取消本人的日结"));
    }
    let latest: Option<Uuid> = sqlx::query_scalar(
        "SELECT c.key FROM closes c
         WHERE c.cashier = $1 AND NOT EXISTS (SELECT 1 FROM close_cancellations x WHERE x.close_key = c.key)
         ORDER BY c.until_at DESC, c.received_at DESC LIMIT 1",
    )
    .bind(&caller.username)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(hand_in_no) = crate::hand_ins::collected_by(&mut tx, close_key).await? {
        return Err(ApiError::conflict(
            "CLOSE_COLLECTED",
            format!("日结 {} 已由财务缴款确认（{hand_in_no}），不能取消", request.close_no.trim()),
        ));
    }
    if latest != Some(close_key) {
        return Err(ApiError::conflict(
            "CLOSE_NOT_LATEST",
            format!("日结 {} 不是最近一次或已取消", request.close_no.trim()),
        ));
    }
    sqlx::query("INSERT INTO close_cancellations (key, close_key, by_user) VALUES ($1, $2, $3)")
        .bind(request.key)
        .bind(close_key)
        .bind(&caller.username)
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, &caller.username, "close.cancelled", &serde_json::json!({ "close_no": request.close_no }))
        .await?;
    tx.commit().await?;
    Ok(())
}
