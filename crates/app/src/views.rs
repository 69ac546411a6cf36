//! Domain values turned into the contract's DTOs for the screen and the CLI.

use chrono::{NaiveDate, NaiveDateTime};
use contract::account::{AccountTotals, AccountView, CategoryView, DepositView, FeeLineView, PatientStrip, TenderView};
use contract::cashier::{CategoryTotalView, SettlementView, TrialView};
use contract::patient::PatientHit;
use contract::{Tag, Yuan};
use domain::{
    Admission, AdmissionState, DepositEntry, FeeLine, InpatientAccount, Money, Settlement, TenderLine, Trial,
};
use store::patients::AdmissionSummary;

use crate::settlement::{due_label, kind_tag};

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
    let settled = account.settled_fee_ids();
    let used = account.used_deposit_ids();
    AccountView {
        patient: patient_strip(admission, account.state, today),
        totals: AccountTotals {
            fees: account.fees_total().into(),
            deposits: account.deposits_total().into(),
            balance: balance.into(),
            balance_words: balance.words(),
            fee_lines: account.fees.iter().filter(|f| f.status.counts()).count(),
            unconfirmed_lines: account.audit_blockers().len(),
            unsettled_fees: account
                .fees
                .iter()
                .filter(|f| f.status.counts() && !settled.contains(&f.id))
                .map(|f| f.amount)
                .sum::<Money>()
                .into(),
            deposits_available: account.deposits_available().into(),
            blood_approved: account.blood_approved.into(),
            insurance_settled: account
                .active_settlements()
                .map(|s| s.figures.insurance_fund + s.figures.personal_account)
                .sum::<Money>()
                .into(),
        },
        categories,
        deposits: account.deposits.iter().map(|d| deposit_view(account, d, used.contains(&d.id))).collect(),
        settlements: account.settlements.iter().map(|s| settlement_view(admission, s, Money::ZERO)).collect(),
        refunds: Vec::new(),
    }
}

pub fn fee_line_view(fee: &FeeLine) -> FeeLineView {
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

fn deposit_view(account: &InpatientAccount, entry: &DepositEntry, used: bool) -> DepositView {
    let reversible = account.reversible_amount(entry.id);
    DepositView {
        id: entry.id,
        used,
        reversible: reversible.into(),
        receipt_no: entry.receipt_no.clone(),
        at: entry.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        kind: Tag::new(entry.kind.code(), entry.kind.label()),
        amount: Yuan(entry.amount),
        tenders: entry.tenders.iter().map(tender_view).collect(),
        cashier: entry.cashier.clone(),
        reason: entry.reason.clone(),
    }
}

pub fn tender_view(t: &TenderLine) -> TenderView {
    TenderView {
        tender: Tag::new(t.tender.code(), t.tender.label()),
        amount: t.amount.into(),
        reference: t.reference.clone(),
    }
}

pub fn trial_view(admission: &Admission, account: &InpatientAccount, trial: &Trial, now: NaiveDateTime) -> TrialView {
    let f = &trial.figures;
    let refund_suggestion = if f.due.is_negative() {
        account.suggest_refund(-f.due, now).iter().map(tender_view).collect()
    } else {
        Vec::new()
    };
    TrialView {
        case_no: admission.case_no.to_string(),
        patient_name: admission.patient.name.to_string(),
        kind: kind_tag(trial.draft.kind),
        insurance: Tag::new(admission.insurance.code(), admission.insurance.label()),
        version: trial.draft.version.to_string(),
        categories: trial
            .draft
            .categories
            .iter()
            .map(|c| CategoryTotalView {
                category: Tag::new(c.category.code(), c.category.label()),
                total: c.total.into(),
                lines: c.lines,
            })
            .collect(),
        fees: f.fees.into(),
        insurance_fund: f.insurance_fund.into(),
        personal_account: f.personal_account.into(),
        blood_reimbursement: f.blood_reimbursement.into(),
        blood_ml: 0, // set by the trial when the blood platform was asked
        blood_offline: false,
        deposits_applied: f.deposits_applied.into(),
        patient_share: f.patient_share().into(),
        due: f.due.into(),
        due_label: due_label(f.due).to_owned(),
        due_words: f.due.abs().words(),
        refund_suggestion,
    }
}

pub fn settlement_view(admission: &Admission, s: &Settlement, change: Money) -> SettlementView {
    let f = &s.figures;
    SettlementView {
        settlement_no: s.settlement_no.clone(),
        case_no: admission.case_no.to_string(),
        patient_name: admission.patient.name.to_string(),
        kind: kind_tag(s.kind),
        fees: f.fees.into(),
        insurance_fund: f.insurance_fund.into(),
        personal_account: f.personal_account.into(),
        blood_reimbursement: f.blood_reimbursement.into(),
        deposits_applied: f.deposits_applied.into(),
        due: f.due.into(),
        due_words: f.due.abs().words(),
        payments: s.payments.iter().map(|p| tender_view(&p.line)).collect(),
        change: change.into(),
        at: s.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        cashier: s.cashier.clone(),
        place: Tag::new(s.place.code(), s.place.label()),
        invoice_status: invoice_tag(Some(domain::invoice::InvoiceState::Pending)),
        recalled: s.recall.is_some(),
    }
}

/// The e-invoice's state as the settlement shows it (`None`: no invoice, the fees were not
/// positive).
pub fn invoice_tag(state: Option<domain::invoice::InvoiceState>) -> Tag {
    match state {
        Some(state) => Tag::new(state.code(), &format!("电子票据{}", state.label())),
        None => Tag::new("none", "无需开具电子票据"),
    }
}
