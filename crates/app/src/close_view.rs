//! A close as the screen, the CLI and the printed 收费员日报 show it: the domain's figures by
//! tender (keyed by the tender codes plus `total`), insurance per type, counts, numbers in runs,
//! cheques one by one, late records (补入) and the identities with their figures.

use chrono::NaiveDateTime;
use contract::Yuan;
use contract::close::{ByTender, ChequeLine, CloseView, IdentityLine, InsuranceLine, LateLine};
use domain::close::{CloseFigures, TenderFigures, number_runs};
use domain::{InsuranceType, Money, Tender, TenderLine};
use store::closes::{CloseRow, MemberKind};

use crate::close::store_time;
use crate::{AppError, Operator};

/// What a close counted.
#[derive(Default)]
pub(crate) struct Counted {
    pub figures: CloseFigures,
    pub members: Vec<(MemberKind, i64, bool)>,
    pub late: Vec<LateLine>,
    pub receipts: usize,
    pub settlements: usize,
    pub recalls: usize,
    pub invoices_issued: usize,
    pub invoices_reversed: usize,
    pub paper_voided: usize,
    pub numbers: Vec<String>,
    pub voided: Vec<String>,
    pub paper: Vec<String>,
    pub cheques: Vec<ChequeLine>,
}

impl Counted {
    pub fn member(&mut self, kind: MemberKind, id: i64, late: bool, what: &str, number: &str, at: NaiveDateTime) {
        self.members.push((kind, id, late));
        if late {
            self.late.push(LateLine { what: what.to_owned(), number: number.to_owned(), at: store_time(at) });
        }
    }

    pub fn cheque(&mut self, line: &TenderLine, document: &str) {
        self.cheques.push(ChequeLine {
            number: line.reference.clone().unwrap_or_default(),
            amount: Yuan(line.amount),
            document: document.to_owned(),
        });
    }
}

/// Amounts by tender code, with `total`.
pub(crate) fn by_tender(figures: &CloseFigures, amount: impl Fn(&TenderFigures) -> Money) -> ByTender {
    let mut out = ByTender::new();
    let mut total = Money::ZERO;
    for tender in Tender::ALL {
        let a = amount(figures.tender(tender));
        total += a;
        out.insert(tender.code().to_owned(), Yuan(a));
    }
    out.insert("total".to_owned(), Yuan(total));
    out
}

/// Insurance's shares per insurance type.
pub(crate) fn insurance_lines(f: &CloseFigures) -> Vec<InsuranceLine> {
    InsuranceType::ALL
        .iter()
        .zip(&f.insurance)
        .map(|(t, i)| InsuranceLine {
            code: t.code().to_owned(),
            label: t.label().to_owned(),
            fund: Yuan(i.fund),
            personal_account: Yuan(i.personal_account),
        })
        .collect()
}

/// The identities of a close, written out with its figures.
pub(crate) fn identities(f: &CloseFigures) -> Vec<IdentityLine> {
    let applied_side =
        f.deposits_applied + f.collected() - f.refunded() + f.insurance_fund() + f.personal_account() + f.blood_waiver;
    let cash = f.tender(Tender::Cash);
    let tenders_hold = Tender::ALL.iter().all(|t| {
        let x = f.tender(*t);
        x.net() == x.received - x.reversed + x.collected - x.refunded
    });
    vec![
        IdentityLine {
            name: "结算恒等式".into(),
            text: format!(
                "结算费用 {} = 预交金冲抵 {} + 补缴 {} − 退款 {} + 统筹 {} + 个人账户 {} + 用血减免 {}",
                f.fees_settled,
                f.deposits_applied,
                f.collected(),
                f.refunded(),
                f.insurance_fund(),
                f.personal_account(),
                f.blood_waiver
            ),
            holds: f.fees_settled == applied_side,
        },
        IdentityLine {
            name: "支付方式恒等式".into(),
            text: format!(
                "现金净额 {} = 预交金收取 {} − 预交金退还 {} + 结算补缴 {} − 结算退款 {} = 应缴现金 {}",
                cash.net(),
                cash.received,
                cash.reversed,
                cash.collected,
                cash.refunded,
                f.cash_to_hand_in()
            ),
            holds: tenders_hold && f.cash_to_hand_in() == cash.net(),
        },
    ]
}

/// Identity 3: the closes in force before this one and this one add up to all the cashier's
/// records up to its cut-off — nothing lost, nothing twice.
pub(crate) fn adds_up(earlier: &[CloseView], this: &CloseFigures, all: &CloseFigures) -> IdentityLine {
    let sum = |pick: &dyn Fn(&CloseView) -> Money| earlier.iter().map(pick).sum::<Money>();
    let earlier_net = sum(&|v| v.net.get("total").map_or(Money::ZERO, |y| y.money()));
    let earlier_fees = sum(&|v| v.fees_settled.money());
    let this_net: Money = Tender::ALL.iter().map(|t| this.tender(*t).net()).sum();
    let all_net: Money = Tender::ALL.iter().map(|t| all.tender(*t).net()).sum();
    let per_tender = Tender::ALL.iter().all(|t| {
        let before = sum(&|v| v.net.get(t.code()).map_or(Money::ZERO, |y| y.money()));
        before + this.tender(*t).net() == all.tender(*t).net()
    });
    IdentityLine {
        name: "日结累计恒等式".into(),
        text: format!(
            "以往日结 {} 次净额 {earlier_net} + 本次 {this_net} = 截至本次全部记录净额 {all_net}；结算费用 {earlier_fees} + {} = {}",
            earlier.len(),
            this.fees_settled,
            all.fees_settled
        ),
        holds: per_tender && earlier_net + this_net == all_net && earlier_fees + this.fees_settled == all.fees_settled,
    }
}

/// The view of a close about to be made (a preview until it is written).
pub(crate) fn of(operator: &Operator, from: NaiveDateTime, until: NaiveDateTime, counted: &Counted) -> CloseView {
    let f = &counted.figures;
    CloseView {
        close_no: None,
        cashier: operator.display_name.clone(),
        cashier_username: operator.username.clone(),
        from: store_time(from),
        until: store_time(until),
        made_at: None,
        status: "preview".into(),
        status_label: "预览".into(),
        deposits_received: by_tender(f, |t| t.received),
        deposits_reversed: by_tender(f, |t| t.reversed),
        settlements_collected: by_tender(f, |t| t.collected),
        settlements_refunded: by_tender(f, |t| t.refunded),
        net: by_tender(f, TenderFigures::net),
        deposits_applied: Yuan(f.deposits_applied),
        insurance_fund: Yuan(f.insurance_fund()),
        personal_account: Yuan(f.personal_account()),
        insurance: insurance_lines(f),
        blood_waiver: Yuan(f.blood_waiver),
        fees_settled: Yuan(f.fees_settled),
        cash_to_hand_in: Yuan(f.cash_to_hand_in()),
        cash_to_hand_in_words: f.cash_to_hand_in().words(),
        receipts: counted.receipts,
        settlements: counted.settlements,
        recalls: counted.recalls,
        invoices_issued: counted.invoices_issued,
        invoices_reversed: counted.invoices_reversed,
        paper_printed: counted.paper.len(),
        paper_voided: counted.paper_voided,
        numbers_used: number_runs(&counted.numbers),
        numbers_voided: counted.voided.clone(),
        paper_used: number_runs(&counted.paper),
        cheques: counted.cheques.clone(),
        late: counted.late.clone(),
        identities: identities(f),
        hand_in_no: None,
    }
}

/// A stored close, with what happened to it since it was made.
pub(crate) fn stored(row: &CloseRow) -> Result<CloseView, AppError> {
    let mut view: CloseView = serde_json::from_str(&row.report)
        .map_err(|e| AppError::internal(format!("日结 {} 的记录无法读取：{e}", row.close_no)))?;
    if row.cancelled.is_some() {
        view.status = "cancelled".into();
        view.status_label = "已取消".into();
    } else if let Some(hand_in) = &row.collected_by {
        collected(&mut view, hand_in);
    }
    Ok(view)
}

/// Marks a close collected by the hand-in `hand_in_no`.
pub(crate) fn collected(view: &mut CloseView, hand_in_no: &str) {
    view.status = "collected".into();
    view.status_label = "已缴款".into();
    view.hand_in_no = Some(hand_in_no.to_owned());
}
