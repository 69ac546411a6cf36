//! The JSON body extractor of every endpoint: malformed JSON, wrong types and unknown fields are
//! refused with `MALFORMED_REQUEST`, an oversize body with `BODY_TOO_LARGE` — as JSON with a
//! code, like every other error.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use wire::codes;

use crate::error::ApiError;

pub struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, codes::TOO_LARGE, "请求内容过大"))
            }
            Err(rejection) => {
                Err(ApiError::bad_request(codes::MALFORMED, format!("请求格式不正确：{}", rejection.body_text())))
            }
        }
    }
}

/// The answer to a path no route serves: `NOT_FOUND` as JSON, like the handlers' own.
pub async fn unknown_route() -> ApiError {
    ApiError::not_found("没有这个接口")
}

/// Refusals axum writes itself — a wrong method (405), a path or query parameter that does not
/// parse (400), an unsupported media type — come as plain text; this layer answers them as
/// `wire::ErrorBody` JSON with a code instead, so every client reads every refusal the same way.
pub async fn json_refusals(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let response = next.run(request).await;
    let status = response.status();
    let json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (codes::NOT_FOUND, "没有这个接口".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => (codes::MALFORMED, "此接口不支持该请求方法".to_owned()),
        StatusCode::PAYLOAD_TOO_LARGE => (codes::TOO_LARGE, "请求内容过大".to_owned()),
        s if s.is_server_error() => (codes::INTERNAL, "平台内部错误，请稍后重试或联系信息科".to_owned()),
        _ => {
            let bytes = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let text = if text.trim().is_empty() { status.to_string() } else { text };
            (codes::MALFORMED, format!("请求格式不正确：{text}"))
        }
    };
    let mut answer = ApiError::new(status, code, message).into_response();
    // A 405 names the methods the path does serve.
    if let Some(allow) = parts.headers.get(axum::http::header::ALLOW) {
        answer.headers_mut().insert(axum::http::header::ALLOW, allow.clone());
    }
    answer
}
