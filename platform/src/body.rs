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
