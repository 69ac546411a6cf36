//! Under replay (a double click, a retry after a lost answer) no money operation applies
//! twice, and for any sequence of deposits, reversals, fees, settlements and recalls on a real
//! SQLite file the account balances to the fen with the money that moved.

mod support;

use std::sync::Arc;
use std::time::Duration;

use app::insurance::{SandboxFault, SandboxInsurance};
use app::{App, Clock};
use contract::cashier::{Approval, DepositRequest, RecallRequest, ReversalRequest, SettleRequest, TrialRequest};
use domain::{InsuranceType, Money};
use proptest::prelude::*;
use support::*;
use tempfile::TempDir;

#[derive(Clone, Debug)]
enum Op {
    Deposit(i64, usize),
    Reverse(bool),
    MidStay,
    Discharge,
    Recall,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..500_000, 0usize..6).prop_map(|(fen, t)| Op::Deposit(fen, t)),
        any::<bool>().prop_map(Op::Reverse),
        Just(Op::MidStay),
        Just(Op::Discharge),
        Just(Op::Recall),
    ]
}

const TENDERS: [&str; 6] = ["cash", "cheque", "card", "wechat", "alipay", "sscard"];

/// Runs `op` twice with the same key; the second answer must equal the first and write nothing.
async fn twice(app: &App, case_no: &str, op: &Op) -> Money {
    let cashier = login(app, "cashier").await;
    let key = key();
    macro_rules! replayed {
        ($call:expr, $moved:expr) => {{
            let first = $call.await;
            let after_first = version(app, case_no).await;
            let second = $call.await;
            assert_eq!(version(app, case_no).await, after_first, "a replay writes nothing: {op:?}");
            match (first, second) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "a replay answers what the first call answered");
                    $moved(&a)
                }
                (Err(_), Err(_)) => Money::ZERO,
                (a, b) => panic!("first {a:?} then {b:?} for {op:?}"),
            }
        }};
    }
    match op {
        Op::Deposit(fen, t) => {
            let request = DepositRequest {
                case_no: case_no.into(),
                key,
                tenders: vec![tender(TENDERS[*t], &Money::from_fen(*fen).unwrap().to_string())],
                cash_received: None,
            };
            replayed!(app.take_deposit(&cashier, &request), |r: &contract::cashier::DepositReceipt| r.amount.money())
        }
        Op::Reverse(full) => {
            let account = app.account(case_no).await.unwrap();
            let Some(target) = account.deposits.iter().rev().find(|d| d.reversible.money().is_positive()) else {
                return Money::ZERO;
            };
            let cash_only = target.tenders.iter().all(|t| t.tender.code == "cash");
            let amount = if *full || !cash_only {
                target.reversible.money()
            } else {
                Money::from_fen((target.reversible.money().fen() / 2).max(1)).unwrap()
            };
            let request = ReversalRequest {
                case_no: case_no.into(),
                key,
                receipt_no: target.receipt_no.clone(),
                amount: amount.to_string(),
                tenders: vec![tender("cash", &amount.to_string())],
                reason: "测试".into(),
            };
            replayed!(app.reverse_deposit(&cashier, &request), |r: &contract::cashier::DepositReceipt| r.amount.money())
        }
        Op::MidStay | Op::Discharge => {
            let kind = if matches!(op, Op::MidStay) { "mid_stay" } else { "discharge" };
            let Ok(trial) = app.trial(&cashier, &TrialRequest { case_no: case_no.into(), kind: kind.into() }).await
            else {
                return Money::ZERO;
            };
            let due = trial.due.money();
            let tenders = if due.is_positive() {
                vec![tender("cash", &due.to_string())]
            } else {
                trial.refund_suggestion.iter().map(|t| tender(&t.tender.code, &t.amount.to_string())).collect()
            };
            let request = SettleRequest {
                case_no: case_no.into(),
                key,
                kind: kind.into(),
                version: trial.version.clone(),
                expected_due: due.to_string(),
                tenders,
                cash_received: None,
            };
            replayed!(app.settle(&cashier, &request), |s: &contract::cashier::SettlementView| s
                .payments
                .iter()
                .map(|p| p.amount.money())
                .sum::<Money>())
        }
        Op::Recall => {
            let request = RecallRequest {
                case_no: case_no.into(),
                key,
                kind: "settlement".into(),
                settlement_no: None,
                reason: "测试".into(),
                approval: Approval { username: "supervisor".into(), password: demo::DEMO_PASSWORD.into() },
            };
            replayed!(app.recall(&cashier, &request), |_: &contract::cashier::RecallOutcome| Money::ZERO)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn no_operation_applies_twice_and_the_balance_follows_the_money(ops in prop::collection::vec(op(), 1..10)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let dir = TempDir::new().unwrap();
            let app = seeded(&dir, 1).await;
            admit(&app, &Stay { insurance: InsuranceType::Resident, deposits: vec![], ..Stay::audited("2026900100") }).await;
            let start = app.account("2026900100").await.unwrap();
            let mut moved = start.totals.deposits.money();
            for op in &ops {
                moved += twice(&app, "2026900100", op).await;
                let account = app.account("2026900100").await.unwrap();
                let third: Money = account.settlements.iter().filter(|s| !s.recalled)
                    .map(|s| s.insurance_fund.money() + s.personal_account.money() + s.blood_reimbursement.money()).sum();
                assert_eq!(account.totals.balance.money(), moved + third - account.totals.fees.money(), "after {op:?}");
            }
        });
    }
}

#[tokio::test]
async fn a_lost_insurance_answer_is_retried_with_the_same_key_and_settles_once() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay { insurance: InsuranceType::Employee, ..Stay::audited("2026900200") }).await;
    app.store().close().await;
    let mut config = config(&dir, Clock::Fixed(now()));
    config.insurance = Arc::new(SandboxInsurance::new(Duration::from_millis(5), SandboxFault::LoseSettleAnswer));
    let app = App::open(config).await.unwrap();
    let cashier = login(&app, "cashier").await;
    let trial =
        app.trial(&cashier, &TrialRequest { case_no: "2026900200".into(), kind: "discharge".into() }).await.unwrap();
    let tenders = if trial.due.money().is_positive() {
        vec![tender("cash", &trial.due.to_string())]
    } else {
        trial.refund_suggestion.iter().map(|t| tender(&t.tender.code, &t.amount.to_string())).collect()
    };
    let request = SettleRequest {
        case_no: "2026900200".into(),
        key: key(),
        kind: "discharge".into(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders,
        cash_received: None,
    };
    let before = version(&app, "2026900200").await;
    let err = app.settle(&cashier, &request).await.unwrap_err();
    assert_eq!(err.code(), "INSURANCE_OUTCOME_UNKNOWN");
    assert_eq!(version(&app, "2026900200").await, before, "nothing half-done locally");
    let settled = app.settle(&cashier, &request).await.unwrap();
    assert_eq!(settled.insurance_fund, trial.insurance_fund);
    assert_eq!(app.account("2026900200").await.unwrap().settlements.len(), 1);
}

#[tokio::test]
async fn an_unreachable_insurance_back_end_refuses_with_a_message_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay { insurance: InsuranceType::Resident, ..Stay::audited("2026900201") }).await;
    app.store().close().await;
    let mut config = config(&dir, Clock::Fixed(now()));
    config.insurance = Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::Unavailable));
    let app = App::open(config).await.unwrap();
    let cashier = login(&app, "cashier").await;
    let err = app
        .trial(&cashier, &TrialRequest { case_no: "2026900201".into(), kind: "discharge".into() })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "INSURANCE_UNAVAILABLE");
    assert!(err.to_string().contains("医保系统暂时无法连接"));
}
