//! 待处理 (a supervisor's and finance's list): what waits for someone to decide — for now the
//! refunds by the original route that failed and were not yet paid another way (改退现金 /
//! 转账退款), each with its patient, so the list opens the account where 改退 is offered.

use serde::{Deserialize, Serialize};

use crate::account::RefundView;

/// A failed refund waiting to be paid another way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRefund {
    pub case_no: String,
    /// The patient's name; empty when the admission is not in this counter's cache.
    pub patient_name: String,
    pub refund: RefundView,
}

/// The 待处理 list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingList {
    pub refunds: Vec<PendingRefund>,
    /// The platform could not be asked (offline): only this counter's own are listed.
    pub platform_unreached: bool,
}
