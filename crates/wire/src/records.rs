//! Journal records: everything the platform keeps per admission, as devices push and pull it.
//! Rows refer to each other by their UUIDv7 keys (local integer ids differ per device).

use chrono::{NaiveDate, NaiveDateTime};
use contract::Yuan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One thing the platform's journal holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    Admission(AdmissionRecord),
    Fee(FeeRecord),
    FeeEvent(FeeEventRecord),
    AdmissionEvent(AdmissionEventRecord),
    Deposit(DepositRecord),
    Settlement(SettlementRecord),
    Recall(RecallRecord),
    BloodApproval(BloodRecord),
    BloodRegistration(BloodRegistrationRecord),
    BloodReview(BloodReviewRecord),
    Invoice(InvoiceRecord),
    ReceiptVoid(ReceiptVoidRecord),
}

impl Record {
    /// The record's own key: its idempotency key, or the admission id for an admission.
    pub fn key(&self) -> Uuid {
        match self {
            Record::Admission(r) => r.admission_id,
            Record::Fee(r) => r.key,
            Record::FeeEvent(r) => r.key,
            Record::AdmissionEvent(r) => r.key,
            Record::Deposit(r) => r.key,
            Record::Settlement(r) => r.key,
            Record::Recall(r) => r.key,
            Record::BloodApproval(r) => r.key,
            Record::BloodRegistration(r) => r.key,
            Record::BloodReview(r) => r.key,
            Record::Invoice(r) => r.key,
            Record::ReceiptVoid(r) => r.key,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Record::Admission(_) => "admission",
            Record::Fee(_) => "fee",
            Record::FeeEvent(_) => "fee_event",
            Record::AdmissionEvent(_) => "admission_event",
            Record::Deposit(_) => "deposit",
            Record::Settlement(_) => "settlement",
            Record::Recall(_) => "recall",
            Record::BloodApproval(_) => "blood_approval",
            Record::BloodRegistration(_) => "blood_registration",
            Record::BloodReview(_) => "blood_review",
            Record::Invoice(_) => "invoice",
            Record::ReceiptVoid(_) => "receipt_void",
        }
    }
}

/// One operation a device pushes: the records a use case wrote in one local transaction, applied
/// by the platform in one transaction too. Its key is the operation's idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub key: Uuid,
    pub admission_id: Uuid,
    /// Who did it at the counter (username).
    pub cashier: String,
    pub at: NaiveDateTime,
    pub records: Vec<Record>,
    /// The proof of a supervisor's approval, for an operation that needs one (a recall). Left
    /// out of the JSON when absent, so envelopes written before it existed keep their hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<crate::approval::ApprovalProof>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientRecord {
    pub id: Uuid,
    pub name: String,
    /// `M` or `F`
    pub sex: String,
    pub birth_date: NaiveDate,
    pub resident_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionRecord {
    pub admission_id: Uuid,
    pub case_no: String,
    pub patient: PatientRecord,
    pub ward_code: String,
    pub ward_name: String,
    pub bed_no: String,
    /// `employee`, `resident` or `self_pay`
    pub insurance: String,
    pub admitted_at: NaiveDateTime,
    pub department: String,
    pub doctor: String,
    pub diagnosis: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub item_code: String,
    pub item_name: String,
    /// A `domain::FeeCategory` code (`drug`, `bed` …).
    pub category: String,
    pub spec: String,
    pub unit: String,
    /// Decimal text.
    pub quantity: String,
    #[schema(value_type = String)]
    pub unit_price: Yuan,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub charged_at: NaiveDateTime,
    pub department: String,
    /// `confirmed`, `unconfirmed` or `cancelled` when charged.
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeEventRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub fee_key: Uuid,
    /// `confirmed` or `cancelled`
    pub event: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionEventRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    /// A `domain::AdmissionEvent` code.
    pub event: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenderRecord {
    /// A `domain::Tender` code.
    pub tender: String,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub reference: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepositRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub receipt_no: String,
    /// `deposit`, `reversal` or `recall_transfer`
    pub deposit_kind: String,
    /// The deposit a reversal undoes.
    pub reverses: Option<Uuid>,
    /// The recalled settlement a transfer comes from.
    pub settlement: Option<Uuid>,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub tenders: Vec<TenderRecord>,
    pub at: NaiveDateTime,
    pub cashier: String,
    /// The reversal's reason (冲红原因). Left out of the JSON when absent, so envelopes written
    /// before it existed keep their payload hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRecord {
    pub tender: String,
    /// Positive collected, negative refunded.
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub reference: Option<String>,
    /// The deposit whose route a refund goes back by.
    pub deposit: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub settlement_no: String,
    /// `mid_stay` or `discharge`
    pub settlement_kind: String,
    #[schema(value_type = String)]
    pub fees: Yuan,
    #[schema(value_type = String)]
    pub insurance_fund: Yuan,
    #[schema(value_type = String)]
    pub personal_account: Yuan,
    #[schema(value_type = String)]
    pub blood_reimbursement: Yuan,
    #[schema(value_type = String)]
    pub deposits_applied: Yuan,
    #[schema(value_type = String)]
    pub due: Yuan,
    pub insurance_ref: Option<String>,
    /// `counter`, `ward_station`, `bedside` or `kiosk`
    pub place: String,
    pub cashier: String,
    pub at: NaiveDateTime,
    pub trial_version: String,
    pub fee_keys: Vec<Uuid>,
    pub payments: Vec<PaymentRecord>,
    /// The blood waiver (用血减免) the blood platform granted under this settlement's key. Left
    /// out of the JSON when absent, so envelopes written before it existed keep their hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blood_waiver: Option<BloodWaiverRecord>,
}

/// What the blood platform granted a settlement: its reference, the amount, the millilitres and
/// what each certificate gave. `offline`: taken at a counter cut off from the platform from the
/// last entitlement it knew; the platform asks the blood platform itself when it arrives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BloodWaiverRecord {
    pub reference: String,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub ml: u32,
    pub uses: Vec<CertificateUseRecord>,
    pub offline: bool,
}

/// Millilitres one certificate gave to a waiver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateUseRecord {
    pub certificate_no: String,
    pub ml: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub settlement: Uuid,
    /// `settlement` or `discharge`
    pub recall_kind: String,
    pub at: NaiveDateTime,
    pub by: String,
    /// The approving supervisor's name as printed.
    pub approved_by: String,
    /// The approving supervisor's username (the platform checks the role).
    pub approver: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BloodRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub certificate_no: String,
    pub donor_name: String,
    pub relationship: String,
    pub volume_ml: i64,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub approved_at: NaiveDateTime,
}

/// A blood-waiver registration (献血证报销登记) as the clerk made it: who donated, the
/// certificates, and the materials by their SHA-256 (the images travel separately, in chunks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BloodRegistrationRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    /// A `domain::blood::Donor` code.
    pub donor: String,
    pub donor_name: String,
    pub donor_id: String,
    pub gold_award: bool,
    pub pledge: bool,
    pub certificates: Vec<CertificateRecord>,
    pub materials: Vec<MaterialRecord>,
    /// The clerk's username.
    pub clerk: String,
    pub at: NaiveDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateRecord {
    pub certificate_no: String,
    pub donated_on: NaiveDate,
    pub volume_ml: u32,
    /// A `domain::blood::DonationKind` code.
    pub donation_kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialRecord {
    /// A `domain::blood::Material` code.
    pub item: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub media_type: String,
    pub bytes: u64,
}

/// A reviewer's decision on a registration (审核): approved, or returned with a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BloodReviewRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub registration: Uuid,
    pub approve: bool,
    pub reason: Option<String>,
    /// The reviewer's username.
    pub reviewer: String,
    pub at: NaiveDateTime,
}

/// The platform's answer about a settlement's fiscal e-invoice: `issued` (with the invoice and
/// the fiscal platform's seal), `failed` (an attempt refused or not taken; retried), `reversed`
/// (the red invoice of a recall), `paper_printed` / `paper_voided` (a paper copy printed at a
/// window or a kiosk, or voided). Only the platform writes it; counters receive it in the feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    /// The settlement's key (the invoice's business number).
    pub settlement: Uuid,
    pub event: String,
    pub code: Option<String>,
    pub number: Option<String>,
    pub check_code: Option<String>,
    pub qr: Option<String>,
    pub seal: Option<String>,
    #[schema(value_type = Option<String>)]
    pub amount: Option<Yuan>,
    /// Why an attempt failed, or the reversal's reason.
    pub message: Option<String>,
    pub red_code: Option<String>,
    pub red_number: Option<String>,
    /// A paper copy's number, who printed or voided it (a cashier's name or the kiosk's) and
    /// where (a place code).
    pub paper_no: Option<String>,
    pub by: Option<String>,
    pub place: Option<String>,
    pub at: NaiveDateTime,
}

/// A spoiled deposit receipt voided (作废重打): the deposit keeps its money and gets `new_no`,
/// taken from the cashier's numbers like any receipt; `voided_no` is never used again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptVoidRecord {
    pub key: Uuid,
    pub admission_id: Uuid,
    /// The deposit's key.
    pub deposit: Uuid,
    pub voided_no: String,
    pub new_no: String,
    pub reason: String,
    /// Who voided it (display name, as printed).
    pub by: String,
    pub at: NaiveDateTime,
}
