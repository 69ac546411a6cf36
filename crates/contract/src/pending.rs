//! 待处理 (a supervisor's and finance's list): what waits for someone to decide — the refunds by
//! the original route that failed and were not yet paid another way (改退现金 / 转账退款), each
//! with its patient, so the list opens the account where 改退 is offered; and the operations
//! the platform refused, with why and the money involved, which a supervisor resolves (退款: the
//! money was given back; 转为预交金: it is kept as a deposit) with a note.

use serde::{Deserialize, Serialize};

use crate::Tag;
use crate::account::{RefundView, TenderView};

/// A failed refund waiting to be paid another way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRefund {
    pub case_no: String,
    /// The patient's name; empty when the admission is not in this counter's cache.
    pub patient_name: String,
    pub refund: RefundView,
}

/// The states of a refused operation, as the platform keeps them.
pub const REFUSED_STATES: [(&str, &str); 3] =
    [("open", "待处理"), ("refunded", "已退款"), ("converted_to_deposit", "已转预交金")];

/// The two resolutions: the action code the platform takes, and the words on the button.
pub const RESOLUTIONS: [(&str, &str); 2] = [("refund", "已退款给患者"), ("deposit", "转为预交金")];

/// An operation the platform refused (its push was not applied).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedOperation {
    /// The operation's key (what a resolution names).
    pub key: String,
    /// Empty when the admission is not in this counter's cache.
    pub case_no: String,
    pub patient_name: String,
    /// Who did it (username).
    pub cashier: String,
    /// The platform's refusal: its code and sentence.
    pub code: String,
    pub reason: String,
    /// `YYYY-MM-DD HH:MM:SS`, when the platform received it.
    pub received_at: String,
    /// What it was, in the cashier's words: `预交金 YJ0100000001 ¥300.00`.
    pub what: String,
    /// The money it took from the patient, by tender (what a resolution gives back or keeps).
    pub money: Vec<TenderView>,
    pub state: Tag,
    pub resolved_by: Option<String>,
    pub note: Option<String>,
}

/// The 待处理 list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingList {
    pub refunds: Vec<PendingRefund>,
    /// The operations the platform refused, open ones first (a linked counter's; empty alone).
    #[serde(default)]
    pub refused: Vec<RefusedOperation>,
    /// The platform could not be asked (offline): only this counter's own are listed.
    pub platform_unreached: bool,
}

/// A supervisor's resolution of a refused operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveRequest {
    pub key: String,
    /// `refund` or `deposit` ([`RESOLUTIONS`]).
    pub action: String,
    pub note: String,
}

/// The label of a refused operation's state code (the code itself when unknown).
pub fn refused_state(code: &str) -> Tag {
    let label = REFUSED_STATES.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| *l);
    Tag::new(code, label)
}
