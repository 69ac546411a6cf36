//! The day totals the database keeps by triggers (migration 0014) against the records
//! themselves: after random deposits, reversals, settlements (collecting or refunding), recalls,
//! records made days ago, days passing and records the platform rejects (a deposit, a settlement,
//! a recall, in any order), the deposits held and the fees not yet settled at every midnight read
//! from the totals equal the scans over the records (`store::day_book::deposit_balance`,
//! `unsettled_fees`). The hospital's reports read the totals.

mod support;

use app::{App, Clock};
use contract::cashier::{Approval, DepositRequest, RecallRequest, ReversalRequest, SettleRequest, TrialRequest};
use domain::{Money, Tender};
use proptest::prelude::*;
use store::day_book;
use support::*;
use tempfile::TempDir;

#[derive(Clone, Debug)]
enum Op {
    Deposit(i64),
    Reverse,
    Settle,
    Recall,
    Late(i64),
    NextDay,
    /// Rejects the n-th deposit, settlement, recall or recalled settlement (kind 0–3).
    Reject(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1i64..200_000).prop_map(Op::Deposit),
        1 => Just(Op::Reverse),
        2 => Just(Op::Settle),
        1 => Just(Op::Recall),
        1 => (1i64..5).prop_map(Op::Late),
        1 => Just(Op::NextDay),
        3 => (0usize..4, 0usize..1_000).prop_map(|(kind, n)| Op::Reject(kind, n)),
    ]
}

fn sqlite(dir: &TempDir, sql: &str) -> String {
    let out = std::process::Command::new("sqlite3").arg(dir.path().join("cashier.db")).arg(sql).output().unwrap();
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

async fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let dir = TempDir::new().unwrap();
    let mut app: App = seeded(&dir, 1).await;
    let mut today = now();
    let mut cashier = login(&app, "cashier").await;
    let mut admissions = 0u32;
    let mut open: Option<String> = None;
    let mut receipts: Vec<(String, String, Money)> = Vec::new();
    let mut settled: Vec<String> = Vec::new();
    for op in ops {
        if open.is_none() {
            admissions += 1;
            let case_no: &'static str = Box::leak(format!("20268{admissions:05}").into_boxed_str());
            admit(&app, &Stay { deposits: vec![], ..Stay::audited(case_no) }).await;
            open = Some(case_no.to_owned());
        }
        let case_no = open.clone().unwrap();
        match op {
            Op::Deposit(fen) => {
                let amount = Money::from_fen(fen).unwrap();
                let request = DepositRequest {
                    case_no: case_no.clone(),
                    key: key(),
                    tenders: vec![tender("cash", &amount.to_string())],
                    cash_received: None,
                };
                if let Ok(receipt) = app.take_deposit(&cashier, &request).await {
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
                    let _ = app.reverse_deposit(&cashier, &request).await;
                }
            }
            Op::Settle => {
                let Ok(trial) =
                    app.trial(&cashier, &TrialRequest { case_no: case_no.clone(), kind: "discharge".into() }).await
                else {
                    continue;
                };
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
                if app.settle(&cashier, &request).await.is_ok() {
                    settled.push(case_no.clone());
                    receipts.retain(|r| r.0 != case_no);
                    open = None;
                }
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
                    let _ = app.recall(&cashier, &request).await;
                }
            }
            Op::Late(days) => {
                admissions += 1;
                let case_no: &'static str = Box::leak(format!("20268{admissions:05}").into_boxed_str());
                let stay = Stay { deposits: vec![(Tender::Cash, "88.80", days)], ..Stay::audited(case_no) };
                admit(&app, &stay).await;
            }
            Op::NextDay => {
                today += chrono::Duration::days(1);
                app = reopen(app, &dir, Clock::Fixed(today)).await;
                cashier = login(&app, "cashier").await;
            }
            Op::Reject(kind, n) => {
                // As the platform's refusal writes it (the operation row is the counter's outbox's).
                let keys = sqlite(
                    &dir,
                    [
                        "SELECT idempotency_key FROM deposits",
                        "SELECT idempotency_key FROM settlements",
                        "SELECT idempotency_key FROM settlement_recalls",
                        "SELECT s.idempotency_key FROM settlements s JOIN settlement_recalls r ON r.settlement_id = s.id",
                    ][kind],
                );
                let keys: Vec<&str> = keys.lines().collect();
                if let Some(chosen) = keys.get(n % keys.len().max(1)) {
                    let sql = format!(
                        "INSERT OR IGNORE INTO rejected_records (key, operation) VALUES ('{chosen}', '{chosen}')"
                    );
                    sqlite(&dir, &sql);
                }
            }
        }
    }
    let first = sqlite(
        &dir,
        "SELECT min(d) FROM (SELECT min(at) AS d FROM deposits UNION ALL SELECT min(charged_at) FROM fee_items)",
    );
    let mut day = chrono::NaiveDate::parse_from_str(&first[..10], "%Y-%m-%d").unwrap();
    let mut conn = app.store().conn().await.unwrap();
    while day <= today.date() + chrono::Duration::days(1) {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap();
        let scanned = (
            day_book::deposit_balance(&mut conn, midnight).await.unwrap(),
            day_book::unsettled_fees(&mut conn, midnight).await.unwrap(),
        );
        let totals = day_book::balances_at(&mut conn, day).await.unwrap();
        prop_assert_eq!(totals, scanned, "deposits held and fees unsettled at {}", day);
        day += chrono::Duration::days(1);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn the_day_totals_equal_the_records_at_every_midnight(ops in prop::collection::vec(op(), 1..30)) {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run(ops))?;
    }
}
