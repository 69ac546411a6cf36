//! The blood waiver as the screen and the CLI send and show it: the registration (献血证报销登记)
//! and the monthly claim (用血减免月结).

use serde::{Deserialize, Serialize};

use crate::{Tag, Yuan};

/// One donation certificate as typed at the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInput {
    /// 献血证编号
    pub certificate_no: String,
    /// `YYYY-MM-DD`
    pub donated_on: String,
    pub volume_ml: String,
    /// `whole`, `platelet`, `stem_cell` or `rare`
    pub kind: String,
}

/// A captured image or PDF for a checklist item: its content, base64 or a file path the app
/// reads (the CLI's `--scan ITEM=FILE`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialInput {
    /// `donor_id`, `certificate`, `patient_id`, `relationship` or `pledge`
    pub item: String,
    pub path: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterBloodRequest {
    pub case_no: String,
    /// The operation's idempotency key, from the dialog's opening.
    pub key: String,
    /// `self`, `spouse`, `parent`, `child`, `sibling`, `grandparent` or `parent_in_law`
    pub donor: String,
    pub donor_name: String,
    pub donor_id: String,
    pub gold_award: bool,
    pub pledge: bool,
    pub certificates: Vec<CertificateInput>,
    pub materials: Vec<MaterialInput>,
}

/// What one certificate gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub certificate_no: String,
    pub donated_on: String,
    pub volume_ml: i64,
    pub kind: Tag,
}

/// A registration as shown: its status, the entitlement (`None` ml: free for life) and rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationView {
    pub registration: i64,
    pub key: String,
    pub case_no: String,
    pub donor: Tag,
    pub donor_name: String,
    /// The resident ID masked for the screen (first 6 and last 4 shown).
    pub donor_id: String,
    pub status: Tag,
    pub entitled_ml: Option<i64>,
    pub remaining_ml: Option<i64>,
    pub rule: String,
    pub registered_by: String,
    pub registered_at: String,
    pub reviewed_by: Option<String>,
    pub reason: Option<String>,
    pub certificates: Vec<CertificateView>,
    /// The checklist items with something attached.
    pub materials: Vec<Tag>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewBloodRequest {
    pub registration: i64,
    /// The review's idempotency key (UUIDv7, from when the review was opened).
    pub key: String,
    pub approve: bool,
    /// Required to return.
    pub reason: String,
}

/// One line of the monthly claim (用血减免月结): a waiver granted at a settlement, or its
/// cancellation by a recall (negative), beside the blood platform's statement line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BloodMonthLine {
    /// `matched`, `ours_only`, `theirs_only` or `amount_differs`.
    pub outcome: Tag,
    pub business_no: String,
    pub cancellation: bool,
    /// Empty on a line only the blood platform has.
    pub settlement_no: String,
    pub case_no: String,
    pub patient_name: String,
    pub reference: String,
    pub certificates: Vec<String>,
    pub products: Vec<String>,
    pub ml: i64,
    /// Ours; `None` on a line only the blood platform has.
    pub amount: Option<Yuan>,
    /// The blood platform's; `None` on a line only we have.
    pub theirs: Option<Yuan>,
    pub at: String,
}

/// The month's claim and its reconciliation with the blood platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BloodMonthView {
    /// YYYY-MM
    pub month: String,
    pub lines: Vec<BloodMonthLine>,
    pub total: Yuan,
    pub theirs_total: Yuan,
    /// How many lines came out each way, in the order of the outcomes.
    pub counts: Vec<(Tag, usize)>,
}
