//! Records ↔ domain values. Reading a record checks every code and amount; references between
//! records (a reversal's deposit, a settlement's fee lines) are resolved by the caller's map
//! from keys to its own ids.

use contract::Yuan;
use domain::{
    Admission, ApprovedBloodReimbursement, CaseNo, DepositEntry, DepositKind, FeeCategory, FeeLine, FeeStatus,
    InsuranceType, Money, Patient, PersonName, Place, Settlement, SettlementFigures, SettlementKind, SettlementPayment,
    Sex, Tender, TenderLine, Ward,
};
use rust_decimal::Decimal;
use thiserror::Error;
use uuid::Uuid;

use crate::records::{
    AdmissionRecord, BloodRecord, DepositRecord, FeeRecord, PatientRecord, PaymentRecord, SettlementRecord,
    TenderRecord,
};

/// A record that cannot be read: a field's value is not what it must be.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("记录字段 {field} 的值无效：{value}")]
pub struct ConvertError {
    pub field: &'static str,
    pub value: String,
}

fn bad(field: &'static str, value: impl ToString) -> ConvertError {
    ConvertError { field, value: value.to_string() }
}

pub fn tender_line(t: &TenderRecord) -> Result<TenderLine, ConvertError> {
    Ok(TenderLine {
        tender: Tender::parse(&t.tender).map_err(|_| bad("tender", &t.tender))?,
        amount: t.amount.money(),
        reference: t.reference.clone(),
    })
}

pub fn tender_record(t: &TenderLine) -> TenderRecord {
    TenderRecord { tender: t.tender.code().to_owned(), amount: Yuan(t.amount), reference: t.reference.clone() }
}

pub fn admission(r: &AdmissionRecord) -> Result<Admission, ConvertError> {
    Ok(Admission {
        id: r.admission_id,
        case_no: CaseNo::parse(&r.case_no).map_err(|_| bad("case_no", &r.case_no))?,
        patient: Patient {
            id: r.patient.id,
            name: PersonName::parse(&r.patient.name).map_err(|_| bad("patient.name", &r.patient.name))?,
            sex: Sex::from_code(&r.patient.sex).ok_or_else(|| bad("patient.sex", &r.patient.sex))?,
            birth_date: r.patient.birth_date,
            resident_id: r
                .patient
                .resident_id
                .as_deref()
                .map(|id| domain::ResidentId::parse(id).map_err(|_| bad("patient.resident_id", id)))
                .transpose()?,
        },
        ward: Ward { code: r.ward_code.clone(), name: r.ward_name.clone() },
        bed_no: r.bed_no.clone(),
        insurance: InsuranceType::from_code(&r.insurance).ok_or_else(|| bad("insurance", &r.insurance))?,
        admitted_at: r.admitted_at,
        department: r.department.clone(),
        doctor: r.doctor.clone(),
        diagnosis: r.diagnosis.clone(),
    })
}

pub fn admission_record(a: &Admission) -> AdmissionRecord {
    AdmissionRecord {
        admission_id: a.id,
        case_no: a.case_no.to_string(),
        patient: PatientRecord {
            id: a.patient.id,
            name: a.patient.name.to_string(),
            sex: a.patient.sex.code().to_owned(),
            birth_date: a.patient.birth_date,
            resident_id: a.patient.resident_id.as_ref().map(|r| r.to_string()),
        },
        ward_code: a.ward.code.clone(),
        ward_name: a.ward.name.clone(),
        bed_no: a.bed_no.clone(),
        insurance: a.insurance.code().to_owned(),
        admitted_at: a.admitted_at,
        department: a.department.clone(),
        doctor: a.doctor.clone(),
        diagnosis: a.diagnosis.clone(),
    }
}

pub fn fee_line(r: &FeeRecord, id: i64) -> Result<FeeLine, ConvertError> {
    let quantity: Decimal = r.quantity.parse().map_err(|_| bad("quantity", &r.quantity))?;
    let line = FeeLine {
        id,
        item_code: r.item_code.clone(),
        item_name: r.item_name.clone(),
        category: FeeCategory::from_code(&r.category).ok_or_else(|| bad("category", &r.category))?,
        spec: r.spec.clone(),
        unit: r.unit.clone(),
        quantity,
        unit_price: r.unit_price.money(),
        amount: r.amount.money(),
        charged_at: r.charged_at,
        department: r.department.clone(),
        status: FeeStatus::from_code(&r.status).ok_or_else(|| bad("status", &r.status))?,
    };
    Ok(line)
}

pub fn fee_record(admission_id: Uuid, key: Uuid, f: &FeeLine) -> FeeRecord {
    FeeRecord {
        key,
        admission_id,
        item_code: f.item_code.clone(),
        item_name: f.item_name.clone(),
        category: f.category.code().to_owned(),
        spec: f.spec.clone(),
        unit: f.unit.clone(),
        quantity: f.quantity.normalize().to_string(),
        unit_price: Yuan(f.unit_price),
        amount: Yuan(f.amount),
        charged_at: f.charged_at,
        department: f.department.clone(),
        status: f.status.code().to_owned(),
    }
}

/// A deposit-ledger row; `id_of` gives the local id of a referenced record's key.
pub fn deposit_entry(
    r: &DepositRecord,
    id: i64,
    id_of: impl Fn(Uuid) -> Option<i64>,
) -> Result<DepositEntry, ConvertError> {
    let kind = match (r.deposit_kind.as_str(), r.reverses, r.settlement) {
        ("deposit", None, None) => DepositKind::Deposit,
        ("reversal", Some(of), None) => DepositKind::Reversal { of: id_of(of).ok_or_else(|| bad("reverses", of))? },
        ("recall_transfer", None, Some(s)) => {
            DepositKind::RecallTransfer { settlement: id_of(s).ok_or_else(|| bad("settlement", s))? }
        }
        _ => return Err(bad("deposit_kind", &r.deposit_kind)),
    };
    Ok(DepositEntry {
        id,
        receipt_no: r.receipt_no.clone(),
        kind,
        amount: r.amount.money(),
        tenders: r.tenders.iter().map(tender_line).collect::<Result<_, _>>()?,
        at: r.at,
        cashier: r.cashier.clone(),
        reason: r.reason.clone(),
    })
}

/// A deposit-ledger row as a record; `key_of` gives the key of a referenced local id.
pub fn deposit_record(
    admission_id: Uuid,
    key: Uuid,
    e: &DepositEntry,
    key_of: impl Fn(i64) -> Option<Uuid>,
) -> DepositRecord {
    let (reverses, settlement) = match e.kind {
        DepositKind::Deposit => (None, None),
        DepositKind::Reversal { of } => (key_of(of), None),
        DepositKind::RecallTransfer { settlement } => (None, key_of(settlement)),
    };
    DepositRecord {
        key,
        admission_id,
        receipt_no: e.receipt_no.clone(),
        deposit_kind: e.kind.code().to_owned(),
        reverses,
        settlement,
        amount: Yuan(e.amount),
        tenders: e.tenders.iter().map(tender_record).collect(),
        at: e.at,
        cashier: e.cashier.clone(),
        reason: e.reason.clone(),
    }
}

pub fn settlement(
    r: &SettlementRecord,
    id: i64,
    id_of: impl Fn(Uuid) -> Option<i64>,
) -> Result<Settlement, ConvertError> {
    Ok(Settlement {
        id,
        settlement_no: r.settlement_no.clone(),
        kind: SettlementKind::from_code(&r.settlement_kind)
            .ok_or_else(|| bad("settlement_kind", &r.settlement_kind))?,
        fee_ids: r.fee_keys.iter().map(|k| id_of(*k).ok_or_else(|| bad("fee_keys", k))).collect::<Result<_, _>>()?,
        figures: SettlementFigures {
            fees: r.fees.money(),
            insurance_fund: r.insurance_fund.money(),
            personal_account: r.personal_account.money(),
            blood_reimbursement: r.blood_reimbursement.money(),
            deposits_applied: r.deposits_applied.money(),
            due: r.due.money(),
        },
        payments: r
            .payments
            .iter()
            .map(|p| {
                Ok(SettlementPayment {
                    line: tender_line(&TenderRecord {
                        tender: p.tender.clone(),
                        amount: p.amount,
                        reference: p.reference.clone(),
                    })?,
                    deposit_id: p.deposit.map(|k| id_of(k).ok_or_else(|| bad("payments.deposit", k))).transpose()?,
                })
            })
            .collect::<Result<_, ConvertError>>()?,
        at: r.at,
        cashier: r.cashier.clone(),
        place: Place::from_code(&r.place).ok_or_else(|| bad("place", &r.place))?,
        insurance_ref: r.insurance_ref.clone(),
        recall: None,
    })
}

pub fn settlement_record(
    admission_id: Uuid,
    key: Uuid,
    s: &Settlement,
    trial_version: &str,
    key_of: impl Fn(i64) -> Option<Uuid>,
) -> SettlementRecord {
    let f = &s.figures;
    SettlementRecord {
        key,
        admission_id,
        settlement_no: s.settlement_no.clone(),
        settlement_kind: s.kind.code().to_owned(),
        fees: Yuan(f.fees),
        insurance_fund: Yuan(f.insurance_fund),
        personal_account: Yuan(f.personal_account),
        blood_reimbursement: Yuan(f.blood_reimbursement),
        deposits_applied: Yuan(f.deposits_applied),
        due: Yuan(f.due),
        insurance_ref: s.insurance_ref.clone(),
        place: s.place.code().to_owned(),
        cashier: s.cashier.clone(),
        at: s.at,
        trial_version: trial_version.to_owned(),
        fee_keys: s.fee_ids.iter().filter_map(|id| key_of(*id)).collect(),
        payments: s
            .payments
            .iter()
            .map(|p| PaymentRecord {
                tender: p.line.tender.code().to_owned(),
                amount: Yuan(p.line.amount),
                reference: p.line.reference.clone(),
                deposit: p.deposit_id.and_then(&key_of),
            })
            .collect(),
        blood_waiver: None,
    }
}

pub fn blood(r: &BloodRecord) -> ApprovedBloodReimbursement {
    ApprovedBloodReimbursement {
        certificate_no: r.certificate_no.clone(),
        donor_name: r.donor_name.clone(),
        relationship: r.relationship.clone(),
        volume_ml: r.volume_ml,
        amount: r.amount.money(),
        approved_at: r.approved_at,
    }
}

pub fn blood_record(admission_id: Uuid, key: Uuid, b: &ApprovedBloodReimbursement) -> BloodRecord {
    BloodRecord {
        key,
        admission_id,
        certificate_no: b.certificate_no.clone(),
        donor_name: b.donor_name.clone(),
        relationship: b.relationship.clone(),
        volume_ml: b.volume_ml,
        amount: Yuan(b.amount),
        approved_at: b.approved_at,
    }
}

/// The sum of tender lines.
pub fn tender_sum(lines: &[TenderRecord]) -> Money {
    lines.iter().map(|t| t.amount.money()).sum()
}

/// A registration record as the domain's form (the certificates' use is the blood platform's
/// to count: `used_ml` is zero here).
pub fn registration_form(
    r: &crate::records::BloodRegistrationRecord,
) -> Result<domain::blood::RegistrationForm, ConvertError> {
    use domain::blood::{Donation, DonationKind, Donor, Material, RegistrationForm};
    let donations = r
        .certificates
        .iter()
        .map(|c| {
            Ok(Donation {
                certificate_no: c.certificate_no.clone(),
                donated_on: c.donated_on,
                volume_ml: c.volume_ml,
                kind: DonationKind::from_code(&c.donation_kind)
                    .ok_or_else(|| bad("donation_kind", &c.donation_kind))?,
                used_ml: 0,
            })
        })
        .collect::<Result<Vec<_>, ConvertError>>()?;
    let mut attached = Vec::with_capacity(r.materials.len());
    for m in &r.materials {
        let item = Material::from_code(&m.item).ok_or_else(|| bad("item", &m.item))?;
        if m.sha256.len() != 64 || !m.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(bad("sha256", &m.sha256));
        }
        if !attached.contains(&item) {
            attached.push(item);
        }
    }
    Ok(RegistrationForm {
        donor: Donor::from_code(&r.donor).ok_or_else(|| bad("donor", &r.donor))?,
        donor_name: PersonName::parse(&r.donor_name).map_err(|_| bad("donor_name", &r.donor_name))?,
        donor_id: domain::ResidentId::parse(&r.donor_id).map_err(|_| bad("donor_id", "（无效的身份证号）"))?,
        gold_award: r.gold_award,
        donations,
        pledge: r.pledge,
        attached,
    })
}
