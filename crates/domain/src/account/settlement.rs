//! Settlements (中途结算 / 出院结算) recorded against an account, and their recalls (结算召回).

use chrono::NaiveDateTime;

use super::tender::TenderLine;
use crate::money::Money;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SettlementKind {
    /// 中途结算: settles the confirmed fees so far; the patient stays.
    MidStay,
    /// 出院结算: settles everything at discharge; the account closes.
    Discharge,
}

impl SettlementKind {
    pub fn code(self) -> &'static str {
        match self {
            SettlementKind::MidStay => "mid_stay",
            SettlementKind::Discharge => "discharge",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SettlementKind::MidStay => "中途结算",
            SettlementKind::Discharge => "出院结算",
        }
    }
    pub fn from_code(code: &str) -> Option<SettlementKind> {
        [SettlementKind::MidStay, SettlementKind::Discharge].into_iter().find(|k| k.code() == code)
    }
}

/// Where a settlement was made; all are the same operation (DOMAIN.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    Counter,
    WardStation,
    Bedside,
    Kiosk,
}

impl Place {
    pub const ALL: [Place; 4] = [Place::Counter, Place::WardStation, Place::Bedside, Place::Kiosk];
    pub fn code(self) -> &'static str {
        match self {
            Place::Counter => "counter",
            Place::WardStation => "ward_station",
            Place::Bedside => "bedside",
            Place::Kiosk => "kiosk",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Place::Counter => "收费窗口",
            Place::WardStation => "病区护士站",
            Place::Bedside => "床旁结算",
            Place::Kiosk => "自助机",
        }
    }
    pub fn from_code(code: &str) -> Option<Place> {
        Place::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The figures of a settlement. `due` is what the patient still pays (positive) or gets back
/// (negative): fees − insurance fund − personal account − blood reimbursement − deposits applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SettlementFigures {
    pub fees: Money,
    pub insurance_fund: Money,
    pub personal_account: Money,
    pub blood_reimbursement: Money,
    pub deposits_applied: Money,
    pub due: Money,
}

impl SettlementFigures {
    /// What the patient owes for these fees after insurance and blood reimbursement.
    pub fn patient_share(&self) -> Money {
        self.fees - self.insurance_fund - self.personal_account - self.blood_reimbursement
    }
    /// Money from third parties credited to the account by this settlement.
    pub fn third_party(&self) -> Money {
        self.insurance_fund + self.personal_account + self.blood_reimbursement
    }
}

/// A committed settlement. Payments are positive when collected, negative when refunded; a
/// refund line names the deposit whose route it goes back by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub id: i64,
    pub settlement_no: String,
    pub kind: SettlementKind,
    /// The fee lines this settlement settled.
    pub fee_ids: Vec<i64>,
    pub figures: SettlementFigures,
    pub payments: Vec<SettlementPayment>,
    pub at: NaiveDateTime,
    pub cashier: String,
    pub place: Place,
    pub insurance_ref: Option<String>,
    pub recall: Option<Recall>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementPayment {
    pub line: TenderLine,
    /// For a refund by original route: the deposit it returns money of.
    pub deposit_id: Option<i64>,
}

impl Settlement {
    pub fn is_active(&self) -> bool {
        self.recall.is_none()
    }
    /// Collected minus refunded.
    pub fn net_payments(&self) -> Money {
        self.payments.iter().map(|p| p.line.amount).sum()
    }
}

/// A settlement undone by a supervisor-approved recall. Its payments move into the deposit
/// ledger (collected money becomes deposit, refunds paid out become owed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recall {
    pub at: NaiveDateTime,
    pub by: String,
    pub approved_by: String,
    pub reason: String,
}
