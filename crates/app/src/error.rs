//! Errors of the use cases: a stable code and a zh-CN sentence, convertible to the contract's
//! `ApiError` for the frontend and to an exit message for the CLI.

use contract::ApiError;
use contract::error::codes;
use store::{OpenError, StoreError};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    /// Bad input, refused before anything was written.
    #[error("{message}")]
    Invalid { code: &'static str, message: String, field: Option<&'static str> },
    #[error("{message}")]
    LoginFailed { code: &'static str, message: String },
    #[error("请先登录")]
    NotLoggedIn,
    #[error("{0}")]
    NotFound(String),
    /// A business rule refused the operation (settling twice, reversing a used deposit…).
    #[error("{message}")]
    Rule { code: &'static str, message: String },
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Report(#[from] reports::ReportError),
    #[error("打印失败：{0}")]
    Print(String),
    /// A file or process the app needed failed (the print folder, `lp`).
    #[error("{0}")]
    Io(String),
    /// Something that cannot happen did: a bug or a hand-edited database. The cashier sees a
    /// sentence to report, the log has the detail.
    #[error("系统内部错误，请联系信息科（{0}）")]
    Internal(String),
}

impl AppError {
    pub fn invalid(code: &'static str, message: impl Into<String>, field: &'static str) -> AppError {
        AppError::Invalid { code, message: message.into(), field: Some(field) }
    }

    /// An internal invariant failed; `detail` is logged and quoted for the support desk.
    pub fn internal(detail: impl std::fmt::Display) -> AppError {
        let detail = detail.to_string();
        tracing::error!(%detail, "internal error");
        AppError::Internal(detail)
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { code, .. } | AppError::LoginFailed { code, .. } | AppError::Rule { code, .. } => code,
            AppError::NotLoggedIn => codes::NOT_LOGGED_IN,
            AppError::NotFound(_) => codes::NOT_FOUND,
            AppError::Refused(_) => codes::FORBIDDEN,
            AppError::Open(e) => e.code(),
            AppError::Store(StoreError::Busy) => codes::DB_LOCKED,
            AppError::Store(StoreError::NumbersExhausted) => codes::NUMBERS_EXHAUSTED,
            AppError::Store(_) | AppError::Report(_) | AppError::Io(_) | AppError::Internal(_) => codes::INTERNAL,
            AppError::Print(_) => codes::PRINT_FAILED,
        }
    }

    pub fn to_api(&self) -> ApiError {
        let field = match self {
            AppError::Invalid { field, .. } => *field,
            _ => None,
        };
        ApiError { code: self.code().to_owned(), message: self.to_string(), field: field.map(str::to_owned) }
    }
}

/// Domain refusals become `AppError::Rule`, keeping their code and sentence.
macro_rules! rule_errors {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for AppError {
            fn from(error: $error) -> AppError {
                AppError::Rule { code: error.code(), message: error.to_string() }
            }
        }
    )*};
}

rule_errors!(
    domain::account::settle::SettleError,
    domain::account::settle::PaymentError,
    domain::account::reversal::ReversalError,
    domain::account::recall::RecallError,
    domain::account::audit::AuditError,
    domain::account::deposit::DepositError,
    domain::account::tenders::TenderError,
    crate::insurance::InsuranceError,
    blood_platform::BloodError,
);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        error.to_api()
    }
}
