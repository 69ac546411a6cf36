//! A deterministic, seeded generator of a realistic hospital — wards, staff, ~300 inpatients
//! with valid resident IDs, fee lines across categories, deposits by several tenders, discharge
//! orders and fee audits — for demo mode, tests and benchmarks.
//!
//! Architecture invariant: the same seed and `now` give the same hospital, to the byte; this
//! crate reads no clock and writes nothing (the app stores what it yields).

mod catalog;
pub mod scenario;
mod stay;

use chrono::{Duration, NaiveDateTime};
use domain::{Admission, AdmissionEvent, ApprovedBloodReimbursement, DepositEntry, FeeLine, Ward};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

pub const HOSPITAL_NAME: &str = "演示市第一人民医院";
pub const COUNTER_NAME: &str = "住院收费处 1号窗口";
/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "demo1234";

#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub seed: u64,
    pub patients: usize,
    /// The moment the hospital is seen at; nothing is generated after it.
    pub now: NaiveDateTime,
    pub fees: FeeDetail,
}

/// How much of each stay to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeDetail {
    /// Every fee line of every day (long stays reach thousands of lines).
    Full,
    /// Admissions and one deposit each, no fee lines: for lookup benchmarks over 100k patients.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    /// Printed in this user's receipt numbers (YJ01…).
    pub receipt_prefix: &'static str,
}

pub fn users() -> Vec<DemoUser> {
    vec![
        DemoUser { username: "cashier", display_name: "王丽", role: "cashier", receipt_prefix: "01" },
        DemoUser { username: "cashier2", display_name: "赵敏", role: "cashier", receipt_prefix: "02" },
        DemoUser { username: "cashier3", display_name: "孙浩", role: "cashier", receipt_prefix: "03" },
        DemoUser { username: "finance", display_name: "陈静", role: "finance", receipt_prefix: "" },
        DemoUser { username: "supervisor", display_name: "刘强", role: "supervisor", receipt_prefix: "09" },
        DemoUser { username: "admin", display_name: "信息科管理员", role: "admin", receipt_prefix: "" },
    ]
}

/// Who issued a demo receipt and its place in their sequence (`YJ01` + 8 digits).
pub fn receipt_owner(receipt_no: &str) -> Option<(&'static str, i64)> {
    let rest = receipt_no.strip_prefix("YJ")?;
    let (prefix, seq) = (rest.get(..2)?, rest.get(2..)?.parse().ok()?);
    users().into_iter().find(|u| u.receipt_prefix == prefix).map(|u| (u.username, seq))
}

pub fn wards() -> Vec<Ward> {
    catalog::WARDS.iter().map(|w| Ward { code: w.code.to_owned(), name: w.name.to_owned() }).collect()
}

/// A row to store with the idempotency key it was created with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyed<T> {
    pub key: Uuid,
    pub value: T,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoEvent {
    pub key: Uuid,
    pub event: AdmissionEvent,
    pub at: NaiveDateTime,
    pub actor: String,
}

/// One admission with its whole journal, in the order things happened. Ids inside are
/// positions in these vectors (a reversal's `of` is the position of the deposit it undoes);
/// the store assigns its own ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAdmission {
    pub admission: Admission,
    pub events: Vec<DemoEvent>,
    pub fees: Vec<Keyed<FeeLine>>,
    pub deposits: Vec<Keyed<DepositEntry>>,
    /// Blood reimbursements the blood platform approved (for patients who had a transfusion).
    pub blood: Vec<Keyed<ApprovedBloodReimbursement>>,
}

/// A WeChat or Alipay deposit of the demo, as the channel took it: the order number the demo
/// gives it (`{receipt}-{line}`), the channel's transaction number, the amount and when; and the
/// deposit record that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelPayment {
    pub tender: domain::Tender,
    pub order_no: String,
    pub transaction_id: String,
    pub amount: domain::Money,
    pub at: NaiveDateTime,
    pub deposit_key: Uuid,
    pub receipt_no: String,
}

/// The demo stay's WeChat and Alipay deposits (a stand-alone counter's sandboxes and the
/// platform's order register learn them, so they can go back by their route).
pub fn channel_payments(stay: &DemoAdmission) -> Vec<ChannelPayment> {
    let mut out = Vec::new();
    for deposit in stay.deposits.iter().filter(|d| d.value.kind == domain::DepositKind::Deposit) {
        for (i, line) in deposit.value.tenders.iter().enumerate() {
            let scanned = domain::account::pay_code::PayCode::scanned_for(line.tender) && line.amount.is_positive();
            if let Some(reference) = line.reference.as_ref().filter(|_| scanned) {
                out.push(ChannelPayment {
                    tender: line.tender,
                    order_no: format!("{}-{}", deposit.value.receipt_no, i + 1),
                    transaction_id: reference.clone(),
                    amount: line.amount,
                    at: deposit.value.at,
                    deposit_key: deposit.key,
                    receipt_no: deposit.value.receipt_no.clone(),
                });
            }
        }
    }
    out
}

/// The admissions of the demo hospital, generated one at a time so 100k patients fit in
/// little memory. Receipt numbers run on per cashier across admissions.
pub fn admissions(config: &DemoConfig) -> impl Iterator<Item = DemoAdmission> + '_ {
    let mut receipts = stay::ReceiptBook::default();
    (0..config.patients).map(move |index| {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        stay::generate(config, index, &mut rng, &mut receipts)
    })
}

/// A UUIDv7 for something that happened at `at` (hospital time, UTC+8), random bits from `rng`.
pub(crate) fn key_at(at: NaiveDateTime, rng: &mut ChaCha8Rng) -> Uuid {
    let utc = at - Duration::hours(8);
    let millis = u64::try_from(utc.and_utc().timestamp_millis()).unwrap_or(0);
    let mut random = [0u8; 10];
    rng.fill(&mut random);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use domain::{AdmissionState, InpatientAccount, Money, ResidentId};
    use std::collections::HashSet;

    fn config(patients: usize) -> DemoConfig {
        DemoConfig {
            seed: 42,
            patients,
            now: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 30, 0).unwrap(),
            fees: FeeDetail::Full,
        }
    }

    #[test]
    fn same_seed_same_hospital() {
        let a: Vec<_> = admissions(&config(20)).collect();
        let b: Vec<_> = admissions(&config(20)).collect();
        assert_eq!(a, b);
        let other = DemoConfig { seed: 43, ..config(20) };
        let c: Vec<_> = admissions(&other).collect();
        assert_ne!(a, c);
    }

    #[test]
    fn every_deposit_line_takes_money_and_every_channel_payment_is_positive() {
        let all: Vec<_> = admissions(&config(2000)).collect();
        let lines = all.iter().flat_map(|a| a.deposits.iter()).filter(|d| d.value.kind == domain::DepositKind::Deposit);
        assert!(lines.flat_map(|d| d.value.tenders.iter()).all(|t| t.amount.is_positive()));
        let paid: Vec<_> = all.iter().flat_map(channel_payments).collect();
        assert!(paid.len() > 100 && paid.iter().all(|p| p.amount.is_positive() && !p.transaction_id.is_empty()));
    }

    #[test]
    fn a_plausible_hospital() {
        let cfg = config(300);
        let all: Vec<_> = admissions(&cfg).collect();
        assert_eq!(all[0].admission.patient.name.as_str(), "张三");
        let case_nos: HashSet<_> = all.iter().map(|a| a.admission.case_no.clone()).collect();
        assert_eq!(case_nos.len(), 300);
        let receipts: HashSet<_> =
            all.iter().flat_map(|a| a.deposits.iter().map(|d| d.value.receipt_no.clone())).collect();
        assert_eq!(receipts.len(), all.iter().map(|a| a.deposits.len()).sum::<usize>());
        let keys: HashSet<_> = all
            .iter()
            .flat_map(|a| {
                a.fees
                    .iter()
                    .map(|f| f.key)
                    .chain(a.deposits.iter().map(|d| d.key))
                    .chain(a.events.iter().map(|e| e.key))
            })
            .collect();
        assert_eq!(keys.len(), all.iter().map(|a| a.fees.len() + a.deposits.len() + a.events.len()).sum::<usize>());
        let mut states = std::collections::HashMap::new();
        let mut longest = 0;
        for a in &all {
            if let Some(id) = &a.admission.patient.resident_id {
                assert!(ResidentId::parse(id.as_str()).is_ok());
                assert_eq!(id.birth_date(), a.admission.patient.birth_date);
                assert_eq!(id.sex(), a.admission.patient.sex);
            }
            assert!(a.admission.admitted_at <= cfg.now);
            assert!(
                a.fees.iter().all(|f| f.value.charged_at <= cfg.now && f.value.charged_at >= a.admission.admitted_at)
            );
            let state = AdmissionState::replay(a.events.iter().map(|e| e.event)).unwrap();
            *states.entry(state).or_insert(0) += 1;
            longest = longest.max(a.fees.len());
            let account = InpatientAccount {
                state,
                fees: a.fees.iter().map(|f| f.value.clone()).collect(),
                deposits: a.deposits.iter().map(|d| d.value.clone()).collect(),
                ..InpatientAccount::default()
            };
            assert!(account.deposits_total() > Money::ZERO);
            for d in &a.deposits {
                let tenders: Money = d.value.tenders.iter().map(|t| t.amount).sum();
                assert_eq!(tenders, d.value.amount);
            }
            if state == AdmissionState::FeesAudited {
                assert!(a.fees.iter().all(|f| f.value.status != domain::FeeStatus::Unconfirmed));
            }
        }
        assert!(longest >= 2000, "long stays have thousands of lines, got {longest}");
        assert!(all.iter().any(|a| !a.blood.is_empty()), "some donors' relatives get blood reimbursed");
        for a in &all {
            for d in &a.deposits {
                let (user, seq) = receipt_owner(&d.value.receipt_no).expect("a demo cashier's receipt");
                assert!(seq > 0 && users().iter().any(|u| u.username == user && u.display_name == d.value.cashier));
            }
        }
        for state in [AdmissionState::InHospital, AdmissionState::DischargeOrdered, AdmissionState::FeesAudited] {
            assert!(states.get(&state).copied().unwrap_or(0) >= 15, "{state:?}: {states:?}");
        }
    }
}
