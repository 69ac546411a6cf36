//! The OpenAPI document served at `/openapi.json`, describing every endpoint and body.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "统一支付结算平台 API", version = "1", description = "The inpatient cashier platform: login, devices, sync push and pull, the pending list, the e-invoices not done, the HIS import, insurance and the blood waiver through the platform, registrations' materials in chunks, the day's reconciliation."),
    paths(
        routes::auth::login,
        routes::auth::logout,
        routes::auth::create_user,
        routes::auth::disable_user,
        routes::auth::enable_user,
        routes::auth::change_password,
        routes::approvals::grant,
        routes::approvals::offline,
        routes::approvals::review,
        routes::devices::register,
        routes::devices::allocate_range,
        routes::sync::push,
        routes::sync::changes,
        routes::sync::find_patients,
        routes::pending::list,
        routes::closes::close,
        routes::closes::cancel,
        routes::closes::waiting,
        routes::closes::mine,
        routes::closes::closed,
        routes::closes::hand_in,
        routes::closes::hand_in_by_no,
        routes::closes::reverse_hand_in,
        routes::pay::code,
        routes::pay::cancel,
        routes::pay::refund,
        routes::pay::refunds_of,
        routes::pending::resolve,
        routes::pending::verify_audit,
        routes::invoices::unfinished,
        routes::invoices::retry,
        routes::invoices::paper,
        routes::invoices::void_paper,
        routes::invoices::check,
        routes::invoices::fix,
        routes::his::import,
        routes::insurance::pre_settle,
        routes::insurance::settle,
        routes::insurance::reverse,
        routes::insurance::query,
        routes::blood::forward,
        routes::blood::estimate,
        routes::blood::waive,
        routes::blood::query,
        routes::blood::cancel,
        routes::blood::statement,
        routes::blood::material,
        routes::blood::chunk,
        routes::blood::material_content,
        routes::recon::batches,
        routes::recon::run,
        routes::recon::items,
        routes::recon::assign_cause,
        routes::recon::resolve,
        routes::recon::decide,
        routes::recon::upload,
        routes::recon::original,
        routes::recon::report,
    ),
    components(schemas(wire::ErrorBody, wire::Envelope, wire::Record, wire::approval::ApprovalProof)),
    modifiers(&Bearer)
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
