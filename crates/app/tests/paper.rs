//! Paper at a stand-alone counter, on a real SQLite file with the sandbox fiscal platform:
//! stock received and written off, a paper copy printed on the next number and printed again
//! (重新换开), a recall refused while a paper copy is valid, voiding — and every refusal named,
//! changing nothing.

mod support;

use app::App;
use contract::cashier::{Approval, RecallRequest, SettleRequest, TrialRequest};
use contract::invoice::{PaperCopyRequest, StockRequest, VoidPaperRequest};
use domain::paper::PaperKind;
use fiscal::FiscalPlatform;
use support::*;
use tempfile::TempDir;

fn range(prefix: &str, from: u64, to: u64, reason: Option<&str>) -> StockRequest {
    StockRequest { kind: "invoice".into(), prefix: prefix.into(), from, to, width: 8, reason: reason.map(Into::into) }
}

async fn settled(app: &App, case_no: &'static str) {
    admit(app, &Stay::audited(case_no)).await;
    let cashier = login(app, "cashier").await;
    let trial = app.trial(&cashier, &TrialRequest { case_no: case_no.into(), kind: "discharge".into() }).await.unwrap();
    let request = SettleRequest {
        case_no: case_no.into(),
        key: key(),
        kind: "discharge".into(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders: vec![tender("cash", &trial.due.to_string())],
        cash_received: None,
    };
    assert_eq!(app.settle(&cashier, &request).await.unwrap().invoice_status.code, "issued");
}

fn paper(case_no: &str, reissue: bool) -> PaperCopyRequest {
    PaperCopyRequest { case_no: case_no.into(), settlement_no: None, reissue }
}

#[tokio::test]
async fn a_paper_copy_uses_the_next_number_and_blocks_the_recall_until_voided() {
    let dir = TempDir::new().unwrap();
    let (app, sandbox) = with_fiscal_sandbox(&dir).await;
    settled(&app, "2026900501").await;
    let cashier = login(&app, "cashier").await;

    // No stock yet.
    let refused = app.print_paper(&cashier, &paper("2026900501", false)).await.unwrap_err();
    assert_eq!(refused.code(), "PAPER_NO_STOCK", "{refused}");
    // Received; an overlapping range is refused, another prefix is another series.
    app.receive_stock(&cashier, &range("ZJ", 1, 3, None)).await.unwrap();
    let overlap = app.receive_stock(&cashier, &range("ZJ", 3, 10, None)).await.unwrap_err();
    assert_eq!(overlap.code(), "PAPER_RANGE_OVERLAP");
    assert!(overlap.to_string().contains("ZJ00000001–ZJ00000003"), "{overlap}");
    app.receive_stock(&cashier, &range("ZK", 1, 10, None)).await.unwrap();
    assert_eq!(app.stock(&cashier, PaperKind::Invoice).await.unwrap().left, 13);

    let first = app.print_paper(&cashier, &paper("2026900501", false)).await.unwrap();
    assert_eq!((first.paper_no.as_str(), first.voided), ("ZJ00000001", None));
    let again = app.print_paper(&cashier, &paper("2026900501", false)).await.unwrap_err();
    assert_eq!(again.code(), "PAPER_VALID", "a second copy only by 重新换开");
    let reissued = app.print_paper(&cashier, &paper("2026900501", true)).await.unwrap();
    assert_eq!((reissued.paper_no.as_str(), reissued.voided.as_deref()), ("ZJ00000002", Some("ZJ00000001")));
    let held = sandbox.adapter().query(sandbox.issued()[0].0).await.unwrap().unwrap();
    assert_eq!(held.paper.as_deref(), Some("ZJ00000002"), "the fiscal platform holds the valid copy");

    // A write-off of used numbers is refused; of unused ones, kept.
    let used = app.write_off_stock(&cashier, &range("ZJ", 2, 3, Some("卡纸"))).await.unwrap_err();
    assert_eq!(used.code(), "PAPER_USED");
    let no_reason = app.write_off_stock(&cashier, &range("ZJ", 3, 3, Some(" "))).await.unwrap_err();
    assert_eq!(no_reason.code(), "REASON_REQUIRED");
    let stock = app.write_off_stock(&cashier, &range("ZJ", 3, 3, Some("卡纸损坏"))).await.unwrap();
    assert_eq!((stock.next.as_deref(), stock.left, stock.written_off), (Some("ZK00000001"), 10, 1));

    // The recall waits for the paper copy to be voided.
    let recall = RecallRequest {
        case_no: "2026900501".into(),
        key: key(),
        kind: "settlement".into(),
        settlement_no: None,
        reason: "收费错误".into(),
        approval: Approval { username: "supervisor".into(), password: demo::DEMO_PASSWORD.into() },
    };
    let blocked = app.recall(&cashier, &recall).await.unwrap_err();
    assert_eq!(blocked.code(), "INVOICE_PAPER_VALID");
    assert!(blocked.to_string().contains("ZJ00000002"), "{blocked}");
    assert_eq!(app.invoices("2026900501").await.unwrap()[0].status, "issued", "nothing changed");

    // Voiding: unknown, without reason, then done, then again.
    let void = |no: &str, reason: &str| VoidPaperRequest { paper_no: no.into(), reason: reason.into() };
    assert_eq!(app.void_paper(&cashier, &void("ZJ00000003", "作废")).await.unwrap_err().code(), "PAPER_UNKNOWN");
    assert_eq!(app.void_paper(&cashier, &void("ZJ00000002", "")).await.unwrap_err().code(), "REASON_REQUIRED");
    let voided = app.void_paper(&cashier, &void("ZJ00000002", "患者要求退费")).await.unwrap();
    assert_eq!((voided.invoice_no.as_str(), voided.kiosk), (first.invoice_no.as_str(), false));
    assert_eq!(app.void_paper(&cashier, &void("ZJ00000002", "再次")).await.unwrap_err().code(), "PAPER_ALREADY_VOID");
    let copies: Vec<(String, String)> = app.invoices("2026900501").await.unwrap()[0]
        .paper
        .iter()
        .map(|p| (p.number.clone(), p.status.clone()))
        .collect();
    assert_eq!(copies, [("ZJ00000001".to_owned(), "void".to_owned()), ("ZJ00000002".to_owned(), "void".to_owned())]);

    app.recall(&cashier, &recall).await.unwrap();
    assert_eq!(app.invoices("2026900501").await.unwrap()[0].status, "reversed");
    let after = app.print_paper(&cashier, &paper("2026900501", false)).await.unwrap_err();
    assert_eq!(after.code(), "INVOICE_NOT_ISSUED", "a reversed invoice gets no paper copy");
}
