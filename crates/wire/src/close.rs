//! 日结 between a linked counter and the platform: the close as the counter reports it (its
//! period, the journal keys of the money records it holds, and the figures the counter computed),
//! the platform's acceptance with the figures it re-derived from its own journal, and the
//! cancellation of the latest close.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use contract::Yuan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A close as a counter reports it. The cashier is the session's user; the platform re-derives
/// every figure from the records named and refuses a close that does not add up, overlaps the
/// cashier's previous close, or names a record that is not theirs or is already closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseStatement {
    pub key: Uuid,
    pub close_no: String,
    #[schema(value_type = String)]
    pub from: NaiveDateTime,
    #[schema(value_type = String)]
    pub until: NaiveDateTime,
    /// The journal keys of the deposits (reversals, recall transfers), settlements and recalls.
    pub records: Vec<Uuid>,
    /// The counter's figures: net per tender code (and `total`), fees settled.
    #[schema(value_type = BTreeMap<String, String>)]
    pub net: BTreeMap<String, Yuan>,
    #[schema(value_type = String)]
    pub fees_settled: Yuan,
}

/// The close as the platform holds it, with the figures it computed itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseAccepted {
    pub close_no: String,
    pub cashier: String,
    #[schema(value_type = BTreeMap<String, String>)]
    pub net: BTreeMap<String, Yuan>,
    #[schema(value_type = String)]
    pub fees_settled: Yuan,
    pub records: usize,
}

/// 取消日结 of the caller's latest close.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelClose {
    pub key: Uuid,
    pub close_no: String,
}
