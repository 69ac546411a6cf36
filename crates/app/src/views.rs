//! Domain values turned into the contract's DTOs for the screen and the CLI.

use chrono::NaiveDate;
use contract::account::{AccountTotals, AccountView, CategoryView, DepositView, FeeLineView, PatientStrip, TenderView};
use contract::patient::PatientHit;
use contract::{Tag, Yuan};
use domain::{Admission, AdmissionState, DepositEntry, FeeLine, FeeStatus, InpatientAccount};
use store::patients::AdmissionSummary;

pub fn state_tag(state: AdmissionState) -> Tag {
    Tag::new(state.code(), state.label())
}

pub fn patient_hit(hit: &AdmissionSummary, today: NaiveDate) -> PatientHit {
    let a = &hit.admission;
    PatientHit {
        case_no: a.case_no.to_string(),
        name: a.patient.name.to_string(),
        sex: a.patient.sex.label().to_owned(),
        age: a.patient.age_on(today),
        ward: a.ward.name.clone(),
        bed_no: a.bed_no.clone(),
        insurance: Tag::new(a.insurance.code(), a.insurance.label()),
        state: state_tag(hit.state),
        admitted_on: a.admitted_at.format("%Y-%m-%d").to_string(),
        resident_id_masked: a.patient.resident_id.as_ref().map(|r| r.masked()),
    }
}

pub fn patient_strip(admission: &Admission, state: AdmissionState, today: NaiveDate) -> PatientStrip {
    PatientStrip {
        case_no: admission.case_no.to_string(),
        name: admission.patient.name.to_string(),
        sex: admission.patient.sex.label().to_owned(),
        age: admission.patient.age_on(today),
        ward: admission.ward.name.clone(),
        bed_no: admission.bed_no.clone(),
        insurance: Tag::new(admission.insurance.code(), admission.insurance.label()),
        state: state_tag(state),
        admitted_at: admission.admitted_at.format("%Y-%m-%d %H:%M").to_string(),
        days_in_hospital: admission.days_in_hospital(today),
        department: admission.department.clone(),
        doctor: admission.doctor.clone(),
        diagnosis: admission.diagnosis.clone(),
        resident_id_masked: admission.patient.resident_id.as_ref().map(|r| r.masked()),
    }
}

pub fn account_view(admission: &Admission, account: &InpatientAccount, today: NaiveDate) -> AccountView {
    let categories = account
        .category_totals()
        .into_iter()
        .map(|total| CategoryView {
            category: Tag::new(total.category.code(), total.category.label()),
            total: total.total.into(),
            lines: account.fees.iter().filter(|f| f.category == total.category).map(fee_line_view).collect(),
        })
        .collect();
    let balance = account.balance();
    AccountView {
        patient: patient_strip(admission, account.state, today),
        totals: AccountTotals {
            fees: account.fees_total().into(),
            deposits: account.deposits_total().into(),
            balance: balance.into(),
            balance_words: balance.words(),
            fee_lines: account.fees.iter().filter(|f| f.status.counts()).count(),
            unconfirmed_lines: account.fees.iter().filter(|f| f.status == FeeStatus::Unconfirmed).count(),
        },
        categories,
        deposits: account.deposits.iter().map(deposit_view).collect(),
    }
}

fn fee_line_view(fee: &FeeLine) -> FeeLineView {
    FeeLineView {
        id: fee.id,
        charged_at: fee.charged_at.format("%Y-%m-%d %H:%M").to_string(),
        item_code: fee.item_code.clone(),
        item_name: fee.item_name.clone(),
        spec: fee.spec.clone(),
        unit: fee.unit.clone(),
        quantity: fee.quantity.normalize().to_string(),
        unit_price: fee.unit_price.into(),
        amount: fee.amount.into(),
        department: fee.department.clone(),
        status: Tag::new(fee.status.code(), fee.status.label()),
    }
}

fn deposit_view(entry: &DepositEntry) -> DepositView {
    DepositView {
        id: entry.id,
        receipt_no: entry.receipt_no.clone(),
        at: entry.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        kind: Tag::new(
            match entry.kind {
                domain::DepositKind::Deposit => "deposit",
                domain::DepositKind::Reversal { .. } => "reversal",
            },
            entry.kind.label(),
        ),
        amount: Yuan(entry.amount),
        tenders: entry
            .tenders
            .iter()
            .map(|t| TenderView {
                tender: Tag::new(t.tender.code(), t.tender.label()),
                amount: t.amount.into(),
                reference: t.reference.clone(),
            })
            .collect(),
        cashier: entry.cashier.clone(),
    }
}
