//! 日结 between a linked counter and the platform: the close as the counter reports it (its
//! period, the journal keys of the money records it holds, and the figures the counter computed),
//! the platform's acceptance with the figures it re-derived from its own journal, and the
//! cancellation of the latest close.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use contract::Yuan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A close as a counter reports it. The cashier is the session's user; the platform re-derives
/// every figure from the records named and refuses a close that does not add up, overlaps the
/// cashier's previous close, or names a record that is not theirs or is already closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseStatement {
    pub key: Uuid,
    pub close_no: String,
    #[schema(value_type = String)]
    pub from: NaiveDateTime,
    #[schema(value_type = String)]
    pub until: NaiveDateTime,
    /// The journal keys of the deposits (reversals, recall transfers), settlements and recalls.
    pub records: Vec<Uuid>,
    /// The counter's figures: net per tender code (and `total`), fees settled.
    #[schema(value_type = BTreeMap<String, String>)]
    pub net: BTreeMap<String, Yuan>,
    #[schema(value_type = String)]
    pub fees_settled: Yuan,
}

/// The close as the platform holds it, with the figures it computed itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseAccepted {
    pub close_no: String,
    pub cashier: String,
    #[schema(value_type = BTreeMap<String, String>)]
    pub net: BTreeMap<String, Yuan>,
    #[schema(value_type = String)]
    pub fees_settled: Yuan,
    pub records: usize,
}

/// 取消日结 of the caller's latest close.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelClose {
    pub key: Uuid,
    pub close_no: String,
}

/// One of the caller's closes in force, and the hand-in that collected it (if one stands).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyClose {
    pub close_no: String,
    pub hand_in_no: Option<String>,
}

/// Notes and coins of one face value, counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pieces {
    pub face_fen: i64,
    pub count: u32,
}

/// A cheque handed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cheque {
    pub number: String,
    #[schema(value_type = String)]
    pub amount: Yuan,
}

/// A close in force and not collected, as finance sees it at any counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseWaiting {
    pub close_no: String,
    pub cashier: String,
    pub cashier_name: String,
    #[schema(value_type = String)]
    pub from: NaiveDateTime,
    #[schema(value_type = String)]
    pub until: NaiveDateTime,
    #[schema(value_type = String)]
    pub cash: Yuan,
    #[schema(value_type = String)]
    pub cheques: Yuan,
}

/// 缴款确认 as finance's counter sends it: the closes and what was counted. The platform takes
/// the expected money from the closes it holds and decides 长款 / 短款 itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandInStatement {
    pub key: Uuid,
    pub close_nos: Vec<String>,
    #[schema(value_type = String)]
    pub counted_cash: Yuan,
    /// Empty when the cash was counted as a total.
    pub pieces: Vec<Pieces>,
    pub cheques: Vec<Cheque>,
    pub reason: Option<String>,
}

/// A reversal of a hand-in, as the platform keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandInReversal {
    pub by: String,
    #[schema(value_type = String)]
    pub at: NaiveDateTime,
    pub reason: String,
}

/// A hand-in as the platform keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandInRecord {
    pub hand_in_no: String,
    pub cashier: String,
    pub collected_by: String,
    #[schema(value_type = String)]
    pub at: NaiveDateTime,
    pub closes: Vec<String>,
    #[schema(value_type = String)]
    pub expected_cash: Yuan,
    #[schema(value_type = String)]
    pub counted_cash: Yuan,
    pub pieces: Vec<Pieces>,
    #[schema(value_type = String)]
    pub expected_cheques: Yuan,
    #[schema(value_type = String)]
    pub counted_cheques: Yuan,
    pub cheques: Vec<Cheque>,
    pub reason: Option<String>,
    pub reversed: Option<HandInReversal>,
}

/// 冲销缴款 (a supervisor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseHandIn {
    pub key: Uuid,
    pub hand_in_no: String,
    pub reason: String,
}

/// A close in force whose cut-off lies in a period: the hospital reports' 已日结 column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedTakings {
    pub close_no: String,
    pub cashier_name: String,
    #[schema(value_type = String)]
    pub until: NaiveDateTime,
    #[schema(value_type = BTreeMap<String, String>)]
    pub net: BTreeMap<String, Yuan>,
}

impl HandInRecord {
    /// The figures the 缴款收据 shows.
    pub fn figures(&self) -> contract::close::HandInFigures {
        contract::close::HandInFigures {
            hand_in_no: self.hand_in_no.clone(),
            cashier: self.cashier.clone(),
            collected_by: self.collected_by.clone(),
            at: self.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            closes: self.closes.clone(),
            expected_cash: self.expected_cash.money(),
            counted_cash: self.counted_cash.money(),
            pieces: self.pieces.iter().map(|p| (p.face_fen, p.count)).collect(),
            expected_cheques: self.expected_cheques.money(),
            counted_cheques: self.counted_cheques.money(),
            cheques: self
                .cheques
                .iter()
                .map(|c| contract::close::ChequeLine {
                    number: c.number.clone(),
                    amount: c.amount,
                    document: String::new(),
                })
                .collect(),
            reason: self.reason.clone(),
            reversed: self
                .reversed
                .as_ref()
                .map(|r| format!("{} 于 {} 冲销：{}", r.by, r.at.format("%Y-%m-%d %H:%M:%S"), r.reason)),
        }
    }
}
