//! Reprints (补打) on a real SQLite file: every print is logged; a second print of a receipt or
//! a settlement statement says 补打（第 N 次）on the sheet; a money document is reprinted only
//! by someone who may take money, while finance may print the fee list again.

mod support;

use contract::cashier::DepositRequest;
use support::*;
use tempfile::TempDir;

fn text_of(path: &str) -> String {
    let out = std::process::Command::new("pdftotext").args(["-layout", path, "-"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn prints(dir: &TempDir) -> String {
    let out = std::process::Command::new("sqlite3")
        .arg(dir.path().join("cashier.db"))
        .arg("SELECT document || ' ' || by_user FROM prints ORDER BY id")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn a_reprint_is_marked_logged_and_needs_the_permission() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay::audited("2026900601")).await;
    let cashier = login(&app, "cashier").await;
    let request = DepositRequest {
        case_no: "2026900601".into(),
        key: key(),
        tenders: vec![tender("cash", "300.00")],
        cash_received: None,
    };
    let receipt = app.take_deposit(&cashier, &request).await.unwrap();

    let first = app.print_deposit_receipt(&cashier, "2026900601", &receipt.receipt_no).await.unwrap();
    assert!(!text_of(&first.path).contains("补打"), "the first print is no reprint");
    let second = app.print_deposit_receipt(&cashier, "2026900601", &receipt.receipt_no).await.unwrap();
    assert!(text_of(&second.path).contains("补打 第 1 次"), "{}", text_of(&second.path));

    // Finance may not reprint a receipt, but may print the fee list again.
    let finance = login(&app, "finance").await;
    let refused = app.print_deposit_receipt(&finance, "2026900601", &receipt.receipt_no).await.unwrap_err();
    assert_eq!(refused.code(), "REPRINT_FORBIDDEN", "{refused}");
    app.print_statement(&finance, "2026900601").await.unwrap();
    let again = app.print_statement(&finance, "2026900601").await.unwrap();
    assert!(text_of(&again.path).contains("补打 第 1 次"));
    assert_eq!(
        prints(&dir),
        "receipt cashier\nreceipt cashier\nfee_list finance\nfee_list finance\n",
        "the refused reprint is not logged"
    );
}
