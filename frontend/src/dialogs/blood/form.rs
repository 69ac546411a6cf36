//! The registration being filled in, kept by the dialog so that looking at the list, the review
//! or the settings loses nothing; and what still keeps it from being submitted.

use contract::blood::{CertificateInput, MaterialInput, RegisterBloodRequest};
use contract::blood_desk::{CapturedPage, EntitlementView, checklist, donor_options};
use contract::{ApiError, Tag};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ipc;

/// The code of 本人, the relationship a new registration starts with.
pub const SELF: &str = "self";

#[derive(Clone, Copy)]
pub struct Form {
    pub case_no: StoredValue<String>,
    /// The operation's idempotency key, asked for when the form (re)starts.
    pub key: RwSignal<Option<String>>,
    pub donor: RwSignal<String>,
    pub gold: RwSignal<bool>,
    pub name: RwSignal<String>,
    pub resident_id: RwSignal<String>,
    pub certificates: RwSignal<Vec<CertificateInput>>,
    /// The relationship is vouched for by a signed pledge (承诺书) instead of a proof.
    pub pledge: RwSignal<bool>,
    pub pages: RwSignal<Vec<CapturedPage>>,
    /// The entitlement for what is typed so far, or why there is none.
    pub preview: RwSignal<Option<Result<EntitlementView, ApiError>>>,
}

impl Form {
    pub fn new(case_no: String) -> Form {
        let form = Form {
            case_no: StoredValue::new(case_no),
            key: RwSignal::new(None),
            donor: RwSignal::new(SELF.to_owned()),
            gold: RwSignal::new(false),
            name: RwSignal::new(String::new()),
            resident_id: RwSignal::new(String::new()),
            certificates: RwSignal::new(Vec::new()),
            pledge: RwSignal::new(false),
            pages: RwSignal::new(Vec::new()),
            preview: RwSignal::new(None),
        };
        form.new_key();
        form
    }

    fn new_key(&self) {
        let key = self.key;
        key.set(None);
        spawn_local(async move {
            if let Ok(k) = ipc::operation_key().await {
                key.set(Some(k));
            }
        });
    }

    /// Empties the form for the next registration, with a new key.
    pub fn clear(&self) {
        self.donor.set(SELF.to_owned());
        self.gold.set(false);
        self.name.set(String::new());
        self.resident_id.set(String::new());
        self.certificates.set(Vec::new());
        self.pledge.set(false);
        self.pages.set(Vec::new());
        self.new_key();
    }

    /// What must be attached now (the relationship's checklist).
    pub fn checklist(&self) -> Vec<Tag> {
        checklist(&self.donor.get(), self.pledge.get())
    }

    /// The checklist items with no page yet.
    pub fn missing(&self) -> Vec<Tag> {
        let pages = self.pages.get();
        self.checklist().into_iter().filter(|item| !pages.iter().any(|p| p.item.code == item.code)).collect()
    }

    /// Why the registration cannot be submitted yet, in the clerk's words; `None`: it can.
    pub fn blocker(&self) -> Option<String> {
        let donor = self.donor.get();
        if let Some(d) = donor_options().into_iter().find(|d| d.code == donor && d.needs_gold_award && !self.gold.get())
        {
            return Some(format!("{}仅限献血金奖获得者的亲属：请勾选金奖，或另选关系", d.label));
        }
        if self.name.with(|n| n.trim().is_empty()) {
            return Some("请填写献血者姓名".to_owned());
        }
        if self.resident_id.with(|n| n.trim().is_empty()) {
            return Some("请填写献血者身份证号".to_owned());
        }
        if self.certificates.with(Vec::is_empty) {
            return Some("请至少添加一张献血证".to_owned());
        }
        if let Some(Err(e)) = self.preview.get() {
            return Some(e.message);
        }
        let missing = self.missing();
        if !missing.is_empty() {
            let labels: Vec<String> = missing.into_iter().map(|t| t.label).collect();
            return Some(format!("缺少材料：{}，请采集后再提交", labels.join("、")));
        }
        if self.key.get().is_none() {
            return Some("正在准备登记…".to_owned());
        }
        None
    }

    /// The registration as the backend takes it: the pages of the current checklist only.
    pub fn request(&self) -> RegisterBloodRequest {
        let wanted = checklist(&self.donor.get_untracked(), self.pledge.get_untracked());
        RegisterBloodRequest {
            case_no: self.case_no.get_value(),
            key: self.key.get_untracked().unwrap_or_default(),
            donor: self.donor.get_untracked(),
            donor_name: self.name.get_untracked().trim().to_owned(),
            donor_id: self.resident_id.get_untracked().trim().to_owned(),
            gold_award: self.gold.get_untracked(),
            pledge: self.pledge.get_untracked(),
            certificates: self.certificates.get_untracked(),
            materials: self
                .pages
                .get_untracked()
                .into_iter()
                .filter(|p| wanted.iter().any(|w| w.code == p.item.code))
                .map(|p| MaterialInput { item: p.item.code, path: p.handle })
                .collect(),
        }
    }
}
