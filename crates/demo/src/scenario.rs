//! Admissions written to order, for tests and demonstrations that need exact figures: the
//! fees, deposits and events given, nothing random.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use domain::{
    Admission, AdmissionEvent, CaseNo, DepositEntry, DepositKind, FeeCategory, FeeLine, FeeStatus, InsuranceType,
    Money, Patient, PersonName, Sex, Tender, TenderLine, Ward,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::{DemoAdmission, DemoEvent, Keyed, key_at};

/// What a scripted admission holds.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub case_no: String,
    pub name: String,
    pub insurance: InsuranceType,
    pub fees: Vec<(FeeCategory, Money, FeeStatus)>,
    /// Tender, amount, days before `now`.
    pub deposits: Vec<(Tender, Money, i64)>,
    pub events: Vec<AdmissionEvent>,
    pub now: NaiveDateTime,
}

impl Scenario {
    /// A self-pay patient ready for discharge: ¥1,500.00 of confirmed fees, a ¥500.00 cash
    /// deposit, discharge ordered and fees audited (so ¥1,000.00 is due).
    pub fn audited(case_no: &str, now: NaiveDateTime) -> Scenario {
        let m = |fen: i64| Money::from_fen(fen).expect("small");
        Scenario {
            case_no: case_no.to_owned(),
            name: "测试患者".to_owned(),
            insurance: InsuranceType::SelfPay,
            fees: vec![
                (FeeCategory::Drug, m(120_000), FeeStatus::Confirmed),
                (FeeCategory::Bed, m(30_000), FeeStatus::Confirmed),
            ],
            deposits: vec![(Tender::Cash, m(50_000), 3)],
            events: vec![AdmissionEvent::DischargeOrdered, AdmissionEvent::AuditPassed],
            now,
        }
    }

    pub fn build(&self) -> DemoAdmission {
        let seed = self.case_no.bytes().fold(0u64, |acc, b| acc.wrapping_mul(131).wrapping_add(u64::from(b)));
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let admitted_at = self.now - Duration::days(10);
        let admission = Admission {
            id: key_at(admitted_at, &mut rng),
            case_no: CaseNo::parse(&self.case_no).expect("scenario case numbers are digits"),
            patient: Patient {
                id: key_at(admitted_at, &mut rng),
                name: PersonName::parse(&self.name).expect("a valid name"),
                sex: Sex::Female,
                birth_date: NaiveDate::from_ymd_opt(1970, 3, 1).expect("valid date"),
                resident_id: None,
            },
            ward: Ward { code: "W01".into(), name: "心血管内科一病区".into() },
            bed_no: "99床".into(),
            insurance: self.insurance,
            admitted_at,
            department: "心血管内科".into(),
            doctor: "周建国".into(),
            diagnosis: "心力衰竭".into(),
        };
        let fees = self
            .fees
            .iter()
            .enumerate()
            .map(|(i, (category, amount, status))| {
                let charged_at = admitted_at + Duration::hours(i64::try_from(i).unwrap_or(0) + 1);
                // A blood line is one unit of red cells (200 ml), so the waiver can measure it.
                let (name, spec, unit) = match category {
                    FeeCategory::Blood => ("悬浮红细胞".to_owned(), "1U", "U"),
                    _ => (format!("测试项目{i}"), "", "次"),
                };
                let line = FeeLine {
                    id: i64::try_from(i).unwrap_or(0),
                    item_code: format!("T{i:04}"),
                    item_name: name,
                    category: *category,
                    spec: spec.into(),
                    unit: unit.into(),
                    quantity: Decimal::ONE,
                    unit_price: *amount,
                    amount: *amount,
                    charged_at,
                    department: "心血管内科".into(),
                    status: *status,
                };
                Keyed { key: key_at(charged_at, &mut rng), value: line }
            })
            .collect();
        let deposits = self
            .deposits
            .iter()
            .enumerate()
            .map(|(i, (tender, amount, days))| {
                let at = self.now - Duration::days(*days);
                let entry = DepositEntry {
                    id: i64::try_from(i).unwrap_or(0),
                    receipt_no: format!("HIS{}{i:03}", self.case_no),
                    kind: DepositKind::Deposit,
                    amount: *amount,
                    tenders: vec![TenderLine {
                        tender: *tender,
                        amount: *amount,
                        // A card's is its POS slip (终端号:参考号), others' a number of their own.
                        reference: Some(if tender.on_pos_terminal() {
                            format!("T0000009:{:012}", slip_number(&self.case_no, i))
                        } else {
                            format!("REF{}{i}", self.case_no)
                        }),
                    }],
                    at,
                    cashier: "孙浩".into(),
                    reason: None,
                };
                Keyed { key: key_at(at, &mut rng), value: entry }
            })
            .collect();
        let events = self
            .events
            .iter()
            .enumerate()
            .map(|(i, event)| {
                let at = self.now - Duration::hours(5) + Duration::minutes(i64::try_from(i).unwrap_or(0));
                DemoEvent { key: key_at(at, &mut rng), event: *event, at, actor: "测试".into() }
            })
            .collect();
        DemoAdmission { admission, events, fees, deposits, blood: Vec::new() }
    }
}

/// A 12-digit 参考号 of a scenario's `i`-th deposit, the same on every run.
fn slip_number(case_no: &str, i: usize) -> u64 {
    let start = u64::try_from(i).unwrap_or(0);
    case_no.bytes().fold(start, |n, b| n.wrapping_mul(31).wrapping_add(u64::from(b))) % 1_000_000_000_000
}
