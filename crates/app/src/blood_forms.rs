//! The blood waiver's printed forms: the pledge (承诺书) a family member signs when the proof of
//! the relationship is missing, printed from the registration being filled in, before it is
//! submitted (its signed scan is one of the materials); and the reimbursement form (用血报销单)
//! of a registration's waiver as a settlement deducted it.

use contract::PrintOutcome;
use contract::blood::RegisterBloodRequest;
use domain::{ResidentId, SettlementKind};
use reports::{BloodFormModel, FormProduct, PledgeModel, RenderedPdf, render_blood_form, render_pledge};
use store::registrations;

use crate::blood_waiver::{certificate, donor_of, masked_id};
use crate::counter_settings::PrintKind;
use crate::{App, AppError, Operator, Printing, input};

impl App {
    /// The pledge for the registration being filled in: the donor, relationship and certificates
    /// checked as registering checks them, so a pledge is never printed for a claim that cannot be.
    pub async fn pledge_pdf(&self, request: &RegisterBloodRequest) -> Result<RenderedPdf, AppError> {
        let case_no = input::case_no(&request.case_no)?;
        let (donor, donor_name, donor_id) = donor_of(request)?;
        let certificates = request
            .certificates
            .iter()
            .map(|c| {
                let d = certificate(c)?;
                Ok([d.certificate_no, d.donated_on.to_string(), d.volume_ml.to_string(), d.kind.label().to_owned()])
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let (summary, _) = self.load_account(case_no.as_str()).await?;
        let patient = &summary.admission.patient;
        let model = PledgeModel {
            hospital: self.hospital.clone(),
            patient_name: patient.name.to_string(),
            case_no: case_no.to_string(),
            patient_id: patient.resident_id.as_ref().map_or_else(String::new, ToString::to_string),
            donor_name: donor_name.to_string(),
            donor_id: donor_id.to_string(),
            relationship: donor.label().to_owned(),
            certificates,
            date: self.clock.now().format("%Y年%m月%d日").to_string(),
        };
        Printing::render(move || render_pledge(&model)).await
    }

    /// Prints the pledge (or saves and opens it).
    pub async fn print_pledge(
        &self,
        operator: &Operator,
        request: &RegisterBloodRequest,
    ) -> Result<PrintOutcome, AppError> {
        operator.require(domain::Permission::HandleMoney)?;
        let pdf = self.pledge_pdf(request).await?;
        let name = format!("用血报销承诺书-{}-{}.pdf", request.case_no.trim(), self.clock.now().format("%Y%m%d%H%M%S"));
        self.deliver(PrintKind::Blood, &name, &pdf).await
    }

    /// The reimbursement form of registration `id`: the newest settlement of its admission that
    /// deducted a waiver and was not recalled. Refused while no settlement deducted one.
    pub async fn blood_form_pdf(&self, id: i64) -> Result<RenderedPdf, AppError> {
        let mut conn = self.store.conn().await?;
        let r = registrations::by_id(&mut conn, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的献血证报销登记")))?;
        let case_no = store::patients::case_no_of(&mut conn, r.admission_id).await?;
        drop(conn);
        let (summary, account) = self.load_account(case_no.as_str()).await?;
        let mut deducted = None;
        let mut conn = self.store.conn().await?;
        for settlement in account.settlements.iter().rev().filter(|s| s.recall.is_none()) {
            if let Some(w) = store::waivers::of_settlement(&mut conn, settlement.id).await? {
                deducted = Some((settlement.clone(), w));
                break;
            }
        }
        drop(conn);
        let (settlement, waiver) = deducted.ok_or_else(|| AppError::Rule {
            code: "BLOOD_NOT_DEDUCTED",
            message: format!("登记 {id} 尚未在结算中减免，结算后才能打印用血报销单"),
        })?;
        let patient = &summary.admission.patient;
        let model = BloodFormModel {
            hospital: self.hospital.clone(),
            settlement_no: settlement.settlement_no.clone(),
            reference: waiver.reference.clone(),
            patient_name: patient.name.to_string(),
            case_no: case_no.to_string(),
            patient_id: patient.resident_id.as_ref().map_or_else(String::new, ResidentId::masked),
            admitted_on: summary.admission.admitted_at.date().to_string(),
            discharged_on: match settlement.kind {
                SettlementKind::Discharge => settlement.at.date().to_string(),
                SettlementKind::MidStay => "（中途结算）".to_owned(),
            },
            donor_name: r.donor_name.clone(),
            donor_id: masked_id(&r.donor_id),
            relationship: r.donor.label().to_owned(),
            certificates: r
                .certificates
                .iter()
                .map(|(no, on, ml, kind)| {
                    let used = waiver.uses.iter().find(|(n, _)| n == no).map_or(0, |(_, used)| *used);
                    (no.clone(), on.to_string(), u32::try_from(*ml).unwrap_or(0), kind.label().to_owned(), used)
                })
                .collect(),
            products: waiver
                .products
                .iter()
                .map(|p| FormProduct {
                    name: p.item_name.clone(),
                    ml: p.ml,
                    amount: p.amount,
                    covered_ml: p.covered_ml,
                    waived: p.waived,
                })
                .collect(),
            amount: waiver.amount,
            ml: waiver.ml,
            cashier: settlement.cashier.clone(),
            date: settlement.at.date().to_string(),
        };
        Printing::render(move || render_blood_form(&model)).await
    }
}
