//! Insurance through the platform (医保预结算 / 结算 / 撤销 / 查询) for linked counters: each call
//! needs the permission to handle money, is checked against the platform's ledger
//! ([`crate::insurance::checked_claim`]) and committed settlements land in the register.

use axum::Json;
use axum::extract::{Path, State};
use domain::Permission;
use uuid::Uuid;
use wire::codes;
use wire::insurance::{ClaimBody, ReverseBody, SettleBody, ShareAnswer, StatusAnswer};

use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::insurance::{checked_claim, holds, record, refusal, reversed, standing};
use crate::{AppState, approvals};

fn claim_of(body: &ClaimBody) -> ApiResult<::insurance::Claim> {
    wire::insurance::claim(body).map_err(|e| ApiError::bad_request(codes::MALFORMED, e.to_string()))
}

/// 预结算: what insurance would pay for the stay's fees now. Changes nothing.
#[utoipa::path(post, path = "/api/v1/insurance/pre-settle", request_body = ClaimBody,
    responses((status = 200, body = ShareAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody), (status = 504, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn pre_settle(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<ClaimBody>,
) -> ApiResult<Json<ShareAnswer>> {
    caller.require(Permission::HandleMoney)?;
    let claim = checked_claim(&state, &claim_of(&body)?).await?;
    let share = state.insurance.pre_settle(&claim).await.map_err(|e| refusal(&e))?;
    Ok(Json(wire::insurance::share_answer(share, None)))
}

/// 结算: commits the claim under the settlement's key; a repeated key answers the first result.
#[utoipa::path(post, path = "/api/v1/insurance/settle", request_body = SettleBody,
    responses((status = 200, body = ShareAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody), (status = 504, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn settle(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<SettleBody>,
) -> ApiResult<Json<ShareAnswer>> {
    caller.require(Permission::HandleMoney)?;
    let mut conn = state.pool.acquire().await?;
    if let Some(answer) = standing(&mut conn, body.key).await? {
        return Ok(Json(wire::insurance::share_answer(answer.share, Some(answer.reference))));
    }
    drop(conn);
    let claim = checked_claim(&state, &claim_of(&body.claim)?).await?;
    let settled = state.insurance.settle(body.key, &claim).await.map_err(|e| refusal(&e))?;
    record(&state, body.key, &claim, &settled, &caller.username, caller.device_id).await?;
    Ok(Json(wire::insurance::share_answer(settled.share, Some(settled.reference))))
}

/// 撤销: undoes a settled claim: a recall a supervisor approved through the platform (its token
/// names this claim's settlement), or the device's own settlement that never reached the journal
/// (the crash sweep). Anything else is `APPROVAL_MISSING`.
#[utoipa::path(post, path = "/api/v1/insurance/reverse", request_body = ReverseBody,
    responses((status = 200, body = StatusAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody), (status = 422, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody), (status = 504, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reverse(
    State(state): State<AppState>,
    caller: Caller,
    Body(body): Body<ReverseBody>,
) -> ApiResult<Json<StatusAnswer>> {
    caller.require(Permission::HandleMoney)?;
    let Some((settlement, settled_by)) = holds(&state, &body.reference).await? else {
        return Err(ApiError::not_found(format!("平台的医保登记中没有未撤销的医保结算 {}", body.reference)));
    };
    let mut conn = state.pool.acquire().await?;
    if !approvals::reversal_allowed(&mut conn, body.key, settlement, settled_by, caller.device_id).await? {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            codes::APPROVAL_MISSING,
            "撤销医保结算须有收费组长对这笔召回的授权（或是本机未入账结算的自动撤销）",
        ));
    }
    drop(conn);
    state.insurance.reverse(body.key, &body.reference).await.map_err(|e| refusal(&e))?;
    reversed(&state, body.key, &body.reference, &caller.username).await?;
    Ok(Json(StatusAnswer { reference: None }))
}

/// Whether a claim stands settled under a settlement key (asked after a lost answer).
#[utoipa::path(get, path = "/api/v1/insurance/claims/{key}",
    params(("key" = Uuid, Path, description = "The settlement's idempotency key")),
    responses((status = 200, body = StatusAnswer), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody), (status = 504, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn query(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<Uuid>,
) -> ApiResult<Json<StatusAnswer>> {
    caller.require(Permission::HandleMoney)?;
    let status = state.insurance.query(key).await.map_err(|e| refusal(&e))?;
    let reference = match status {
        ::insurance::ClaimStatus::Settled { reference } => Some(reference),
        ::insurance::ClaimStatus::NotSettled => None,
    };
    Ok(Json(StatusAnswer { reference }))
}
