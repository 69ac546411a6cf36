//! Tests of the account: derived totals, deposits and reversals, the audit gate, trials,
//! settlements, refunds by original route, recalls, and the ledger identity under any
//! sequence of operations (property test).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use proptest::prelude::*;

use super::deposit::{DepositEntry, DepositKind};
use super::fee::{FeeCategory, FeeLine, FeeStatus};
use super::recall::RecallKind;
use super::settlement::{Place, Settlement, SettlementKind};
use super::state::{AdmissionEvent, AdmissionState};
use super::tender::{Tender, TenderLine};
use super::*;
use crate::insurance::InsuranceShare;

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap().and_hms_opt(9, 0, 0).unwrap()
}

fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn fee(id: i64, category: FeeCategory, amount: Money, status: FeeStatus) -> FeeLine {
    FeeLine {
        id,
        item_code: format!("X{id}"),
        item_name: "项目".into(),
        category,
        spec: String::new(),
        unit: "次".into(),
        quantity: 1.into(),
        unit_price: amount,
        amount,
        charged_at: t0(),
        department: "内科".into(),
        status,
    }
}

fn line(tender: Tender, amount: Money) -> TenderLine {
    TenderLine { tender, amount, reference: None }
}

/// Appends rows as the store would, giving ids in order.
struct Ledger {
    account: InpatientAccount,
    next_id: i64,
    now: NaiveDateTime,
}

impl Ledger {
    fn new() -> Ledger {
        Ledger { account: InpatientAccount::default(), next_id: 1, now: t0() }
    }
    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }
    fn charge(&mut self, category: FeeCategory, amount: Money, status: FeeStatus) -> i64 {
        let id = self.id();
        self.account.fees.push(fee(id, category, amount, status));
        id
    }
    fn deposit(&mut self, tenders: Vec<TenderLine>) -> Result<i64, super::tenders::TenderError> {
        let tendered = super::tenders::check_tenders(&tenders, None)?;
        let id = self.id();
        let entry = DepositEntry {
            id,
            receipt_no: format!("R{id}"),
            kind: DepositKind::Deposit,
            amount: tendered.total,
            tenders,
            at: self.now,
            cashier: "王丽".into(),
            reason: None,
        };
        self.account.deposits.push(entry);
        Ok(id)
    }
    fn reverse(
        &mut self,
        of: i64,
        amount: Money,
        route: Vec<TenderLine>,
    ) -> Result<(), super::reversal::ReversalError> {
        let tenders = self.account.plan_reversal(of, amount, &route, self.now)?;
        let id = self.id();
        let entry = DepositEntry {
            id,
            receipt_no: format!("R{id}"),
            kind: DepositKind::Reversal { of },
            amount: -amount,
            tenders,
            at: self.now,
            cashier: "王丽".into(),
            reason: None,
        };
        self.account.deposits.push(entry);
        Ok(())
    }
    fn event(&mut self, event: AdmissionEvent) {
        self.account.state = self.account.state.after(event).unwrap();
    }
    fn settle(
        &mut self,
        kind: SettlementKind,
        insurance: InsuranceShare,
        tenders: Option<Vec<TenderLine>>,
    ) -> Result<i64, String> {
        let trial = self.account.draft_settlement(kind).map_err(|e| e.to_string())?.trial(insurance);
        let lines = match tenders {
            Some(lines) => lines,
            None if trial.figures.due.is_positive() => vec![line(Tender::Cash, trial.figures.due)],
            None if trial.figures.due.is_negative() => self.account.suggest_refund(-trial.figures.due, self.now),
            None => Vec::new(),
        };
        let (payments, _) = trial.payments(&self.account, &lines, None, self.now).map_err(|e| e.to_string())?;
        let id = self.id();
        self.account.settlements.push(Settlement {
            id,
            settlement_no: format!("JS{id}"),
            kind,
            fee_ids: trial.draft.fee_ids.clone(),
            figures: trial.figures,
            payments,
            at: self.now,
            cashier: "王丽".into(),
            place: Place::Counter,
            insurance_ref: None,
            recall: None,
        });
        if kind == SettlementKind::Discharge {
            self.event(AdmissionEvent::Settled);
        }
        Ok(id)
    }
    fn recall(&mut self, kind: RecallKind, no: Option<&str>) -> Result<(), super::recall::RecallError> {
        let plan = self.account.plan_recall(kind, no, "收费错误", self.now, 7)?;
        let settlement = self.account.settlements.iter_mut().find(|s| s.id == plan.settlement_id).unwrap();
        settlement.recall = Some(settlement::Recall {
            at: self.now,
            by: "王丽".into(),
            approved_by: "刘强".into(),
            reason: "收费错误".into(),
        });
        if !plan.transfer.is_zero() {
            let id = self.id();
            self.account.deposits.push(DepositEntry {
                id,
                receipt_no: format!("R{id}"),
                kind: DepositKind::RecallTransfer { settlement: plan.settlement_id },
                amount: plan.transfer,
                tenders: plan.transfer_tenders,
                at: self.now,
                cashier: "王丽".into(),
                reason: None,
            });
        }
        for e in plan.events {
            self.event(e);
        }
        Ok(())
    }
    fn audited(&mut self) {
        self.event(AdmissionEvent::DischargeOrdered);
        self.account.check_audit_pass().unwrap();
        self.event(AdmissionEvent::AuditPassed);
    }
}

#[test]
fn cancelled_lines_do_not_count() {
    let mut l = Ledger::new();
    l.charge(FeeCategory::Drug, m("10"), FeeStatus::Confirmed);
    l.charge(FeeCategory::Drug, m("5"), FeeStatus::Unconfirmed);
    l.charge(FeeCategory::Bed, m("99.99"), FeeStatus::Cancelled);
    l.charge(FeeCategory::Bed, m("40"), FeeStatus::Confirmed);
    l.deposit(vec![line(Tender::Cash, m("100"))]).unwrap();
    assert_eq!(l.account.fees_total(), m("55"));
    assert_eq!(l.account.balance(), m("45"));
    let totals = l.account.category_totals();
    assert_eq!((totals[0].category, totals[0].total, totals[0].lines), (FeeCategory::Bed, m("40"), 1));
    assert_eq!((totals[1].category, totals[1].total, totals[1].lines), (FeeCategory::Drug, m("15"), 2));
}

#[test]
fn the_audit_gate_lists_exactly_the_blocking_lines() {
    let mut l = Ledger::new();
    l.charge(FeeCategory::Laboratory, m("20"), FeeStatus::Confirmed);
    let blocking = l.charge(FeeCategory::Examination, m("260"), FeeStatus::Unconfirmed);
    l.charge(FeeCategory::Examination, m("90"), FeeStatus::Cancelled);
    l.event(AdmissionEvent::DischargeOrdered);
    assert_eq!(l.account.audit_blockers().iter().map(|f| f.id).collect::<Vec<_>>(), vec![blocking]);
    assert_eq!(
        l.account.check_audit_pass().unwrap_err().to_string(),
        "还有 1 条未确费项目，不能通过费用审核；请先确费或取消这些项目"
    );
    let err = l.account.draft_settlement(SettlementKind::Discharge).unwrap_err();
    assert_eq!(err.code(), "NOT_AUDITED");
    l.account.check_fee_event(blocking, audit::FeeEvent::Confirmed, "").unwrap();
    l.account.fees.iter_mut().find(|f| f.id == blocking).unwrap().status = FeeStatus::Confirmed;
    l.account.check_audit_pass().unwrap();
    assert!(l.account.check_audit_return("").is_err());
}

#[test]
fn discharge_with_a_refund_goes_back_by_original_routes_newest_first() {
    let mut l = Ledger::new();
    let first = l.deposit(vec![line(Tender::Alipay, m("1000"))]).unwrap();
    l.now += Duration::days(1);
    let second = l.deposit(vec![line(Tender::Cash, m("200")), line(Tender::WeChat, m("800"))]).unwrap();
    l.charge(FeeCategory::Drug, m("1200"), FeeStatus::Confirmed);
    l.audited();
    let trial = l.account.draft_settlement(SettlementKind::Discharge).unwrap().trial(InsuranceShare::default());
    assert_eq!(trial.figures.due, m("-800"));
    // Proposed: WeChat of the newest deposit first, then Alipay.
    let suggestion = l.account.suggest_refund(m("800"), l.now);
    assert_eq!(suggestion, vec![line(Tender::WeChat, m("800"))]);
    let (payments, _) = trial.payments(&l.account, &suggestion, None, l.now).unwrap();
    assert_eq!(payments[0].deposit_id, Some(second));
    // A refund to a route never paid is refused; so is more than the route holds.
    assert_eq!(
        trial.payments(&l.account, &[line(Tender::BankCard, m("800"))], None, l.now).unwrap_err().code(),
        "REFUND_ROUTE_UNKNOWN"
    );
    assert_eq!(
        trial.payments(&l.account, &[line(Tender::Alipay, m("800"))], None, l.now).unwrap().0[0].deposit_id,
        Some(first)
    );
    assert_eq!(
        trial
            .payments(&l.account, &[line(Tender::WeChat, m("799")), line(Tender::Cash, m("2"))], None, l.now)
            .unwrap_err()
            .code(),
        "TENDER_SUM_MISMATCH"
    );
    // Alipay's window is 90 days.
    l.now += Duration::days(91);
    assert_eq!(
        trial.payments(&l.account, &[line(Tender::Alipay, m("800"))], None, l.now).unwrap_err().code(),
        "REFUND_WINDOW_PASSED"
    );
    l.now -= Duration::days(91);
    l.settle(SettlementKind::Discharge, InsuranceShare::default(), None).unwrap();
    assert_eq!(l.account.balance(), Money::ZERO);
    assert_eq!(l.account.state, AdmissionState::Settled);
    assert_eq!(l.account.draft_settlement(SettlementKind::Discharge).unwrap_err().code(), "ALREADY_SETTLED");
}

#[test]
fn insurance_and_blood_reduce_what_is_due() {
    let mut l = Ledger::new();
    l.deposit(vec![line(Tender::BankCard, m("3000"))]).unwrap();
    l.charge(FeeCategory::Drug, m("4000"), FeeStatus::Confirmed);
    l.charge(FeeCategory::Blood, m("660"), FeeStatus::Confirmed);
    l.account.blood_approved = m("1000");
    l.audited();
    let share = InsuranceShare { fund: m("2500"), personal_account: m("300") };
    let trial = l.account.draft_settlement(SettlementKind::Discharge).unwrap().trial(share);
    assert_eq!(trial.figures.blood_reimbursement, m("660"), "at most the blood fees");
    assert_eq!(trial.figures.due, m("4660") - m("2500") - m("300") - m("660") - m("3000"));
    // Collecting needs tenders summing exactly; cash received must cover cash.
    assert_eq!(trial.figures.due, m("-1800"));
}

#[test]
fn a_recall_restores_the_balance_with_moved_money_as_deposit() {
    let mut l = Ledger::new();
    l.deposit(vec![line(Tender::Cash, m("500"))]).unwrap();
    l.charge(FeeCategory::Surgery, m("2800"), FeeStatus::Confirmed);
    l.audited();
    let before = l.account.balance();
    l.settle(SettlementKind::Discharge, InsuranceShare { fund: m("1000"), personal_account: Money::ZERO }, None)
        .unwrap();
    assert_eq!(l.account.balance(), Money::ZERO);
    let collected = m("1300");
    // A discharge recall needs the newest settlement to be the discharge one, within 7 days.
    l.now += Duration::days(8);
    assert_eq!(
        l.account.plan_recall(RecallKind::Discharge, None, "x", l.now, 7).unwrap_err().code(),
        "RECALL_TOO_LATE"
    );
    l.now -= Duration::days(8);
    l.recall(RecallKind::Settlement, None).unwrap();
    assert_eq!(l.account.state, AdmissionState::FeesAudited);
    assert_eq!(l.account.balance(), before + collected, "collected money became deposit");
    assert_eq!(l.account.deposits_total(), m("1800"));
    assert!(l.account.used_deposit_ids().is_empty(), "deposits are released");
}

#[test]
fn reversals_follow_the_rules() {
    let mut l = Ledger::new();
    let cash = l.deposit(vec![line(Tender::Cash, m("1000"))]).unwrap();
    let wechat = l.deposit(vec![line(Tender::WeChat, m("500"))]).unwrap();
    // Partial cash reversal is fine; partial non-cash is not.
    l.reverse(cash, m("300"), vec![line(Tender::Cash, m("300"))]).unwrap();
    assert_eq!(
        l.reverse(wechat, m("100"), vec![line(Tender::WeChat, m("100"))]).unwrap_err().code(),
        "PARTIAL_REVERSAL_NON_CASH"
    );
    assert_eq!(
        l.reverse(wechat, m("500"), vec![line(Tender::Alipay, m("500"))]).unwrap_err().code(),
        "REFUND_ROUTE_NOT_ORIGINAL"
    );
    assert_eq!(
        l.reverse(cash, m("800"), vec![line(Tender::Cash, m("800"))]).unwrap_err().code(),
        "REVERSAL_EXCEEDS_DEPOSIT"
    );
    let reversal_id = l.next_id + 1;
    l.reverse(wechat, m("500"), vec![line(Tender::Cash, m("500"))]).unwrap();
    assert_eq!(
        l.reverse(wechat, m("500"), vec![line(Tender::Cash, m("500"))]).unwrap_err().code(),
        "DEPOSIT_ALREADY_REVERSED"
    );
    assert_eq!(
        l.reverse(reversal_id, m("1"), vec![line(Tender::Cash, m("1"))]).unwrap_err().code(),
        "REVERSAL_OF_REVERSAL"
    );
    // A deposit a mid-stay settlement drew on cannot be reversed.
    l.charge(FeeCategory::Drug, m("600"), FeeStatus::Confirmed);
    l.settle(SettlementKind::MidStay, InsuranceShare::default(), None).unwrap();
    assert_eq!(
        l.reverse(cash, m("100"), vec![line(Tender::Cash, m("100"))]).unwrap_err().code(),
        "DEPOSIT_USED_BY_SETTLEMENT"
    );
}

#[test]
fn a_transfer_pays_back_any_deposit_but_takes_none() {
    let mut l = Ledger::new();
    let refused = l.account.check_new_deposit(&[line(Tender::Transfer, m("100"))], None).unwrap_err();
    assert_eq!(refused.code(), "TENDER_NOT_COLLECTED");
    let wechat = l.deposit(vec![line(Tender::WeChat, m("500"))]).unwrap();
    l.reverse(wechat, m("500"), vec![line(Tender::Transfer, m("500"))]).unwrap();
    assert!(l.account.reversible_amount(wechat).is_zero());
}

#[test]
fn a_reversal_goes_back_by_the_deposits_own_routes_unless_sent_to_cash() {
    let mut l = Ledger::new();
    let mixed = l.deposit(vec![line(Tender::Cash, m("200")), line(Tender::WeChat, m("300"))]).unwrap();
    let routes = l.account.reversal_routes(mixed, false);
    assert_eq!(routes, vec![line(Tender::Cash, m("200")), line(Tender::WeChat, m("300"))]);
    assert_eq!(l.account.reversal_routes(mixed, true), vec![line(Tender::Cash, m("500"))]);
    // What the rule allows: the default passes the same checks a cashier's choice does.
    l.reverse(mixed, m("500"), routes).unwrap();
    assert!(l.account.reversal_routes(mixed, false).is_empty());
    let cash = l.deposit(vec![line(Tender::Cash, m("1000"))]).unwrap();
    l.reverse(cash, m("300"), vec![line(Tender::Cash, m("300"))]).unwrap();
    assert_eq!(l.account.reversal_routes(cash, false), vec![line(Tender::Cash, m("700"))]);
}

#[test]
fn mid_stay_settlements_are_recalled_newest_first() {
    let mut l = Ledger::new();
    l.deposit(vec![line(Tender::Cash, m("5000"))]).unwrap();
    l.charge(FeeCategory::Bed, m("400"), FeeStatus::Confirmed);
    let first = l.settle(SettlementKind::MidStay, InsuranceShare::default(), None).unwrap();
    l.charge(FeeCategory::Bed, m("400"), FeeStatus::Confirmed);
    l.charge(FeeCategory::Laboratory, m("80"), FeeStatus::Unconfirmed);
    l.settle(SettlementKind::MidStay, InsuranceShare::default(), None).unwrap();
    assert_eq!(l.account.settlements[1].fee_ids.len(), 1, "unconfirmed lines wait");
    assert_eq!(
        l.account.recall(RecallKind::Settlement, Some(&format!("JS{first}"))).unwrap_err().code(),
        "RECALL_NOT_NEWEST"
    );
    assert_eq!(l.account.plan_recall(RecallKind::Discharge, None, "x", l.now, 7).unwrap_err().code(), "NOT_DISCHARGED");
    l.recall(RecallKind::Settlement, None).unwrap();
    l.recall(RecallKind::Settlement, Some(&format!("JS{first}"))).unwrap();
    assert_eq!(l.account.balance(), m("5000") - m("880"));
}

impl InpatientAccount {
    /// Test shorthand: checks a recall without applying it.
    fn recall(&self, kind: RecallKind, no: Option<&str>) -> Result<recall::RecallPlan, recall::RecallError> {
        self.plan_recall(kind, no, "收费错误", t0(), 7)
    }
}

#[derive(Clone, Debug)]
enum Op {
    Deposit(i64, usize),
    Reverse(usize, bool),
    Charge(i64, usize, bool),
    ConfirmAll,
    OrderDischarge,
    PassAudit,
    Settle(bool, i64),
    Recall(bool),
    Later(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..2_000_000, 0usize..6).prop_map(|(f, t)| Op::Deposit(f, t)),
        (0usize..8, any::<bool>()).prop_map(|(i, full)| Op::Reverse(i, full)),
        (-50_000i64..3_000_000, 0usize..12, any::<bool>()).prop_map(|(f, c, ok)| Op::Charge(f, c, ok)),
        Just(Op::ConfirmAll),
        Just(Op::OrderDischarge),
        Just(Op::PassAudit),
        (any::<bool>(), 0i64..1_000_000).prop_map(|(d, ins)| Op::Settle(d, ins)),
        any::<bool>().prop_map(Op::Recall),
        (1i64..200).prop_map(Op::Later),
    ]
}

proptest! {
    /// Whatever happens, the balance equals the money that actually moved: deposits paid −
    /// reversed + collected − refunded + third-party credits of active settlements − fees; a
    /// discharge settlement leaves zero; a refused operation changes nothing.
    #[test]
    fn the_ledger_identity_holds_for_any_sequence(ops in prop::collection::vec(op(), 1..40)) {
        let mut l = Ledger::new();
        let (mut paid_in, mut reversed, mut collected, mut refunded) = (Money::ZERO, Money::ZERO, Money::ZERO, Money::ZERO);
        for op in ops {
            let before = l.account.clone();
            match op {
                Op::Deposit(fen, t) => {
                    let amount = Money::from_fen(fen).unwrap();
                    if l.account.state != AdmissionState::Settled && l.deposit(vec![line(Tender::ALL[t], amount)]).is_ok() {
                        paid_in += amount;
                    }
                }
                Op::Reverse(i, full) => {
                    let ids: Vec<_> = l.account.deposits.iter().filter(|d| d.kind == DepositKind::Deposit).map(|d| (d.id, d.amount)).collect();
                    if let Some(&(id, amount)) = ids.get(i % ids.len().max(1)) {
                        let left = amount - l.account.reversed_amount(id);
                        let amount = if full || !left.is_positive() { left } else { Money::from_fen((left.fen() / 2).max(1)).unwrap() };
                        if l.reverse(id, amount, vec![line(Tender::Cash, amount)]).is_ok() {
                            reversed += amount;
                        } else {
                            prop_assert_eq!(&l.account, &before);
                        }
                    }
                }
                Op::Charge(fen, c, confirmed) => {
                    if l.account.state != AdmissionState::Settled {
                        let status = if confirmed { FeeStatus::Confirmed } else { FeeStatus::Unconfirmed };
                        l.charge(FeeCategory::ALL[c], Money::from_fen(fen).unwrap(), status);
                    }
                }
                Op::ConfirmAll => l.account.fees.iter_mut().filter(|f| f.status == FeeStatus::Unconfirmed).for_each(|f| f.status = FeeStatus::Confirmed),
                Op::OrderDischarge => if let Ok(s) = l.account.state.after(AdmissionEvent::DischargeOrdered) { l.account.state = s },
                Op::PassAudit => if l.account.check_audit_pass().is_ok() { l.event(AdmissionEvent::AuditPassed) },
                Op::Settle(discharge, insurance) => {
                    let kind = if discharge { SettlementKind::Discharge } else { SettlementKind::MidStay };
                    let share = InsuranceShare { fund: Money::from_fen(insurance).unwrap(), personal_account: Money::ZERO };
                    match l.settle(kind, share, None) {
                        Ok(_) => {
                            let s = l.account.settlements.last().unwrap();
                            for p in &s.payments {
                                if p.line.amount.is_positive() { collected += p.line.amount } else { refunded -= p.line.amount }
                            }
                            if discharge { prop_assert_eq!(l.account.balance(), Money::ZERO) }
                            // Its invoice: categories and channels each sum to the fees, no channel negative.
                            let amounts = crate::invoice::invoice_amounts(&l.account, s).map_err(|e| TestCaseError::fail(format!("{e} {:?}", s)))?;
                            prop_assert_eq!(amounts.is_some(), s.figures.fees.is_positive());
                            if let Some(amounts) = amounts {
                                prop_assert_eq!(amounts.charges.iter().map(|(_, m)| *m).sum::<Money>(), s.figures.fees);
                                prop_assert_eq!(amounts.channels.iter().map(|(_, m)| *m).sum::<Money>(), s.figures.fees);
                                prop_assert!(amounts.channels.iter().all(|(_, m)| m.is_positive()));
                            }
                        }
                        Err(_) => prop_assert_eq!(&l.account, &before),
                    }
                }
                Op::Recall(discharge) => {
                    let kind = if discharge { RecallKind::Discharge } else { RecallKind::Settlement };
                    if l.recall(kind, None).is_err() { prop_assert_eq!(&l.account, &before) }
                }
                Op::Later(hours) => l.now += Duration::hours(hours),
            }
            let third: Money = l.account.active_settlements().map(|s| s.figures.third_party()).sum();
            let moved = paid_in - reversed + collected - refunded + third - l.account.fees_total();
            prop_assert_eq!(l.account.balance(), moved);
            let by_category: Money = l.account.category_totals().iter().map(|c| c.total).sum();
            prop_assert_eq!(by_category, l.account.fees_total());
        }
    }
}
