//! A registration of donation certificates for an admission (献血证报销登记): the donor, the
//! certificates, the materials the window collected, and the review. What must be attached
//! depends on who donated: the donor's ID card and the certificates always; for a relative also
//! the patient's ID card and proof of the relationship (户口簿 / 结婚证 / 出生证明), or a signed
//! pledge (承诺书) when the proof is missing. Nobody reviews their own registration.

use chrono::NaiveDate;
use thiserror::Error;

use super::donation::{Donation, Donor};
use super::entitlement::{BloodPolicy, Entitlement, EntitlementError, entitlement};
use crate::person::PersonName;
use crate::resident_id::ResidentId;

/// An item of the materials checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Material {
    DonorId,
    Certificate,
    PatientId,
    /// Proof of the relationship: 户口簿, 结婚证 or 出生证明.
    Relationship,
    /// The signed pledge, instead of the proof.
    Pledge,
}

impl Material {
    pub const ALL: [Material; 5] =
        [Material::DonorId, Material::Certificate, Material::PatientId, Material::Relationship, Material::Pledge];

    pub fn code(self) -> &'static str {
        match self {
            Material::DonorId => "donor_id",
            Material::Certificate => "certificate",
            Material::PatientId => "patient_id",
            Material::Relationship => "relationship",
            Material::Pledge => "pledge",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Material::DonorId => "献血者身份证",
            Material::Certificate => "献血证",
            Material::PatientId => "患者身份证",
            Material::Relationship => "关系证明（户口簿/结婚证/出生证明）",
            Material::Pledge => "承诺书（签字）",
        }
    }

    pub fn from_code(code: &str) -> Option<Material> {
        Material::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// What must be attached for `donor`; `pledge`: the relationship is vouched for by a signed
/// pledge instead of a proof.
pub fn required_materials(donor: Donor, pledge: bool) -> Vec<Material> {
    match donor {
        Donor::Patient => vec![Material::DonorId, Material::Certificate],
        _ => {
            let proof = if pledge { Material::Pledge } else { Material::Relationship };
            vec![Material::DonorId, Material::Certificate, Material::PatientId, proof]
        }
    }
}

/// The registration as the window clerk fills it in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationForm {
    pub donor: Donor,
    pub donor_name: PersonName,
    pub donor_id: ResidentId,
    /// The donor holds the gold award (献血金奖), which widens the circle of relatives.
    pub gold_award: bool,
    pub donations: Vec<Donation>,
    pub pledge: bool,
    /// The checklist items that have an image attached.
    pub attached: Vec<Material>,
}

/// Why a registration cannot be submitted.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RegistrationError {
    #[error(transparent)]
    Entitlement(#[from] EntitlementError),
    #[error("缺少材料：{}", .0.iter().map(|m| m.label()).collect::<Vec<_>>().join("、"))]
    MaterialsMissing(Vec<Material>),
    #[error("献血证的用血额度已用完（已用 {used_ml} 毫升），不能再登记减免")]
    UsedUp { used_ml: u32 },
}

impl RegistrationError {
    pub fn code(&self) -> &'static str {
        match self {
            RegistrationError::Entitlement(e) => e.code(),
            RegistrationError::MaterialsMissing(_) => "BLOOD_MATERIALS_MISSING",
            RegistrationError::UsedUp { .. } => "BLOOD_ENTITLEMENT_USED_UP",
        }
    }
}

/// Checks a registration on day `on`: the donor may claim, the certificates are sound, every
/// required material is attached and something is left to waive; answers the entitlement.
pub fn check_registration(
    policy: &BloodPolicy,
    form: &RegistrationForm,
    on: NaiveDate,
) -> Result<Entitlement, RegistrationError> {
    let found = entitlement(policy, form.donor, form.gold_award, &form.donations, on)?;
    let missing: Vec<Material> =
        required_materials(form.donor, form.pledge).into_iter().filter(|m| !form.attached.contains(m)).collect();
    if !missing.is_empty() {
        return Err(RegistrationError::MaterialsMissing(missing));
    }
    if found.used_up() {
        return Err(RegistrationError::UsedUp { used_ml: found.used_ml });
    }
    Ok(found)
}

/// Where a registration stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationStatus {
    /// 待审核
    Submitted,
    /// 审核通过
    Approved,
    /// 已退回 (with a reason; the clerk may register again)
    Returned,
}

impl RegistrationStatus {
    pub const ALL: [RegistrationStatus; 3] =
        [RegistrationStatus::Submitted, RegistrationStatus::Approved, RegistrationStatus::Returned];

    pub fn code(self) -> &'static str {
        match self {
            RegistrationStatus::Submitted => "submitted",
            RegistrationStatus::Approved => "approved",
            RegistrationStatus::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RegistrationStatus::Submitted => "待审核",
            RegistrationStatus::Approved => "审核通过",
            RegistrationStatus::Returned => "已退回",
        }
    }

    pub fn from_code(code: &str) -> Option<RegistrationStatus> {
        RegistrationStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A review's decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return { reason: String },
}

/// Why a review is refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ReviewError {
    #[error("不能审核自己登记的献血证报销")]
    OwnRegistration,
    #[error("这笔登记已{}，不能再审核", .0.label())]
    AlreadyDecided(RegistrationStatus),
    #[error("退回须填写原因")]
    ReasonMissing,
}

impl ReviewError {
    pub fn code(&self) -> &'static str {
        match self {
            ReviewError::OwnRegistration => "SELF_APPROVAL",
            ReviewError::AlreadyDecided(_) => "BLOOD_ALREADY_REVIEWED",
            ReviewError::ReasonMissing => "REASON_REQUIRED",
        }
    }
}

/// The status a review of a registration in `status`, registered by `clerk`, moves it to.
pub fn review(
    status: RegistrationStatus,
    clerk: &str,
    reviewer: &str,
    decision: &Decision,
) -> Result<RegistrationStatus, ReviewError> {
    if clerk == reviewer {
        return Err(ReviewError::OwnRegistration);
    }
    if status != RegistrationStatus::Submitted {
        return Err(ReviewError::AlreadyDecided(status));
    }
    match decision {
        Decision::Approve => Ok(RegistrationStatus::Approved),
        Decision::Return { reason } if reason.trim().is_empty() => Err(ReviewError::ReasonMissing),
        Decision::Return { .. } => Ok(RegistrationStatus::Returned),
    }
}
