//! The day's end as the 日结 / 缴款 / 日报 screens and `cashier close`, `cashier hand-in` and
//! `cashier report daily|monthly` see it: the cashier's close with every figure, the hand-in,
//! and the hospital's day and month. Amounts by tender are maps keyed by the tender codes of
//! `domain::Tender` plus `total`, so the JSON reads `{"cash": "…", …, "total": "…"}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Yuan;

/// Amounts keyed by tender code (`cash`, `cheque`, `card`, `wechat`, `alipay`, `sscard`) and
/// `total`.
pub type ByTender = BTreeMap<String, Yuan>;

/// Insurance's shares of one insurance type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsuranceLine {
    pub code: String,
    pub label: String,
    pub fund: Yuan,
    pub personal_account: Yuan,
}

/// A cheque taken (支票), listed one by one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChequeLine {
    /// The cheque's number as entered with the tender (may be empty).
    pub number: String,
    pub amount: Yuan,
    /// The receipt or settlement it was taken for.
    pub document: String,
}

/// A record that arrived after its period was closed (补入).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateLine {
    pub what: String,
    pub number: String,
    pub at: String,
}

/// An identity of the close or of a report, with its figures and whether it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityLine {
    pub name: String,
    /// The identity written out with its figures.
    pub text: String,
    pub holds: bool,
}

/// A cashier's close (收费员日结), or its preview (`close_no` null).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseView {
    pub close_no: Option<String>,
    /// The cashier's name; `cashier_username` their login.
    pub cashier: String,
    pub cashier_username: String,
    pub from: String,
    pub until: String,
    pub made_at: Option<String>,
    /// `preview`, `closed`, `collected` or `cancelled`.
    pub status: String,
    pub status_label: String,
    pub deposits_received: ByTender,
    pub deposits_reversed: ByTender,
    pub settlements_collected: ByTender,
    pub settlements_refunded: ByTender,
    /// received − reversed + collected − refunded, per tender.
    pub net: ByTender,
    pub deposits_applied: Yuan,
    pub insurance_fund: Yuan,
    pub personal_account: Yuan,
    pub insurance: Vec<InsuranceLine>,
    pub blood_waiver: Yuan,
    pub fees_settled: Yuan,
    pub cash_to_hand_in: Yuan,
    /// 应缴现金 in 大写.
    pub cash_to_hand_in_words: String,
    /// Receipts (deposits, reversals, transfers), settlements and recalls counted.
    pub receipts: usize,
    pub settlements: usize,
    pub recalls: usize,
    /// E-invoices issued for the settlements, and red invoices (冲红) of the recalls.
    pub invoices_issued: usize,
    pub invoices_reversed: usize,
    /// Paper copies printed and voided (作废).
    pub paper_printed: usize,
    pub paper_voided: usize,
    /// Receipt and settlement numbers used, in runs (YJ0100000001–YJ0100000050).
    pub numbers_used: Vec<String>,
    /// Receipt numbers voided (作废重打) and paper invoice numbers voided.
    pub numbers_voided: Vec<String>,
    /// Paper invoice numbers printed on, in runs.
    pub paper_used: Vec<String>,
    pub cheques: Vec<ChequeLine>,
    pub late: Vec<LateLine>,
    pub identities: Vec<IdentityLine>,
    /// The hand-in that collected it.
    pub hand_in_no: Option<String>,
}

/// 日结 (or its preview): up to `until` ("YYYY-MM-DD HH:MM:SS", default now). `cashier`, when
/// given, must be the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub key: String,
    pub until: Option<String>,
    pub cashier: Option<String>,
}

/// 取消日结.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelCloseRequest {
    pub key: String,
    pub close_no: String,
}

/// A close waiting for finance's collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingClose {
    pub close_no: String,
    pub cashier: String,
    pub cashier_username: String,
    pub from: String,
    pub until: String,
    pub cash_to_hand_in: Yuan,
    pub cheques: Yuan,
}

/// A cheque handed in: its number and amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChequeInput {
    pub number: String,
    pub amount: String,
}

/// 缴款确认: finance collects closes of one cashier. The cash counted is given as a total or by
/// denomination (face value in yuan, e.g. "100", "0.5" → pieces); when both, they must agree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandInRequest {
    pub key: String,
    pub close_nos: Vec<String>,
    pub counted_cash: Option<String>,
    pub denominations: Vec<(String, u32)>,
    pub cheques: Vec<ChequeInput>,
    /// Why the counted money differs from the closes (长款 / 短款).
    pub reason: Option<String>,
}

/// A hand-in (缴款) as recorded: the 缴款收据.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandInView {
    pub hand_in_no: String,
    pub cashier: String,
    pub collected_by: String,
    pub at: String,
    pub closes: Vec<String>,
    pub expected_cash: Yuan,
    pub counted_cash: Yuan,
    pub counted_cash_words: String,
    /// Face value label (100元, 5角) and pieces.
    pub denominations: Vec<(String, u32)>,
    pub expected_cheques: Yuan,
    pub counted_cheques: Yuan,
    pub cheques: Vec<ChequeLine>,
    /// counted − expected.
    pub difference: Yuan,
    /// `even`, `over` (长款) or `short` (短款).
    pub difference_kind: String,
    pub difference_label: String,
    pub reason: Option<String>,
    pub reversed: Option<String>,
}

/// A hand-in's figures as kept (by a stand-alone counter or the platform), before they are shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandInFigures {
    pub hand_in_no: String,
    pub cashier: String,
    pub collected_by: String,
    pub at: String,
    pub closes: Vec<String>,
    pub expected_cash: domain::Money,
    pub counted_cash: domain::Money,
    /// Face value in fen and pieces, when counted by denomination.
    pub pieces: Vec<(i64, u32)>,
    pub expected_cheques: domain::Money,
    pub counted_cheques: domain::Money,
    pub cheques: Vec<ChequeLine>,
    pub reason: Option<String>,
    /// "by 于 at 冲销：reason".
    pub reversed: Option<String>,
}

impl From<HandInFigures> for HandInView {
    fn from(f: HandInFigures) -> HandInView {
        use domain::hand_in::{Difference, denomination_label};
        let mut pieces: Vec<(i64, u32)> = f.pieces.into_iter().filter(|(_, n)| *n > 0).collect();
        pieces.sort_by_key(|p| std::cmp::Reverse(p.0));
        let difference = f.counted_cash + f.counted_cheques - f.expected_cash - f.expected_cheques;
        let kind = Difference::of(difference, domain::Money::ZERO);
        HandInView {
            hand_in_no: f.hand_in_no,
            cashier: f.cashier,
            collected_by: f.collected_by,
            at: f.at,
            closes: f.closes,
            expected_cash: Yuan(f.expected_cash),
            counted_cash: Yuan(f.counted_cash),
            counted_cash_words: f.counted_cash.words(),
            denominations: pieces.into_iter().map(|(face, n)| (denomination_label(face), n)).collect(),
            expected_cheques: Yuan(f.expected_cheques),
            counted_cheques: Yuan(f.counted_cheques),
            cheques: f.cheques,
            difference: Yuan(difference),
            difference_kind: kind.code().to_owned(),
            difference_label: kind.label().to_owned(),
            reason: f.reason,
            reversed: f.reversed,
        }
    }
}

/// 冲销缴款 by a supervisor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReverseHandInRequest {
    pub key: String,
    pub hand_in_no: String,
    pub reason: String,
}

/// A roll-forward: the balance at the start, the movements, the balance at the end, and the end
/// computed straight from the records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollForward {
    pub start: Yuan,
    /// Named movements, signed as they enter the balance.
    pub movements: BTreeMap<String, Yuan>,
    pub end: Yuan,
    /// The balance at the end computed from the records, which `end` must equal.
    pub end_from_records: Yuan,
    pub holds: bool,
}

/// Income by a key (科室 or 费用类别).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeLine {
    pub code: String,
    pub label: String,
    pub amount: Yuan,
}

/// One cashier's takings in a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashierTakings {
    pub cashier: String,
    pub takings: ByTender,
    /// The same cashier's closes cut within the day, summed.
    pub closed: ByTender,
}

/// The hospital's day (住院日报).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyReport {
    pub date: String,
    pub hospital: String,
    /// Net money per tender (received − reversed + collected − refunded), with `total`.
    pub takings: ByTender,
    pub by_cashier: Vec<CashierTakings>,
    pub by_department: Vec<IncomeLine>,
    pub by_category: Vec<IncomeLine>,
    pub insurance: Vec<InsuranceLine>,
    pub blood_waiver: Yuan,
    pub fees_settled: Yuan,
    pub deposit_rollforward: RollForward,
    pub inpatient_fee_rollforward: RollForward,
    /// 交付预交金, 收回出院押金, 结算费用收入, 住院实际收入.
    pub deposits_paid_in: Yuan,
    pub refunds_at_discharge: Yuan,
    pub settlement_income: Yuan,
    pub actual_income: Yuan,
    pub identities: Vec<IdentityLine>,
    pub identity_holds: bool,
}

/// The hospital's month (住院月报): its days and their totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyReport {
    pub month: String,
    pub hospital: String,
    pub days: Vec<DailyReport>,
    pub takings: ByTender,
    pub fees_settled: Yuan,
    pub deposit_rollforward: RollForward,
    pub inpatient_fee_rollforward: RollForward,
    pub identity_holds: bool,
}

/// The notes and coins finance counts, largest first: the face value as the hand-in takes it
/// ("100.00", "0.50") and its label ("100元", "5角") — from `domain::hand_in`.
pub fn denominations() -> Vec<(String, String)> {
    domain::hand_in::DENOMINATIONS_FEN
        .iter()
        .filter_map(|fen| {
            let face = domain::Money::from_fen(*fen).ok()?;
            Some((face.to_string(), domain::hand_in::denomination_label(*fen)))
        })
        .collect()
}
