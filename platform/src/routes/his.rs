//! The HIS import: admissions, fee lines and events (e.g. discharge orders) as the hospital's
//! information system reports them. All or nothing: duplicate or missing ids refuse the batch,
//! and so does one record that fails its checks (a fee's category, status, quantity and amount
//! — amount = unit price × quantity, to the fen — or an event's code), named in the answer.

use domain::Permission;
use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use wire::api::{HisImport, ImportAnswer};
use wire::codes;
use wire::records::{FeeRecord, Record};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::{audit, journal};

#[utoipa::path(post, path = "/api/v1/his/import", request_body = HisImport,
    responses((status = 200, body = ImportAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Body(batch): Body<HisImport>,
) -> ApiResult<Json<ImportAnswer>> {
    caller.require(Permission::Administer)?;
    let mut seen = HashSet::new();
    for key in batch
        .admissions
        .iter()
        .map(|a| a.admission_id)
        .chain(batch.fees.iter().map(|f| f.key))
        .chain(batch.events.iter().map(|e| e.key))
    {
        if !seen.insert(key) {
            return Err(ApiError::bad_request(codes::DUPLICATE_IDS, format!("导入数据中编号重复：{key}")));
        }
    }
    for admission in &batch.admissions {
        wire::convert::admission(admission).map_err(|e| {
            ApiError::bad_request(
                codes::MALFORMED,
                format!("住院 {}（{}）：{e}", admission.case_no, admission.admission_id),
            )
        })?;
    }
    for fee in &batch.fees {
        check_fee(fee).map_err(|e| {
            ApiError::bad_request(codes::MALFORMED, format!("费用 {}（{}）：{e}", fee.key, fee.item_name))
        })?;
    }
    for event in &batch.events {
        if domain::AdmissionEvent::from_code(&event.event).is_none() {
            return Err(ApiError::bad_request(
                codes::MALFORMED,
                format!("事件 {}：未知的患者状态事件“{}”", event.key, event.event),
            ));
        }
    }
    let mut tx = state.pool.begin().await?;
    for admission in &batch.admissions {
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM admissions WHERE id = $1 OR case_no = $2")
            .bind(admission.admission_id)
            .bind(&admission.case_no)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(ApiError::bad_request(codes::DUPLICATE_IDS, format!("住院 {} 已存在", admission.case_no)));
        }
        journal::insert_admission(&mut tx, admission).await?;
    }
    let records =
        batch.fees.iter().cloned().map(Record::Fee).chain(batch.events.iter().cloned().map(Record::AdmissionEvent));
    for record in records {
        let admission_id = wire::fold::record_admission(&record).unwrap_or_default();
        let ward = journal::lock_admission(&mut tx, admission_id).await?.ok_or_else(|| {
            ApiError::bad_request(codes::MISSING_IDS, format!("导入的记录引用了不存在的住院 {admission_id}"))
        })?;
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM journal WHERE key = $1")
            .bind(record.key())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(ApiError::bad_request(codes::DUPLICATE_IDS, format!("记录 {} 已导入过", record.key())));
        }
        journal::insert(&mut tx, admission_id, &ward, &record, None, None).await?;
    }
    let answer =
        ImportAnswer { admissions: batch.admissions.len(), fees: batch.fees.len(), events: batch.events.len() };
    let detail = serde_json::json!({ "admissions": answer.admissions, "fees": answer.fees, "events": answer.events });
    audit::append(&mut tx, &caller.username, "his.import", &detail).await?;
    tx.commit().await?;
    Ok(Json(answer))
}

/// A fee line as the HIS sent it, checked like a pushed one: known category and status, a decimal
/// quantity, and an amount that is the unit price times the quantity.
fn check_fee(fee: &FeeRecord) -> Result<(), String> {
    let line = wire::convert::fee_line(fee, 0).map_err(|e| e.to_string())?;
    match line.unit_price.times(line.quantity) {
        Ok(amount) if amount == line.amount => Ok(()),
        _ => Err(format!("金额 {} 不等于单价 {} × 数量 {}", line.amount, line.unit_price, line.quantity)),
    }
}
