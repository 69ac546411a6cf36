//! The platform's HTTP API as both sides see it: the journal records a device pushes and pulls
//! (`records`), the request and answer bodies (`api`), error codes, conversions between records
//! and domain values (`convert`), and `fold`, which replays an admission's records into the
//! domain account and checks a new record against it — the server's conflict rules.
//!
//! Architecture invariant: no I/O here; the server and the desktop's sync client both build on
//! these types, so a message means the same on both ends.

pub mod api;
pub mod approval;
pub mod blood;
pub mod close;
pub mod convert;
pub mod error;
pub mod fold;
pub mod insurance;
pub mod pay;
pub mod records;

pub use error::{ErrorBody, codes};
pub use records::{Envelope, Record};
