//! A supervisor's approval (组长授权) as it travels: asked of the platform by the cashier's
//! device with the supervisor's credentials, answered with a one-time token bound to exactly one
//! operation, and carried in that operation's envelope. A counter cut off from the platform
//! carries its own check of the supervisor's password instead, which the platform believes only
//! from a device it did not hear from at that moment, and lists for review.

use chrono::NaiveDateTime;
use contract::Yuan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What proves the approval of an operation that needs one (a recall).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum ApprovalProof {
    /// The token the platform issued for this operation (online).
    Token { token: String },
    /// The counter checked the approver's password against its cached hash (offline).
    OfflineCheck { checked_at: NaiveDateTime },
}

/// The cashier's device asks for an approval token: the operation, what it moves, and the
/// approver's own credentials (typed by the approver at the counter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalAsk {
    /// The operation's idempotency key (the recall's).
    pub key: Uuid,
    pub admission_id: Uuid,
    /// The key of the settlement the operation recalls.
    pub settlement: Uuid,
    /// What the operation transfers into the deposit ledger.
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub username: String,
    pub password: String,
}

/// The platform's approval: a token valid once, for that operation, until `valid_until`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalGrant {
    pub token: String,
    pub approver: String,
    pub display_name: String,
    pub valid_until: NaiveDateTime,
}

/// An approval made offline, as the review list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfflineApproval {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub device_id: Uuid,
    pub cashier: String,
    pub approver: String,
    pub checked_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    /// `confirmed` or `disputed` once reviewed.
    pub verdict: Option<String>,
    pub reviewed_by: Option<String>,
    pub note: Option<String>,
}

/// A supervisor's review of an offline approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalReview {
    /// `confirmed` (the approver confirms they approved) or `disputed`.
    pub verdict: String,
    pub note: String,
}
