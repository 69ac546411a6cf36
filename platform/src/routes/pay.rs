//! 付款码收款 for linked counters: the platform collects the payer's code through the channel
//! (it holds the merchant credentials) and cancels an order whose operation the counter could
//! not write.

use axum::Json;
use axum::extract::{Query, State};
use domain::Permission;
use serde::Deserialize;
use wire::pay::{CancelOrder, CodePaid, CodePayment, RefundAsk, RefundStatus};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::{payments, refunds};

/// Collects a WeChat or Alipay payment from the payer's code; waits while the payer confirms.
#[utoipa::path(post, path = "/api/v1/pay/code", request_body = CodePayment,
    responses((status = 200, body = CodePaid), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 409, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody),
        (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn code(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<CodePayment>,
) -> crate::error::ApiResult<Json<CodePaid>> {
    caller.require(Permission::HandleMoney)?;
    Ok(Json(payments::collect(&state, &caller, &request).await?))
}

/// 撤销 the caller's order that was not recorded (the money goes back to the payer).
#[utoipa::path(post, path = "/api/v1/pay/cancel", request_body = CancelOrder,
    responses((status = 200, body = CancelOrder), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody), (status = 503, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<CancelOrder>,
) -> crate::error::ApiResult<Json<CancelOrder>> {
    caller.require(Permission::HandleMoney)?;
    payments::cancel(&state, &caller, &request).await?;
    Ok(Json(request))
}

/// Where a refund by the original route stands; asks the channel again if it is not final.
#[utoipa::path(post, path = "/api/v1/pay/refund", request_body = RefundAsk,
    responses((status = 200, body = RefundStatus), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn refund(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<RefundAsk>,
) -> crate::error::ApiResult<Json<RefundStatus>> {
    caller.require(Permission::HandleMoney)?;
    Ok(Json(refunds::send(&state, &request.refund_no).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RefundsQuery {
    /// The admission's case number; without it, the refunds that failed (退款失败).
    pub case_no: Option<String>,
}

/// An admission's refunds by the original route, or (without `case_no`) every failed one.
#[utoipa::path(get, path = "/api/v1/pay/refunds", params(RefundsQuery),
    responses((status = 200, body = Vec<RefundStatus>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn refunds_of(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<RefundsQuery>,
) -> crate::error::ApiResult<Json<Vec<RefundStatus>>> {
    match &query.case_no {
        Some(case_no) => {
            caller.require(Permission::HandleMoney)?;
            Ok(Json(refunds::of_case(&state, case_no).await?))
        }
        None => {
            caller.require(Permission::ViewPending)?;
            Ok(Json(refunds::failed(&state).await?))
        }
    }
}
