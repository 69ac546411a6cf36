//! The typed boundary between the backend (Tauri commands, CLI) and the Leptos frontend:
//! request and response DTOs and error codes. Builds for wasm32.
//!
//! Architecture invariant: DTOs carry no behaviour beyond formatting helpers; the domain's
//! core types are not `Serialize`, their serializable twins live here.

pub mod account;
pub mod blood;
pub mod blood_desk;
pub mod cashier;
pub mod close;
pub mod counter_settings;
pub mod error;
pub mod invoice;
pub mod link;
pub mod patient;
pub mod pending;
pub mod recon;
pub mod session;
pub mod tender;
pub mod worklist;
mod yuan;

pub use domain::Money;
pub use error::ApiError;
pub use yuan::Yuan;

use serde::{Deserialize, Serialize};

/// A coded value with its Chinese label, e.g. `{code: "fees_audited", label: "费用已审核"}`. The
/// frontend branches on `code` and shows `label`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub code: String,
    pub label: String,
}

impl Tag {
    pub fn new(code: &str, label: &str) -> Tag {
        Tag { code: code.to_owned(), label: label.to_owned() }
    }
}

/// What the app found when it started: ready, or why it cannot work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupStatus {
    pub ready: bool,
    pub demo: bool,
    pub hospital: String,
    pub counter: String,
    pub data_dir: String,
    /// Set when the local database could not be opened (locked, corrupt, newer version…).
    pub problem: Option<ApiError>,
    /// Demo accounts the login screen may show, only in demo mode.
    pub demo_logins: Vec<String>,
    /// The places a counter may be registered as (the first start's registration form).
    pub places: Vec<Tag>,
}

/// A PDF written for printing, and whether it went to a printer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintOutcome {
    pub path: String,
    pub pages: u32,
    /// The printer it was sent to, or `None` when it was saved and opened instead.
    pub printer: Option<String>,
}
