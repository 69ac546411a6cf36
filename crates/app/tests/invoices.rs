//! The e-invoice at a stand-alone counter, on a real SQLite file with the sandbox fiscal
//! platform in-process: a settlement gets its invoice (sealed, content summing exactly), an
//! unreachable platform leaves it 开具失败（重试中） without touching the settlement and a retry
//! issues it once, a lost answer never makes two invoices, a recall reverses it (冲红) and the
//! re-settlement gets a new one.

mod support;

use std::sync::Arc;
use std::time::Duration;

use app::App;
use contract::cashier::{Approval, RecallRequest, SettleRequest, TrialRequest};
use fiscal::{FiscalPlatform, SandboxFault, SandboxFiscal};
use support::*;
use tempfile::TempDir;

async fn settle(app: &App, case_no: &str) -> contract::cashier::SettlementView {
    let cashier = login(app, "cashier").await;
    let trial = app.trial(&cashier, &TrialRequest { case_no: case_no.into(), kind: "discharge".into() }).await.unwrap();
    let request = SettleRequest {
        case_no: case_no.into(),
        key: key(),
        kind: "discharge".into(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders: if trial.due.money().is_positive() {
            vec![tender("cash", &trial.due.to_string())]
        } else {
            Vec::new()
        },
        cash_received: None,
    };
    app.settle(&cashier, &request).await.unwrap()
}

async fn recall(app: &App, case_no: &str) {
    let cashier = login(app, "cashier").await;
    let request = RecallRequest {
        case_no: case_no.into(),
        key: key(),
        kind: "settlement".into(),
        settlement_no: None,
        reason: "收费项目录入错误".into(),
        approval: Approval { username: "supervisor".into(), password: demo::DEMO_PASSWORD.into() },
    };
    app.recall(&cashier, &request).await.unwrap();
}

#[tokio::test]
async fn a_settlement_gets_its_sealed_invoice_and_a_recall_reverses_it() {
    let dir = TempDir::new().unwrap();
    let (app, sandbox) = with_fiscal_sandbox(&dir).await;
    admit(&app, &Stay::audited("2026900401")).await;
    let settled = settle(&app, "2026900401").await;
    assert_eq!(
        (settled.invoice_status.code.as_str(), settled.invoice_status.label.as_str()),
        ("issued", "电子票据已开具")
    );

    let invoices = app.invoices("2026900401").await.unwrap();
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0];
    assert_eq!((invoice.status.as_str(), invoice.settlement_no.as_str()), ("issued", settled.settlement_no.as_str()));
    assert_eq!(invoice.amount.money(), m("1500.00"));
    // What the fiscal platform holds is what the counter kept, and its seal verifies.
    let fiscal = sandbox.adapter();
    let issued = sandbox.issued();
    assert_eq!(issued.len(), 1);
    let held = fiscal.query(issued[0].0).await.unwrap().unwrap();
    assert_eq!(
        (held.issued.number.as_str(), held.issued.code.as_str()),
        (invoice.number.as_str(), invoice.code.as_str())
    );
    assert!(fiscal::seal::verify(&sandbox.verifying_key(), &held.issued));
    // Fees 1500 = deposit 500 + cash 1000, summed exactly on the invoice (the sandbox checks).
    assert_eq!(held.issued.total, m("1500.00"));

    // The layout file reads back with the fiscal platform's numbers and the figures.
    let pdf = app.invoice_pdf("2026900401", &settled.settlement_no, false).await.unwrap();
    let path = dir.path().join("invoice.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let text = std::process::Command::new("pdftotext").args(["-layout", path.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for expected in [
        invoice.code.as_str(),
        invoice.number.as_str(),
        invoice.check_code.as_str(),
        "药品费",
        "床位费",
        "壹仟伍佰元整",
        "1,500.00",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    assert!(!text.contains("已冲红"));
    // The settlement statement names its invoice.
    let statement = app.settlement_pdf("2026900401", &settled.settlement_no, "王丽").await.unwrap();
    std::fs::write(&path, &statement.bytes).unwrap();
    let text = std::process::Command::new("pdftotext").args(["-layout", path.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains(&format!("票据号码 {}", invoice.number)), "{text}");

    recall(&app, "2026900401").await;
    let pdf = app.invoice_pdf("2026900401", &settled.settlement_no, false).await.unwrap();
    std::fs::write(&path, &pdf.bytes).unwrap();
    let text = std::process::Command::new("pdftotext").args(["-layout", path.to_str().unwrap(), "-"]).output().unwrap();
    assert!(String::from_utf8(text.stdout).unwrap().contains("已冲红"), "a reversed invoice says so");
    let reversed = &app.invoices("2026900401").await.unwrap()[0];
    assert_eq!((reversed.status.as_str(), reversed.status_label.as_str()), ("reversed", "已冲红"));
    assert!(reversed.red_number.is_some());
    assert!(fiscal.query(issued[0].0).await.unwrap().unwrap().scarlet.is_some());

    // Settled again: a new invoice; the first stays reversed.
    let again = settle(&app, "2026900401").await;
    assert_eq!(again.invoice_status.code, "issued");
    let states: Vec<String> = app.invoices("2026900401").await.unwrap().iter().map(|i| i.status.clone()).collect();
    assert_eq!(states, ["reversed", "issued"]);
    assert_eq!(sandbox.issued().len(), 2);
}

#[tokio::test]
async fn an_unreachable_or_silent_fiscal_platform_never_loses_or_doubles_an_invoice() {
    let dir = TempDir::new().unwrap();
    let (app, sandbox) = with_fiscal_sandbox(&dir).await;
    admit(&app, &Stay::audited("2026900402")).await;

    // Unreachable: the settlement stands, its invoice says it failed and is retried.
    sandbox.set_fault(SandboxFault::Unavailable);
    let settled = settle(&app, "2026900402").await;
    assert_eq!(
        (settled.invoice_status.code.as_str(), settled.invoice_status.label.as_str()),
        ("failed", "电子票据开具失败（重试中）")
    );
    let failed = &app.invoices("2026900402").await.unwrap()[0];
    assert!(failed.failure.as_deref().unwrap().contains("FISCAL_UNAVAILABLE"), "{failed:?}");
    assert_eq!(app.finish_invoices().await.unwrap(), 1, "still unreachable: still undone");
    assert!(sandbox.issued().is_empty());

    // Back, but every first answer is lost: the retry asks by the settlement's key, one invoice.
    sandbox.set_fault(SandboxFault::LoseFirstAnswer);
    assert_eq!(app.finish_invoices().await.unwrap(), 0);
    assert_eq!(app.finish_invoices().await.unwrap(), 0, "nothing left: a second retry asks nothing");
    assert_eq!(sandbox.issued().len(), 1);
    let issued = &app.invoices("2026900402").await.unwrap()[0];
    assert_eq!(
        (issued.status.as_str(), issued.number.as_str(), issued.failure.as_deref()),
        ("issued", sandbox.issued()[0].1.as_str(), None)
    );

    // A recall while the platform is down: the recall stands, the reversal waits for a retry.
    sandbox.set_fault(SandboxFault::Unavailable);
    recall(&app, "2026900402").await;
    let waiting = &app.invoices("2026900402").await.unwrap()[0];
    assert_eq!(waiting.status, "issued");
    assert!(waiting.failure.as_deref().unwrap().starts_with("冲红未完成"), "{waiting:?}");
    sandbox.set_fault(SandboxFault::None);
    assert_eq!(app.finish_invoices().await.unwrap(), 0);
    assert_eq!(app.invoices("2026900402").await.unwrap()[0].status, "reversed");
    assert_eq!(sandbox.issued().len(), 1);
}

/// How many failed attempts the counter kept (read with the sqlite3 tool, beside the app).
fn failed_attempts(dir: &TempDir) -> String {
    let out = std::process::Command::new("sqlite3")
        .arg(dir.path().join("cashier.db"))
        .arg("SELECT count(*) FROM invoice_events WHERE kind = 'failed'")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test]
async fn a_refused_invoice_waits_for_its_correction_and_a_retry_by_hand() {
    let dir = TempDir::new().unwrap();
    let sandbox = Arc::new(SandboxFiscal::demo(Duration::ZERO));
    let options = app::SeedOptions { seed: 11, patients: 1, now: now(), fees: demo::FeeDetail::Full };
    app::seed_demo(&dir.path().join("cashier.db"), &options).await.unwrap();
    // The counter was given a wrong signing key: the fiscal platform refuses the envelope.
    let wrong = fiscal::Bosssoft::new(
        fiscal::Credentials { appid: fiscal::DEMO_APPID.into(), key: "wrong-key".into() },
        sandbox.clone(),
        sandbox.verifying_key(),
    );
    let mut wrong_config = config(&dir, app::Clock::Fixed(now()));
    wrong_config.fiscal = Some(Arc::new(wrong));
    let app = App::open(wrong_config.clone()).await.unwrap();
    admit(&app, &Stay::audited("2026900403")).await;
    let settled = settle(&app, "2026900403").await;
    assert_eq!(settled.invoice_status.code, "failed");
    let failure = app.invoices("2026900403").await.unwrap()[0].failure.clone().unwrap();
    assert!(failure.contains("签名验证失败") && failure.ends_with("（FISCAL_BAD_SIGN）"), "{failure}");
    assert_eq!(failed_attempts(&dir), "1");
    // Reopened as it is: the refusal is not asked again by itself.
    app.store().close().await;
    let app = App::open(wrong_config).await.unwrap();
    assert_eq!(failed_attempts(&dir), "1", "no new attempt at start");
    // Corrected: still waiting for the retry by hand, which issues it once.
    app.store().close().await;
    let mut corrected = config(&dir, app::Clock::Fixed(now()));
    corrected.fiscal = Some(Arc::new(sandbox.adapter()));
    let app = App::open(corrected).await.unwrap();
    assert_eq!(failed_attempts(&dir), "1");
    assert_eq!(app.invoices("2026900403").await.unwrap()[0].status, "failed");
    assert_eq!(app.finish_invoices().await.unwrap(), 0);
    assert_eq!(app.invoices("2026900403").await.unwrap()[0].status, "issued");
    assert_eq!(sandbox.issued().len(), 1);
}
