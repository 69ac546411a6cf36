//! The blood waiver deducted at a stand-alone counter's settlement, on a real SQLite file with
//! the sandbox blood platform's register beside it: an approved registration is forwarded, the
//! trial shows what its blood products will be waived, the settlement keeps the grant and the
//! millilitres, a recall gives them back, the next settlement is waived again — and a second
//! admission of the same donor finds the certificate used.

mod support;

use contract::blood::{CertificateInput, RegisterBloodRequest, ReviewBloodRequest};
use contract::cashier::{Approval, RecallRequest, SettleRequest, TenderInput, TrialRequest};
use domain::{AdmissionEvent, FeeCategory, FeeStatus, InsuranceType, Tender};
use support::*;
use tempfile::TempDir;

/// A self-paying stay with two units of red cells (400 ml, ¥440), a blood-service line and
/// drugs; discharge ordered and audited.
fn transfused(case_no: &'static str) -> Stay {
    Stay {
        case_no,
        insurance: InsuranceType::SelfPay,
        fees: vec![
            (FeeCategory::Drug, "1000.00", FeeStatus::Confirmed),
            (FeeCategory::Blood, "220.00", FeeStatus::Confirmed),
            (FeeCategory::Blood, "220.00", FeeStatus::Confirmed),
        ],
        deposits: vec![(Tender::Cash, "2000.00", 3)],
        events: vec![AdmissionEvent::DischargeOrdered, AdmissionEvent::AuditPassed],
    }
}

/// The patient's spouse, one 150 ml donation in 2024: 2 × 150 = 300 ml within five years.
fn spouse_of(case_no: &str) -> RegisterBloodRequest {
    RegisterBloodRequest {
        case_no: case_no.into(),
        key: key(),
        donor: "spouse".into(),
        donor_name: "李建国".into(),
        donor_id: "11010519491231002X".into(),
        gold_award: false,
        pledge: false,
        certificates: vec![CertificateInput {
            certificate_no: "ZJ2024000777".into(),
            donated_on: "2024-05-01".into(),
            volume_ml: "150".into(),
            kind: "whole".into(),
        }],
        materials: Vec::new(),
    }
}

/// The registration with a scanned page for every material.
fn with_materials(dir: &TempDir, mut request: RegisterBloodRequest) -> RegisterBloodRequest {
    let page = dir.path().join(format!("{}.png", request.case_no));
    image::RgbImage::from_pixel(300, 200, image::Rgb([200, 30, 30])).save(&page).unwrap();
    let path = page.display().to_string();
    request.materials = ["donor_id", "certificate", "patient_id", "relationship"]
        .iter()
        .map(|item| contract::blood::MaterialInput { item: (*item).into(), path: path.clone() })
        .collect();
    request
}

async fn registered_and_approved(app: &app::App, dir: &TempDir, case_no: &str) -> i64 {
    let cashier = login(app, "cashier").await;
    let request = with_materials(dir, spouse_of(case_no));
    let r = app.register_blood(&cashier, &request).await.unwrap();
    let supervisor = login(app, "supervisor").await;
    app.review_blood(
        &supervisor,
        &ReviewBloodRequest { registration: r.registration, key: key(), approve: true, reason: String::new() },
    )
    .await
    .unwrap();
    r.registration
}

fn settle_all(trial: &contract::cashier::TrialView) -> SettleRequest {
    let due = trial.due.money();
    let tenders: Vec<TenderInput> = if due.is_positive() {
        vec![tender("现金", &due.to_string())]
    } else {
        trial.refund_suggestion.iter().map(|t| tender(&t.tender.code, &t.amount.to_string())).collect()
    };
    SettleRequest {
        case_no: trial.case_no.clone(),
        key: key(),
        kind: trial.kind.code.clone(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders,
        cash_received: None,
    }
}

async fn used_ml(app: &app::App) -> u32 {
    let mut conn = app.store().conn().await.unwrap();
    store::registrations::used_ml(&mut conn, "ZJ2024000777").await.unwrap()
}

#[tokio::test]
async fn the_waiver_is_deducted_at_settlement_and_given_back_by_a_recall() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &transfused("2026900301")).await;
    let cashier = login(&app, "cashier").await;
    let trial_request = TrialRequest { case_no: "2026900301".into(), kind: "discharge".into() };

    // Before any registration: nothing waived.
    let before = app.trial(&cashier, &trial_request).await.unwrap();
    assert_eq!((before.blood_reimbursement.money(), before.blood_ml), (m("0.00"), 0));
    let registration = registered_and_approved(&app, &dir, "2026900301").await;
    let not_yet = app.blood_form_pdf(registration).await.unwrap_err();
    assert_eq!(not_yet.code(), "BLOOD_NOT_DEDUCTED", "{not_yet}");

    // 300 of the 400 ml are covered: three quarters of ¥440.
    let trial = app.trial(&cashier, &trial_request).await.unwrap();
    assert_eq!((trial.blood_reimbursement.money(), trial.blood_ml), (m("330.00"), 300));
    assert_eq!(trial.due.money(), before.due.money() - m("330.00"));
    assert_eq!(used_ml(&app).await, 0, "the trial changes nothing");

    let settled = app.settle(&cashier, &settle_all(&trial)).await.unwrap();
    assert_eq!(settled.blood_reimbursement.money(), m("330.00"));
    assert_eq!(used_ml(&app).await, 300, "the certificate paid 300 ml");
    // The reimbursement form, read back: both copies, the certificate's 300 ml, the products.
    let form = app.blood_form_pdf(registration).await.unwrap();
    assert_eq!(form.pages, 2);
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, &form.bytes).unwrap();
    let text = std::process::Command::new("pdftotext").args(["-layout", path.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for expected in [settled.settlement_no.as_str(), "ZJ2024000777", "悬浮红细胞", "330.00", "叁佰叁拾元整", "配偶"]
    {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    let again = app.trial(&cashier, &TrialRequest { kind: "discharge".into(), ..trial_request.clone() }).await;
    assert!(again.is_err(), "nothing left to settle after the discharge settlement");

    // The recall cancels the grant: the millilitres are back, and the next trial is waived again.
    let recall = RecallRequest {
        case_no: "2026900301".into(),
        key: key(),
        kind: "settlement".into(),
        settlement_no: None,
        reason: "结算有误".into(),
        approval: Approval { username: "supervisor".into(), password: demo::DEMO_PASSWORD.into() },
    };
    app.recall(&cashier, &recall).await.unwrap();
    assert_eq!(used_ml(&app).await, 0);
    let redone = app.trial(&cashier, &trial_request).await.unwrap();
    assert_eq!((redone.blood_reimbursement.money(), redone.blood_ml), (m("330.00"), 300));
    let resettled = app.settle(&cashier, &settle_all(&redone)).await.unwrap();
    assert_eq!(resettled.blood_reimbursement.money(), m("330.00"));

    // The month's claim: grant, cancellation, grant — each matched with the sandbox's statement.
    let finance = login(&app, "finance").await;
    let month = app.blood_month(&finance, app::month_start("2026-11").unwrap()).await.unwrap();
    let seen: Vec<(&str, bool, String)> =
        month.lines.iter().map(|l| (l.outcome.code.as_str(), l.cancellation, l.amount.unwrap().to_string())).collect();
    assert_eq!(
        seen,
        vec![
            ("matched", false, "330.00".into()),
            ("matched", true, "-330.00".into()),
            ("matched", false, "330.00".into())
        ]
    );
    assert_eq!((month.total.money(), month.theirs_total.money()), (m("330.00"), m("330.00")));
    assert_eq!(app.blood_month(&cashier, app::month_start("2026-11").unwrap()).await.unwrap_err().code(), "FORBIDDEN");

    // A reopened counter (a new process) finds the sandbox's register as it was: the same donor
    // registered for another admission has nothing left.
    let app = reopen(app, &dir, app::Clock::Fixed(now())).await;
    admit(&app, &transfused("2026900302")).await;
    let cashier = login(&app, "cashier").await;
    let refused = app.register_blood(&cashier, &with_materials(&dir, spouse_of("2026900302"))).await.unwrap_err();
    assert_eq!(refused.code(), "BLOOD_ENTITLEMENT_USED_UP", "{refused}");
    let sandbox = std::fs::read_to_string(dir.path().join(app::BLOOD_SANDBOX_FILE)).unwrap();
    assert_eq!(sandbox.lines().count(), 4, "registered, granted, cancelled, granted:\n{sandbox}");
}

#[tokio::test]
async fn a_lost_grant_is_found_by_the_settlements_key_and_an_unreachable_platform_writes_nothing() {
    use blood_platform::{BloodPlatform, SandboxBloodPlatform, SandboxFault};
    use std::sync::Arc;
    let dir = TempDir::new().unwrap();
    let options = app::SeedOptions { seed: 11, patients: 1, now: now(), fees: demo::FeeDetail::Full };
    app::seed_demo(&dir.path().join("cashier.db"), &options).await.unwrap();
    let sandbox = Arc::new(SandboxBloodPlatform::new(
        domain::blood::BloodPolicy::default(),
        std::time::Duration::from_millis(2),
        SandboxFault::None,
    ));
    let config = app::AppConfig {
        blood_platform: Some(sandbox.clone() as Arc<dyn BloodPlatform>),
        ..support::config(&dir, app::Clock::Fixed(now()))
    };
    let app = app::App::open(config).await.unwrap();
    admit(&app, &transfused("2026900401")).await;
    registered_and_approved(&app, &dir, "2026900401").await;
    let cashier = login(&app, "cashier").await;
    let trial_request = TrialRequest { case_no: "2026900401".into(), kind: "discharge".into() };

    // Unreachable: the trial says so and nothing is written.
    sandbox.set_fault(SandboxFault::Unavailable);
    let snapshot = version(&app, "2026900401").await;
    let refused = app.trial(&cashier, &trial_request).await.unwrap_err();
    assert_eq!(refused.code(), "BLOOD_PLATFORM_UNAVAILABLE", "{refused}");
    assert_eq!(version(&app, "2026900401").await, snapshot);

    // The grant's answer is lost: the settlement finds it by its key, and it is granted once.
    sandbox.set_fault(SandboxFault::None);
    let trial = app.trial(&cashier, &trial_request).await.unwrap();
    sandbox.set_fault(SandboxFault::LoseWaiveAnswer);
    let settled = app.settle(&cashier, &settle_all(&trial)).await.unwrap();
    assert_eq!(settled.blood_reimbursement.money(), m("330.00"));
    let statement = sandbox.statement(2026, 11).await.unwrap();
    assert_eq!(statement.len(), 1, "{statement:?}");
    assert_eq!(statement[0].amount, m("330.00"));
    assert_eq!(used_ml(&app).await, 300);

    // The blood platform cancels the grant on its own: the month shows it as theirs only.
    sandbox.set_fault(SandboxFault::None);
    let business_no = statement[0].business_no;
    sandbox.cancel(business_no, now()).await.unwrap();
    let finance = login(&app, "finance").await;
    let month = app.blood_month(&finance, app::month_start("2026-11").unwrap()).await.unwrap();
    let outcomes: Vec<&str> = month.lines.iter().map(|l| l.outcome.code.as_str()).collect();
    assert_eq!(outcomes, vec!["matched", "theirs_only"], "{month:?}");
    assert_eq!(month.theirs_total.money(), m("0.00"));
}
