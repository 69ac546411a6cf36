//! Recalls: settlement recall (结算召回) reopens the account, newest settlement first;
//! discharge recall (出院召回) also readmits the patient, within a configured number of days.

use chrono::{Duration, NaiveDateTime};
use thiserror::Error;

use super::InpatientAccount;
use super::settlement::SettlementKind;
use super::state::{AdmissionEvent, StateError};
use super::tender::TenderLine;
use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecallKind {
    Settlement,
    Discharge,
}

impl RecallKind {
    pub const ALL: [RecallKind; 2] = [RecallKind::Settlement, RecallKind::Discharge];
    pub fn from_code(code: &str) -> Option<RecallKind> {
        RecallKind::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn code(self) -> &'static str {
        match self {
            RecallKind::Settlement => "settlement",
            RecallKind::Discharge => "discharge",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RecallKind::Settlement => "结算召回",
            RecallKind::Discharge => "出院召回",
        }
    }
}

/// What a recall writes: the settlement it undoes, the money that moves into the deposit
/// ledger (collected → deposit, refunded → owed), and the admission events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecallPlan {
    pub settlement_id: i64,
    pub transfer: Money,
    pub transfer_tenders: Vec<TenderLine>,
    pub events: Vec<AdmissionEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecallError {
    #[error("该患者没有可召回的结算")]
    NothingToRecall,
    #[error("只能从最近一次结算开始召回（最近一次为 {0}）")]
    NotNewest(String),
    #[error("出院召回只适用于已出院结算的患者")]
    NotDischarged,
    #[error("已超过出院召回期限（结算后 {0} 天内）")]
    TooLate(u32),
    #[error("请填写召回原因")]
    ReasonRequired,
    #[error(transparent)]
    State(#[from] StateError),
}

impl RecallError {
    pub fn code(&self) -> &'static str {
        match self {
            RecallError::NothingToRecall => "NOTHING_TO_RECALL",
            RecallError::NotNewest(_) => "RECALL_NOT_NEWEST",
            RecallError::NotDischarged => "NOT_DISCHARGED",
            RecallError::TooLate(_) => "RECALL_TOO_LATE",
            RecallError::ReasonRequired => "REASON_REQUIRED",
            RecallError::State(_) => "STATE_CONFLICT",
        }
    }
}

/// How many days after a discharge settlement it can still be recalled (出院召回), unless a
/// hospital configures otherwise (the counter's `AppConfig`, the platform's
/// `--discharge-recall-days`).
pub const DISCHARGE_RECALL_DAYS: u32 = 3;

impl InpatientAccount {
    /// Checks a recall of the settlement numbered `settlement_no` (the newest active one when
    /// `None`).
    pub fn plan_recall(
        &self,
        kind: RecallKind,
        settlement_no: Option<&str>,
        reason: &str,
        now: NaiveDateTime,
        discharge_recall_days: u32,
    ) -> Result<RecallPlan, RecallError> {
        if reason.trim().is_empty() {
            return Err(RecallError::ReasonRequired);
        }
        let newest = self.active_settlements().max_by_key(|s| s.id).ok_or(RecallError::NothingToRecall)?;
        if let Some(no) = settlement_no
            && no != newest.settlement_no
        {
            return Err(match self.settlements.iter().find(|s| s.settlement_no == no) {
                Some(s) if s.is_active() => RecallError::NotNewest(newest.settlement_no.clone()),
                _ => RecallError::NothingToRecall,
            });
        }
        let mut events = Vec::new();
        if newest.kind == SettlementKind::Discharge {
            events.push(AdmissionEvent::SettlementRecalled);
        }
        if kind == RecallKind::Discharge {
            if newest.kind != SettlementKind::Discharge {
                return Err(RecallError::NotDischarged);
            }
            if now - newest.at > Duration::days(i64::from(discharge_recall_days)) {
                return Err(RecallError::TooLate(discharge_recall_days));
            }
            events.push(AdmissionEvent::DischargeRecalled);
        }
        events.iter().try_fold(self.state, |state, e| state.after(*e))?;
        let mut transfer_tenders: Vec<TenderLine> = Vec::new();
        for payment in &newest.payments {
            match transfer_tenders.iter_mut().find(|t| t.tender == payment.line.tender) {
                Some(t) => t.amount += payment.line.amount,
                None => transfer_tenders.push(TenderLine { reference: None, ..payment.line.clone() }),
            }
        }
        transfer_tenders.retain(|t| !t.amount.is_zero());
        Ok(RecallPlan { settlement_id: newest.id, transfer: newest.net_payments(), transfer_tenders, events })
    }
}
