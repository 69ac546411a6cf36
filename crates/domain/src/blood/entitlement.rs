//! The entitlement engine of the Zhejiang blood-fee waiver (用血直免): for a patient, a donor
//! (本人 or a relative) and their donation certificates, how many millilitres of blood products
//! are waived, by which rule, what was used before and what remains. Pure; every number is in
//! [`BloodPolicy`] (defaults: the province's implementing rules as published in 2025).
//!
//! - The donor: free for life after at least 400 ml of whole blood in total, or after any
//!   stem-cell, platelet or rare-type donation; otherwise each donation gives 5× its volume
//!   within 5 years of the donation and 1× after.
//! - Spouse, parents, children (and, for a donor with the gold award, siblings, grandparents and
//!   parents-in-law): 2× each donation's volume within 5 years, 1× after; a platelet donation
//!   counts as 800 ml before the multiple; a stem-cell donation gives relatives 800 ml for life.
//!
//! Entitlement is counted per certificate, so what one registration used is gone for the next.

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

use super::donation::{Donation, DonationKind, Donor};

/// The configurable numbers of the waiver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BloodPolicy {
    /// Whole blood in total after which the donor is free for life (ml).
    pub lifetime_whole_blood_ml: u32,
    /// Years after a donation during which the higher multiple applies.
    pub window_years: u32,
    /// The donor's multiple of a donation's volume within the window.
    pub donor_multiple: u32,
    /// A relative's multiple of a donation's volume within the window.
    pub relative_multiple: u32,
    /// Everyone's multiple after the window.
    pub multiple_after_window: u32,
    /// What one platelet donation counts as for relatives (ml).
    pub platelet_counts_as_ml: u32,
    /// What one stem-cell donation gives relatives, for life (ml).
    pub stem_cell_relatives_ml: u32,
    /// The largest volume one certificate may state (ml); more is a typing error.
    pub max_donation_ml: u32,
}

impl Default for BloodPolicy {
    fn default() -> BloodPolicy {
        BloodPolicy {
            lifetime_whole_blood_ml: 400,
            window_years: 5,
            donor_multiple: 5,
            relative_multiple: 2,
            multiple_after_window: 1,
            platelet_counts_as_ml: 800,
            stem_cell_relatives_ml: 800,
            max_donation_ml: 800,
        }
    }
}

/// Why no entitlement can be computed: each a stable code and a zh-CN sentence.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum EntitlementError {
    #[error("{}不在用血直免的亲属范围内（兄弟姐妹、祖父母/外祖父母、公婆/岳父母仅限献血金奖获得者）", .0.label())]
    OutsideCircle(Donor),
    #[error("请至少登记一张献血证")]
    NoCertificate,
    #[error("献血证 {0} 登记了两次")]
    DuplicateCertificate(String),
    #[error("献血证 {certificate_no} 的献血日期 {donated_on} 晚于今天")]
    DonatedInFuture { certificate_no: String, donated_on: NaiveDate },
    #[error("献血证 {certificate_no} 的献血量 {volume_ml} 毫升不合理（应为 1–{max} 毫升）")]
    VolumeAbsurd { certificate_no: String, volume_ml: u32, max: u32 },
}

impl EntitlementError {
    pub fn code(&self) -> &'static str {
        match self {
            EntitlementError::OutsideCircle(_) => "BLOOD_RELATIVE_NOT_ELIGIBLE",
            EntitlementError::NoCertificate => "BLOOD_NO_CERTIFICATE",
            EntitlementError::DuplicateCertificate(_) => "BLOOD_CERTIFICATE_TWICE",
            EntitlementError::DonatedInFuture { .. } => "BLOOD_DONATED_IN_FUTURE",
            EntitlementError::VolumeAbsurd { .. } => "BLOOD_VOLUME_ABSURD",
        }
    }
}

/// What one certificate gives: `entitled_ml` `None` means no limit (free for life).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateShare {
    pub certificate_no: String,
    pub entitled_ml: Option<u32>,
    pub used_ml: u32,
    pub remaining_ml: Option<u32>,
    /// The rule that applied to this certificate, as the window clerk reads it.
    pub rule: String,
}

/// The answer: in total (`None`: free for life) and per certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entitlement {
    pub entitled_ml: Option<u32>,
    pub used_ml: u32,
    pub remaining_ml: Option<u32>,
    pub rule: String,
    pub certificates: Vec<CertificateShare>,
}

impl Entitlement {
    /// Whether nothing is left to waive.
    pub fn used_up(&self) -> bool {
        self.remaining_ml == Some(0)
    }
}

/// Whether `on` lies within `years` years of `donated_on` (the anniversary day included).
fn within_window(donated_on: NaiveDate, on: NaiveDate, years: u32) -> bool {
    let year = donated_on.year().saturating_add(i32::try_from(years).unwrap_or(i32::MAX));
    // 29 February donations end their window on 28 February of a non-leap year.
    let end = donated_on.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, 2, 28));
    end.is_some_and(|end| on <= end)
}

fn check(policy: &BloodPolicy, donations: &[Donation], on: NaiveDate) -> Result<(), EntitlementError> {
    if donations.is_empty() {
        return Err(EntitlementError::NoCertificate);
    }
    for (i, d) in donations.iter().enumerate() {
        if donations[..i].iter().any(|e| e.certificate_no == d.certificate_no) {
            return Err(EntitlementError::DuplicateCertificate(d.certificate_no.clone()));
        }
        if d.donated_on > on {
            return Err(EntitlementError::DonatedInFuture {
                certificate_no: d.certificate_no.clone(),
                donated_on: d.donated_on,
            });
        }
        if d.volume_ml == 0 || d.volume_ml > policy.max_donation_ml {
            return Err(EntitlementError::VolumeAbsurd {
                certificate_no: d.certificate_no.clone(),
                volume_ml: d.volume_ml,
                max: policy.max_donation_ml,
            });
        }
    }
    Ok(())
}

/// One certificate's limit for a `donor` who is not free for life, on `on`, and the rule.
fn limit(policy: &BloodPolicy, donor: Donor, d: &Donation, on: NaiveDate) -> (u32, String) {
    let within = within_window(d.donated_on, on, policy.window_years);
    let (multiple, window) = match (donor, within) {
        (Donor::Patient, true) => (policy.donor_multiple, format!("献血后 {} 年内", policy.window_years)),
        (_, true) => (policy.relative_multiple, format!("献血后 {} 年内", policy.window_years)),
        (_, false) => (policy.multiple_after_window, format!("献血满 {} 年后", policy.window_years)),
    };
    if donor != Donor::Patient {
        match d.kind {
            DonationKind::StemCells => {
                let ml = policy.stem_cell_relatives_ml;
                return (ml, format!("造血干细胞捐献者亲属终身 {ml} 毫升"));
            }
            DonationKind::Platelets => {
                let base = policy.platelet_counts_as_ml;
                let ml = base.saturating_mul(multiple);
                return (ml, format!("机采血小板按 {base} 毫升计，亲属{window}按 {multiple} 倍：{ml} 毫升"));
            }
            DonationKind::WholeBlood | DonationKind::RareType => {}
        }
    }
    let who = if donor == Donor::Patient { "献血者本人" } else { "亲属" };
    let ml = d.volume_ml.saturating_mul(multiple);
    (ml, format!("{who}{window}按献血量 {} 毫升的 {multiple} 倍：{ml} 毫升", d.volume_ml))
}

/// The entitlement of `donor`'s certificates on day `on` (the settlement's day).
pub fn entitlement(
    policy: &BloodPolicy,
    donor: Donor,
    gold_award: bool,
    donations: &[Donation],
    on: NaiveDate,
) -> Result<Entitlement, EntitlementError> {
    if donor.needs_gold_award() && !gold_award {
        return Err(EntitlementError::OutsideCircle(donor));
    }
    check(policy, donations, on)?;
    let used_ml = donations.iter().map(|d| d.used_ml).fold(0u32, u32::saturating_add);
    if donor == Donor::Patient {
        let whole: u32 = donations
            .iter()
            .filter(|d| d.kind == DonationKind::WholeBlood)
            .map(|d| d.volume_ml)
            .fold(0, u32::saturating_add);
        let special = donations.iter().find(|d| d.kind.free_for_life());
        let lifetime = match special {
            Some(d) => Some(format!("{}献血者终身免费用血", d.kind.label())),
            None if whole >= policy.lifetime_whole_blood_ml => {
                Some(format!("累计献全血 {whole} 毫升（满 {} 毫升），终身免费用血", policy.lifetime_whole_blood_ml))
            }
            None => None,
        };
        if let Some(rule) = lifetime {
            let certificates = donations
                .iter()
                .map(|d| CertificateShare {
                    certificate_no: d.certificate_no.clone(),
                    entitled_ml: None,
                    used_ml: d.used_ml,
                    remaining_ml: None,
                    rule: rule.clone(),
                })
                .collect();
            return Ok(Entitlement { entitled_ml: None, used_ml, remaining_ml: None, rule, certificates });
        }
    }
    let certificates: Vec<CertificateShare> = donations
        .iter()
        .map(|d| {
            let (entitled, rule) = limit(policy, donor, d, on);
            CertificateShare {
                certificate_no: d.certificate_no.clone(),
                entitled_ml: Some(entitled),
                used_ml: d.used_ml,
                remaining_ml: Some(entitled.saturating_sub(d.used_ml)),
                rule,
            }
        })
        .collect();
    let entitled = certificates.iter().filter_map(|c| c.entitled_ml).fold(0u32, u32::saturating_add);
    let remaining = certificates.iter().filter_map(|c| c.remaining_ml).fold(0u32, u32::saturating_add);
    let rule = certificates.iter().map(|c| format!("{}：{}", c.certificate_no, c.rule)).collect::<Vec<_>>().join("；");
    let rule = format!("{}（{}）{rule}", donor.label(), if donor == Donor::Patient { "献血者" } else { "亲属" });
    Ok(Entitlement { entitled_ml: Some(entitled), used_ml, remaining_ml: Some(remaining), rule, certificates })
}
