//! Replaying an admission's journal into the domain account, and checking a pushed operation
//! against it: the platform's conflict rules are the domain's rules, applied to what the
//! platform knows (the first settlement of an admission wins; a deposit after it, a reversal of
//! a used deposit, a recall of a settlement no longer in force are refused).

use std::collections::HashMap;

use domain::account::audit::FeeEvent;
use domain::blood::RegistrationStatus;
use domain::{AdmissionEvent, InpatientAccount, Money, Recall};
use thiserror::Error;
use uuid::Uuid;

use crate::codes;
use crate::convert::{self, ConvertError};
use crate::records::{Envelope, Record};

mod blood;
mod settlement;

pub use settlement::{BloodGrant, Facts, InsuranceAnswer};

/// Why a pushed operation is not applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FoldError {
    /// The operation contradicts itself or refers to nothing: refused as a bad request.
    #[error("{message}")]
    Malformed { code: &'static str, message: String },
    /// The operation was valid on its device but conflicts with what the platform already
    /// holds: refused and kept for a supervisor (待处理).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
}

impl FoldError {
    pub fn code(&self) -> &'static str {
        match self {
            FoldError::Malformed { code, .. } | FoldError::Conflict { code, .. } => code,
        }
    }
    pub(crate) fn malformed(code: &'static str, message: impl Into<String>) -> FoldError {
        FoldError::Malformed { code, message: message.into() }
    }
}

impl From<ConvertError> for FoldError {
    fn from(e: ConvertError) -> FoldError {
        FoldError::malformed(codes::MALFORMED, e.to_string())
    }
}

macro_rules! conflict_from {
    ($($t:ty),*) => {$(
        impl From<$t> for FoldError {
            fn from(e: $t) -> FoldError {
                FoldError::Conflict { code: e.code(), message: e.to_string() }
            }
        }
    )*};
}
conflict_from!(
    domain::account::deposit::DepositError,
    domain::account::reversal::ReversalError,
    domain::account::audit::AuditError,
    domain::account::settle::SettleError
);

/// An admission's account as the platform's journal builds it.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub account: InpatientAccount,
    ids: HashMap<Uuid, i64>,
    next: i64,
    /// The admission's blood-waiver registrations: the clerk's username and where the review
    /// stands.
    registrations: HashMap<Uuid, (String, RegistrationStatus)>,
    /// The blood waiver each settlement carries (given back when it is recalled).
    waivers: HashMap<Uuid, Money>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    pub fn knows(&self, key: Uuid) -> bool {
        self.ids.contains_key(&key)
    }

    /// The fee lines named by `keys`, none of them settled already; the first key that is not
    /// such a line of this admission is the error.
    pub fn unsettled_lines(&self, keys: &[Uuid]) -> Result<Vec<domain::FeeLine>, Uuid> {
        let settled = self.account.settled_fee_ids();
        keys.iter()
            .map(|key| {
                let id = self.id_of(*key).ok_or(*key)?;
                let line = self.account.fees.iter().find(|f| f.id == id).ok_or(*key)?;
                if settled.contains(&id) { Err(*key) } else { Ok(line.clone()) }
            })
            .collect()
    }

    /// The settlement made under `key`, if this admission has it.
    pub fn settlement(&self, key: Uuid) -> Option<&domain::Settlement> {
        let id = self.id_of(key)?;
        self.account.settlements.iter().find(|s| s.id == id)
    }

    fn id_of(&self, key: Uuid) -> Option<i64> {
        self.ids.get(&key).copied()
    }

    fn assign(&mut self, key: Uuid) -> i64 {
        self.next += 1;
        self.ids.insert(key, self.next);
        self.next
    }

    /// Adds a stored record without checking rules (it was checked when it was stored).
    pub fn apply(&mut self, record: &Record) -> Result<(), FoldError> {
        match record {
            Record::Admission(_) => {}
            Record::Fee(r) => {
                let id = self.assign(r.key);
                self.account.fees.push(convert::fee_line(r, id)?);
            }
            Record::FeeEvent(r) => {
                let event = FeeEvent::from_code(&r.event)
                    .ok_or_else(|| FoldError::malformed(codes::MALFORMED, "未知的确费事件"))?;
                let id = self.id_of(r.fee_key).ok_or_else(|| unknown("fee_key", r.fee_key))?;
                if let Some(line) = self.account.fees.iter_mut().find(|f| f.id == id) {
                    line.status = event.status();
                }
            }
            Record::AdmissionEvent(r) => {
                let event = AdmissionEvent::from_code(&r.event)
                    .ok_or_else(|| FoldError::malformed(codes::MALFORMED, "未知的患者状态事件"))?;
                self.account.state = self.account.state.after(event).unwrap_or(self.account.state);
            }
            Record::Deposit(r) => {
                let id = self.assign(r.key);
                let entry = convert::deposit_entry(r, id, |k| self.ids.get(&k).copied())?;
                self.account.deposits.push(entry);
            }
            Record::Settlement(r) => {
                let id = self.assign(r.key);
                let settlement = convert::settlement(r, id, |k| self.ids.get(&k).copied())?;
                self.account.settlements.push(settlement);
                if let Some(waiver) = &r.blood_waiver {
                    // The grant is what the settlement deducts from: approved and used at once.
                    self.account.blood_approved += waiver.amount.money();
                    self.waivers.insert(r.key, waiver.amount.money());
                }
            }
            Record::Recall(r) => {
                if let Some(amount) = self.waivers.remove(&r.settlement) {
                    self.account.blood_approved -= amount;
                }
                let id = self.id_of(r.settlement).ok_or_else(|| unknown("settlement", r.settlement))?;
                if let Some(s) = self.account.settlements.iter_mut().find(|s| s.id == id) {
                    s.recall = Some(Recall {
                        at: r.at,
                        by: r.by.clone(),
                        approved_by: r.approved_by.clone(),
                        reason: r.reason.clone(),
                    });
                }
            }
            Record::BloodApproval(r) => {
                self.assign(r.key);
                self.account.blood_approved += r.amount.money();
            }
            Record::BloodRegistration(r) => {
                self.assign(r.key);
                self.registrations.insert(r.key, (r.clerk.clone(), RegistrationStatus::Submitted));
            }
            Record::Invoice(_) => {}
            Record::ReceiptVoid(r) => {
                let id = self.id_of(r.deposit).ok_or_else(|| unknown("deposit", r.deposit))?;
                if let Some(entry) = self.account.deposits.iter_mut().find(|d| d.id == id) {
                    entry.receipt_no = r.new_no.clone();
                }
            }
            Record::BloodReview(r) => {
                self.assign(r.key);
                if let Some((_, status)) = self.registrations.get_mut(&r.registration) {
                    *status = if r.approve { RegistrationStatus::Approved } else { RegistrationStatus::Returned };
                }
            }
        }
        Ok(())
    }

    /// Checks every record of a pushed operation against the account, in order, and applies
    /// them all — or none: a refused check leaves the ledger as it was. (An `apply` failing after
    /// its check passed would leave a one-record ledger half-changed; the platform drops the
    /// ledger on any error and rebuilds it from the journal.)
    ///
    /// What the rules depend on beyond the ledger comes in `facts`: the platform's receipt time
    /// — a window (a reversal or refund by its original route) still open at the stated time but
    /// closed when the operation reached the platform is `WINDOW_PASSED_AT_PLATFORM` (refused as
    /// malformed) — and insurance's answers, against which a settlement is re-derived.
    pub fn check_and_apply(&mut self, envelope: &Envelope, facts: &Facts) -> Result<(), FoldError> {
        // The windows in force now, under the platform's configured contracts.
        self.account.refund_windows = facts.refund_windows;
        self.check_transfers(envelope)?;
        // One record (most operations): checked, then applied in place, without copying a
        // ledger that may hold thousands of fee lines.
        if let [record] = envelope.records.as_slice() {
            if record_admission(record) != Some(envelope.admission_id) {
                return Err(FoldError::malformed(codes::MALFORMED, "操作中的记录不属于同一住院"));
            }
            self.check(record, facts)?;
            return self.apply(record);
        }
        let mut trial = self.clone();
        for record in &envelope.records {
            if record_admission(record) != Some(envelope.admission_id) {
                return Err(FoldError::malformed(codes::MALFORMED, "操作中的记录不属于同一住院"));
            }
            trial.check(record, facts)?;
            trial.apply(record)?;
        }
        *self = trial;
        Ok(())
    }

    /// A recall transfer (the recalled settlement's money going back to the deposit ledger)
    /// exists only beside the recall of the settlement it names, for exactly that settlement's
    /// net payments (`domain::InpatientAccount::plan_recall`'s transfer): alone, or for another
    /// amount, it would be money written out of nothing.
    fn check_transfers(&self, envelope: &Envelope) -> Result<(), FoldError> {
        for record in &envelope.records {
            let Record::Deposit(r) = record else { continue };
            if r.deposit_kind != "recall_transfer" {
                continue;
            }
            let recalled = r.settlement.filter(|s| {
                envelope.records.iter().any(|other| matches!(other, Record::Recall(recall) if recall.settlement == *s))
            });
            let Some(settlement) = recalled else {
                return Err(FoldError::malformed(
                    codes::RECALL_TRANSFER_ALONE,
                    format!("召回转预交金 {} 只能与所召回结算的召回记录一同上传", r.receipt_no),
                ));
            };
            let id = self.id_of(settlement).ok_or_else(|| unknown("settlement", settlement))?;
            let net = self
                .account
                .settlements
                .iter()
                .find(|s| s.id == id)
                .map(domain::Settlement::net_payments)
                .ok_or_else(|| unknown("settlement", settlement))?;
            if r.amount.money() != net {
                return Err(FoldError::malformed(
                    codes::RECALL_TRANSFER_AMOUNT,
                    format!(
                        "召回转预交金 {} 的金额 {} 与所召回结算的实收 {} 不符",
                        r.receipt_no,
                        r.amount.money(),
                        net
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check(&self, record: &Record, facts: &Facts) -> Result<(), FoldError> {
        let account = &self.account;
        match record {
            Record::Admission(_) | Record::Fee(_) | Record::BloodApproval(_) => {
                Err(FoldError::malformed(codes::FORBIDDEN, "住院、费用与用血审批只能由 HIS 或用血平台导入"))
            }
            Record::Invoice(_) => {
                Err(FoldError::malformed(codes::FORBIDDEN, "电子票据记录只能由平台根据财政电子票据平台的应答产生"))
            }
            Record::FeeEvent(r) => {
                let event = FeeEvent::from_code(&r.event)
                    .ok_or_else(|| FoldError::malformed(codes::MALFORMED, "未知的确费事件"))?;
                let id = self.id_of(r.fee_key).ok_or_else(|| unknown("fee_key", r.fee_key))?;
                Ok(account.check_fee_event(id, event, r.reason.as_deref().unwrap_or("已取消"))?)
            }
            Record::AdmissionEvent(r) => {
                let event = AdmissionEvent::from_code(&r.event)
                    .ok_or_else(|| FoldError::malformed(codes::MALFORMED, "未知的患者状态事件"))?;
                account
                    .state
                    .after(event)
                    .map(|_| ())
                    .map_err(|e| FoldError::Conflict { code: "STATE_CONFLICT", message: e.to_string() })
            }
            Record::Deposit(r) => {
                let lines = r.tenders.iter().map(convert::tender_line).collect::<Result<Vec<_>, _>>()?;
                if convert::tender_sum(&r.tenders) != r.amount.money() {
                    return Err(unbalanced(format!("预交金 {} 的各支付方式合计与金额不符", r.receipt_no)));
                }
                match r.deposit_kind.as_str() {
                    "deposit" => account.check_new_deposit(&lines, None).map(|_| ()).map_err(FoldError::from),
                    "reversal" => {
                        let of = r
                            .reverses
                            .and_then(|k| self.id_of(k))
                            .ok_or_else(|| unknown("reverses", r.reverses.unwrap_or_default()))?;
                        let positive: Vec<_> =
                            lines.iter().map(|l| domain::TenderLine { amount: -l.amount, ..l.clone() }).collect();
                        account.plan_reversal(of, -r.amount.money(), &positive, r.at).map_err(FoldError::from)?;
                        let Some(received) = facts.received.filter(|t| *t > r.at) else { return Ok(()) };
                        match account.plan_reversal(of, -r.amount.money(), &positive, received) {
                            Err(e @ domain::account::reversal::ReversalError::OutsideWindow { .. }) => {
                                Err(FoldError::malformed(
                                    codes::WINDOW_PASSED_AT_PLATFORM,
                                    format!("{e}（平台收到时已过期限，按所称时间 {} 仍在期限内）", r.at),
                                ))
                            }
                            _ => Ok(()),
                        }
                    }
                    "recall_transfer" => Ok(()),
                    other => Err(FoldError::malformed(codes::MALFORMED, format!("未知的预交金类型：{other}"))),
                }
            }
            Record::ReceiptVoid(r) => {
                let id = self.id_of(r.deposit).ok_or_else(|| unknown("deposit", r.deposit))?;
                let entry =
                    account.deposits.iter().find(|d| d.id == id).ok_or_else(|| unknown("deposit", r.deposit))?;
                if entry.receipt_no != r.voided_no {
                    return Err(FoldError::Conflict {
                        code: "RECEIPT_NOT_CURRENT",
                        message: format!(
                            "收据 {} 不是该笔预交金当前的收据（当前为 {}），作废未入账",
                            r.voided_no, entry.receipt_no
                        ),
                    });
                }
                if r.reason.trim().is_empty() || r.new_no == r.voided_no {
                    return Err(FoldError::malformed(codes::MALFORMED, "作废收据须有原因和新的收据号"));
                }
                Ok(())
            }
            Record::Settlement(r) => self.check_settlement(r, facts),
            Record::Recall(r) => self.check_recall(r, facts),
            Record::BloodRegistration(r) => self.check_registration(r, facts),
            Record::BloodReview(r) => self.check_review(r),
        }
    }
}

impl Ledger {
    /// A recall takes the newest settlement still in force, by the domain's recall rule — for a
    /// discharge recall, within its days of the settlement both at the stated time and when the
    /// platform received it (`WINDOW_PASSED_AT_PLATFORM`).
    fn check_recall(&self, r: &crate::records::RecallRecord, facts: &Facts) -> Result<(), FoldError> {
        let account = &self.account;
        let id = self.id_of(r.settlement).ok_or_else(|| unknown("settlement", r.settlement))?;
        let newest = account.active_settlements().map(|s| s.id).max();
        let settlement = account.settlements.iter().find(|s| s.id == id);
        let (Some(settlement), true) = (settlement, newest == Some(id)) else {
            return Err(FoldError::Conflict {
                code: "RECALL_NOT_NEWEST",
                message: "该结算已召回或不是最近一次结算，不能召回".into(),
            });
        };
        let kind = domain::RecallKind::from_code(&r.recall_kind)
            .ok_or_else(|| FoldError::malformed(codes::MALFORMED, format!("未知的召回类型：{}", r.recall_kind)))?;
        let days = facts.discharge_recall_days;
        let plan = |now| account.plan_recall(kind, Some(&settlement.settlement_no), &r.reason, now, days);
        plan(r.at).map_err(|e| FoldError::Conflict { code: e.code(), message: e.to_string() })?;
        if let Some(received) = facts.received.filter(|t| *t > r.at)
            && let Err(e @ domain::account::recall::RecallError::TooLate(_)) = plan(received)
        {
            return Err(FoldError::malformed(
                codes::WINDOW_PASSED_AT_PLATFORM,
                format!("{e}（平台收到时已过期限，按所称时间 {} 仍在期限内）", r.at),
            ));
        }
        Ok(())
    }
}

fn unknown(field: &str, key: Uuid) -> FoldError {
    FoldError::malformed(codes::MISSING_IDS, format!("{field} 引用了平台上不存在的记录 {key}"))
}

fn unbalanced(message: String) -> FoldError {
    FoldError::malformed(codes::UNBALANCED, message)
}

/// The admission a record belongs to.
pub fn record_admission(record: &Record) -> Option<Uuid> {
    Some(match record {
        Record::Admission(r) => r.admission_id,
        Record::Fee(r) => r.admission_id,
        Record::FeeEvent(r) => r.admission_id,
        Record::AdmissionEvent(r) => r.admission_id,
        Record::Deposit(r) => r.admission_id,
        Record::Settlement(r) => r.admission_id,
        Record::Recall(r) => r.admission_id,
        Record::BloodApproval(r) => r.admission_id,
        Record::BloodRegistration(r) => r.admission_id,
        Record::BloodReview(r) => r.admission_id,
        Record::Invoice(r) => r.admission_id,
        Record::ReceiptVoid(r) => r.admission_id,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::{Facts, Ledger};
    use crate::codes;
    use crate::records::{Envelope, Record};

    fn deposit(admission: Uuid, key: Uuid, reverses: Option<Uuid>, amount: &str, at: &str) -> Record {
        let kind = if reverses.is_some() { "reversal" } else { "deposit" };
        serde_json::from_value(json!({"kind": "deposit", "key": key, "admission_id": admission,
            "receipt_no": "YJ0100000001", "deposit_kind": kind, "reverses": reverses, "settlement": null,
            "amount": amount, "tenders": [{"tender": "card", "amount": amount, "reference": "T0000001:000000006222"}],
            "at": at, "cashier": "王丽"}))
        .unwrap()
    }

    fn received(at: Option<chrono::NaiveDateTime>) -> Facts {
        Facts { received: at, ..Facts::default() }
    }

    #[test]
    fn a_reversal_inside_its_window_when_stated_is_refused_when_received_after_it() {
        let (admission, original) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut ledger = Ledger::new();
        ledger.apply(&deposit(admission, original, None, "100.00", "2026-01-01T09:00:00")).unwrap();
        let reversal = deposit(admission, Uuid::from_u128(3), Some(original), "-100.00", "2026-01-01T10:00:00");
        let envelope = Envelope {
            key: Uuid::from_u128(4),
            admission_id: admission,
            cashier: "cashier".into(),
            at: "2026-01-01T10:00:00".parse().unwrap(),
            records: vec![reversal],
            approval: None,
        };
        // The card's 180 days have passed when the platform receives it.
        let late = "2026-07-01T10:00:00".parse().ok();
        let refused = ledger.clone().check_and_apply(&envelope, &received(late)).unwrap_err();
        assert_eq!(refused.code(), codes::WINDOW_PASSED_AT_PLATFORM, "{refused}");
        // Received inside the window (or replayed without a receipt time), it goes.
        assert!(ledger.clone().check_and_apply(&envelope, &received("2026-01-02T10:00:00".parse().ok())).is_ok());
        assert!(ledger.check_and_apply(&envelope, &Facts::default()).is_ok());
    }

    #[test]
    fn a_receipt_void_takes_the_deposits_current_receipt_only_and_renumbers_it() {
        let (admission, original) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut ledger = Ledger::new();
        ledger.apply(&deposit(admission, original, None, "100.00", "2026-01-01T09:00:00")).unwrap();
        let void = |key: u128, voided: &str, new: &str, reason: &str| Envelope {
            key: Uuid::from_u128(key),
            admission_id: admission,
            cashier: "cashier".into(),
            at: "2026-01-01T10:00:00".parse().unwrap(),
            records: vec![Record::ReceiptVoid(crate::records::ReceiptVoidRecord {
                key: Uuid::from_u128(key + 100),
                admission_id: admission,
                deposit: original,
                voided_no: voided.into(),
                new_no: new.into(),
                reason: reason.into(),
                by: "王丽".into(),
                at: "2026-01-01T10:00:00".parse().unwrap(),
            })],
            approval: None,
        };
        let stale = ledger.clone().check_and_apply(&void(5, "YJ0100000009", "YJ0100000002", "卡纸"), &Facts::default());
        assert_eq!(stale.unwrap_err().code(), "RECEIPT_NOT_CURRENT");
        let unexplained =
            ledger.clone().check_and_apply(&void(6, "YJ0100000001", "YJ0100000002", " "), &Facts::default());
        assert_eq!(unexplained.unwrap_err().code(), codes::MALFORMED);
        ledger.check_and_apply(&void(7, "YJ0100000001", "YJ0100000002", "卡纸"), &Facts::default()).unwrap();
        assert_eq!(ledger.account.deposits[0].receipt_no, "YJ0100000002");
        let twice = ledger.clone().check_and_apply(&void(8, "YJ0100000001", "YJ0100000003", "卡纸"), &Facts::default());
        assert_eq!(twice.unwrap_err().code(), "RECEIPT_NOT_CURRENT", "the voided number is no longer the deposit's");
    }
}
