//! The 用血减免 screen's own DTOs: the choices it offers (who donated, what kind, the checklist
//! of each relationship, from the domain's one list), the entitlement shown while the clerk types,
//! a captured page with its thumbnail, the capture settings, and a registration's pages for the
//! reviewer. The registration itself travels in [`crate::blood`].

use serde::{Deserialize, Serialize};

use crate::Tag;
use crate::blood::CertificateInput;

/// One answer to “who donated?” as the screen offers it (built in the frontend itself; not a
/// wire type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DonorOption {
    pub code: &'static str,
    pub label: &'static str,
    /// Counts only for a donor with the gold award (献血金奖).
    pub needs_gold_award: bool,
}

/// Every relationship, in the order the dialog lists them (本人 first).
pub fn donor_options() -> Vec<DonorOption> {
    domain::blood::Donor::ALL
        .into_iter()
        .map(|d| DonorOption { code: d.code(), label: d.label(), needs_gold_award: d.needs_gold_award() })
        .collect()
}

/// The kinds of donation (全血, 机采血小板…) as `(code, label)`.
pub fn kind_options() -> Vec<(&'static str, &'static str)> {
    domain::blood::DonationKind::ALL.into_iter().map(|k| (k.code(), k.label())).collect()
}

/// The checklist for `donor` (a code): what must be attached, with the pledge (承诺书) in place
/// of the proof of the relationship when `pledge`. Empty for an unknown code.
pub fn checklist(donor: &str, pledge: bool) -> Vec<Tag> {
    domain::blood::Donor::from_code(donor)
        .map(|d| domain::blood::required_materials(d, pledge))
        .unwrap_or_default()
        .into_iter()
        .map(|m| Tag::new(m.code(), m.label()))
        .collect()
}

/// What the entitlement engine is asked while the clerk types: the relationship, the gold
/// award and the certificates so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitlementQuery {
    pub donor: String,
    pub gold_award: bool,
    pub certificates: Vec<CertificateInput>,
}

/// One certificate's share of the entitlement (`None` ml: no limit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateShareView {
    pub certificate_no: String,
    pub entitled_ml: Option<i64>,
    pub used_ml: i64,
    pub remaining_ml: Option<i64>,
    pub rule: String,
}

/// The entitlement as it would be registered today (`None` ml: free for life).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitlementView {
    pub entitled_ml: Option<i64>,
    pub used_ml: i64,
    pub remaining_ml: Option<i64>,
    pub rule: String,
    pub certificates: Vec<CertificateShareView>,
}

/// Where pages come from at this counter, kept in its database: a SANE scanner (`scanner`),
/// the folder a document camera's program saves into (`folder`), or only files the clerk
/// names (`file`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureSettings {
    pub source: String,
    /// The SANE device name (`test:0`, `genesys:libusb:001:004`); empty: the first one found.
    pub device: String,
    pub dpi: u32,
    /// `color`, `gray` or `lineart`.
    pub mode: String,
    pub folder: String,
}

/// The settings with what the dialog offers beside them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureSetup {
    pub settings: CaptureSettings,
    pub sources: Vec<Tag>,
    pub modes: Vec<Tag>,
    /// Whether the operator may change the settings.
    pub editable: bool,
}

/// Capture one page for checklist item `item` from the configured source, or from the file at
/// `file` when given (file import).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureRequest {
    pub item: String,
    pub file: Option<String>,
}

/// A captured page, kept aside until the registration is submitted: `handle` is what the
/// registration's [`crate::blood::MaterialInput::path`] carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedPage {
    pub item: Tag,
    pub handle: String,
    /// `data:image/png;base64,…`; empty for a PDF.
    pub thumbnail: String,
    pub media_type: String,
    pub bytes: u64,
}

/// A page attached to a registration, as the reviewer sees it beside the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPage {
    pub item: Tag,
    /// `data:image/png;base64,…`; empty for a PDF or a file no longer on the shelf.
    pub thumbnail: String,
    pub media_type: String,
    pub sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_without_proof_signs_the_pledge() {
        let codes = |donor, pledge| checklist(donor, pledge).into_iter().map(|t| t.code).collect::<Vec<_>>();
        assert_eq!(codes("self", false), ["donor_id", "certificate"]);
        assert_eq!(codes("spouse", false), ["donor_id", "certificate", "patient_id", "relationship"]);
        assert_eq!(codes("spouse", true), ["donor_id", "certificate", "patient_id", "pledge"]);
        assert!(checklist("cousin", false).is_empty());
        assert!(donor_options().iter().any(|d| d.code == "sibling" && d.needs_gold_award));
        assert_eq!(kind_options()[0], ("whole", "全血"));
    }
}
