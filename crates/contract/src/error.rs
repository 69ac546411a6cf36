//! Errors as the frontend sees them: a stable code to branch on, a zh-CN sentence to show,
//! and the field it belongs next to.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable, uppercase, e.g. `LOGIN_FAILED`; see [`codes`].
    pub code: String,
    /// What happened and what to do, in Simplified Chinese.
    pub message: String,
    /// The input field the error belongs to, when there is one.
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> ApiError {
        ApiError { code: code.to_owned(), message: message.into(), field: None }
    }
    pub fn on_field(mut self, field: &str) -> ApiError {
        self.field = Some(field.to_owned());
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}（{}）", self.message, self.code)
    }
}

impl std::error::Error for ApiError {}

/// Codes the frontend branches on. Domain validation codes (`MONEY_…`, `RESIDENT_ID_…`,
/// `QUERY_…`) pass through unchanged.
pub mod codes {
    pub const LOGIN_FAILED: &str = "LOGIN_FAILED";
    pub const LOGIN_LOCKED: &str = "LOGIN_LOCKED";
    pub const NOT_LOGGED_IN: &str = "NOT_LOGGED_IN";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const DB_LOCKED: &str = "DB_LOCKED";
    pub const DB_CORRUPT: &str = "DB_CORRUPT";
    pub const DB_NEWER_SCHEMA: &str = "DB_NEWER_SCHEMA";
    pub const DB_MISSING: &str = "DB_MISSING";
    pub const DB_UNAVAILABLE: &str = "DB_UNAVAILABLE";
    pub const PRINT_FAILED: &str = "PRINT_FAILED";
    /// No receipt numbers left at this counter for the operator (sync to get a block).
    pub const NUMBERS_EXHAUSTED: &str = "NUMBERS_EXHAUSTED";
    pub const INTERNAL: &str = "INTERNAL";
}
