//! The platform's HTTP routes. Every handler parses its body with `Body` (unknown fields and
//! wrong types refused), checks the caller's role, calls one piece of the platform, and answers
//! JSON.

pub(crate) mod approvals;
pub(crate) mod auth;
pub(crate) mod blood;
pub(crate) mod closes;
pub(crate) mod devices;
pub(crate) mod his;
pub(crate) mod insurance;
pub(crate) mod invoices;
pub(crate) mod notify;
pub(crate) mod pay;
pub(crate) mod pending;
pub(crate) mod recon;
pub(crate) mod sync;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use tower_http::trace::TraceLayer;

use crate::{AppState, openapi};

/// By default, bodies larger than this are refused with `BODY_TOO_LARGE` (a push batch of 500
/// settlements with their fee keys stays well below); `serve --body-limit-kb` changes it.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The largest body a material's chunk may have.
fn chunk_limit() -> usize {
    usize::try_from(wire::blood::MATERIAL_CHUNK_BYTES).unwrap_or(usize::MAX)
}

pub fn router(state: AppState) -> Router {
    let limit = state.body_limit;
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/version", get(|| async { env!("CARGO_PKG_VERSION") }))
        .route("/openapi.json", get(openapi::document))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/users", post(auth::create_user))
        .route("/api/v1/users/{username}/disable", post(auth::disable_user))
        .route("/api/v1/users/{username}/enable", post(auth::enable_user))
        .route("/api/v1/users/{username}/password", post(auth::change_password))
        .route("/api/v1/approvals", post(approvals::grant))
        .route("/api/v1/approvals/offline", get(approvals::offline))
        .route("/api/v1/approvals/offline/{key}/review", post(approvals::review))
        .route("/api/v1/devices", post(devices::register))
        .route("/api/v1/devices/{id}/ranges", post(devices::allocate_range))
        .route("/api/v1/sync/push", post(sync::push))
        .route("/api/v1/sync/changes", get(sync::changes))
        .route("/api/v1/patients", get(sync::find_patients))
        .route("/api/v1/pending", get(pending::list))
        .route("/api/v1/closes", post(closes::close).get(closes::closed))
        .route("/api/v1/closes/cancel", post(closes::cancel))
        .route("/api/v1/closes/waiting", get(closes::waiting))
        .route("/api/v1/closes/mine", get(closes::mine))
        .route("/api/v1/hand-ins", post(closes::hand_in).get(closes::hand_in_by_no))
        .route("/api/v1/hand-ins/reverse", post(closes::reverse_hand_in))
        .route("/api/v1/pay/code", post(pay::code))
        .route("/api/v1/pay/cancel", post(pay::cancel))
        .route("/api/v1/pay/refund", post(pay::refund))
        .route("/api/v1/pay/refunds", get(pay::refunds_of))
        .route("/channels/v1/notify/{channel}", post(notify::notify))
        .route("/sandbox/v1/app-pay", post(notify::app_pay))
        .route("/api/v1/invoices/unfinished", get(invoices::unfinished))
        .route("/api/v1/invoices/retry", post(invoices::retry))
        .route("/api/v1/invoices/paper", post(invoices::paper))
        .route("/api/v1/invoices/paper/void", post(invoices::void_paper))
        .route("/api/v1/invoices/check", get(invoices::check))
        .route("/api/v1/invoices/check/fix", post(invoices::fix))
        .route("/api/v1/pending/{key}/resolve", post(pending::resolve))
        .route("/api/v1/his/import", post(his::import))
        .route("/api/v1/insurance/pre-settle", post(insurance::pre_settle))
        .route("/api/v1/insurance/settle", post(insurance::settle))
        .route("/api/v1/insurance/reverse", post(insurance::reverse))
        .route("/api/v1/insurance/claims/{key}", get(insurance::query))
        .route("/api/v1/blood/registrations/{key}/forward", post(blood::forward))
        .route("/api/v1/blood/estimate", post(blood::estimate))
        .route("/api/v1/blood/waive", post(blood::waive))
        .route("/api/v1/blood/waivers/{key}", get(blood::query))
        .route("/api/v1/blood/cancel", post(blood::cancel))
        .route("/api/v1/blood/statement", get(blood::statement))
        .route("/api/v1/materials/{sha256}", get(blood::material))
        // A chunk is bounded by its own size, not by the JSON bodies' limit.
        .route(
            "/api/v1/materials/{sha256}/chunks/{index}",
            put(blood::chunk).layer(DefaultBodyLimit::max(chunk_limit())),
        )
        .route("/api/v1/materials/{sha256}/content", get(blood::material_content))
        .route("/api/v1/audit/verify", get(pending::verify_audit))
        .route("/api/v1/recon/batches", get(recon::batches))
        .route("/api/v1/recon/runs", post(recon::run))
        .route("/api/v1/recon/items", get(recon::items))
        .route("/api/v1/recon/items/{id}/cause", post(recon::assign_cause))
        .route("/api/v1/recon/items/{id}/resolve", post(recon::resolve))
        .route("/api/v1/recon/items/{id}/decide", post(recon::decide))
        .route("/api/v1/recon/statements", post(recon::upload))
        .route("/api/v1/recon/statements/{id}", get(recon::original))
        .route("/api/v1/recon/report", get(recon::report))
        .fallback(crate::body::unknown_route)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(crate::body::json_refusals))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
