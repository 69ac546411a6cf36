//! The day's end from linked counters: the close checked against the journal and kept, the
//! cancellation of the caller's latest close; finance's closes waiting, hand-ins and their
//! reversal; the closes of a period for the hospital's reports.

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDateTime;
use domain::Permission;
use serde::Deserialize;
use wire::close::{
    CancelClose, CloseAccepted, CloseStatement, CloseWaiting, ClosedTakings, HandInRecord, HandInStatement, MyClose,
    ReverseHandIn,
};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiResult;
use crate::{closes, hand_ins};

/// 日结: the caller's close, its figures re-derived from the journal.
#[utoipa::path(post, path = "/api/v1/closes", request_body = CloseStatement,
    responses((status = 200, body = CloseAccepted), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Body(statement): Body<CloseStatement>,
) -> ApiResult<Json<CloseAccepted>> {
    caller.require(Permission::HandleMoney)?;
    Ok(Json(closes::accept(&state, &caller, &statement).await?))
}

/// 取消日结 of the caller's latest close.
#[utoipa::path(post, path = "/api/v1/closes/cancel", request_body = CancelClose,
    responses((status = 200, body = CancelClose), (status = 400, body = wire::ErrorBody), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<CancelClose>,
) -> ApiResult<Json<CancelClose>> {
    caller.require(Permission::HandleMoney)?;
    closes::cancel(&state, &caller, &request).await?;
    Ok(Json(request))
}

/// The caller's closes in force and whether finance collected each (the cashier's 日结 list).
#[utoipa::path(get, path = "/api/v1/closes/mine",
    responses((status = 200, body = Vec<MyClose>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn mine(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<MyClose>>> {
    caller.require(Permission::HandleMoney)?;
    Ok(Json(hand_ins::of_cashier(&state, &caller).await?))
}

/// The closes in force that no standing hand-in collected (finance).
#[utoipa::path(get, path = "/api/v1/closes/waiting",
    responses((status = 200, body = Vec<CloseWaiting>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn waiting(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<CloseWaiting>>> {
    caller.require(Permission::CollectHandIn)?;
    Ok(Json(hand_ins::waiting(&state).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// From (inclusive), `YYYY-MM-DDTHH:MM:SS`.
    #[param(value_type = String)]
    pub from: NaiveDateTime,
    /// Until (exclusive).
    #[param(value_type = String)]
    pub until: NaiveDateTime,
}

/// The closes in force whose cut-off lies in the period (finance's daily and monthly reports).
#[utoipa::path(get, path = "/api/v1/closes", params(Period),
    responses((status = 200, body = Vec<ClosedTakings>), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn closed(
    State(state): State<AppState>,
    caller: Caller,
    Query(period): Query<Period>,
) -> ApiResult<Json<Vec<ClosedTakings>>> {
    caller.require(Permission::CollectHandIn)?;
    Ok(Json(hand_ins::closed_between(&state, period.from, period.until).await?))
}

/// 缴款确认: the expected money from the platform's closes, the difference decided here.
#[utoipa::path(post, path = "/api/v1/hand-ins", request_body = HandInStatement,
    responses((status = 200, body = HandInRecord), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn hand_in(
    State(state): State<AppState>,
    caller: Caller,
    Body(statement): Body<HandInStatement>,
) -> ApiResult<Json<HandInRecord>> {
    caller.require(Permission::CollectHandIn)?;
    Ok(Json(hand_ins::accept(&state, &caller, &statement).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HandInNo {
    pub hand_in_no: String,
}

/// A hand-in by its number (finance).
#[utoipa::path(get, path = "/api/v1/hand-ins", params(HandInNo),
    responses((status = 200, body = HandInRecord), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody), (status = 404, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn hand_in_by_no(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HandInNo>,
) -> ApiResult<Json<HandInRecord>> {
    caller.require(Permission::CollectHandIn)?;
    Ok(Json(hand_ins::by_no(&state, &query.hand_in_no).await?))
}

/// 冲销缴款 (a supervisor, with a reason).
#[utoipa::path(post, path = "/api/v1/hand-ins/reverse", request_body = ReverseHandIn,
    responses((status = 200, body = HandInRecord), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reverse_hand_in(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<ReverseHandIn>,
) -> ApiResult<Json<HandInRecord>> {
    caller.require(Permission::ApproveRecall)?;
    Ok(Json(hand_ins::reverse(&state, &caller, &request).await?))
}
