//! The day's end on a real SQLite file: a cashier's close with every figure from the records,
//! its identities, a late record (补入), cancelling, finance's hand-in with 长款 / 短款, and each
//! refusal the issue names leaving nothing written.

mod support;

use app::{App, Clock};
use contract::cashier::{DepositRequest, SettleRequest};
use contract::close::{CancelCloseRequest, ChequeInput, CloseRequest, HandInRequest, ReverseHandInRequest};
use domain::{AdmissionEvent, FeeCategory, FeeStatus, InsuranceType, Tender};
use support::*;
use tempfile::TempDir;

fn close_request(until: Option<&str>) -> CloseRequest {
    CloseRequest { key: key(), until: until.map(str::to_owned), cashier: None }
}

fn rows(dir: &TempDir, sql: &str) -> String {
    let out = std::process::Command::new("sqlite3").arg(dir.path().join("cashier.db")).arg(sql).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn hand_in(close_nos: &[&str], counted: &str, reason: Option<&str>) -> HandInRequest {
    HandInRequest {
        key: key(),
        close_nos: close_nos.iter().map(|s| s.to_string()).collect(),
        counted_cash: Some(counted.into()),
        denominations: Vec::new(),
        cheques: Vec::new(),
        reason: reason.map(str::to_owned),
    }
}

/// A cashier with money of every kind today: deposits in cash and by cheque, a settlement that
/// collects the rest in cash.
async fn a_day(app: &App) -> (String, String) {
    let cashier = login(app, "cashier").await;
    let stay = Stay {
        case_no: "2026901301",
        insurance: InsuranceType::SelfPay,
        fees: vec![(FeeCategory::Drug, "1000.00", FeeStatus::Confirmed)],
        deposits: vec![],
        events: vec![AdmissionEvent::DischargeOrdered, AdmissionEvent::AuditPassed],
    };
    admit(app, &stay).await;
    let cash = DepositRequest {
        case_no: "2026901301".into(),
        key: key(),
        tenders: vec![tender("cash", "300.00")],
        cash_received: None,
    };
    let first = app.take_deposit(&cashier, &cash).await.unwrap();
    let cheque = DepositRequest {
        case_no: "2026901301".into(),
        key: key(),
        tenders: vec![tender("cheque", "200.00")],
        cash_received: None,
    };
    app.take_deposit(&cashier, &cheque).await.unwrap();
    let trial = app
        .trial(&cashier, &contract::cashier::TrialRequest { case_no: "2026901301".into(), kind: "discharge".into() })
        .await
        .unwrap();
    let settle = SettleRequest {
        case_no: "2026901301".into(),
        key: key(),
        kind: "discharge".into(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders: vec![tender("cash", "500.00")],
        cash_received: None,
    };
    let settlement = app.settle(&cashier, &settle).await.unwrap();
    (first.receipt_no, settlement.settlement_no)
}

#[tokio::test]
async fn a_close_counts_the_day_and_balances() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    // The demo history of this cashier is closed first, so the day stands alone.
    app.close_day(&cashier, &close_request(Some("2026-11-25 00:00:00"))).await.unwrap();
    let (receipt, settlement) = a_day(&app).await;

    let preview = app.preview_close(&cashier, &close_request(None)).await.unwrap();
    assert_eq!(preview.close_no, None);
    assert_eq!(preview.from, "2026-11-25 00:00:00");
    assert_eq!(preview.until, "2026-11-25 09:30:00");
    assert_eq!(preview.deposits_received["cash"].to_string(), "300.00");
    assert_eq!(preview.deposits_received["cheque"].to_string(), "200.00");
    assert_eq!(preview.deposits_received["total"].to_string(), "500.00");
    assert_eq!(preview.settlements_collected["cash"].to_string(), "500.00");
    assert_eq!(preview.deposits_applied.to_string(), "500.00");
    assert_eq!(preview.fees_settled.to_string(), "1000.00");
    assert_eq!(preview.cash_to_hand_in.to_string(), "800.00");
    assert_eq!(preview.cash_to_hand_in_words, "捌佰元整");
    assert_eq!(preview.receipts, 2);
    assert_eq!(preview.settlements, 1);
    assert_eq!(preview.cheques.len(), 1);
    assert!(preview.numbers_used.iter().any(|r| r.contains(&receipt)), "{:?}", preview.numbers_used);
    assert!(preview.numbers_used.contains(&settlement), "{:?}", preview.numbers_used);
    assert!(preview.identities.iter().all(|i| i.holds), "{:?}", preview.identities);
    assert_eq!(preview.identities.len(), 3);
    assert_eq!(rows(&dir, "SELECT count(*) FROM closes"), "1", "a preview writes nothing");

    let request = close_request(None);
    let closed = app.close_day(&cashier, &request).await.unwrap();
    let again = app.close_day(&cashier, &request).await.unwrap();
    assert_eq!(closed.close_no, again.close_no, "a repeated close answers the same close");
    assert_eq!(closed.close_no.as_deref(), Some("RJ20261125-cashier-02"));
    assert_eq!(rows(&dir, "SELECT count(*) FROM closes"), "2");
    assert_eq!(closed.cash_to_hand_in, preview.cash_to_hand_in);

    // Nothing new: nothing to close.
    let empty = app.close_day(&cashier, &close_request(None)).await.unwrap_err();
    assert_eq!(empty.code(), "CLOSE_EMPTY", "{empty}");
    assert!(empty.to_string().contains("没有需要日结的记录"), "{empty}");

    // The PDF and XLSX read back.
    let pdf = dir.path().join("close.pdf");
    let xlsx = dir.path().join("close.xlsx");
    app.write_close_report(&closed, Some(&pdf), Some(&xlsx)).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in
        ["收费员日报", "RJ20261125-cashier-02", "应缴现金：800.00", "捌佰元整", "收费员签字", "结算恒等式（成立）"]
    {
        assert!(text.contains(expected), "missing {expected:?}:\n{text}");
    }
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let range = book.worksheet_range("收费员日报").unwrap();
    let cells: Vec<String> = range.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "应缴现金"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "800"), "{cells:?}");
}

#[tokio::test]
async fn the_cut_off_and_the_cashier_are_checked() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    let future = app.close_day(&cashier, &close_request(Some("2026-11-25 09:30:01"))).await.unwrap_err();
    assert_eq!(future.code(), "CLOSE_UNTIL_FUTURE", "{future}");
    let malformed = app.close_day(&cashier, &close_request(Some("25/11/2026"))).await.unwrap_err();
    assert_eq!(malformed.code(), "CLOSE_UNTIL_MALFORMED");
    let other = CloseRequest { cashier: Some("cashier2".into()), ..close_request(None) };
    let refused = app.close_day(&cashier, &other).await.unwrap_err();
    assert_eq!(refused.code(), "CLOSE_NOT_OWN", "{refused}");
    assert_eq!(rows(&dir, "SELECT count(*) FROM closes"), "0");

    app.close_day(&cashier, &close_request(Some("2026-11-25 08:00:00"))).await.unwrap();
    let before = app.close_day(&cashier, &close_request(Some("2026-11-25 07:59:59"))).await.unwrap_err();
    assert_eq!(before.code(), "CLOSE_UNTIL_BEFORE_PREVIOUS", "{before}");
    // Finance takes no money and so closes nothing.
    let finance = login(&app, "finance").await;
    assert_eq!(app.close_day(&finance, &close_request(None)).await.unwrap_err().code(), "FORBIDDEN");
    assert_eq!(rows(&dir, "SELECT count(*) FROM closes"), "1");
}

#[tokio::test]
async fn only_the_latest_uncollected_close_is_cancelled_and_its_records_close_again() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    let first = app.close_day(&cashier, &close_request(Some("2026-11-25 00:00:00"))).await.unwrap();
    a_day(&app).await;
    let second = app.close_day(&cashier, &close_request(None)).await.unwrap();
    let first_no = first.close_no.clone().unwrap();
    let second_no = second.close_no.clone().unwrap();

    let not_latest =
        app.cancel_close(&cashier, &CancelCloseRequest { key: key(), close_no: first_no.clone() }).await.unwrap_err();
    assert_eq!(not_latest.code(), "CLOSE_NOT_LATEST", "{not_latest}");
    let other = login(&app, "cashier2").await;
    let not_own =
        app.cancel_close(&other, &CancelCloseRequest { key: key(), close_no: second_no.clone() }).await.unwrap_err();
    assert_eq!(not_own.code(), "CLOSE_NOT_OWN");

    let cancel = CancelCloseRequest { key: key(), close_no: second_no.clone() };
    let cancelled = app.cancel_close(&cashier, &cancel).await.unwrap();
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(app.cancel_close(&cashier, &cancel).await.unwrap().status, "cancelled", "a repeat answers the same");
    assert_eq!(rows(&dir, "SELECT count(*) FROM close_cancellations"), "1");

    // Its records are closed again, once.
    let redo = app.close_day(&cashier, &close_request(None)).await.unwrap();
    assert_eq!(redo.net, second.net);
    assert_eq!(
        rows(
            &dir,
            "SELECT count(*) FROM (SELECT kind, record_id FROM closed_records GROUP BY kind, record_id HAVING count(*) > 1)"
        ),
        "0",
        "no record in two closes in force"
    );

    // Collected, it cannot be cancelled.
    let finance = login(&app, "finance").await;
    let redo_no = redo.close_no.clone().unwrap();
    app.hand_in(&finance, &hand_in(&[&redo_no], &redo.cash_to_hand_in.to_string(), None)).await.unwrap_err();
    // (the cheque was not handed in: a difference needs a reason)
    let with_cheque = HandInRequest {
        cheques: vec![ChequeInput { number: "ZP001".into(), amount: "200.00".into() }],
        ..hand_in(&[&redo_no], &redo.cash_to_hand_in.to_string(), None)
    };
    app.hand_in(&finance, &with_cheque).await.unwrap();
    let collected =
        app.cancel_close(&cashier, &CancelCloseRequest { key: key(), close_no: redo_no }).await.unwrap_err();
    assert_eq!(collected.code(), "CLOSE_COLLECTED", "{collected}");
}

#[tokio::test]
async fn finance_collects_with_a_difference_explained_never_twice_nor_their_own() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    app.close_day(&cashier, &close_request(Some("2026-11-25 00:00:00"))).await.unwrap();
    a_day(&app).await;
    let close = app.close_day(&cashier, &close_request(None)).await.unwrap();
    let close_no = close.close_no.clone().unwrap();
    let finance = login(&app, "finance").await;
    let waiting = app.waiting_closes(&finance).await.unwrap();
    assert!(waiting.iter().any(|w| w.close_no == close_no && w.cash_to_hand_in.to_string() == "800.00"));

    for (counted, code) in [("799.999", "MONEY_TOO_MANY_DECIMALS"), ("-1.00", "AMOUNT_NEGATIVE")] {
        let refused = app.hand_in(&finance, &hand_in(&[&close_no], counted, Some("x"))).await.unwrap_err();
        assert!(matches!(refused, app::AppError::Invalid { .. }), "{counted}: {refused}");
        let _ = code;
    }
    let cheque = vec![ChequeInput { number: "ZP001".into(), amount: "200.00".into() }];
    let short = HandInRequest { cheques: cheque.clone(), ..hand_in(&[&close_no], "790.00", None) };
    let refused = app.hand_in(&finance, &short).await.unwrap_err();
    assert_eq!(refused.code(), "HAND_IN_REASON_REQUIRED", "{refused}");
    assert!(refused.to_string().contains("短款"), "{refused}");
    assert_eq!(rows(&dir, "SELECT count(*) FROM hand_ins"), "0", "refusals write nothing");

    // Counted by denomination: 7 × 100, 1 × 50, 2 × 20 = 790.
    let by_note = HandInRequest {
        counted_cash: None,
        denominations: vec![("100".into(), 7), ("50".into(), 1), ("20".into(), 2)],
        cheques: cheque.clone(),
        reason: Some("找零差错".into()),
        ..hand_in(&[&close_no], "", None)
    };
    let receipt = app.hand_in(&finance, &by_note).await.unwrap();
    assert_eq!(receipt.difference_kind, "short");
    assert_eq!(receipt.difference_label, "短款");
    assert_eq!(receipt.difference.to_string(), "-10.00");
    assert_eq!(receipt.counted_cash.to_string(), "790.00");
    assert_eq!(app.hand_in(&finance, &by_note).await.unwrap().hand_in_no, receipt.hand_in_no, "a retry is one hand-in");
    let twice = app.hand_in(&finance, &HandInRequest { key: key(), ..by_note.clone() }).await.unwrap_err();
    assert_eq!(twice.code(), "CLOSE_COLLECTED", "{twice}");
    assert_eq!(app.close_by_no(&finance, &close_no).await.unwrap().status, "collected");
    let pdf = dir.path().join("hand-in.pdf");
    app.write_hand_in_receipt(&receipt, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("缴款收据") && text.contains("短款") && text.contains("100元 × 7"), "{text}");

    // Finance reverses nothing; a supervisor does, with a reason, and the close waits again.
    let reverse =
        ReverseHandInRequest { key: key(), hand_in_no: receipt.hand_in_no.clone(), reason: "点钞有误".into() };
    assert_eq!(app.reverse_hand_in(&finance, &reverse).await.unwrap_err().code(), "FORBIDDEN");
    let supervisor = login(&app, "supervisor").await;
    let reversed = app.reverse_hand_in(&supervisor, &reverse).await.unwrap();
    assert!(reversed.reversed.is_some());
    assert!(app.waiting_closes(&finance).await.unwrap().iter().any(|w| w.close_no == close_no));

    // A supervisor who took money may not collect their own close.
    let stay = Stay { deposits: vec![], ..Stay::audited("2026901302") };
    admit(&app, &stay).await;
    let request = DepositRequest {
        case_no: "2026901302".into(),
        key: key(),
        tenders: vec![tender("cash", "50.00")],
        cash_received: None,
    };
    app.take_deposit(&supervisor, &request).await.unwrap();
    let own = app.close_day(&supervisor, &close_request(None)).await.unwrap();
    let own_no = own.close_no.clone().unwrap();
    let refused = app.hand_in(&supervisor, &hand_in(&[&own_no], "50.00", None)).await.unwrap_err();
    assert_eq!(refused.code(), "HAND_IN_OWN_CLOSE", "{refused}");
    let mixed = app.hand_in(&finance, &hand_in(&[&own_no, &close_no], "850.00", None)).await.unwrap_err();
    assert_eq!(mixed.code(), "HAND_IN_MIXED_CASHIERS", "{mixed}");
}

#[tokio::test]
async fn a_record_that_arrives_after_its_period_was_closed_goes_into_the_next_close_marked_late() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier3 = login(&app, "cashier3").await;
    let first = app.close_day(&cashier3, &close_request(None)).await.unwrap();
    // A deposit of 孙浩 made three days ago at another counter arrives now.
    let stay = Stay { deposits: vec![(Tender::Cash, "120.00", 3)], ..Stay::audited("2026901303") };
    admit(&app, &stay).await;
    let late = app.close_day(&cashier3, &close_request(None)).await.unwrap();
    assert_eq!(late.late.len(), 1, "{:?}", late.late);
    assert_eq!(late.deposits_received["cash"].to_string(), "120.00");
    assert_eq!(late.from, first.until);
    let adds_up = late.identities.iter().find(|i| i.name == "日结累计恒等式").unwrap();
    assert!(adds_up.holds, "{adds_up:?}");
    assert_eq!(rows(&dir, "SELECT count(*) FROM close_members WHERE late = 1"), "1");
}

#[tokio::test]
async fn closes_at_any_cut_offs_add_up_to_every_record_and_the_hospital_day_balances() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 4).await;
    let cashier = login(&app, "cashier").await;
    let (_, _) = a_day(&app).await;
    // Closes at several cut-offs over the history, then one for the rest.
    for until in ["2026-10-20 00:00:00", "2026-11-10 12:00:00", "2026-11-24 00:00:00"] {
        match app.close_day(&cashier, &close_request(Some(until))).await {
            Ok(_) => {}
            Err(e) => assert_eq!(e.code(), "CLOSE_EMPTY", "{e}"),
        }
    }
    let last = app.close_day(&cashier, &close_request(None)).await.unwrap();
    let adds_up = last.identities.iter().find(|i| i.name == "日结累计恒等式").unwrap();
    assert!(adds_up.holds, "{adds_up:?}");
    let closes = app.my_closes(&cashier).await.unwrap();
    let net: domain::Money = closes.iter().map(|c| c.net["total"].money()).sum();
    let deposits: i64 = rows(&dir, "SELECT sum(t.amount_fen) FROM deposits d JOIN deposit_tenders t ON t.deposit_id = d.id WHERE d.cashier = '王丽'").parse().unwrap();
    let collected: i64 = rows(&dir, "SELECT coalesce(sum(p.amount_fen), 0) FROM settlements s JOIN settlement_payments p ON p.settlement_id = s.id WHERE s.cashier = '王丽'").parse().unwrap();
    assert_eq!(net.fen(), deposits + collected, "the closes hold every record of the cashier once");

    let finance = login(&app, "finance").await;
    let day = app.daily_report(&finance, now().date()).await.unwrap();
    assert!(day.identity_holds, "{:#?}", day.identities);
    assert_eq!(day.takings["total"].to_string(), "1000.00");
    assert_eq!(day.deposits_paid_in.to_string(), "500.00");
    assert_eq!(day.settlement_income.to_string(), "500.00");
    assert_eq!(day.fees_settled.to_string(), "1000.00");
    assert_eq!(day.deposit_rollforward.end, day.deposit_rollforward.end_from_records);
    assert!(day.inpatient_fee_rollforward.holds, "{:?}", day.inpatient_fee_rollforward);
    let month = app.monthly_report(&finance, 2026, 11).await.unwrap();
    assert!(month.identity_holds);
    assert_eq!(month.days.len(), 25);
    let pdf = dir.path().join("month.pdf");
    let xlsx = dir.path().join("month.xlsx");
    app.write_monthly_report(&month, Some(&pdf), Some(&xlsx)).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("住院月报") && text.contains("图：每日实收"), "{text}");
    let _ = Clock::System;
}

#[tokio::test]
async fn the_close_counts_the_invoices_issued_and_reversed() {
    let dir = TempDir::new().unwrap();
    let (app, _sandbox) = with_fiscal_sandbox(&dir).await;
    let cashier = login(&app, "cashier").await;
    app.close_day(&cashier, &close_request(Some("2026-11-25 00:00:00"))).await.unwrap();
    let (_, settlement) = a_day(&app).await;
    let recall = contract::cashier::RecallRequest {
        case_no: "2026901301".into(),
        key: key(),
        kind: "settlement".into(),
        settlement_no: Some(settlement),
        reason: "收费项目录入错误".into(),
        approval: contract::cashier::Approval { username: "supervisor".into(), password: demo::DEMO_PASSWORD.into() },
    };
    app.recall(&cashier, &recall).await.unwrap();
    let close = app.close_day(&cashier, &close_request(None)).await.unwrap();
    assert_eq!((close.settlements, close.recalls), (1, 1));
    assert_eq!((close.invoices_issued, close.invoices_reversed), (1, 1), "the e-invoice and its red invoice");
    // The recall counts the settlement back; its money stays as deposits (a recall transfer).
    assert_eq!(close.fees_settled.to_string(), "0.00");
    assert_eq!(close.cash_to_hand_in.to_string(), "800.00");
    assert!(close.identities.iter().all(|i| i.holds), "{:?}", close.identities);
}
