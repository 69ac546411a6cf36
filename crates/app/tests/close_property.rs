//! The close's identities over random operation sequences on a real SQLite file: deposits in
//! several tenders, reversals, receipt voids, settlements (collecting or refunding), recalls,
//! records that arrive late (made days ago at another counter) and closes and cancellations
//! anywhere in between. After every sequence: every close's identities hold; the closes in force
//! hold each of the cashier's records exactly once; per tender their net is the money the
//! cashier's records moved (identity 3: nothing lost, nothing twice).

mod support;

use app::App;
use contract::cashier::{
    Approval, DepositRequest, RecallRequest, ReversalRequest, SettleRequest, TrialRequest, VoidReceiptRequest,
};
use contract::close::{CancelCloseRequest, CloseRequest};
use domain::{Money, Tender};
use proptest::prelude::*;
use support::*;
use tempfile::TempDir;

#[derive(Clone, Debug)]
enum Op {
    Deposit(usize, i64),
    Reverse,
    VoidReceipt,
    Settle,
    Recall,
    Late(i64),
    Close,
    Cancel,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..3, 1i64..200_000).prop_map(|(t, fen)| Op::Deposit(t, fen)),
        1 => Just(Op::Reverse),
        1 => Just(Op::VoidReceipt),
        2 => Just(Op::Settle),
        1 => Just(Op::Recall),
        1 => (1i64..5).prop_map(Op::Late),
        2 => Just(Op::Close),
        1 => Just(Op::Cancel),
    ]
}

fn rows(dir: &TempDir, sql: &str) -> String {
    let out = std::process::Command::new("sqlite3").arg(dir.path().join("cashier.db")).arg(sql).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Runs `ops` as 孙浩 (cashier3), whose demo history and the scripted late deposits are theirs.
async fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let dir = TempDir::new().unwrap();
    let app: App = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier3").await;
    let mut admissions = 0u32;
    let mut open: Option<String> = None;
    let mut receipts: Vec<(String, String, Money)> = Vec::new(); // case, receipt, cash amount
    let mut settled: Vec<String> = Vec::new();
    for op in ops {
        if open.is_none() {
            admissions += 1;
            let case_no: &'static str = Box::leak(format!("20269{admissions:05}").into_boxed_str());
            admit(&app, &Stay { deposits: vec![], ..Stay::audited(case_no) }).await;
            open = Some(case_no.to_owned());
        }
        let case_no = open.clone().unwrap();
        match op {
            Op::Deposit(t, fen) => {
                let code = ["cash", "cheque", "card"][t];
                let amount = Money::from_fen(fen).unwrap();
                let request = DepositRequest {
                    case_no: case_no.clone(),
                    key: key(),
                    tenders: vec![tender(code, &amount.to_string())],
                    cash_received: None,
                };
                let receipt = app.take_deposit(&cashier, &request).await.unwrap();
                if t == 0 {
                    receipts.push((case_no, receipt.receipt_no, amount));
                }
            }
            Op::Reverse => {
                if let Some((case_no, receipt_no, amount)) = receipts.pop() {
                    let request = ReversalRequest {
                        case_no,
                        key: key(),
                        receipt_no,
                        amount: amount.to_string(),
                        tenders: vec![tender("cash", &amount.to_string())],
                        reason: "患者要求退款".into(),
                    };
                    // A deposit a settlement drew on cannot be reversed: that is the rules' no.
                    let _ = app.reverse_deposit(&cashier, &request).await;
                }
            }
            Op::VoidReceipt => {
                if let Some((case_no, receipt_no, amount)) = receipts.pop() {
                    let request =
                        VoidReceiptRequest { case_no: case_no.clone(), receipt_no, reason: "打印卡纸".into() };
                    if let Ok(renumbered) = app.void_receipt(&cashier, &request).await {
                        receipts.push((case_no, renumbered.receipt_no, amount));
                    }
                }
            }
            Op::Settle => {
                let trial = app
                    .trial(&cashier, &TrialRequest { case_no: case_no.clone(), kind: "discharge".into() })
                    .await
                    .unwrap();
                let due = trial.due.money();
                let request = SettleRequest {
                    case_no: case_no.clone(),
                    key: key(),
                    kind: "discharge".into(),
                    version: trial.version.clone(),
                    expected_due: due.to_string(),
                    tenders: if due.is_positive() {
                        vec![tender("cash", &due.to_string())]
                    } else {
                        trial.refund_suggestion.iter().map(|t| tender(&t.tender.code, &t.amount.to_string())).collect()
                    },
                    cash_received: None,
                };
                app.settle(&cashier, &request).await.unwrap();
                settled.push(case_no.clone());
                receipts.retain(|r| r.0 != case_no);
                open = None;
            }
            Op::Recall => {
                if let Some(case_no) = settled.pop() {
                    let request = RecallRequest {
                        case_no: case_no.clone(),
                        key: key(),
                        kind: "settlement".into(),
                        settlement_no: None,
                        reason: "费用录入错误".into(),
                        approval: Approval { username: "supervisor".into(), password: demo::DEMO_PASSWORD.into() },
                    };
                    app.recall(&cashier, &request).await.unwrap();
                }
            }
            Op::Late(days) => {
                admissions += 1;
                let case_no: &'static str = Box::leak(format!("20269{admissions:05}").into_boxed_str());
                let stay = Stay { deposits: vec![(Tender::Cash, "88.80", days)], ..Stay::audited(case_no) };
                admit(&app, &stay).await;
            }
            Op::Close => {
                match app.close_day(&cashier, &CloseRequest { key: key(), until: None, cashier: None }).await {
                    Ok(close) => prop_assert!(close.identities.iter().all(|i| i.holds), "{:?}", close.identities),
                    Err(e) => prop_assert_eq!(e.code(), "CLOSE_EMPTY", "{}", e),
                }
            }
            Op::Cancel => {
                if let Some(latest) = app.my_closes(&cashier).await.unwrap().into_iter().find(|c| c.status == "closed")
                {
                    let request = CancelCloseRequest { key: key(), close_no: latest.close_no.clone().unwrap() };
                    app.cancel_close(&cashier, &request).await.unwrap();
                }
            }
        }
    }
    match app.close_day(&cashier, &CloseRequest { key: key(), until: None, cashier: None }).await {
        Ok(close) => prop_assert!(close.identities.iter().all(|i| i.holds), "{:?}", close.identities),
        Err(e) => prop_assert_eq!(e.code(), "CLOSE_EMPTY", "{}", e),
    }
    // Every close in force balances; together they hold each record once.
    let closes: Vec<_> =
        app.my_closes(&cashier).await.unwrap().into_iter().filter(|c| c.status != "cancelled").collect();
    for close in &closes {
        prop_assert!(close.identities.iter().all(|i| i.holds), "{:?}", close.identities);
    }
    let twice = rows(
        &dir,
        "SELECT count(*) FROM (SELECT kind, record_id FROM closed_records GROUP BY kind, record_id HAVING count(*) > 1)",
    );
    prop_assert_eq!(twice, "0");
    let unclosed = rows(
        &dir,
        "SELECT count(*) FROM deposits d WHERE d.cashier = '孙浩'
           AND NOT EXISTS (SELECT 1 FROM closed_records c WHERE c.kind = 'deposit' AND c.record_id = d.id)",
    );
    prop_assert_eq!(unclosed, "0", "every deposit of the cashier is in a close");
    for tender in Tender::ALL {
        let code = tender.code();
        let moved: i64 = rows(
            &dir,
            &format!(
                "SELECT coalesce(sum(CASE WHEN d.kind = 'reversal' THEN -abs(t.amount_fen) ELSE t.amount_fen END), 0)
                 FROM deposits d JOIN deposit_tenders t ON t.deposit_id = d.id WHERE d.cashier = '孙浩' AND t.tender = '{code}'"
            ),
        )
        .parse()
        .unwrap();
        let paid: i64 = rows(
            &dir,
            &format!(
                "SELECT coalesce(sum(p.amount_fen), 0) FROM settlements s JOIN settlement_payments p ON p.settlement_id = s.id
                 WHERE s.cashier = '孙浩' AND p.tender = '{code}'"
            ),
        )
        .parse()
        .unwrap();
        let recalled: i64 = rows(
            &dir,
            &format!(
                "SELECT coalesce(sum(p.amount_fen), 0) FROM settlement_recalls r JOIN settlement_payments p ON p.settlement_id = r.settlement_id
                 WHERE r.by_user = '孙浩' AND p.tender = '{code}'"
            ),
        )
        .parse()
        .unwrap();
        let closed: i64 = closes.iter().map(|c| c.net[code].money().fen()).sum();
        prop_assert_eq!(closed, moved + paid - recalled, "tender {}", code);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn closes_over_random_sequences_balance_and_hold_every_record_once(ops in prop::collection::vec(op(), 1..25)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        runtime.block_on(run(ops))?;
    }
}
