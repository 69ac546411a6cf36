//! The channels' side of the platform: the notify URLs WeChat Pay and Alipay post payment
//! notifications to (`/channels/v1/notify/{wechat|alipay}`, no bearer: the signature is the
//! proof), answered in each channel's own words; and, while the channels are the sandboxes, the
//! sandbox's own door for a payment made in the hospital's app or at a kiosk
//! (`/sandbox/v1/app-pay`, used by `platform sandbox-pay deposit`). Neither is in the OpenAPI
//! document: they speak the channels' formats, not the counters'.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Tender;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::mobile::{self, Verdict};

fn channel(name: &str) -> Option<Tender> {
    match Tender::parse(name) {
        Ok(t @ (Tender::WeChat | Tender::Alipay)) => Some(t),
        _ => None,
    }
}

/// A payment notification from a channel.
pub async fn notify(State(state): State<AppState>, Path(name): Path<String>, body: Bytes) -> Response {
    let Some(tender) = channel(&name) else {
        return (StatusCode::NOT_FOUND, "no such channel").into_response();
    };
    let (status, taken, message) = match mobile::receive(&state, tender, &body).await {
        Ok(Verdict::Credited(_) | Verdict::Duplicate | Verdict::Refunded(_)) => (StatusCode::OK, true, String::new()),
        Ok(Verdict::NotYet(reason)) => (StatusCode::SERVICE_UNAVAILABLE, false, format!("暂时无法入账：{reason}")),
        Err(e @ channels::notify::NotifyError::Malformed(_)) if e.to_string().contains("暂时无法入账") => {
            (StatusCode::SERVICE_UNAVAILABLE, false, e.to_string())
        }
        Err(e) => (StatusCode::BAD_REQUEST, false, e.to_string()),
    };
    let (content_type, text) = channels::notify::answer(tender, taken, &message);
    (status, [(header::CONTENT_TYPE, content_type)], text).into_response()
}

/// A payment in the hospital's app, as the sandbox channel takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppPay {
    /// `wechat` or `alipay`.
    pub channel: String,
    pub case_no: String,
    pub amount: String,
    /// Announce it twice (the services sometimes do).
    #[serde(default)]
    pub twice: bool,
}

#[derive(Debug, Serialize)]
pub struct AppPaid {
    pub order_no: String,
    pub transaction_id: String,
}

/// The sandbox takes the payment, then announces it to the platform's notify URL.
pub async fn app_pay(State(state): State<AppState>, Json(request): Json<AppPay>) -> ApiResult<Json<AppPaid>> {
    let tender = channel(&request.channel)
        .ok_or_else(|| ApiError::bad_request("TENDER_NOT_CHANNEL", "渠道应为 wechat 或 alipay"))?;
    let amount = domain::PaymentAmount::parse(&request.amount)
        .map_err(|e| ApiError::bad_request("AMOUNT_INVALID", e.to_string()))?
        .money();
    let sandbox = state
        .sandboxes
        .iter()
        .find(|s| channels::PayChannel::tender(s.as_ref()) == tender)
        .ok_or_else(|| ApiError::not_found("该渠道不是沙箱"))?
        .clone();
    let notifier = state.notifier.clone().ok_or_else(|| ApiError::not_found("沙箱渠道未配置通知地址"))?;
    let now = state.clock().now();
    let order_no = format!("M{}{:06}", now.format("%Y%m%d%H%M%S"), rand::random::<u32>() % 1_000_000);
    let transaction_id = sandbox.paid_in_app(&order_no, amount).map_err(ApiError::internal)?;
    let notification = channels::notify::Notification {
        tender,
        order_no: order_no.clone(),
        transaction_id: transaction_id.clone(),
        amount,
        case_no: request.case_no.trim().to_owned(),
        paid_at: now,
    };
    let key = state.merchant_key(tender).to_owned();
    let times = if request.twice { 2 } else { 1 };
    tokio::spawn(async move {
        for _ in 0..times {
            notifier.announce(&notification, &key).await;
        }
    });
    Ok(Json(AppPaid { order_no, transaction_id }))
}
