//! The cashier window's money operations on real SQLite files: deposits and reversals, the
//! audit gate, trial and settlement, refunds by original route, recalls — and every refusal
//! leaves the journal exactly as it was.

mod support;

use app::{AppError, Clock};
use chrono::Duration;
use contract::cashier::{
    Approval, AuditDecision, DepositRequest, FeeDecision, RecallRequest, ReversalRequest, SettleRequest, TenderInput,
    TrialRequest, VoidReceiptRequest,
};
use domain::{AdmissionEvent, FeeCategory, FeeStatus, InsuranceType, Tender};
use store::receipts::{self, Series};
use support::*;
use tempfile::TempDir;

fn deposit(case_no: &str, tenders: Vec<TenderInput>) -> DepositRequest {
    DepositRequest { case_no: case_no.into(), key: key(), tenders, cash_received: None }
}

fn trial_of(case_no: &str) -> TrialRequest {
    TrialRequest { case_no: case_no.into(), kind: "discharge".into() }
}

fn settle_req(trial: &contract::cashier::TrialView, tenders: Vec<TenderInput>) -> SettleRequest {
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

/// What settles a trial exactly: cash for what is due, the suggested routes for a refund.
fn paying(trial: &contract::cashier::TrialView) -> Vec<TenderInput> {
    let due = trial.due.money();
    if due.is_positive() {
        vec![tender("现金", &due.to_string())]
    } else {
        trial.refund_suggestion.iter().map(|t| tender(&t.tender.code, &t.amount.to_string())).collect()
    }
}

fn approval(username: &str, password: &str) -> Approval {
    Approval { username: username.into(), password: password.into() }
}

fn code(result: Result<impl std::fmt::Debug, AppError>) -> &'static str {
    result.expect_err("refused").code()
}

#[tokio::test]
async fn a_deposit_in_split_tenders_gets_the_next_receipt_number_and_change() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 3).await;
    let cashier = login(&app, "cashier").await;
    let case_no = app.find_patients("zs").await.unwrap()[0].case_no.clone();
    let mut conn = app.store().conn().await.unwrap();
    let before = receipts::sequence(&mut conn, "cashier", Series::Deposit).await.unwrap();
    drop(conn);
    let mut request = deposit(&case_no, vec![tender("现金", "500.00"), tender("wechat", "300")]);
    request.cash_received = Some("600".into());
    let receipt = app.take_deposit(&cashier, &request).await.unwrap();
    assert_eq!(receipt.amount.money(), m("800"));
    assert_eq!(receipt.change.money(), m("100"));
    assert_eq!(receipt.amount_words, "捌佰元整");
    assert_eq!(receipt.receipt_no, format!("YJ01{:08}", before.len() + 1));
    // A double click (same key) returns the same receipt and writes nothing more.
    let again = app.take_deposit(&cashier, &request).await.unwrap();
    assert_eq!(again.receipt_no, receipt.receipt_no);
    let account = app.account(&case_no).await.unwrap();
    assert_eq!(account.deposits.iter().filter(|d| d.receipt_no == receipt.receipt_no).count(), 1);
    // The same key with another amount is refused, not applied.
    let mut other = request.clone();
    other.tenders = vec![tender("现金", "1.00")];
    assert_eq!(code(app.take_deposit(&cashier, &other).await), "KEY_REUSED");
    // The receipt prints with the 大写 amount.
    let printed = app.print_deposit_receipt(&cashier, &case_no, &receipt.receipt_no).await.unwrap();
    assert!(std::fs::read(&printed.path).unwrap().starts_with(b"%PDF"));
}

#[tokio::test]
async fn bad_deposits_are_refused_and_write_nothing() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    let case_no = app.find_patients("zs").await.unwrap()[0].case_no.clone();
    let before = version(&app, &case_no).await;
    for (tenders, cash, expected) in [
        (vec![tender("现金", "0")], None, "AMOUNT_NOT_POSITIVE"),
        (vec![tender("现金", "-5")], None, "AMOUNT_NOT_POSITIVE"),
        (vec![tender("现金", "1.234")], None, "MONEY_TOO_MANY_DECIMALS"),
        (vec![tender("现金", "10000000.01")], None, "AMOUNT_TOO_LARGE"),
        (vec![tender("现金", "6000000"), tender("card", "6000000")], None, "AMOUNT_TOO_LARGE"),
        (vec![tender("比特币", "5")], None, "TENDER_UNKNOWN"),
        (vec![tender("现金", "abc")], None, "MONEY_MALFORMED"),
        (vec![], None, "TENDER_EMPTY"),
        (vec![tender("现金", "100")], Some("99.99"), "CASH_SHORT"),
    ] {
        let mut request = deposit(&case_no, tenders);
        request.cash_received = cash.map(str::to_owned);
        let err = app.take_deposit(&cashier, &request).await.unwrap_err();
        assert_eq!(err.code(), expected, "{request:?}");
        assert!(!err.to_api().message.is_empty());
    }
    assert_eq!(version(&app, &case_no).await, before, "nothing written");
    let finance = login(&app, "finance").await;
    assert_eq!(code(app.take_deposit(&finance, &deposit(&case_no, vec![tender("现金", "5")])).await), "FORBIDDEN");
}

#[tokio::test]
async fn the_audit_gate_blocks_settlement_until_lines_are_confirmed_and_the_audit_passes() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(
        &app,
        &Stay {
            case_no: "2026900001",
            fees: vec![
                (FeeCategory::Laboratory, "80.00", FeeStatus::Unconfirmed),
                (FeeCategory::Examination, "260.00", FeeStatus::Cancelled),
                (FeeCategory::Drug, "100.00", FeeStatus::Confirmed),
            ],
            events: vec![AdmissionEvent::DischargeOrdered],
            ..Stay::audited("2026900001")
        },
    )
    .await;
    let cashier = login(&app, "cashier").await;
    let finance = login(&app, "finance").await;
    assert_eq!(code(app.trial(&cashier, &trial_of("2026900001")).await), "NOT_AUDITED");
    let gate = app.audit_gate("2026900001").await.unwrap();
    assert_eq!(gate.blockers.len(), 1, "only the unconfirmed line blocks; the cancelled one never does");
    assert_eq!(gate.blockers[0].item_name, "测试项目0");
    let pass = AuditDecision { case_no: "2026900001".into(), key: key(), pass: true, reason: String::new() };
    assert_eq!(code(app.decide_audit(&finance, &pass).await), "AUDIT_BLOCKED_BY_UNCONFIRMED");
    assert_eq!(code(app.decide_audit(&cashier, &pass).await), "FORBIDDEN", "a cashier cannot audit");
    let confirm = FeeDecision {
        case_no: "2026900001".into(),
        key: key(),
        fee_id: gate.blockers[0].id,
        confirm: true,
        reason: String::new(),
    };
    let gate = app.decide_fee(&finance, &confirm).await.unwrap();
    assert!(gate.can_pass && gate.blockers.is_empty());
    app.decide_audit(&finance, &AuditDecision { key: key(), ..pass.clone() }).await.unwrap();
    let trial = app.trial(&cashier, &trial_of("2026900001")).await.unwrap();
    assert_eq!(trial.fees.money(), m("180"), "the cancelled line does not count");
    // Returning the audit needs a reason, and puts the gate back.
    let back = AuditDecision { case_no: "2026900001".into(), key: key(), pass: false, reason: " ".into() };
    assert_eq!(code(app.decide_audit(&finance, &back).await), "REASON_REQUIRED");
    app.decide_audit(&finance, &AuditDecision { reason: "药品费有误".into(), ..back }).await.unwrap();
    assert_eq!(code(app.trial(&cashier, &trial_of("2026900001")).await), "NOT_AUDITED");
}

#[tokio::test]
async fn settlement_collects_exactly_once_and_refuses_stale_trials() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay::audited("2026900002")).await;
    let cashier = login(&app, "cashier").await;
    let trial = app.trial(&cashier, &trial_of("2026900002")).await.unwrap();
    assert_eq!((trial.due.money(), trial.due_label.as_str()), (m("1000"), "应补缴"));
    assert_eq!(trial.due_words, "壹仟元整");
    let before = version(&app, "2026900002").await;
    // Refusals: wrong sums, short cash, stale trials — each writes nothing.
    assert_eq!(
        code(app.settle(&cashier, &settle_req(&trial, vec![tender("card", "999.99")])).await),
        "TENDER_SUM_MISMATCH"
    );
    let mut short = settle_req(&trial, vec![tender("现金", "1000")]);
    short.cash_received = Some("900".into());
    assert_eq!(code(app.settle(&cashier, &short).await), "CASH_SHORT");
    let mut stale = settle_req(&trial, vec![tender("现金", "1000")]);
    stale.expected_due = "999.00".into();
    let err = app.settle(&cashier, &stale).await.unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), ("TRIAL_STALE", "费用发生改变，请重新试算"));
    assert_eq!(version(&app, "2026900002").await, before);
    // A deposit after the trial makes it stale too.
    app.take_deposit(&cashier, &deposit("2026900002", vec![tender("现金", "100")])).await.unwrap();
    assert_eq!(code(app.settle(&cashier, &settle_req(&trial, vec![tender("现金", "1000")])).await), "TRIAL_STALE");

    let trial = app.trial(&cashier, &trial_of("2026900002")).await.unwrap();
    assert_eq!(trial.due.money(), m("900"));
    let mut request = settle_req(&trial, vec![tender("银行卡", "400.00"), tender("现金", "500.00")]);
    request.cash_received = Some("600".into());
    let settled = app.settle(&cashier, &request).await.unwrap();
    assert_eq!(settled.change.money(), m("100"));
    assert_eq!(settled.place.code, "counter");
    assert_eq!(settled.invoice_status.code, "issued");
    // Retry with the same key: the same settlement, nothing twice.
    let again = app.settle(&cashier, &request).await.unwrap();
    assert_eq!(again.settlement_no, settled.settlement_no);
    let account = app.account("2026900002").await.unwrap();
    assert_eq!(account.settlements.len(), 1);
    assert_eq!(account.totals.balance.money(), m("0"));
    assert_eq!(account.patient.state.code, "settled");
    // Settling twice with a new key is refused, so is a new deposit.
    assert_eq!(code(app.trial(&cashier, &trial_of("2026900002")).await), "ALREADY_SETTLED");
    assert_eq!(code(app.settle(&cashier, &settle_req(&trial, vec![])).await), "TRIAL_STALE");
    assert_eq!(
        code(app.take_deposit(&cashier, &deposit("2026900002", vec![tender("现金", "5")])).await),
        "ACCOUNT_SETTLED"
    );
    // A deposit a settlement used cannot be reversed.
    let first = account.deposits[0].receipt_no.clone();
    let reversal = ReversalRequest {
        case_no: "2026900002".into(),
        key: key(),
        receipt_no: first,
        amount: "500.00".into(),
        tenders: vec![tender("现金", "500.00")],
        reason: "退预交金".into(),
    };
    assert_eq!(code(app.reverse_deposit(&cashier, &reversal).await), "DEPOSIT_USED_BY_SETTLEMENT");
    let pdf = app.settlement_pdf("2026900002", &settled.settlement_no, "王丽").await.unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_refund_goes_back_by_original_routes_within_their_windows() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(
        &app,
        &Stay {
            deposits: vec![
                (Tender::Alipay, "1000.00", 100),
                (Tender::WeChat, "800.00", 2),
                (Tender::Cash, "200.00", 1),
            ],
            ..Stay::audited("2026900003")
        },
    )
    .await;
    let cashier = login(&app, "cashier").await;
    let trial = app.trial(&cashier, &trial_of("2026900003")).await.unwrap();
    assert_eq!(trial.due.money(), m("-500"));
    // Suggested: the newest non-cash deposit (WeChat); Alipay is past its 90 days.
    assert_eq!(trial.refund_suggestion.len(), 1);
    assert_eq!(
        (trial.refund_suggestion[0].tender.code.as_str(), trial.refund_suggestion[0].amount.money()),
        ("wechat", m("500"))
    );
    assert_eq!(
        code(app.settle(&cashier, &settle_req(&trial, vec![tender("支付宝", "500")])).await),
        "REFUND_WINDOW_PASSED"
    );
    assert_eq!(
        code(app.settle(&cashier, &settle_req(&trial, vec![tender("银行卡", "500")])).await),
        "REFUND_ROUTE_UNKNOWN"
    );
    assert_eq!(
        code(app.settle(&cashier, &settle_req(&trial, vec![tender("微信", "500"), tender("现金", "1")])).await),
        "TENDER_SUM_MISMATCH"
    );
    let settled =
        app.settle(&cashier, &settle_req(&trial, vec![tender("微信", "300"), tender("现金", "200")])).await.unwrap();
    let refunded: domain::Money = settled.payments.iter().map(|p| p.amount.money()).sum();
    assert_eq!(refunded, m("-500"));
    assert_eq!(app.account("2026900003").await.unwrap().totals.balance.money(), m("0"));
}

#[tokio::test]
async fn reversals_go_by_the_original_route_and_never_partially_for_non_cash() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(
        &app,
        &Stay {
            deposits: vec![(Tender::Cash, "1000.00", 1), (Tender::WeChat, "500.00", 1)],
            events: vec![],
            ..Stay::audited("2026900004")
        },
    )
    .await;
    let cashier = login(&app, "cashier").await;
    let account = app.account("2026900004").await.unwrap();
    let (cash, wechat) = (account.deposits[0].receipt_no.clone(), account.deposits[1].receipt_no.clone());
    let reverse = |receipt: &str, amount: &str, tenders: Vec<TenderInput>| ReversalRequest {
        case_no: "2026900004".into(),
        key: key(),
        receipt_no: receipt.into(),
        amount: amount.into(),
        tenders,
        reason: "误收".into(),
    };
    let before = version(&app, "2026900004").await;
    assert_eq!(
        code(app.reverse_deposit(&cashier, &reverse(&wechat, "100", vec![tender("微信", "100")])).await),
        "PARTIAL_REVERSAL_NON_CASH"
    );
    assert_eq!(
        code(app.reverse_deposit(&cashier, &reverse(&wechat, "500", vec![tender("支付宝", "500")])).await),
        "REFUND_ROUTE_NOT_ORIGINAL"
    );
    assert_eq!(
        code(app.reverse_deposit(&cashier, &reverse(&cash, "1000.01", vec![tender("现金", "1000.01")])).await),
        "REVERSAL_EXCEEDS_DEPOSIT"
    );
    assert_eq!(
        code(app.reverse_deposit(&cashier, &reverse("YJ0000000000", "1", vec![tender("现金", "1")])).await),
        "DEPOSIT_NOT_FOUND"
    );
    let mut no_reason = reverse(&cash, "1", vec![tender("现金", "1")]);
    no_reason.reason = String::new();
    assert_eq!(code(app.reverse_deposit(&cashier, &no_reason).await), "REASON_REQUIRED");
    assert_eq!(version(&app, "2026900004").await, before);
    let partial = app.reverse_deposit(&cashier, &reverse(&cash, "300", vec![tender("现金", "300")])).await.unwrap();
    assert_eq!(partial.amount.money(), m("-300"));
    assert_eq!(partial.reason.as_deref(), Some("误收"));
    app.reverse_deposit(&cashier, &reverse(&wechat, "500", vec![tender("微信", "500")])).await.unwrap();
    let account = app.account("2026900004").await.unwrap();
    assert_eq!(account.totals.deposits.money(), m("700"));
    // The reason is kept with the reversal: the account shows it, the receipt prints it.
    let shown = account.deposits.iter().find(|d| d.receipt_no == partial.receipt_no).unwrap();
    assert_eq!(shown.reason.as_deref(), Some("误收"));
    assert!(account.deposits.iter().filter(|d| d.kind.code == "deposit").all(|d| d.reason.is_none()));
    let printed = app.print_deposit_receipt(&cashier, "2026900004", &partial.receipt_no).await.unwrap();
    let text = std::process::Command::new("pdftotext").arg(&printed.path).arg("-").output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("冲红原因：误收"), "printed on the 冲红凭证");
    // A reason that is blank or too long is refused with nothing written.
    let before = version(&app, "2026900004").await;
    let mut long = reverse(&cash, "1", vec![tender("现金", "1")]);
    long.reason = "很".repeat(201);
    assert_eq!(code(app.reverse_deposit(&cashier, &long).await), "REASON_TOO_LONG");
    assert_eq!(version(&app, "2026900004").await, before);
}

#[tokio::test]
async fn a_spoiled_receipt_is_voided_and_its_number_never_reused() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    let case_no = app.find_patients("zs").await.unwrap()[0].case_no.clone();
    let first = app.take_deposit(&cashier, &deposit(&case_no, vec![tender("现金", "100")])).await.unwrap();
    let void = VoidReceiptRequest {
        case_no: case_no.clone(),
        receipt_no: first.receipt_no.clone(),
        reason: "打印卡纸".into(),
    };
    let reissued = app.void_receipt(&cashier, &void).await.unwrap();
    assert_ne!(reissued.receipt_no, first.receipt_no);
    let next = app.take_deposit(&cashier, &deposit(&case_no, vec![tender("现金", "100")])).await.unwrap();
    let mut conn = app.store().conn().await.unwrap();
    assert_eq!(receipts::voided(&mut conn, "cashier").await.unwrap(), vec![first.receipt_no.clone()]);
    let seq = receipts::sequence(&mut conn, "cashier", Series::Deposit).await.unwrap();
    assert_eq!(seq, (1..=i64::try_from(seq.len()).unwrap()).collect::<Vec<_>>(), "gap-free, voided numbers included");
    drop(conn);
    assert!(next.receipt_no > reissued.receipt_no);
    let shown = app.account(&case_no).await.unwrap();
    assert!(shown.deposits.iter().any(|d| d.receipt_no == reissued.receipt_no));
    assert!(
        !shown.deposits.iter().any(|d| d.receipt_no == first.receipt_no),
        "the voided number is not shown as current"
    );
}

#[tokio::test]
async fn recalls_need_a_supervisor_and_restore_the_account() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay { insurance: InsuranceType::Employee, ..Stay::audited("2026900005") }).await;
    let cashier = login(&app, "cashier").await;
    let before = app.account("2026900005").await.unwrap().totals.balance.money();
    let trial = app.trial(&cashier, &trial_of("2026900005")).await.unwrap();
    assert!(trial.insurance_fund.money().is_positive(), "employee insurance pays above the deductible");
    let due = trial.due.money();
    let settled = app.settle(&cashier, &settle_req(&trial, paying(&trial))).await.unwrap();
    let recall = |kind: &str, approval: Approval| RecallRequest {
        case_no: "2026900005".into(),
        key: key(),
        kind: kind.into(),
        settlement_no: None,
        reason: "结算有误".into(),
        approval,
    };
    let snapshot = version(&app, "2026900005").await;
    assert_eq!(code(app.recall(&cashier, &recall("settlement", approval("", ""))).await), "APPROVAL_REQUIRED");
    assert_eq!(
        code(app.recall(&cashier, &recall("settlement", approval("supervisor", "wrong"))).await),
        "LOGIN_FAILED"
    );
    assert_eq!(
        code(app.recall(&cashier, &recall("settlement", approval("cashier2", demo::DEMO_PASSWORD))).await),
        "APPROVAL_REQUIRES_SUPERVISOR"
    );
    // A supervisor recalling on their own authority: nobody approves their own operation.
    let supervisor = login(&app, "supervisor").await;
    assert_eq!(
        code(app.recall(&supervisor, &recall("settlement", approval("supervisor", demo::DEMO_PASSWORD))).await),
        "SELF_APPROVAL"
    );
    assert_eq!(version(&app, "2026900005").await, snapshot);
    let outcome =
        app.recall(&cashier, &recall("settlement", approval("supervisor", demo::DEMO_PASSWORD))).await.unwrap();
    assert_eq!(
        (outcome.settlement_no.as_str(), outcome.approved_by.as_str()),
        (settled.settlement_no.as_str(), "刘强")
    );
    assert_eq!(outcome.state.code, "fees_audited");
    assert_eq!(outcome.balance.money(), before + due, "the balance is back, with the collected money as deposit");
    let account = app.account("2026900005").await.unwrap();
    assert!(account.settlements[0].recalled);
    assert!(account.deposits.iter().any(|d| d.kind.code == "recall_transfer" && d.amount.money() == due));
    // Settle again, then a discharge recall after the window is refused.
    let trial = app.trial(&cashier, &trial_of("2026900005")).await.unwrap();
    app.settle(&cashier, &settle_req(&trial, paying(&trial))).await.unwrap();
    let later = reopen(app, &dir, Clock::Fixed(now() + Duration::days(4))).await;
    let cashier = login(&later, "cashier").await;
    assert_eq!(
        code(later.recall(&cashier, &recall("discharge", approval("supervisor", demo::DEMO_PASSWORD))).await),
        "RECALL_TOO_LATE"
    );
    let outcome =
        later.recall(&cashier, &recall("settlement", approval("supervisor", demo::DEMO_PASSWORD))).await.unwrap();
    assert_eq!(outcome.state.code, "fees_audited");
}

#[tokio::test]
async fn mid_stay_settlements_recall_newest_first_and_discharge_recall_readmits() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay { deposits: vec![(Tender::Cash, "5000.00", 5)], events: vec![], ..Stay::audited("2026900006") })
        .await;
    let cashier = login(&app, "cashier").await;
    let mid = TrialRequest { case_no: "2026900006".into(), kind: "mid_stay".into() };
    let trial = app.trial(&cashier, &mid).await.unwrap();
    assert_eq!(trial.due.money(), m("0"), "deposits cover the fees so far");
    let first = app.settle(&cashier, &settle_req(&trial, vec![])).await.unwrap();
    assert_eq!(code(app.trial(&cashier, &mid).await), "NOTHING_TO_SETTLE");
    let approval = approval("supervisor", demo::DEMO_PASSWORD);
    let recall = RecallRequest {
        case_no: "2026900006".into(),
        key: key(),
        kind: "settlement".into(),
        settlement_no: Some(first.settlement_no.clone()),
        reason: "重结".into(),
        approval: approval.clone(),
    };
    // Discharge recall of a mid-stay settlement is refused; a recall of an older one too.
    assert_eq!(
        code(app.recall(&cashier, &RecallRequest { kind: "discharge".into(), key: key(), ..recall.clone() }).await),
        "NOT_DISCHARGED"
    );
    app.recall(&cashier, &recall).await.unwrap();
    let trial = app.trial(&cashier, &mid).await.unwrap();
    let second = app.settle(&cashier, &settle_req(&trial, vec![])).await.unwrap();
    assert_ne!(second.settlement_no, first.settlement_no);
    assert_eq!(
        code(
            app.recall(
                &cashier,
                &RecallRequest { key: key(), settlement_no: Some(first.settlement_no.clone()), ..recall.clone() }
            )
            .await
        ),
        "NOTHING_TO_RECALL"
    );
    assert_eq!(app.account("2026900006").await.unwrap().totals.balance.money(), m("3500"));
}
