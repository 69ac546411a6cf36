//! The e-invoices' pending list (开具失败 / 冲红未完成) for finance and supervisors, and asking the
//! fiscal platform again now.

use axum::Json;
use axum::extract::State;
use domain::Permission;
use wire::api::{InvoicesRetried, UnfinishedInvoice};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::invoices;

/// Settlements whose invoice is not issued, or recalled ones not reversed, oldest first.
#[utoipa::path(get, path = "/api/v1/invoices/unfinished", responses((status = 200, body = Vec<UnfinishedInvoice>),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn unfinished(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<UnfinishedInvoice>>> {
    caller.require(Permission::ViewPending)?;
    let mut conn = state.pool.acquire().await?;
    let items = invoices::unfinished(&mut conn).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| UnfinishedInvoice {
                settlement_key: i.settlement_key,
                admission_id: i.admission_id,
                settlement_no: i.settlement_no,
                reverse: i.reverse,
                failure: i.failure,
            })
            .collect(),
    ))
}

/// Asks the fiscal platform again for every unfinished invoice now; answers how many are left.
#[utoipa::path(post, path = "/api/v1/invoices/retry", responses((status = 200, body = InvoicesRetried),
        (status = 401, body = wire::ErrorBody), (status = 403, body = wire::ErrorBody)),
    security(("bearer" = [])))]
pub async fn retry(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<InvoicesRetried>> {
    caller.require(Permission::ViewPending)?;
    Ok(Json(InvoicesRetried { left: invoices::finish_all(&state).await? }))
}
