//! The blood-fee waiver at the window (用血减免): registering a donor's certificates for an
//! admission with the materials of its checklist (each image checked and kept on the shelf),
//! the entitlement computed by the domain's engine, and the review by someone else.

use chrono::NaiveDate;
use contract::Tag;
use contract::blood::{CertificateView, RegisterBloodRequest, RegistrationView, ReviewBloodRequest};
use domain::blood::{Decision, Donation, DonationKind, Donor, Material, RegistrationForm, check_registration, review};
use domain::{CaseNo, Permission, PersonName, ResidentId};
use store::registrations::{self, NewRegistration, Registration, StoredMaterial};

use crate::{App, AppError, Operator, input};

/// Longest certificate number accepted.
const MAX_CERTIFICATE_CHARS: usize = 32;

fn invalid(code: &'static str, message: String, field: &'static str) -> AppError {
    AppError::invalid(code, message, field)
}

pub(crate) fn certificate(input: &contract::blood::CertificateInput) -> Result<Donation, AppError> {
    let no = input.certificate_no.trim();
    if no.is_empty() || no.chars().count() > MAX_CERTIFICATE_CHARS || no.chars().any(char::is_whitespace) {
        return Err(invalid("BLOOD_CERTIFICATE_NO", format!("献血证编号无效：“{no}”"), "certificates"));
    }
    let donated_on = NaiveDate::parse_from_str(input.donated_on.trim(), "%Y-%m-%d").map_err(|_| {
        invalid("BLOOD_DATE", format!("献血证 {no} 的献血日期应为 YYYY-MM-DD：“{}”", input.donated_on), "certificates")
    })?;
    let volume_ml: u32 = input.volume_ml.trim().parse().map_err(|_| {
        invalid(
            "BLOOD_VOLUME_ABSURD",
            format!("献血证 {no} 的献血量应为毫升整数：“{}”", input.volume_ml),
            "certificates",
        )
    })?;
    let kind = DonationKind::from_code(input.kind.trim()).ok_or_else(|| {
        invalid(
            "BLOOD_KIND_UNKNOWN",
            format!("献血证 {no} 的献血种类应为 whole、platelet、stem_cell 或 rare：“{}”", input.kind),
            "certificates",
        )
    })?;
    Ok(Donation { certificate_no: no.to_owned(), donated_on, volume_ml, kind, used_ml: 0 })
}

/// The relationship a request names (`self`, `spouse`…).
pub(crate) fn relationship(code: &str) -> Result<Donor, AppError> {
    Donor::from_code(code.trim()).ok_or_else(|| {
        invalid(
            "BLOOD_DONOR_UNKNOWN",
            format!(
                "献血者与患者关系应为 self、spouse、parent、child、sibling、grandparent 或 parent_in_law：“{code}”"
            ),
            "donor",
        )
    })
}

/// Who donated, as the request names them: the relationship, the name and the resident ID.
pub(crate) fn donor_of(request: &RegisterBloodRequest) -> Result<(Donor, PersonName, ResidentId), AppError> {
    let donor = relationship(&request.donor)?;
    let donor_name = PersonName::parse(&request.donor_name)
        .map_err(|e| invalid("BLOOD_DONOR_NAME", format!("献血者姓名无效：{e}"), "donor_name"))?;
    let donor_id = ResidentId::parse(&request.donor_id)
        .map_err(|e| invalid("RESIDENT_ID_INVALID", format!("献血者身份证号无效：{e}"), "donor_id"))?;
    Ok((donor, donor_name, donor_id))
}

/// A resident ID as printed and shown (middle digits hidden); kept as typed if it does not parse.
pub(crate) fn masked_id(text: &str) -> String {
    ResidentId::parse(text).map_or_else(|_| text.to_owned(), |id| id.masked())
}

pub(crate) fn view(r: &Registration, case_no: &CaseNo) -> RegistrationView {
    RegistrationView {
        registration: r.id,
        key: r.key.to_string(),
        case_no: case_no.to_string(),
        donor: Tag::new(r.donor.code(), r.donor.label()),
        donor_name: r.donor_name.clone(),
        donor_id: masked_id(&r.donor_id),
        status: Tag::new(r.status.code(), r.status.label()),
        entitled_ml: r.entitled_ml,
        remaining_ml: r.remaining_ml,
        rule: r.rule.clone(),
        registered_by: r.registered_by.clone(),
        registered_at: r.registered_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        reviewed_by: r.reviewed_by.clone(),
        reason: r.reason.clone(),
        certificates: r
            .certificates
            .iter()
            .map(|(no, on, ml, kind)| CertificateView {
                certificate_no: no.clone(),
                donated_on: on.to_string(),
                volume_ml: *ml,
                kind: Tag::new(kind.code(), kind.label()),
            })
            .collect(),
        materials: r.materials.iter().map(|m| Tag::new(m.item.code(), m.item.label())).collect(),
    }
}

impl App {
    /// Registers donation certificates for the admission `request.case_no` (献血证报销登记):
    /// refused, with nothing kept, when the donor may not claim, a certificate is unsound or
    /// used up, or a required material is missing. A repeated key answers the first
    /// registration.
    pub async fn register_blood(
        &self,
        operator: &Operator,
        request: &RegisterBloodRequest,
    ) -> Result<RegistrationView, AppError> {
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let case_no = input::case_no(&request.case_no)?;
        {
            let mut conn = self.store.conn().await?;
            if let Some(id) = registrations::id_by_key(&mut conn, key).await? {
                drop(conn);
                return self.blood_registration(id).await;
            }
            // Before any file is read: a case nobody is admitted under is refused at once.
            if store::patients::by_case_no(&mut conn, &case_no).await?.is_none() {
                return Err(crate::op::not_found(&case_no));
            }
        }
        let (donor, donor_name, donor_id) = donor_of(request)?;
        let mut donations = Vec::with_capacity(request.certificates.len());
        {
            let mut conn = self.store.conn().await?;
            for input in &request.certificates {
                donations.push(registrations::with_use(&mut conn, certificate(input)?).await?);
            }
        }
        // Each file is read and checked first; kept on the shelf only once the registration holds.
        let mut captured = Vec::with_capacity(request.materials.len());
        for m in &request.materials {
            let item = Material::from_code(m.item.trim()).ok_or_else(|| {
                invalid(
                    "MATERIAL_ITEM_UNKNOWN",
                    format!("材料项应为 donor_id、patient_id、certificate、relationship 或 pledge：“{}”", m.item),
                    "materials",
                )
            })?;
            let (name, bytes) = read_material(&m.path)?;
            capture::check(&name, &bytes).map_err(capture_error)?;
            captured.push((item, name, bytes));
        }
        let mut attached: Vec<Material> = captured.iter().map(|(item, _, _)| *item).collect();
        attached.dedup();
        let form = RegistrationForm {
            donor,
            donor_name,
            donor_id,
            gold_award: request.gold_award,
            donations,
            pledge: request.pledge,
            attached,
        };
        let now = self.clock.now();
        let entitlement = check_registration(&self.blood_policy, &form, now.date())
            .map_err(|e| AppError::Rule { code: e.code(), message: e.to_string() })?;
        let mut materials = Vec::with_capacity(captured.len());
        for (item, name, bytes) in &captured {
            let stored = self.shelf.keep(name, bytes).map_err(capture_error)?;
            materials.push(StoredMaterial {
                item: *item,
                sha256: stored.sha256,
                media_type: stored.media_type.mime().to_owned(),
                bytes: i64::try_from(stored.bytes).unwrap_or(i64::MAX),
            });
        }
        let mut op = self.begin_op(operator, key, &case_no).await?;
        let new = NewRegistration {
            admission: op.admission_id(),
            key,
            form: &form,
            entitlement: &entitlement,
            materials: &materials,
            by: &operator.username,
            at: now,
        };
        let id = op.append_registration(&new).await?;
        op.commit().await?;
        tracing::info!(registration = id, donor = donor.code(), "blood waiver registered");
        self.blood_registration(id).await
    }

    /// Approves or returns a registration (审核): never the clerk's own, once.
    pub async fn review_blood(
        &self,
        operator: &Operator,
        request: &ReviewBloodRequest,
    ) -> Result<RegistrationView, AppError> {
        operator.require(Permission::ReviewBloodWaiver)?;
        let decision = if request.approve {
            Decision::Approve
        } else {
            Decision::Return { reason: request.reason.trim().to_owned() }
        };
        let key = input::key(&request.key)?;
        let (registration, case_no) = {
            let mut conn = self.store.conn().await?;
            if registrations::review_known(&mut conn, key).await? {
                drop(conn);
                return self.blood_registration(request.registration).await;
            }
            let registration = registrations::by_id(&mut conn, request.registration)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("没有编号为 {} 的献血证报销登记", request.registration)))?;
            let case_no = store::patients::case_no_of(&mut conn, registration.admission_id).await?;
            (registration, case_no)
        };
        let mut op = self.begin_op(operator, key, &case_no).await?;
        // The status as the transaction sees it (another review may have come in between).
        let current = registrations::by_id(op.conn(), registration.id)
            .await?
            .ok_or_else(|| AppError::internal("登记在审核时消失"))?;
        review(current.status, &current.registered_by, &operator.username, &decision)
            .map_err(|e| AppError::Rule { code: e.code(), message: e.to_string() })?;
        op.append_review(current.id, current.key, &decision).await?;
        op.commit().await?;
        self.blood_registration(registration.id).await
    }

    /// The registrations of an admission, oldest first.
    pub async fn blood_registrations(&self, case_no: &str) -> Result<Vec<RegistrationView>, AppError> {
        let case_no = input::case_no(case_no)?;
        let mut conn = self.store.conn().await?;
        let summary =
            store::patients::by_case_no(&mut conn, &case_no).await?.ok_or_else(|| crate::op::not_found(&case_no))?;
        let found = registrations::of_admission(&mut conn, summary.admission.id).await?;
        Ok(found.iter().map(|r| view(r, &case_no)).collect())
    }

    /// Registration `id` as shown.
    pub async fn blood_registration(&self, id: i64) -> Result<RegistrationView, AppError> {
        let mut conn = self.store.conn().await?;
        let r = registrations::by_id(&mut conn, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的献血证报销登记")))?;
        let case_no = store::patients::case_no_of(&mut conn, r.admission_id).await?;
        Ok(view(&r, &case_no))
    }
}

fn capture_error(e: capture::CaptureError) -> AppError {
    invalid(e.code(), e.to_string(), "materials")
}

/// Reads the file at `path` (refused unread when over the size limit).
fn read_material(path: &str) -> Result<(String, Vec<u8>), AppError> {
    use capture::Source;
    capture::FileImport::new(path.trim()).acquire().map_err(capture_error)
}
