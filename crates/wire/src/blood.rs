//! The blood-waiver calls a linked counter makes through the platform (用血直报: forward an
//! approved registration, estimate, waive, query, cancel) and the chunked upload of a
//! registration's materials, with their conversion to and from the adapter's own types. The
//! platform holds the connection to the blood platform and keeps each grant in its register.

use blood_platform::{Registered, StatementLine, WaiverAnswer};
use chrono::NaiveDateTime;
use contract::Yuan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::records::{BloodWaiverRecord, CertificateUseRecord};

/// The size of one chunk of a material's upload (the last one may be shorter).
pub const MATERIAL_CHUNK_BYTES: u64 = 1024 * 1024;
/// The largest material the platform takes (as the counter's own check).
pub const MATERIAL_MAX_BYTES: u64 = 20 * 1024 * 1024;
/// The header carrying a chunk's SHA-256 (lower-case hex).
pub const CHUNK_SHA256_HEADER: &str = "x-chunk-sha256";

/// How many chunks a material of `bytes` has.
pub fn chunk_count(bytes: u64) -> u64 {
    bytes.div_ceil(MATERIAL_CHUNK_BYTES).max(1)
}

/// The blood products of a settlement, named by the fee lines that settle them: the platform
/// reads the lines from its own ledger (never the counter's products). `key` is the
/// settlement's idempotency key (nil for an estimate).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverBody {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub fee_keys: Vec<Uuid>,
}

/// The blood platform's waiver (用血减免).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverAnswerBody {
    pub reference: String,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub ml: u32,
    pub uses: Vec<CertificateUseRecord>,
    pub at: NaiveDateTime,
}

/// A waiver standing under a settlement's key, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryAnswer {
    pub waiver: Option<WaiverAnswerBody>,
}

/// The recall's key (its approval names the settlement) and the settlement whose waiver goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub key: Uuid,
    pub settlement: Uuid,
}

/// The blood platform's answer to a forwarded registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardAnswer {
    pub reference: String,
    /// `None`: free for life.
    pub remaining_ml: Option<u32>,
    pub rule: String,
}

/// How far a material's upload has come: the chunks the platform holds, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialStatus {
    pub sha256: String,
    pub bytes: u64,
    pub chunk_bytes: u64,
    pub received: Vec<u64>,
    pub complete: bool,
}

pub fn waiver_answer(a: &WaiverAnswer) -> WaiverAnswerBody {
    WaiverAnswerBody { reference: a.reference.clone(), amount: Yuan(a.amount), ml: a.ml, uses: uses(&a.uses), at: a.at }
}

pub fn waiver(b: &WaiverAnswerBody) -> WaiverAnswer {
    WaiverAnswer {
        reference: b.reference.clone(),
        amount: b.amount.money(),
        ml: b.ml,
        uses: b.uses.iter().map(|u| (u.certificate_no.clone(), u.ml)).collect(),
        at: b.at,
    }
}

fn uses(uses: &[(String, u32)]) -> Vec<CertificateUseRecord> {
    uses.iter().map(|(no, ml)| CertificateUseRecord { certificate_no: no.clone(), ml: *ml }).collect()
}

/// The record a settlement carries of its waiver.
pub fn waiver_record(a: &WaiverAnswer, offline: bool) -> BloodWaiverRecord {
    BloodWaiverRecord { reference: a.reference.clone(), amount: Yuan(a.amount), ml: a.ml, uses: uses(&a.uses), offline }
}

pub fn forward_answer(r: &Registered) -> ForwardAnswer {
    ForwardAnswer { reference: r.reference.clone(), remaining_ml: r.remaining_ml, rule: r.rule.clone() }
}

pub fn registered(a: &ForwardAnswer) -> Registered {
    Registered { reference: a.reference.clone(), remaining_ml: a.remaining_ml, rule: a.rule.clone() }
}

/// One line of the blood platform's monthly statement (月结对账单): a waiver granted in the
/// month, or cancelled in it (negative).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementLineBody {
    pub business_no: Uuid,
    pub reference: String,
    pub certificates: Vec<String>,
    pub ml: i64,
    #[schema(value_type = String)]
    pub amount: Yuan,
    pub at: NaiveDateTime,
}

pub fn statement_line_body(l: &StatementLine) -> StatementLineBody {
    StatementLineBody {
        business_no: l.business_no,
        reference: l.reference.clone(),
        certificates: l.certificates.clone(),
        ml: l.ml,
        amount: Yuan(l.amount),
        at: l.at,
    }
}

pub fn statement_line(b: &StatementLineBody) -> StatementLine {
    StatementLine {
        business_no: b.business_no,
        reference: b.reference.clone(),
        certificates: b.certificates.clone(),
        ml: b.ml,
        amount: b.amount.money(),
        at: b.at,
    }
}
