//! Crash safety of the calls to insurance, on real SQLite files with the sandbox back-end: an
//! insurance settlement whose local commit never happened is reversed when the app starts
//! again, a normal settlement (and recall) closes its intent, and a reversal the back-end does
//! not take is kept as failed, counted, and retried until it goes through.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use app::insurance::{
    BoxFuture, Claim, ClaimStatus, InsuranceBackend, InsuranceError, InsuranceSettlement, SandboxFault,
    SandboxInsurance,
};
use app::{App, Clock};
use contract::cashier::{Approval, RecallRequest, SettleRequest, TrialRequest};
use domain::{InsuranceShare, InsuranceType};
use store::intents::{IntentKind, Outcome};
use support::*;
use tempfile::TempDir;
use uuid::Uuid;

/// The sandbox, with reversals that fail while `down` is set (the rest still answers).
#[derive(Debug)]
struct FlakyReversal {
    sandbox: Arc<SandboxInsurance>,
    down: AtomicBool,
}

impl InsuranceBackend for FlakyReversal {
    fn pre_settle<'a>(&'a self, claim: &'a Claim) -> BoxFuture<'a, Result<InsuranceShare, InsuranceError>> {
        self.sandbox.pre_settle(claim)
    }
    fn settle<'a>(&'a self, key: Uuid, claim: &'a Claim) -> BoxFuture<'a, Result<InsuranceSettlement, InsuranceError>> {
        self.sandbox.settle(key, claim)
    }
    fn reverse<'a>(&'a self, key: Uuid, reference: &'a str) -> BoxFuture<'a, Result<(), InsuranceError>> {
        if self.down.load(Ordering::SeqCst) {
            return Box::pin(async { Err(InsuranceError::Unavailable("test: 撤销通道中断".into())) });
        }
        self.sandbox.reverse(key, reference)
    }
    fn query(&self, key: Uuid) -> BoxFuture<'_, Result<ClaimStatus, InsuranceError>> {
        self.sandbox.query(key)
    }
}

const CASE: &str = "2026900300";

/// A seeded hospital with an insured, audited patient, reopened on `insurance`.
async fn insured(dir: &TempDir, insurance: Arc<dyn InsuranceBackend>, pause: Option<Duration>) -> App {
    let app = seeded(dir, 1).await;
    admit(&app, &Stay { insurance: InsuranceType::Employee, ..Stay::audited(CASE) }).await;
    app.store().close().await;
    open(dir, insurance, pause).await
}

async fn open(dir: &TempDir, insurance: Arc<dyn InsuranceBackend>, pause: Option<Duration>) -> App {
    let mut config = config(dir, Clock::Fixed(now()));
    config.insurance = insurance;
    config.pause_before_commit = pause;
    App::open(config).await.unwrap()
}

/// The settlement request the cashier confirms after a discharge trial.
async fn request(app: &App) -> SettleRequest {
    let cashier = login(app, "cashier").await;
    let trial = app.trial(&cashier, &TrialRequest { case_no: CASE.into(), kind: "discharge".into() }).await.unwrap();
    assert!(trial.insurance_fund.money().is_positive(), "insurance pays part of it");
    let tenders = if trial.due.money().is_positive() {
        vec![tender("cash", &trial.due.to_string())]
    } else {
        trial.refund_suggestion.iter().map(|t| tender(&t.tender.code, &t.amount.to_string())).collect()
    };
    SettleRequest {
        case_no: CASE.into(),
        key: key(),
        kind: "discharge".into(),
        version: trial.version.clone(),
        expected_due: trial.due.to_string(),
        tenders,
        cash_received: None,
    }
}

/// Settles, but the process dies before the local commit (after insurance settled).
async fn settle_and_crash(app: App) -> Uuid {
    let request = request(&app).await;
    let cashier = login(&app, "cashier").await;
    let killed = tokio::time::timeout(Duration::from_millis(500), app.settle(&cashier, &request)).await;
    match killed {
        Err(_) => {} // stopped inside the local transaction, after insurance settled
        // A lost answer: insurance settled, the counter never heard, and then the app stops.
        Ok(Err(e)) => assert_eq!(e.code(), "INSURANCE_OUTCOME_UNKNOWN"),
        Ok(Ok(settled)) => panic!("the settlement committed: {settled:?}"),
    }
    let key: Uuid = request.key.parse().unwrap();
    let intent = app.insurance_intent(key).await.unwrap().unwrap();
    assert_eq!((intent.kind, intent.state), (IntentKind::Settle, None), "written before the call, still open");
    assert!(app.account(CASE).await.unwrap().settlements.is_empty(), "nothing committed locally");
    app.store().close().await;
    key
}

/// The supervisor-approved discharge recall of `settlement_no` under `key`.
fn recall_of(settlement_no: &str, key: String) -> RecallRequest {
    RecallRequest {
        case_no: CASE.into(),
        key,
        kind: "discharge".into(),
        settlement_no: Some(settlement_no.to_owned()),
        reason: "结算有误".into(),
        approval: Approval { username: "supervisor".into(), password: demo::DEMO_PASSWORD.into() },
    }
}

async fn state(app: &App, key: Uuid) -> Option<Outcome> {
    app.insurance_intent(key).await.unwrap().unwrap().state
}

#[tokio::test]
async fn an_insurance_settlement_without_its_local_commit_is_reversed_at_the_next_start() {
    let dir = TempDir::new().unwrap();
    let sandbox = Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::LoseSettleAnswer));
    let app = insured(&dir, sandbox.clone(), Some(Duration::from_secs(30))).await;
    let key = settle_and_crash(app).await;
    assert!(
        matches!(sandbox.query(key).await.unwrap(), ClaimStatus::Settled { .. }),
        "insurance settled (its answer was lost) and it is answered honestly"
    );

    let app = open(&dir, sandbox.clone(), None).await;
    assert_eq!(state(&app, key).await, Some(Outcome::Reversed), "the start-up sweep reversed it");
    assert_eq!(sandbox.query(key).await.unwrap(), ClaimStatus::NotSettled);
    assert_eq!(app.unresolved_insurance().await.unwrap(), 0);
    assert!(app.account(CASE).await.unwrap().settlements.is_empty());

    // The same key again: refused, never a settlement on a reversed claim.
    let cashier = login(&app, "cashier").await;
    let mut again = request(&app).await;
    again.key = key.to_string();
    let err = app.settle(&cashier, &again).await.unwrap_err();
    assert_eq!(err.code(), "INSURANCE_REVERSED");
    // A fresh trial settles normally (once insurance answers again).
    sandbox.set_fault(SandboxFault::None);
    let settled = app.settle(&cashier, &request(&app).await).await.unwrap();
    assert!(settled.insurance_fund.money().is_positive());
}

#[tokio::test]
async fn a_normal_settlement_and_its_recall_close_their_intents() {
    let dir = TempDir::new().unwrap();
    let sandbox = Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::None));
    let app = insured(&dir, sandbox.clone(), None).await;
    let cashier = login(&app, "cashier").await;
    let request = request(&app).await;
    let settled = app.settle(&cashier, &request).await.unwrap();
    let key: Uuid = request.key.parse().unwrap();
    assert_eq!(state(&app, key).await, Some(Outcome::Done));
    assert!(matches!(sandbox.query(key).await.unwrap(), ClaimStatus::Settled { .. }));

    let recall = recall_of(&settled.settlement_no, support::key());
    app.recall(&cashier, &recall).await.unwrap();
    let recall_key: Uuid = recall.key.parse().unwrap();
    let intent = app.insurance_intent(recall_key).await.unwrap().unwrap();
    assert_eq!((intent.kind, intent.state), (IntentKind::Reverse, Some(Outcome::Done)));
    assert_eq!(sandbox.query(key).await.unwrap(), ClaimStatus::NotSettled, "the recall reversed the claim");
    assert_eq!(app.unresolved_insurance().await.unwrap(), 0);
    // Reopening finds nothing to repair.
    let app = reopen_on(app, &dir, sandbox).await;
    assert_eq!(app.unresolved_insurance().await.unwrap(), 0);
}

async fn reopen_on(app: App, dir: &TempDir, insurance: Arc<dyn InsuranceBackend>) -> App {
    app.store().close().await;
    open(dir, insurance, None).await
}

#[tokio::test]
async fn a_reversal_the_back_end_does_not_take_is_failed_counted_and_retried() {
    let dir = TempDir::new().unwrap();
    let sandbox = Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::None));
    let flaky = Arc::new(FlakyReversal { sandbox: sandbox.clone(), down: AtomicBool::new(true) });
    let app = insured(&dir, flaky.clone(), Some(Duration::from_secs(30))).await;
    let key = settle_and_crash(app).await;

    let app = open(&dir, flaky.clone(), None).await;
    assert_eq!(state(&app, key).await, Some(Outcome::Failed), "the reversal failed and says so");
    assert_eq!(app.unresolved_insurance().await.unwrap(), 1, "counted for the status");
    let status = app.link_status().await.unwrap();
    assert_eq!((status.insurance, status.label().contains("医保待处理 1 笔")), (1, true), "{}", status.label());
    assert!(matches!(sandbox.query(key).await.unwrap(), ClaimStatus::Settled { .. }), "still settled");
    // Still down: retrying keeps it failed, never dropped.
    assert_eq!(app.retry_insurance().await.unwrap(), 1);
    let app = reopen_on(app, &dir, flaky.clone()).await;
    assert_eq!(state(&app, key).await, Some(Outcome::Failed), "retried at the next start");

    flaky.down.store(false, Ordering::SeqCst);
    assert_eq!(app.retry_insurance().await.unwrap(), 0, "back up: the retry goes through");
    assert_eq!(state(&app, key).await, Some(Outcome::Reversed));
    assert_eq!(sandbox.query(key).await.unwrap(), ClaimStatus::NotSettled);
}

#[tokio::test]
async fn an_unreachable_back_end_at_start_leaves_the_intent_failed_until_it_answers() {
    let dir = TempDir::new().unwrap();
    let sandbox = Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::None));
    let app = insured(&dir, sandbox.clone(), Some(Duration::from_secs(30))).await;
    let key = settle_and_crash(app).await;

    sandbox.set_fault(SandboxFault::Unavailable);
    let app = open(&dir, sandbox.clone(), None).await;
    assert_eq!(state(&app, key).await, Some(Outcome::Failed));
    assert_eq!(app.unresolved_insurance().await.unwrap(), 1);
    sandbox.set_fault(SandboxFault::None);
    let app = reopen_on(app, &dir, sandbox.clone()).await;
    assert_eq!(state(&app, key).await, Some(Outcome::Reversed));
    assert_eq!(app.unresolved_insurance().await.unwrap(), 0);
    assert_eq!(sandbox.query(key).await.unwrap(), ClaimStatus::NotSettled);
}

#[tokio::test]
async fn a_recall_whose_local_commit_never_happens_finishes_its_reversal_and_stays_counted() {
    let dir = TempDir::new().unwrap();
    let sandbox = Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::None));
    let app = insured(&dir, sandbox.clone(), None).await;
    let cashier = login(&app, "cashier").await;
    let request = request(&app).await;
    let settled = app.settle(&cashier, &request).await.unwrap();
    let settle_key: Uuid = request.key.parse().unwrap();
    let recall = |key: String| recall_of(&settled.settlement_no, key);

    app.store().close().await;
    let app = open(&dir, sandbox.clone(), Some(Duration::from_secs(30))).await;
    let cashier = login(&app, "cashier").await;
    let first = recall(support::key());
    let killed = tokio::time::timeout(Duration::from_millis(500), app.recall(&cashier, &first)).await;
    assert!(killed.is_err(), "stopped inside the recall's local transaction");
    assert_eq!(sandbox.query(settle_key).await.unwrap(), ClaimStatus::NotSettled, "insurance reversed");

    let app = reopen_on(app, &dir, sandbox.clone()).await;
    assert_eq!(state(&app, first.key.parse().unwrap()).await, Some(Outcome::Reversed));
    assert_eq!(app.unresolved_insurance().await.unwrap(), 1, "reversed at insurance, still settled here");
    assert!(!app.account(CASE).await.unwrap().settlements[0].recalled, "the recall did not commit");

    let cashier = login(&app, "cashier").await;
    app.recall(&cashier, &recall(support::key())).await.unwrap();
    assert_eq!(app.unresolved_insurance().await.unwrap(), 0, "recalled again: nothing left");
}

#[tokio::test]
async fn a_recall_insurance_refused_leaves_the_claim_alone_at_the_next_start() {
    let dir = TempDir::new().unwrap();
    let sandbox = Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::None));
    let app = insured(&dir, sandbox.clone(), None).await;
    let cashier = login(&app, "cashier").await;
    let request = request(&app).await;
    let settled = app.settle(&cashier, &request).await.unwrap();
    let settle_key: Uuid = request.key.parse().unwrap();

    sandbox.set_fault(SandboxFault::Unavailable);
    let recall = recall_of(&settled.settlement_no, support::key());
    let refused = app.recall(&cashier, &recall).await.unwrap_err();
    assert_eq!(refused.code(), "INSURANCE_UNAVAILABLE");
    assert_eq!(state(&app, recall.key.parse().unwrap()).await, Some(Outcome::Done), "closed: nothing reversed");
    assert_eq!(app.unresolved_insurance().await.unwrap(), 0);

    // The cashier gave up; the back-end is back. The next start must not reverse the claim.
    sandbox.set_fault(SandboxFault::None);
    let app = reopen_on(app, &dir, sandbox.clone()).await;
    assert!(matches!(sandbox.query(settle_key).await.unwrap(), ClaimStatus::Settled { .. }), "still settled");
    assert!(!app.account(CASE).await.unwrap().settlements[0].recalled);
    assert_eq!(app.unresolved_insurance().await.unwrap(), 0);
}
