//! Approvals (组长授权): a token for one operation, asked by the cashier's device with the
//! approver's credentials; the list of approvals counters checked offline, and their review.

use axum::Json;
use axum::extract::{Path, State};
use domain::Permission;
use uuid::Uuid;
use wire::approval::{ApprovalAsk, ApprovalGrant, ApprovalReview, OfflineApproval};

use crate::auth::Caller;
use crate::body::Body;
use crate::error::ApiResult;
use crate::{AppState, approvals};

/// Issues a one-time approval token for the operation named, to the caller's device, once the
/// approver's password (checked and throttled like a login) and role hold. Never for the
/// caller's own operation (`SELF_APPROVAL`).
#[utoipa::path(post, path = "/api/v1/approvals", request_body = ApprovalAsk,
    responses((status = 200, body = ApprovalGrant), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 413, body = wire::ErrorBody),
        (status = 429, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn grant(
    State(state): State<AppState>,
    caller: Caller,
    Body(ask): Body<ApprovalAsk>,
) -> ApiResult<Json<ApprovalGrant>> {
    Ok(Json(approvals::grant(&state, &caller, &ask).await?))
}

/// The approvals counters checked offline, those waiting for review first (supervisors).
#[utoipa::path(get, path = "/api/v1/approvals/offline",
    responses((status = 200, body = Vec<OfflineApproval>), (status = 401, body = wire::ErrorBody),
        (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn offline(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<OfflineApproval>>> {
    caller.require(Permission::ApproveRecall)?;
    Ok(Json(approvals::offline(&state.pool).await?))
}

/// Reviews an offline approval: `confirmed` or `disputed`, with a note; by a supervisor who is
/// neither its approver nor its cashier, once.
#[utoipa::path(post, path = "/api/v1/approvals/offline/{key}/review", request_body = ApprovalReview,
    params(("key" = Uuid, Path, description = "The approved operation's key")),
    responses((status = 204), (status = 400, body = wire::ErrorBody),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody),
        (status = 404, body = wire::ErrorBody), (status = 409, body = wire::ErrorBody),
        (status = 413, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn review(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<Uuid>,
    Body(review): Body<ApprovalReview>,
) -> ApiResult<axum::http::StatusCode> {
    approvals::review(&state, &caller, key, &review).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
