//! One inpatient stay, day by day: who is admitted, what is charged each day, when deposits
//! are paid, and whether the discharge order and the fee audit have happened.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use domain::{
    Admission, AdmissionEvent, ApprovedBloodReimbursement, CaseNo, DepositEntry, DepositKind, FeeLine, FeeStatus,
    InsuranceType, Money, Patient, PersonName, ResidentId, Sex, Tender, TenderLine, Ward,
};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::catalog::{self, Item};
use crate::{DemoAdmission, DemoConfig, DemoEvent, FeeDetail, Keyed, key_at};

/// Cashiers who took the demo deposits, with their receipt prefixes.
const CASHIERS: [(&str, u32); 3] = [("王丽", 1), ("赵敏", 2), ("孙浩", 3)];
const AUDITOR: &str = "陈静";

/// What must stay unique across the whole hospital: receipt numbers per cashier (gap-free)
/// and resident IDs.
#[derive(Default)]
pub struct ReceiptBook {
    next: [u32; 3],
    resident_ids: std::collections::HashSet<String>,
}

impl ReceiptBook {
    fn take(&mut self, cashier: usize) -> String {
        self.next[cashier] += 1;
        format!("YJ{:02}{:08}", CASHIERS[cashier].1, self.next[cashier])
    }
}

pub fn generate(config: &DemoConfig, index: usize, rng: &mut ChaCha8Rng, receipts: &mut ReceiptBook) -> DemoAdmission {
    let ward_spec = &catalog::WARDS[index % catalog::WARDS.len()];
    let now = config.now;
    let (name, sex) = person_name(index, rng);
    let age: i64 = 18 + rng.random_range(0..78).max(rng.random_range(0..78));
    let birth_date = now.date() - Duration::days(age * 365 + rng.random_range(0..365));
    let resident_id =
        (rng.random_range(0..100) >= 2).then(|| resident_id(birth_date, sex, rng, &mut receipts.resident_ids));
    let insurance = match rng.random_range(0..100) {
        0..45 => InsuranceType::Employee,
        45..85 => InsuranceType::Resident,
        _ => InsuranceType::SelfPay,
    };
    let stay_days: i64 = match rng.random_range(0..100) {
        0..70 => rng.random_range(1..=14),
        70..92 => rng.random_range(15..=30),
        _ => rng.random_range(31..=60),
    };
    let admitted_at =
        at_time(now.date() - Duration::days(stay_days - 1), rng.random_range(8..20), rng.random_range(0..60));
    let admitted_at = admitted_at.min(now - Duration::minutes(30));
    let admission = Admission {
        id: key_at(admitted_at, rng),
        case_no: CaseNo::parse(&format!("{}{:06}", admitted_at.year(), index + 1))
            .expect("demo case numbers are digits"),
        patient: Patient { id: key_at(admitted_at, rng), name, sex, birth_date, resident_id },
        ward: Ward { code: ward_spec.code.to_owned(), name: ward_spec.name.to_owned() },
        bed_no: format!("{}床", index / catalog::WARDS.len() + 1),
        insurance,
        admitted_at,
        department: ward_spec.department.to_owned(),
        doctor: (*ward_spec.doctors.choose(rng).expect("doctors")).to_owned(),
        diagnosis: (*ward_spec.diagnoses.choose(rng).expect("diagnoses")).to_owned(),
    };

    // Where the stay stands: most are in hospital, some have a discharge order, some passed audit.
    let stage = rng.random_range(0..100);
    let discharge_at = (stage >= 70 && stay_days >= 2).then(|| {
        let at = at_time(now.date(), rng.random_range(7..10), rng.random_range(0..60));
        if at > now { at - Duration::days(1) } else { at }.max(admitted_at + Duration::hours(2))
    });
    let audited = discharge_at.is_some() && stage >= 85;
    let mut events = Vec::new();
    if let Some(at) = discharge_at {
        events.push(DemoEvent {
            key: key_at(at, rng),
            event: AdmissionEvent::DischargeOrdered,
            at,
            actor: admission.doctor.clone(),
        });
        if audited {
            let at = (at + Duration::minutes(rng.random_range(20..90))).min(now);
            events.push(DemoEvent {
                key: key_at(at, rng),
                event: AdmissionEvent::AuditPassed,
                at,
                actor: AUDITOR.to_owned(),
            });
        }
    }
    let fees_until = discharge_at.unwrap_or(now);
    let mut fees = match config.fees {
        FeeDetail::Full => charges(&admission, ward_spec.surgical, fees_until, rng),
        FeeDetail::None => Vec::new(),
    };
    mark_statuses(&mut fees, fees_until, discharge_at.is_some(), audited, rng);
    let deposits = deposits(&admission, &fees, now, rng, receipts, config.fees);
    let blood = blood_reimbursements(&admission, &fees, now, rng);
    DemoAdmission { admission, events, fees, deposits, blood }
}

fn person_name(index: usize, rng: &mut ChaCha8Rng) -> (PersonName, Sex) {
    if index == 0 {
        return (PersonName::parse("张三").expect("valid"), Sex::Male);
    }
    let sex = if rng.random_bool(0.5) { Sex::Male } else { Sex::Female };
    let pick = |s: &str, rng: &mut ChaCha8Rng| {
        let chars: Vec<char> = s.chars().collect();
        *chars.choose(rng).expect("non-empty")
    };
    let pool = match sex {
        Sex::Male => catalog::GIVEN_MALE,
        Sex::Female => catalog::GIVEN_FEMALE,
    };
    let mut name = String::new();
    name.push(pick(catalog::SURNAMES, rng));
    name.push(pick(pool, rng));
    if rng.random_bool(0.7) {
        name.push(pick(pool, rng));
    }
    (PersonName::parse(&name).expect("catalogue characters are valid"), sex)
}

/// A valid resident ID not yet given to anyone in this hospital.
fn resident_id(
    birth: NaiveDate,
    sex: Sex,
    rng: &mut ChaCha8Rng,
    issued: &mut std::collections::HashSet<String>,
) -> ResidentId {
    let region = catalog::REGIONS.choose(rng).expect("regions");
    let start: u32 = rng.random_range(0..500);
    for step in 0..500 {
        let seq = (start + step) % 500 * 2 + u32::from(sex == Sex::Male);
        let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
        let check = domain::resident_id::check_character(&first17).expect("17 digits");
        let id = format!("{first17}{check}");
        if issued.insert(id.clone()) {
            return ResidentId::parse(&id).expect("generated with its check digit");
        }
    }
    unreachable!("500 sequence numbers per region and birthday suffice for a demo hospital")
}

fn at_time(day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"))
}

/// Every charge of the stay from admission to `until`, in time order.
fn charges(admission: &Admission, surgical: bool, until: NaiveDateTime, rng: &mut ChaCha8Rng) -> Vec<Keyed<FeeLine>> {
    let mut lines: Vec<(NaiveDateTime, Item, Decimal)> = Vec::new();
    let start = admission.admitted_at.date();
    let days = (until.date() - start).num_days() + 1;
    let long_stay = days > 30;
    let bed =
        if long_stay && rng.random_bool(0.5) { catalog::BED[2] } else { *catalog::BED[..2].choose(rng).expect("beds") };
    let nursing = if bed.code == catalog::BED[2].code {
        catalog::NURSING[0]
    } else {
        *catalog::NURSING[..2].choose(rng).expect("nursing")
    };
    let regimen_size = if long_stay { rng.random_range(10..=16) } else { rng.random_range(3..8) };
    let regimen: Vec<Item> = catalog::DRUGS.choose_multiple(rng, regimen_size).copied().collect();
    let surgery_day = (surgical && rng.random_bool(0.6) && days >= 3).then(|| rng.random_range(1..days.min(5)));
    let transfusion_day = (rng.random_range(0..100) < 6 && days >= 2).then(|| rng.random_range(1..days));
    let one = Decimal::ONE;
    for day in 0..days {
        let date = start + Duration::days(day);
        let at = |rng: &mut ChaCha8Rng, from: u32, to: u32| {
            at_time(date, rng.random_range(from..to), rng.random_range(0..60))
        };
        // Daily charges posted by the nightly run.
        for item in [bed, nursing, catalog::CONSULTATION, catalog::OTHER] {
            let qty = if item.unit == "小时" { Decimal::from(24) } else { one };
            lines.push((at_time(date, 23, 50), item, qty));
        }
        // Long-term orders are billed per administration: one line per dose given.
        for drug in &regimen {
            if rng.random_bool(0.8) {
                let doses = if long_stay { rng.random_range(2..=4) } else { rng.random_range(1..=3) };
                for _ in 0..doses {
                    lines.push((at(rng, 7, 21), *drug, Decimal::from(rng.random_range(1..3))));
                }
            }
        }
        if long_stay && rng.random_bool(0.3) {
            lines.push((
                at(rng, 8, 18),
                *catalog::HERBS.choose(rng).expect("herbs"),
                Decimal::from(rng.random_range(1..8)),
            ));
        }
        let infusions = rng.random_range(1..4);
        lines.push((at(rng, 8, 12), catalog::DAILY_TREATMENT[0], one));
        if infusions > 1 {
            lines.push((at(rng, 8, 12), catalog::DAILY_TREATMENT[1], Decimal::from(infusions - 1)));
        }
        lines.push((at(rng, 8, 12), catalog::MATERIALS[0], Decimal::from(infusions)));
        for treatment in &catalog::DAILY_TREATMENT[2..] {
            if rng.random_bool(0.25) {
                let qty = if treatment.unit == "小时" {
                    Decimal::new(i64::from(rng.random_range(1..17)) * 5, 1)
                } else {
                    one
                };
                lines.push((at(rng, 8, 20), *treatment, qty));
            }
        }
        if day == 0 {
            for lab in catalog::ADMISSION_LABS {
                lines.push((at(rng, 6, 10), lab, one));
            }
            lines.push((at(rng, 9, 17), catalog::MATERIALS[1], one));
            for exam in catalog::IMAGING[..3].choose_multiple(rng, 2) {
                lines.push((at(rng, 9, 17), *exam, one));
            }
        } else if day % 3 == 0 {
            for lab in catalog::FOLLOW_UP_LABS {
                lines.push((at(rng, 6, 8), lab, one));
            }
        }
        if day > 0 && rng.random_bool(0.08) {
            lines.push((at(rng, 9, 17), *catalog::IMAGING[3..].choose(rng).expect("imaging"), one));
        }
        if Some(day) == surgery_day {
            for item in *catalog::SURGERIES.choose(rng).expect("surgeries") {
                lines.push((at(rng, 9, 15), item, one));
            }
            lines.push((at(rng, 9, 15), catalog::MATERIALS[2], one));
            lines.push((at(rng, 15, 18), catalog::MATERIALS[3], Decimal::from(rng.random_range(2..6))));
        }
        if Some(day) == transfusion_day {
            lines.push((at(rng, 10, 16), catalog::BLOOD[0], Decimal::from(rng.random_range(1..4))));
            if rng.random_bool(0.4) {
                lines.push((at(rng, 10, 16), catalog::BLOOD[1], Decimal::from(rng.random_range(1..4))));
            }
            lines.push((at(rng, 10, 16), catalog::BLOOD_SERVICE, one));
        }
        // Now and then a returned drug (退药) is booked as a negative line.
        if day > 0 && !regimen.is_empty() && rng.random_bool(0.05) {
            lines.push((at(rng, 14, 18), *regimen.choose(rng).expect("regimen"), -one));
        }
    }
    lines.retain(|(at, _, _)| *at >= admission.admitted_at && *at <= until);
    lines.sort_by_key(|(at, _, _)| *at);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (charged_at, item, quantity))| {
            let unit_price = Money::from_fen(item.price_fen).expect("catalogue prices are small");
            let line = FeeLine {
                id: i64::try_from(i).unwrap_or(i64::MAX),
                item_code: item.code.to_owned(),
                item_name: item.name.to_owned(),
                category: item.category,
                spec: item.spec.to_owned(),
                unit: item.unit.to_owned(),
                quantity,
                unit_price,
                amount: unit_price.times(quantity).expect("small amounts"),
                charged_at,
                department: admission.department.clone(),
                status: FeeStatus::Confirmed,
            };
            Keyed { key: key_at(charged_at, rng), value: line }
        })
        .collect()
}

/// Lab and imaging lines of the last two days may still await confirmation (未确费) unless the
/// audit passed; a few lines were cancelled by the ordering department.
fn mark_statuses(
    fees: &mut [Keyed<FeeLine>],
    until: NaiveDateTime,
    discharge_ordered: bool,
    audited: bool,
    rng: &mut ChaCha8Rng,
) {
    let recent = until - Duration::days(2);
    let leave_unconfirmed = !audited && (!discharge_ordered || rng.random_bool(0.6));
    for fee in fees.iter_mut() {
        let line = &mut fee.value;
        let confirmable = matches!(line.category, domain::FeeCategory::Laboratory | domain::FeeCategory::Examination);
        if !confirmable || line.quantity.is_sign_negative() {
            continue;
        }
        if rng.random_bool(0.004) {
            line.status = FeeStatus::Cancelled;
        } else if leave_unconfirmed && line.charged_at >= recent && rng.random_bool(0.4) {
            line.status = FeeStatus::Unconfirmed;
        }
    }
}

/// Half of the patients who were transfused have a donor in the family whose reimbursement the
/// blood platform approved: the product cost of up to the donated volume.
fn blood_reimbursements(
    admission: &Admission,
    fees: &[Keyed<FeeLine>],
    now: NaiveDateTime,
    rng: &mut ChaCha8Rng,
) -> Vec<Keyed<ApprovedBloodReimbursement>> {
    let blood: Money =
        fees.iter().filter(|f| f.value.category == domain::FeeCategory::Blood).map(|f| f.value.amount).sum();
    if !blood.is_positive() || !rng.random_bool(0.5) {
        return Vec::new();
    }
    let (relationship, donor) = match rng.random_range(0..3) {
        0 => ("本人", admission.patient.name.to_string()),
        1 => ("配偶", "李秀英".to_owned()),
        _ => ("子女", format!("{}明", admission.patient.name.as_str().chars().next().unwrap_or('王'))),
    };
    let volume_ml = *[200, 300, 400].choose(rng).expect("volumes");
    let approved_at = (admission.admitted_at + Duration::days(1)).min(now);
    let amount = blood.min(Money::from_fen(volume_ml * 110).expect("small"));
    let reimbursement = ApprovedBloodReimbursement {
        certificate_no: format!("浙{}{:07}", approved_at.year(), rng.random_range(0..10_000_000)),
        donor_name: donor,
        relationship: relationship.to_owned(),
        volume_ml,
        amount,
        approved_at,
    };
    vec![Keyed { key: key_at(approved_at, rng), value: reimbursement }]
}

fn pick_tender(rng: &mut ChaCha8Rng) -> Tender {
    match rng.random_range(0..100) {
        0..35 => Tender::WeChat,
        35..55 => Tender::Alipay,
        55..80 => Tender::BankCard,
        80..95 => Tender::Cash,
        95..98 => Tender::SocialSecurityCard,
        _ => Tender::Cheque,
    }
}

fn reference(tender: Tender, rng: &mut ChaCha8Rng) -> Option<String> {
    let digits = |n: usize, rng: &mut ChaCha8Rng| {
        (0..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect::<String>()
    };
    match tender {
        Tender::Cash | Tender::Transfer => None,
        Tender::WeChat => Some(format!("4200002{}", digits(21, rng))),
        Tender::Alipay => Some(format!("2026{}", digits(24, rng))),
        // The POS slip: 终端号:参考号 (the same draws as before, so the demo hospital is unchanged).
        Tender::BankCard => Some(format!("T0000001:{}", digits(12, rng))),
        Tender::SocialSecurityCard => Some(format!("T0000002:00{}", digits(10, rng))),
        Tender::Cheque => Some(format!("ZP{}", digits(8, rng))),
    }
}

fn deposit(
    amount_yuan: i64,
    at: NaiveDateTime,
    rng: &mut ChaCha8Rng,
    receipts: &mut ReceiptBook,
) -> Keyed<DepositEntry> {
    let cashier = rng.random_range(0..CASHIERS.len());
    let amount = Money::from_fen(amount_yuan * 100).expect("small amounts");
    let tenders = if rng.random_bool(0.1) && amount_yuan > 1000 {
        // The same draw as ever; a cash part as large as the deposit leaves ¥100 for WeChat
        // (a split line is never zero or negative).
        let drawn = Money::from_fen(rng.random_range(1..5) * 50_000).expect("small");
        let cash = drawn.min(amount - Money::from_fen(10_000).expect("small"));
        vec![
            TenderLine { tender: Tender::Cash, amount: cash, reference: None },
            TenderLine { tender: Tender::WeChat, amount: amount - cash, reference: reference(Tender::WeChat, rng) },
        ]
    } else {
        let tender = pick_tender(rng);
        vec![TenderLine { tender, amount, reference: reference(tender, rng) }]
    };
    let entry = DepositEntry {
        id: 0,
        receipt_no: receipts.take(cashier),
        kind: DepositKind::Deposit,
        amount,
        tenders,
        at,
        cashier: CASHIERS[cashier].0.to_owned(),
        reason: None,
    };
    Keyed { key: key_at(at, rng), value: entry }
}

/// The admission deposit, top-ups whenever the deposit runs low, and the odd reversal of a
/// deposit taken by mistake.
fn deposits(
    admission: &Admission,
    fees: &[Keyed<FeeLine>],
    now: NaiveDateTime,
    rng: &mut ChaCha8Rng,
    receipts: &mut ReceiptBook,
    detail: FeeDetail,
) -> Vec<Keyed<DepositEntry>> {
    let first_amount = if admission.insurance.is_insured() {
        *[2_000, 3_000, 5_000].choose(rng).expect("amounts")
    } else {
        *[5_000, 10_000, 20_000].choose(rng).expect("amounts")
    };
    let first_at = (admission.admitted_at + Duration::minutes(rng.random_range(5..40))).min(now);
    let mut out = vec![deposit(first_amount, first_at, rng, receipts)];
    if detail == FeeDetail::Full && rng.random_bool(0.04) {
        // Taken twice by mistake: the second receipt is reversed by its original route.
        let mut twice = deposit(first_amount, first_at + Duration::minutes(1), rng, receipts);
        twice.value.id = 1;
        let reversal_at = (first_at + Duration::minutes(rng.random_range(2..30))).min(now);
        let original = twice.value.clone();
        out.push(twice);
        let reversal = DepositEntry {
            id: 0,
            receipt_no: receipts.take(0),
            kind: DepositKind::Reversal { of: original.id },
            amount: -original.amount,
            tenders: original.tenders.iter().map(|t| TenderLine { amount: -t.amount, ..t.clone() }).collect(),
            at: reversal_at,
            cashier: CASHIERS[0].0.to_owned(),
            reason: Some("重复收取，原路退回".to_owned()),
        };
        out.push(Keyed { key: key_at(reversal_at, rng), value: reversal });
    }
    // Top up the morning after the running balance drops under ¥1,000 (insured: half counts).
    let share = if admission.insurance.is_insured() { Decimal::new(5, 1) } else { Decimal::ONE };
    let mut paid: Money = yuan(first_amount);
    let mut charged = Money::ZERO;
    let mut last_top_up = admission.admitted_at.date();
    for fee in fees {
        charged += fee.value.amount;
        let owed = charged.times(share).expect("small");
        let day = fee.value.charged_at.date() + Duration::days(1);
        if paid - owed < Money::from_fen(100_000).expect("small") && day > last_top_up {
            let at = at_time(day, rng.random_range(8..11), rng.random_range(0..60));
            if at > now {
                break;
            }
            let amount = *[3_000, 5_000, 10_000].choose(rng).expect("amounts");
            out.push(deposit(amount, at, rng, receipts));
            paid += yuan(amount);
            last_top_up = day;
        }
    }
    for (position, entry) in out.iter_mut().enumerate() {
        entry.value.id = i64::try_from(position).unwrap_or(i64::MAX);
    }
    out
}

fn yuan(yuan: i64) -> Money {
    Money::from_fen(yuan * 100).expect("small amounts")
}
