//! 付款码收款 for linked counters: the platform collects the payer's code through the channel
//! (it holds the merchant credentials) and cancels an order whose operation the counter could
//! not write.

use axum::Json;
use axum::extract::State;
use domain::Permission;
use wire::pay::{CancelOrder, CodePaid, CodePayment};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::payments;

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
