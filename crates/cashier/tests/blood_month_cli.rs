//! `cashier blood form` and `cashier report blood-monthly` on a counter whose settlement deducted
//! a blood waiver (set up through the app in-process, as the window would), run as scripts run
//! them: the form read back with pdftotext, the claim's JSON, its XLSX read back with calamine
//! and its PDF with pdftotext; a bad month refused.

use std::process::{Command, Output};

use calamine::{Reader, Xlsx};
use contract::blood::{CertificateInput, MaterialInput, RegisterBloodRequest, ReviewBloodRequest};
use contract::cashier::{SettleRequest, TenderInput, TrialRequest};
use domain::{AdmissionEvent, FeeCategory, FeeStatus, InsuranceType, Money, Tender};
use tempfile::TempDir;

fn cashier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cashier")).args(args).output().expect("the cashier binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn now() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

/// A settled discharge with 400 ml of red cells, 300 of them waived for the spouse's donation.
fn deducted(dir: &TempDir) -> (String, i64) {
    let db = dir.path().join("cashier.db");
    let page = dir.path().join("page.png");
    image::RgbImage::from_pixel(300, 200, image::Rgb([200, 30, 30])).save(&page).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let registration = runtime.block_on(async {
        let options = app::SeedOptions { seed: 5, patients: 1, now: now(), fees: demo::FeeDetail::None };
        app::seed_demo(&db, &options).await.unwrap();
        let config = app::AppConfig { clock: app::Clock::Fixed(now()), ..app::AppConfig::new(db.clone()) };
        let app = app::App::open(config).await.unwrap();
        let m = |text: &str| Money::parse(text).unwrap();
        let scenario = demo::scenario::Scenario {
            fees: vec![
                (FeeCategory::Drug, m("1000.00"), FeeStatus::Confirmed),
                (FeeCategory::Blood, m("220.00"), FeeStatus::Confirmed),
                (FeeCategory::Blood, m("220.00"), FeeStatus::Confirmed),
            ],
            deposits: vec![(Tender::Cash, m("2000.00"), 3)],
            events: vec![AdmissionEvent::DischargeOrdered, AdmissionEvent::AuditPassed],
            insurance: InsuranceType::SelfPay,
            ..demo::scenario::Scenario::audited("2026900501", now())
        };
        app::demo_seed::add_admission(&app, &scenario.build()).await.unwrap();
        let clerk = app.console_operator("cashier").await.unwrap();
        let request = RegisterBloodRequest {
            case_no: "2026900501".into(),
            key: app.operation_key(),
            donor: "spouse".into(),
            donor_name: "李建国".into(),
            donor_id: "11010519491231002X".into(),
            gold_award: false,
            pledge: false,
            certificates: vec![CertificateInput {
                certificate_no: "ZJ2024000888".into(),
                donated_on: "2024-05-01".into(),
                volume_ml: "150".into(),
                kind: "whole".into(),
            }],
            materials: ["donor_id", "certificate", "patient_id", "relationship"]
                .iter()
                .map(|item| MaterialInput { item: (*item).into(), path: page.display().to_string() })
                .collect(),
        };
        let registered = app.register_blood(&clerk, &request).await.unwrap();
        let supervisor = app.console_operator("supervisor").await.unwrap();
        let review = ReviewBloodRequest {
            registration: registered.registration,
            key: app.operation_key(),
            approve: true,
            reason: String::new(),
        };
        app.review_blood(&supervisor, &review).await.unwrap();
        let trial =
            app.trial(&clerk, &TrialRequest { case_no: "2026900501".into(), kind: "discharge".into() }).await.unwrap();
        assert_eq!(trial.blood_ml, 300);
        let refund: Vec<TenderInput> = trial
            .refund_suggestion
            .iter()
            .map(|t| TenderInput::new(t.tender.code.clone(), t.amount.to_string()))
            .collect();
        let settle = SettleRequest {
            case_no: "2026900501".into(),
            key: app.operation_key(),
            kind: "discharge".into(),
            version: trial.version.clone(),
            expected_due: trial.due.to_string(),
            tenders: refund,
            cash_received: None,
        };
        app.settle(&clerk, &settle).await.unwrap();
        registered.registration
    });
    (db.display().to_string(), registration)
}

#[test]
fn the_form_and_the_months_claim_come_out_of_the_command_line() {
    let dir = TempDir::new().unwrap();
    let (db, registration) = deducted(&dir);

    let form = dir.path().join("form.pdf");
    let out = cashier(&["blood", "form", "--db", &db, &registration.to_string(), form.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let read = Command::new("pdftotext").args(["-layout", form.to_str().unwrap(), "-"]).output().unwrap();
    let read = text(&read.stdout);
    for expected in ["第一联 医院留存", "第二联 血站留存", "ZJ2024000888", "330.00", "叁佰叁拾元整"]
    {
        assert!(read.contains(expected), "{expected} missing from\n{read}");
    }

    let (xlsx, pdf) = (dir.path().join("month.xlsx"), dir.path().join("month.pdf"));
    let out = cashier(&[
        "report",
        "blood-monthly",
        "--db",
        &db,
        "--month",
        "2026-11",
        "--json",
        "--xlsx",
        xlsx.to_str().unwrap(),
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["month"], "2026-11");
    assert_eq!(view["lines"].as_array().unwrap().len(), 1, "{view}");
    assert_eq!(view["lines"][0]["outcome"]["code"], "matched", "{view}");
    assert_eq!(view["total"], "330.00");
    assert_eq!(view["theirs_total"], "330.00");

    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("用血减免月结").unwrap();
    let cells: Vec<String> = sheet.rows().nth(3).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(cells[0], "一致", "{cells:?}");
    assert!(cells[5].contains("ZJ2024000888"), "{cells:?}");
    assert_eq!(cells[8], "330", "{cells:?}");
    let read = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    let read = text(&read.stdout);
    assert!(read.contains("用血减免月结 2026-11") && read.contains("330.00"), "{read}");

    let refused = cashier(&["report", "blood-monthly", "--db", &db, "--month", "2026-13"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("YYYY-MM"), "{}", text(&refused.stderr));
    let clerk = cashier(&["report", "blood-monthly", "--db", &db, "--month", "2026-11", "--as", "cashier"]);
    assert!(!clerk.status.success(), "a cashier may not see the claim");
}
