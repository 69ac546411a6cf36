//! Error bodies of the platform API: a stable code to branch on and a zh-CN sentence.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: &str, message: impl Into<String>) -> ErrorBody {
        ErrorBody { code: code.to_owned(), message: message.into() }
    }
}

pub mod codes {
    pub const MALFORMED: &str = "MALFORMED_REQUEST";
    pub const TOO_LARGE: &str = "BODY_TOO_LARGE";
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const TOKEN_EXPIRED: &str = "TOKEN_EXPIRED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const LOGIN_FAILED: &str = "LOGIN_FAILED";
    pub const LOGIN_THROTTLED: &str = "LOGIN_THROTTLED";
    /// The user was disabled on the platform: no login, no session.
    pub const USER_DISABLED: &str = "USER_DISABLED";
    pub const UNKNOWN_DEVICE: &str = "UNKNOWN_DEVICE";
    /// A login naming a device without that device's secret, or a request for another device
    /// than the session's.
    pub const DEVICE_NOT_PROVEN: &str = "DEVICE_NOT_PROVEN";
    pub const UNBALANCED: &str = "AMOUNTS_UNBALANCED";
    pub const KEY_CONFLICT: &str = "KEY_CONFLICT";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const DUPLICATE_IDS: &str = "DUPLICATE_IDS";
    pub const MISSING_IDS: &str = "MISSING_IDS";
    pub const INTERNAL: &str = "INTERNAL";
    /// A recall transfer pushed without the recall of its settlement.
    pub const RECALL_TRANSFER_ALONE: &str = "RECALL_TRANSFER_ALONE";
    /// A recall transfer for another amount than the recalled settlement's net payments.
    pub const RECALL_TRANSFER_AMOUNT: &str = "RECALL_TRANSFER_AMOUNT";
    /// A receipt or settlement number outside the blocks the platform gave this device and cashier.
    pub const NUMBER_NOT_ALLOCATED: &str = "NUMBER_NOT_ALLOCATED";
    /// A receipt or settlement number the platform's journal already holds.
    pub const NUMBER_USED: &str = "NUMBER_USED";
    /// A stated time further ahead of the platform's clock than the allowed skew.
    pub const TIME_IN_FUTURE: &str = "TIME_IN_FUTURE";
    /// A stated time before the device's registration or its longest offline stretch.
    pub const TIME_TOO_OLD: &str = "TIME_TOO_OLD";
    /// A window (a reversal by its original route) open at the stated time, closed at receipt.
    pub const WINDOW_PASSED_AT_PLATFORM: &str = "WINDOW_PASSED_AT_PLATFORM";
    /// The operation names another user than the one whose token pushes it.
    pub const NOT_THE_CALLER: &str = "NOT_THE_CALLER";
    /// A settlement settles other fee lines than the platform's ledger says it must.
    pub const FEES_CHANGED: &str = "FEES_CHANGED";
    /// A settlement figure (insurance, blood waiver, deposits applied, due) differs from the one
    /// the platform derives from its own ledger and insurance register.
    pub const FIGURE_DIFFERS: &str = "FIGURE_DIFFERS";
    /// A settlement's refunds go by other routes or amounts than the original-route rule gives.
    pub const REFUND_ROUTE_DIFFERS: &str = "REFUND_ROUTE_DIFFERS";
    /// A user approving their own operation.
    pub const SELF_APPROVAL: &str = "SELF_APPROVAL";
    /// An operation that needs a supervisor's approval carries no proof of it.
    pub const APPROVAL_MISSING: &str = "APPROVAL_MISSING";
    /// An approval token the platform did not issue for exactly this operation, or already used
    /// or expired; or an approver who may not approve.
    pub const APPROVAL_INVALID: &str = "APPROVAL_INVALID";
    /// An offline approval from a device the platform heard from at that moment.
    pub const APPROVAL_NOT_OFFLINE: &str = "APPROVAL_NOT_OFFLINE";
}
