//! Re-deriving a pushed settlement from the platform's own ledger, figure by figure: the fee
//! lines it must settle (a discharge every unsettled line, a mid-stay the confirmed ones), the
//! insurance fund and personal account insurance answered the platform for that settlement key,
//! the blood waiver still approved, the deposits it applies, what is due, and — for a refund —
//! the original routes the rule picks, within their windows at the stated time and at receipt.
//! The first figure that differs is named; the operation goes to the pending list (待处理).

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use domain::account::routes::RouteError;
use domain::{InsuranceShare, Money, SettlementFigures, SettlementKind, Tender, TenderLine};
use uuid::Uuid;

use super::{FoldError, Ledger, unbalanced, unknown};
use crate::codes;
use crate::records::SettlementRecord;

/// What insurance answered the platform for one settlement key (结算 2304): its reference
/// (setl_id) and the share it committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsuranceAnswer {
    pub reference: String,
    pub share: InsuranceShare,
}

/// What the blood platform granted the platform under one settlement key (用血减免).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BloodGrant {
    pub reference: String,
    pub amount: Money,
    pub ml: u32,
}

/// What the platform knows beside an admission's ledger when it checks a pushed operation.
#[derive(Clone, Debug)]
pub struct Facts {
    /// The platform's time when the operation arrived (`None` in a replay).
    pub received: Option<NaiveDateTime>,
    /// How many days after a discharge settlement it can be recalled (出院召回).
    pub discharge_recall_days: u32,
    /// Insurance's standing answer per settlement key, from the platform's insurance register.
    /// A settlement whose key is absent was not settled with insurance: its insurance is zero.
    pub insurance: HashMap<Uuid, InsuranceAnswer>,
    /// The blood platform's standing grant per settlement key, from the platform's register. A
    /// settlement whose key is absent has no blood waiver of the blood platform's.
    pub blood: HashMap<Uuid, BloodGrant>,
    /// The rules a registration is checked with.
    pub blood_policy: domain::blood::BloodPolicy,
    /// The channels' refund windows under the hospital's contracts.
    pub refund_windows: domain::account::refund_windows::RefundWindows,
}

impl Default for Facts {
    fn default() -> Facts {
        Facts {
            received: None,
            discharge_recall_days: domain::account::recall::DISCHARGE_RECALL_DAYS,
            insurance: HashMap::new(),
            blood: HashMap::new(),
            blood_policy: domain::blood::BloodPolicy::default(),
            refund_windows: domain::account::refund_windows::RefundWindows::default(),
        }
    }
}

fn differs(record: &SettlementRecord, what: &str, pushed: Money, derived: Money) -> FoldError {
    FoldError::Conflict {
        code: codes::FIGURE_DIFFERS,
        message: format!(
            "结算 {} 的{what}为 {}，平台按自己的账目算得 {}，结算未入账",
            record.settlement_no,
            pushed.yuan(),
            derived.yuan()
        ),
    }
}

impl Ledger {
    pub(super) fn check_settlement(&self, r: &SettlementRecord, facts: &Facts) -> Result<(), FoldError> {
        let account = &self.account;
        let f = |y: contract::Yuan| y.money();
        if f(r.fees) - f(r.insurance_fund) - f(r.personal_account) - f(r.blood_reimbursement) - f(r.deposits_applied)
            != f(r.due)
        {
            return Err(unbalanced(format!(
                "结算 {} 的金额不平：费用 − 医保 − 个人账户 − 用血减免 − 预交金 ≠ 应收",
                r.settlement_no
            )));
        }
        let paid: Money = r.payments.iter().map(|p| p.amount.money()).sum();
        if paid != f(r.due) {
            return Err(unbalanced(format!("结算 {} 的收退款合计 {} 与应收 {} 不符", r.settlement_no, paid, f(r.due))));
        }
        let kind = SettlementKind::from_code(&r.settlement_kind)
            .ok_or_else(|| FoldError::malformed(codes::MALFORMED, format!("未知的结算类型：{}", r.settlement_kind)))?;
        let mut draft = account.draft_settlement(kind)?;
        self.check_lines(r, &draft.fee_ids, draft.fees)?;
        let grant = facts.blood.get(&r.key);
        check_waiver(r, grant)?;
        if let Some(grant) = grant {
            draft.blood_available += grant.amount;
        }
        let answer = facts.insurance.get(&r.key);
        let derived = draft.trial(answer.map(|a| a.share).unwrap_or_default()).figures;
        check_figures(r, &derived)?;
        if r.insurance_ref.as_deref() != answer.map(|a| a.reference.as_str()) {
            return Err(FoldError::Conflict {
                code: codes::FIGURE_DIFFERS,
                message: format!(
                    "结算 {} 的医保结算号为 {}，平台的医保登记为 {}，结算未入账",
                    r.settlement_no,
                    r.insurance_ref.as_deref().unwrap_or("（无）"),
                    answer.map_or("（无）", |a| a.reference.as_str())
                ),
            });
        }
        self.check_payments(r, facts.received)
    }

    /// The settlement takes exactly the lines the rule gives: no line settled before, none
    /// missing, none added.
    fn check_lines(&self, r: &SettlementRecord, expected: &[i64], expected_total: Money) -> Result<(), FoldError> {
        let settled = self.account.settled_fee_ids();
        let mut pushed = BTreeSet::new();
        for key in &r.fee_keys {
            let id = self.id_of(*key).ok_or_else(|| unknown("fee_keys", *key))?;
            if settled.contains(&id) {
                return Err(FoldError::Conflict {
                    code: "FEES_ALREADY_SETTLED",
                    message: "其中的费用已被另一笔结算结清".into(),
                });
            }
            pushed.insert(id);
        }
        let expected: BTreeSet<i64> = expected.iter().copied().collect();
        if pushed == expected {
            return Ok(());
        }
        let total: Money =
            self.account.fees.iter().filter(|l| pushed.contains(&l.id) && l.status.counts()).map(|l| l.amount).sum();
        Err(FoldError::Conflict {
            code: codes::FEES_CHANGED,
            message: format!(
                "结算 {} 结清 {} 条费用（合计 {}），平台上应结清 {} 条（合计 {}）：费用已变更，结算未入账",
                r.settlement_no,
                pushed.len(),
                total.yuan(),
                expected.len(),
                expected_total.yuan()
            ),
        })
    }

    /// Collections are money in, tied to no deposit; refunds go by the routes the original-route
    /// rule picks for the same amounts per tender, within each route's window when the refund
    /// was made and when the platform received it.
    fn check_payments(&self, r: &SettlementRecord, received: Option<NaiveDateTime>) -> Result<(), FoldError> {
        let due = r.due.money();
        let collecting = due.is_positive();
        if r.payments.iter().any(|p| p.amount.money().is_positive() != collecting || p.amount.money().is_zero()) {
            return Err(unbalanced(format!("结算 {} 的收退款方向与应收应退 {} 不符", r.settlement_no, due.yuan())));
        }
        if collecting {
            return match r.payments.iter().find(|p| p.deposit.is_some()) {
                Some(_) => Err(unbalanced(format!("结算 {} 的收款不能指向预交金", r.settlement_no))),
                None => Ok(()),
            };
        }
        let pushed = self.payments_of(r)?;
        let mut lines: Vec<TenderLine> = Vec::new();
        for (tender, _, amount) in &pushed {
            match lines.iter_mut().find(|l| l.tender == *tender) {
                Some(line) => line.amount -= *amount,
                None => lines.push(TenderLine { tender: *tender, amount: -*amount, reference: None }),
            }
        }
        let planned =
            self.account.plan_refund(&lines, r.at).map_err(|e| FoldError::Conflict {
                code: e.code(),
                message: format!("结算 {}：{e}", r.settlement_no),
            })?;
        if let Some(received) = received.filter(|t| *t > r.at)
            && let Err(e @ RouteError::OutsideWindow { .. }) = self.account.plan_refund(&lines, received)
        {
            return Err(FoldError::malformed(
                codes::WINDOW_PASSED_AT_PLATFORM,
                format!("{e}（平台收到时已过期限，按所称时间 {} 仍在期限内）", r.at),
            ));
        }
        let mut planned: Vec<(Tender, Option<i64>, Money)> =
            planned.into_iter().map(|p| (p.line.tender, p.deposit_id, p.line.amount)).collect();
        let mut pushed = pushed;
        planned.sort_by_key(|(t, d, a)| (t.code(), *d, *a));
        pushed.sort_by_key(|(t, d, a)| (t.code(), *d, *a));
        if planned != pushed {
            return Err(FoldError::Conflict {
                code: codes::REFUND_ROUTE_DIFFERS,
                message: format!(
                    "结算 {} 的退款去向与原路退回规则不符（平台算得：{}），结算未入账",
                    r.settlement_no,
                    describe(&planned)
                ),
            });
        }
        Ok(())
    }

    /// The pushed payments as (tender, the deposit whose route, amount).
    fn payments_of(&self, r: &SettlementRecord) -> Result<Vec<(Tender, Option<i64>, Money)>, FoldError> {
        r.payments
            .iter()
            .map(|p| {
                let tender = Tender::parse(&p.tender)
                    .ok()
                    .ok_or_else(|| FoldError::malformed(codes::MALFORMED, format!("未知的支付方式：{}", p.tender)))?;
                let deposit =
                    p.deposit.map(|k| self.id_of(k).ok_or_else(|| unknown("payments.deposit", k))).transpose()?;
                Ok((tender, deposit, p.amount.money()))
            })
            .collect()
    }
}

/// Each figure as the rule derives it from the platform's ledger; the first that differs, named.
/// The waiver a settlement carries is exactly the one the blood platform granted the platform
/// under its key: none without a grant, and the same amount and millilitres.
fn check_waiver(r: &SettlementRecord, grant: Option<&BloodGrant>) -> Result<(), FoldError> {
    let pushed = r.blood_waiver.as_ref().map(|w| (w.amount.money(), w.ml));
    let granted = grant.map(|g| (g.amount, g.ml));
    if pushed == granted {
        return Ok(());
    }
    let say =
        |x: Option<(Money, u32)>| x.map_or("无".to_owned(), |(amount, ml)| format!("{}（{ml} 毫升）", amount.yuan()));
    Err(FoldError::Conflict {
        code: codes::FIGURE_DIFFERS,
        message: format!(
            "结算 {} 的用血减免为 {}，用血直报平台为这笔结算核定的是 {}，结算未入账",
            r.settlement_no,
            say(pushed),
            say(granted)
        ),
    })
}

fn check_figures(r: &SettlementRecord, derived: &SettlementFigures) -> Result<(), FoldError> {
    let pairs = [
        ("费用合计", r.fees.money(), derived.fees),
        ("医保统筹支付", r.insurance_fund.money(), derived.insurance_fund),
        ("个人账户支付", r.personal_account.money(), derived.personal_account),
        ("用血减免", r.blood_reimbursement.money(), derived.blood_reimbursement),
        ("预交金冲抵", r.deposits_applied.money(), derived.deposits_applied),
        ("应收（负为应退）", r.due.money(), derived.due),
    ];
    match pairs.into_iter().find(|(_, pushed, derived)| pushed != derived) {
        Some((what, pushed, derived)) => Err(differs(r, what, pushed, derived)),
        None => Ok(()),
    }
}

fn describe(payments: &[(Tender, Option<i64>, Money)]) -> String {
    let parts: Vec<String> = payments.iter().map(|(t, _, a)| format!("{} {}", t.label(), (-*a).yuan())).collect();
    parts.join("、")
}

#[cfg(test)]
mod tests {
    use domain::{InsuranceShare, Money};
    use serde_json::{Value, json};
    use uuid::Uuid;

    use super::{Facts, InsuranceAnswer};
    use crate::codes;
    use crate::fold::Ledger;
    use crate::records::{Envelope, Record};

    const ADMISSION: Uuid = Uuid::from_u128(1);
    const DEPOSIT: Uuid = Uuid::from_u128(2);
    const FEE: Uuid = Uuid::from_u128(3);
    const LATER_FEE: Uuid = Uuid::from_u128(4);
    const SETTLEMENT: Uuid = Uuid::from_u128(5);

    fn record(value: Value) -> Record {
        serde_json::from_value(value).unwrap()
    }

    fn fee(key: Uuid, amount: &str, status: &str) -> Record {
        record(json!({"kind": "fee", "key": key, "admission_id": ADMISSION, "item_code": "X1",
            "item_name": "床位费", "category": "bed", "spec": "", "unit": "日", "quantity": "1",
            "unit_price": amount, "amount": amount, "charged_at": "2026-01-01T08:00:00",
            "department": "内科", "status": status}))
    }

    fn event(n: u128, code: &str) -> Record {
        record(json!({"kind": "admission_event", "key": Uuid::from_u128(100 + n), "admission_id": ADMISSION,
            "event": code, "at": "2026-01-02T09:00:00", "actor": "王丽", "reason": null}))
    }

    /// A stay with a ¥500.00 card deposit (2026-01-01) and a confirmed ¥300.00 bed fee; with
    /// `discharge`, also a later ¥50.00 unconfirmed line confirmed, and the fee audit passed.
    fn ledger(discharge: bool) -> Ledger {
        let mut ledger = Ledger::new();
        ledger
            .apply(&record(json!({"kind": "deposit", "key": DEPOSIT, "admission_id": ADMISSION,
                "receipt_no": "YJ0100000001", "deposit_kind": "deposit", "reverses": null, "settlement": null,
                "amount": "500.00", "tenders": [{"tender": "card", "amount": "500.00", "reference": "T0000001:000000006222"}],
                "at": "2026-01-01T09:00:00", "cashier": "王丽"})))
            .unwrap();
        ledger.apply(&fee(FEE, "300.00", "confirmed")).unwrap();
        ledger.apply(&fee(LATER_FEE, "50.00", "unconfirmed")).unwrap();
        if discharge {
            ledger
                .apply(&record(json!({"kind": "fee_event", "key": Uuid::from_u128(99), "admission_id": ADMISSION,
                    "fee_key": LATER_FEE, "event": "confirmed", "at": "2026-01-02T08:00:00", "actor": "刘强",
                    "reason": null})))
                .unwrap();
            ledger.apply(&event(1, "discharge_ordered")).unwrap();
            ledger.apply(&event(2, "audit_passed")).unwrap();
        }
        ledger
    }

    /// A settlement as a counter keeping the rules pushes it: a discharge of both lines (¥350.00)
    /// refunding ¥150.00 to the card, or a mid-stay of the confirmed line collecting nothing.
    fn settlement(discharge: bool, at: &str) -> Value {
        let (kind, fees, applied, due, keys) = if discharge {
            ("discharge", "350.00", "500.00", "-150.00", json!([FEE, LATER_FEE]))
        } else {
            ("mid_stay", "300.00", "300.00", "0.00", json!([FEE]))
        };
        let payments = if discharge {
            json!([{"tender": "card", "amount": "-150.00", "reference": "T0000001:000000006222", "deposit": DEPOSIT}])
        } else {
            json!([])
        };
        json!({"kind": "settlement", "key": SETTLEMENT, "admission_id": ADMISSION, "settlement_no": "JS0100000001",
            "settlement_kind": kind, "fees": fees, "insurance_fund": "0.00", "personal_account": "0.00",
            "blood_reimbursement": "0.00", "deposits_applied": applied, "due": due, "insurance_ref": null,
            "place": "counter", "cashier": "王丽", "at": at, "trial_version": "v", "fee_keys": keys,
            "payments": payments})
    }

    fn envelope(settlement: Value) -> Envelope {
        Envelope {
            key: Uuid::from_u128(7),
            admission_id: ADMISSION,
            cashier: "cashier".into(),
            at: settlement["at"].as_str().unwrap().parse().unwrap(),
            records: vec![record(settlement)],
            approval: None,
        }
    }

    fn verdict(discharge: bool, settlement: Value, facts: &Facts) -> Result<(), (String, String)> {
        ledger(discharge)
            .check_and_apply(&envelope(settlement), facts)
            .map_err(|e| (e.code().to_owned(), e.to_string()))
    }

    fn refused(result: Result<(), (String, String)>, code: &str, named: &str) {
        let (got, message) = result.expect_err("accepted");
        assert_eq!(got, code, "{message}");
        assert!(message.contains(named), "{message} does not name {named}");
    }

    #[test]
    fn a_settlement_as_the_rules_make_it_is_accepted() {
        assert_eq!(verdict(true, settlement(true, "2026-01-03T10:00:00"), &Facts::default()), Ok(()));
        assert_eq!(verdict(false, settlement(false, "2026-01-01T10:00:00"), &Facts::default()), Ok(()));
    }

    #[test]
    fn each_figure_is_rederived_and_the_differing_one_named() {
        // More insurance than insurance answered: the fund moves, due and the payment with it.
        let mut forged = settlement(true, "2026-01-03T10:00:00");
        forged["insurance_fund"] = json!("100.00");
        forged["due"] = json!("-250.00");
        forged["payments"][0]["amount"] = json!("-250.00");
        refused(verdict(true, forged.clone(), &Facts::default()), codes::FIGURE_DIFFERS, "医保统筹支付");
        // A blood waiver nobody approved.
        let mut blood = settlement(true, "2026-01-03T10:00:00");
        blood["blood_reimbursement"] = json!("100.00");
        blood["due"] = json!("-250.00");
        blood["payments"][0]["amount"] = json!("-250.00");
        refused(verdict(true, blood, &Facts::default()), codes::FIGURE_DIFFERS, "用血减免");
        // Deposits held back (the refund kept small).
        let mut held = settlement(true, "2026-01-03T10:00:00");
        held["deposits_applied"] = json!("400.00");
        held["due"] = json!("-50.00");
        held["payments"][0]["amount"] = json!("-50.00");
        refused(verdict(true, held, &Facts::default()), codes::FIGURE_DIFFERS, "预交金冲抵");
        // With insurance's answer in the register, the same insurance figure is right — and the
        // reference must be insurance's.
        let answer = InsuranceAnswer {
            reference: "SETL-1".into(),
            share: InsuranceShare { fund: Money::parse("100.00").unwrap(), personal_account: Money::ZERO },
        };
        let facts = Facts { insurance: [(SETTLEMENT, answer)].into_iter().collect(), ..Facts::default() };
        refused(verdict(true, forged.clone(), &facts), codes::FIGURE_DIFFERS, "医保结算号");
        forged["insurance_ref"] = json!("SETL-1");
        assert_eq!(verdict(true, forged, &facts), Ok(()));
    }

    #[test]
    fn a_settlement_takes_exactly_the_lines_the_rule_gives() {
        // A mid-stay settlement taking the unconfirmed line too.
        let mut greedy = settlement(false, "2026-01-01T10:00:00");
        greedy["fee_keys"] = json!([FEE, LATER_FEE]);
        greedy["fees"] = json!("350.00");
        greedy["deposits_applied"] = json!("350.00");
        refused(verdict(false, greedy, &Facts::default()), codes::FEES_CHANGED, "应结清 1 条");
        // A discharge leaving a line out.
        let mut partial = settlement(true, "2026-01-03T10:00:00");
        partial["fee_keys"] = json!([FEE]);
        partial["fees"] = json!("300.00");
        partial["due"] = json!("-200.00");
        partial["payments"][0]["amount"] = json!("-200.00");
        refused(verdict(true, partial, &Facts::default()), codes::FEES_CHANGED, "应结清 2 条");
    }

    #[test]
    fn refunds_go_by_the_original_route_within_its_window() {
        // By card but tied to no deposit: not the route the rule picks.
        let mut loose = settlement(true, "2026-01-03T10:00:00");
        loose["payments"][0]["deposit"] = Value::Null;
        refused(verdict(true, loose, &Facts::default()), codes::REFUND_ROUTE_DIFFERS, "银行卡 ¥150.00");
        // To WeChat, which never paid in.
        let mut elsewhere = settlement(true, "2026-01-03T10:00:00");
        elsewhere["payments"][0]["tender"] = json!("wechat");
        refused(verdict(true, elsewhere, &Facts::default()), "REFUND_ROUTE_UNKNOWN", "微信");
        // In cash: always allowed.
        let mut cash = settlement(true, "2026-01-03T10:00:00");
        cash["payments"][0] = json!({"tender": "cash", "amount": "-150.00", "reference": null, "deposit": null});
        assert_eq!(verdict(true, cash, &Facts::default()), Ok(()));
        // The card's 180 days passed before the stated time; or after it, before receipt.
        refused(
            verdict(true, settlement(true, "2026-07-03T10:00:00"), &Facts::default()),
            "REFUND_WINDOW_PASSED",
            "180",
        );
        let late = Facts { received: "2026-07-03T10:00:00".parse().ok(), ..Facts::default() };
        refused(
            verdict(true, settlement(true, "2026-06-29T10:00:00"), &late),
            codes::WINDOW_PASSED_AT_PLATFORM,
            "平台收到时",
        );
        // Money collected may not point at a deposit.
        let mut pointed = settlement(false, "2026-01-01T10:00:00");
        pointed["fee_keys"] = json!([FEE]);
        pointed["deposits_applied"] = json!("200.00");
        pointed["due"] = json!("100.00");
        pointed["payments"] = json!([{"tender": "cash", "amount": "100.00", "reference": null, "deposit": DEPOSIT}]);
        refused(verdict(false, pointed, &Facts::default()), codes::FIGURE_DIFFERS, "预交金冲抵");
    }

    #[test]
    fn a_discharge_recall_is_inside_its_days_when_stated_and_when_received() {
        let mut settled = ledger(true);
        settled.apply(&record(settlement(true, "2026-01-03T10:00:00"))).unwrap();
        settled.apply(&event(3, "settled")).unwrap();
        let recall = |at: &str| Envelope {
            key: Uuid::from_u128(8),
            admission_id: ADMISSION,
            cashier: "cashier".into(),
            at: at.parse().unwrap(),
            records: vec![record(json!({"kind": "recall", "key": Uuid::from_u128(9), "admission_id": ADMISSION,
                "settlement": SETTLEMENT, "recall_kind": "discharge", "at": at, "by": "王丽",
                "approved_by": "刘强", "approver": "supervisor", "reason": "漏记费用"}))],
            approval: None,
        };
        let verdict = |at: &str, facts: &Facts| {
            settled.clone().check_and_apply(&recall(at), facts).map_err(|e| (e.code().to_owned(), e.to_string()))
        };
        // Two days after the settlement, received at once: inside the 3 days.
        let prompt = Facts { received: "2026-01-05T10:00:05".parse().ok(), ..Facts::default() };
        assert_eq!(verdict("2026-01-05T10:00:00", &prompt), Ok(()));
        // Stated two days after, but reaching the platform four days after: refused.
        let late = Facts { received: "2026-01-07T10:00:00".parse().ok(), ..Facts::default() };
        refused(verdict("2026-01-05T10:00:00", &late), codes::WINDOW_PASSED_AT_PLATFORM, "3 天");
        // Stated four days after: the rule itself refuses it.
        refused(verdict("2026-01-07T10:00:00", &Facts::default()), "RECALL_TOO_LATE", "3 天");
        // A hospital that allows 7 days.
        let week = Facts { discharge_recall_days: 7, ..late };
        assert_eq!(verdict("2026-01-05T10:00:00", &week), Ok(()));
    }
}
