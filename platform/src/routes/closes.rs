//! 日结 from a linked counter: the close checked against the journal and kept, and the
//! cancellation of the caller's latest close.

use axum::Json;
use axum::extract::State;
use domain::Permission;
use wire::close::{CancelClose, CloseAccepted, CloseStatement};

use crate::AppState;
use crate::auth::Caller;
use crate::body::Body;
use crate::closes;
use crate::error::ApiResult;

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
        (status = 409, body = wire::ErrorBody)),
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
