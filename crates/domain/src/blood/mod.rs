//! Blood reimbursements (用血减免): who donated and what (`donation`), what that entitles the
//! patient to (`entitlement`), the registration at the window with its materials and review
//! (`registration`), what a settlement's waiver pays for (`waiver`), and the waivers the provincial blood platform approved for an
//! admission, which the settlement window deducts.

pub mod claim;
pub mod donation;
pub mod entitlement;
pub mod registration;
pub mod waiver;

pub use claim::{ClaimLine, ClaimMatch, match_month};
pub use donation::{Donation, DonationKind, Donor};
pub use entitlement::{BloodPolicy, CertificateShare, Entitlement, EntitlementError, entitlement};
pub use registration::{
    Decision, Material, RegistrationError, RegistrationForm, RegistrationStatus, ReviewError, check_registration,
    required_materials, review,
};
pub use waiver::{BloodProduct, ProductRules, WaivedProduct, Waiver, blood_products, waive};

use chrono::NaiveDateTime;

use crate::money::Money;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovedBloodReimbursement {
    /// 献血证编号
    pub certificate_no: String,
    pub donor_name: String,
    /// 本人, 配偶, 父母, 子女 …
    pub relationship: String,
    pub volume_ml: i64,
    /// 用血减免金额, as the blood platform returned it.
    pub amount: Money,
    pub approved_at: NaiveDateTime,
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod waiver_tests;
