//! The rules of inpatient billing, pure: money and its 大写 form, resident IDs, names and
//! their pinyin initials, admissions, the inpatient account and its journal, and what a
//! search box query means.
//!
//! Architecture invariant: this crate does no I/O, reads no clock and draws no random
//! numbers. Times and ids are passed in. It knows nothing of serde, SQL, tokio or Tauri.

pub mod account;
pub mod admission;
pub mod blood;
pub mod close;
pub mod hand_in;
pub mod insurance;
pub mod invoice;
pub mod money;
pub mod paper;
pub mod person;
pub mod resident_id;
pub mod role;
pub mod search;
mod words;

pub use account::audit::FeeEvent;
pub use account::deposit::{DepositEntry, DepositKind};
pub use account::fee::{FeeCategory, FeeLine, FeeStatus};
pub use account::recall::{RecallKind, RecallPlan};
pub use account::settle::{SettlementDraft, Trial};
pub use account::settlement::{Place, Recall, Settlement, SettlementFigures, SettlementKind, SettlementPayment};
pub use account::state::{AdmissionEvent, AdmissionState};
pub use account::tender::{Tender, TenderLine};
pub use account::version::AccountVersion;
pub use account::{CategoryTotal, InpatientAccount};
pub use admission::{Admission, CaseNo, InsuranceType, Patient, Ward};
pub use blood::ApprovedBloodReimbursement;
pub use insurance::{InsuranceShare, Policy};
pub use money::{Money, MoneyError, PaymentAmount, PaymentAmountError};
pub use person::{PersonName, Sex};
pub use resident_id::ResidentId;
pub use role::{Permission, Role};
pub use search::PatientQuery;
