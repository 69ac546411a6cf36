//! 工作清单: who is waiting at the discharge window. A cashier's: the admissions whose fees were
//! audited, waiting for their discharge settlement, oldest discharge order first; an auditor's:
//! those with a discharge order waiting for the fee audit, with how many lines still block it.

use serde::{Deserialize, Serialize};

use crate::Tag;

/// One admission waiting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    pub case_no: String,
    pub patient_name: String,
    pub ward: String,
    pub bed_no: String,
    pub insurance: Tag,
    /// When the discharge order came, `YYYY-MM-DD HH:MM`.
    pub since: String,
    /// The lines that still block the audit (未确认); `None` when not counted (a cashier's list,
    /// or beyond the auditor's first [`AUDIT_COUNTED`]).
    pub blockers: Option<usize>,
}

/// How many of the auditor's list have their blocking lines counted (each needs the whole stay).
pub const AUDIT_COUNTED: usize = 100;

/// The lists the operator may work on (a list they may not work on is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worklists {
    /// Audited, waiting for the discharge settlement (待结算).
    pub to_settle: Vec<WorkItem>,
    /// Discharge ordered, waiting for the fee audit (待审核).
    pub to_audit: Vec<WorkItem>,
}

/// The kinds of an operator's operations, as 我的今日操作 names them.
pub const MY_OPERATION_KINDS: [(&str, &str); 5] = [
    ("deposit", "预交金"),
    ("reversal", "预交金冲红"),
    ("recall_transfer", "召回转预交金"),
    ("settlement", "结算"),
    ("receipt_void", "收据作废"),
];

/// One of the operator's operations today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOperation {
    /// `HH:MM:SS`
    pub at: String,
    pub kind: Tag,
    /// The receipt or settlement number (a void: the voided receipt's).
    pub number: String,
    pub case_no: String,
    pub patient_name: String,
    pub amount: crate::Yuan,
    pub tenders: Vec<crate::account::TenderView>,
}

/// 我的今日操作: the operator's operations of the business day, and the money net per tender.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyDay {
    /// `YYYY-MM-DD`
    pub day: String,
    pub operations: Vec<MyOperation>,
    /// Net per tender over the day's operations (collected less given back), in the tenders'
    /// order; tenders that moved nothing are left out.
    pub totals: Vec<crate::account::TenderView>,
}
