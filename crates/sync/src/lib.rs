//! The desktop's side of sync with the platform.
//!
//! - `client`: HTTPS to the platform, trusting only the configured CA (pinned), with typed
//!   errors that tell "the platform is unreachable" (stay offline, retry) from "the platform
//!   said no" (show it).
//! - `push`: sends the outbox in batches and records each answer; rejected operations are left
//!   out of the account from then on and listed for a supervisor.
//! - `pull`: applies the change feed idempotently and moves the cursor in the same transaction.
//! - `approval`: approval tokens asked of the platform with the approver's credentials.
//! - `counter`: opening a counter's database stand-alone or linked to its platform.
//! - `session`: logging in online (token to the OS keyring, password hash kept for offline
//!   login), device registration, receipt ranges.
//! - `recon`: the reconciliation review (对账复核) against the platform's recon endpoints, the
//!   list exported as XLSX and original statements saved to the exports folder.
//! - `Syncer::run`: the background loop that keeps the counter's `Link` current.
//!
//! Architecture invariants: nothing here writes a money row on its own — pulled rows are the
//! platform's, pushed rows were written by the app's use cases; the token is never written to
//! the data folder.

pub mod apply;
pub mod approval;
pub mod blood;
pub mod client;
pub mod closes;
pub mod counter;
pub mod device_secret;
pub mod insurance;
pub mod materials;
pub mod paper;
pub mod pay;
pub mod pending;
pub mod pull;
pub mod push;
pub mod recon;
pub mod session;
pub mod syncer;

pub use client::{Client, ClientError};
pub use session::{Session, TokenStore};
pub use syncer::Syncer;
