//! Request and answer bodies of the platform's endpoints: login, devices and receipt ranges,
//! push and pull, the pending list (待处理), and the HIS import. Unknown fields are refused.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::records::{AdmissionEventRecord, AdmissionRecord, Envelope, FeeRecord, Record};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The device logging in, when a desktop does.
    pub device_id: Option<Uuid>,
    /// The secret the device was given at its registration: required with `device_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_secret: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LoginAnswer {
    /// Bearer token for the `Authorization` header; keep it in the OS keyring only.
    pub token: String,
    /// UTC, without an offset (`YYYY-MM-DDTHH:MM:SS`, fractions of a second when stored).
    #[schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$", example = "2026-11-25T09:30:00")]
    pub expires_at: NaiveDateTime,
    pub username: String,
    pub display_name: String,
    /// `cashier`, `finance`, `supervisor` or `admin`
    pub role: String,
    pub receipt_prefix: String,
    /// Password hash, so the desktop can let this user log in while offline: only to a login
    /// from a registered device, never to a bare API client.
    pub password_hash: Option<String>,
    /// The channels' refund windows under the hospital's contracts
    /// (`wechat=365,alipay=90,card=180,sscard=365`): the counter checks refunds by them too.
    #[serde(default)]
    pub refund_windows: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterDevice {
    pub name: String,
    /// `counter`, `ward_station`, `bedside` or `kiosk`
    pub place: String,
    /// Ward codes the device serves (bootstrap and pull are limited to them); empty = all.
    pub wards: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceAnswer {
    pub device_id: Uuid,
    pub name: String,
    pub wards: Vec<String>,
    /// Given once, at registration: the device keeps it (OS keyring) and proves itself with it
    /// at every login. The platform keeps only its hash.
    pub device_secret: String,
}

/// Asks for a block of receipt or settlement numbers a device may use offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeRequest {
    pub device_id: Uuid,
    /// `deposit` or `settlement`
    pub series: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RangeAnswer {
    pub device_id: Uuid,
    pub cashier: String,
    pub series: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub prefix: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushBatch {
    pub device_id: Uuid,
    pub envelopes: Vec<Envelope>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushResult {
    pub key: Uuid,
    /// `applied` (now), `duplicate` (applied before: this is the first answer again),
    /// `rejected` (a conflict; the operation waits in the pending list 待处理), `invalid` (the
    /// request itself is wrong) or `failed` (an internal error applying it: nothing was kept,
    /// send it again later; the rest of the batch was applied without it).
    pub outcome: String,
    pub code: Option<String>,
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushAnswer {
    pub results: Vec<PushResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    /// Position in the change feed: strictly increasing.
    pub seq: i64,
    /// The device whose push produced it (none for HIS imports and the platform itself).
    pub origin: Option<Uuid>,
    pub record: Record,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangesAnswer {
    pub changes: Vec<Change>,
    /// The cursor to ask from next time.
    pub last_seq: i64,
    pub more: bool,
    /// Committed records exist that the feed cannot serve yet, because a transaction that began
    /// before them is still open somewhere on the server: ask again in a moment.
    #[serde(default)]
    pub held_back: bool,
    /// Users disabled on the platform: a counter drops their cached password hash, so they can
    /// no longer log in there offline either.
    #[serde(default)]
    pub disabled_users: Vec<String>,
}

/// An operation the platform refused as a conflict, waiting for a supervisor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PendingItem {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub device_id: Uuid,
    pub cashier: String,
    pub code: String,
    pub reason: String,
    #[schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$", example = "2026-11-25T09:30:00")]
    pub received_at: NaiveDateTime,
    /// Money the operation took or paid out, as its records say.
    pub records: Vec<Record>,
    /// `open`, `refunded` or `converted_to_deposit`
    pub status: String,
    pub resolved_by: Option<String>,
    pub note: Option<String>,
}

impl PendingItem {
    /// Tenders the refused operation collected from the patient (positive deposit or collection
    /// lines): what `deposit` keeps as a deposit, or `refund` gives back.
    pub fn money_taken(&self) -> Vec<crate::records::TenderRecord> {
        let mut out = Vec::new();
        for record in &self.records {
            match record {
                Record::Deposit(d) if d.deposit_kind == "deposit" => out.extend(d.tenders.iter().cloned()),
                Record::Settlement(s) => {
                    out.extend(s.payments.iter().filter(|p| p.amount.money().is_positive()).map(|p| {
                        crate::records::TenderRecord {
                            tender: p.tender.clone(),
                            amount: p.amount,
                            reference: p.reference.clone(),
                        }
                    }))
                }
                _ => {}
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolvePending {
    /// `refund` (money given back to the patient) or `deposit` (kept as a deposit).
    pub action: String,
    pub note: String,
}

/// Admissions, fee lines and events from the HIS (the platform's import endpoint).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HisImport {
    pub admissions: Vec<AdmissionRecord>,
    pub fees: Vec<FeeRecord>,
    pub events: Vec<AdmissionEventRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportAnswer {
    pub admissions: usize,
    pub fees: usize,
    pub events: usize,
}

/// A search over the platform's patients (for SQL-looking strings the answer is just empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PatientFound {
    pub admission_id: Uuid,
    pub case_no: String,
    pub name: String,
    pub ward_code: String,
}

/// A settlement whose e-invoice is not done: not issued yet, or recalled and not reversed yet
/// (the invoices' pending list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnfinishedInvoice {
    pub settlement_key: Uuid,
    pub admission_id: Uuid,
    pub settlement_no: String,
    /// True: waiting for the red reversal; false: waiting to be issued.
    pub reverse: bool,
    /// The latest failure's sentence, if an attempt failed.
    pub failure: Option<String>,
}

/// What a retry of the unfinished invoices left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoicesRetried {
    pub left: usize,
}

/// 换开纸质: the invoice of a settlement printed on a pre-numbered paper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperRequest {
    pub settlement_key: Uuid,
    pub paper_no: String,
}

/// 作废: a paper copy voided with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidPaperRequest {
    pub paper_no: String,
    pub reason: String,
}
