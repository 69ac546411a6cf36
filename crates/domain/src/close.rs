//! The cashier's close (收费员日结 / 轧帐), its figures as a pure sum of money records: by tender
//! the deposits received and reversed, the settlements' collections (补缴) and refunds (退款) and
//! their net; the deposits applied, insurance's shares per insurance type, the blood waiver and
//! the fees settled; the cash to hand in. A recall counts its settlement back negatively (its
//! money moving into the deposits as a recall transfer), so the identities hold on every close
//! and closes add up: the sum of all closes is the close of all records.

use std::fmt;

use crate::{InsuranceType, Money, SettlementFigures, Tender, TenderLine};

/// One money record as a close counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseRecord {
    /// A deposit taken (预交金), or a recall transfer (召回转预交金), by tender.
    DepositReceived(Vec<TenderLine>),
    /// A deposit reversed (冲红), the amounts paid back by tender (positive).
    DepositReversed(Vec<TenderLine>),
    /// A settlement: its figures, the patient's insurance, its payments (collected positive,
    /// refunded negative).
    Settlement { figures: SettlementFigures, insurance: InsuranceType, payments: Vec<TenderLine> },
    /// The recall of such a settlement: counted back, every figure negative.
    Recall { figures: SettlementFigures, insurance: InsuranceType, payments: Vec<TenderLine> },
}

/// One tender's money in a close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TenderFigures {
    pub received: Money,
    pub reversed: Money,
    pub collected: Money,
    pub refunded: Money,
}

impl TenderFigures {
    /// received − reversed + collected − refunded.
    pub fn net(&self) -> Money {
        self.received - self.reversed + self.collected - self.refunded
    }

    fn merge(&mut self, other: &TenderFigures) {
        self.received += other.received;
        self.reversed += other.reversed;
        self.collected += other.collected;
        self.refunded += other.refunded;
    }
}

/// Insurance's shares of one insurance type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InsuranceFigures {
    pub fund: Money,
    pub personal_account: Money,
}

/// A close's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloseFigures {
    /// In `Tender::ALL` order.
    pub tenders: [TenderFigures; Tender::ALL.len()],
    pub deposits_applied: Money,
    /// In `InsuranceType::ALL` order.
    pub insurance: [InsuranceFigures; 3],
    pub blood_waiver: Money,
    pub fees_settled: Money,
    /// Records counted, negative ones (reversals, recalls) included.
    pub records: usize,
}

/// An identity of the close that does not hold: a bug, never a cashier's mistake.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("日结恒等式不成立：{0}")]
pub struct IdentityBroken(pub String);

fn tender_index(tender: Tender) -> usize {
    Tender::ALL.iter().position(|t| *t == tender).unwrap_or(0)
}

fn insurance_index(insurance: InsuranceType) -> usize {
    InsuranceType::ALL.iter().position(|i| *i == insurance).unwrap_or(0)
}

impl CloseFigures {
    /// The close of `records`.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a CloseRecord>) -> CloseFigures {
        let mut figures = CloseFigures::default();
        for record in records {
            figures.add(record);
        }
        figures
    }

    /// Counts one more record.
    pub fn add(&mut self, record: &CloseRecord) {
        self.records += 1;
        match record {
            CloseRecord::DepositReceived(lines) => {
                for line in lines {
                    self.tenders[tender_index(line.tender)].received += line.amount;
                }
            }
            CloseRecord::DepositReversed(lines) => {
                for line in lines {
                    self.tenders[tender_index(line.tender)].reversed += line.amount;
                }
            }
            CloseRecord::Settlement { figures, insurance, payments } => {
                self.settle(figures, *insurance, payments, false)
            }
            CloseRecord::Recall { figures, insurance, payments } => self.settle(figures, *insurance, payments, true),
        }
    }

    /// A settlement's figures, counted back (negative) when it is `recalled`.
    fn settle(
        &mut self,
        figures: &SettlementFigures,
        insurance: InsuranceType,
        payments: &[TenderLine],
        recalled: bool,
    ) {
        let signed = |m: Money| if recalled { -m } else { m };
        self.deposits_applied += signed(figures.deposits_applied);
        self.blood_waiver += signed(figures.blood_reimbursement);
        self.fees_settled += signed(figures.fees);
        let shares = &mut self.insurance[insurance_index(insurance)];
        shares.fund += signed(figures.insurance_fund);
        shares.personal_account += signed(figures.personal_account);
        for line in payments {
            let tender = &mut self.tenders[tender_index(line.tender)];
            if line.amount.is_negative() {
                tender.refunded += signed(-line.amount);
            } else {
                tender.collected += signed(line.amount);
            }
        }
    }

    /// The figures of two closes together (identity 3: closes add up).
    pub fn merge(&mut self, other: &CloseFigures) {
        for (mine, theirs) in self.tenders.iter_mut().zip(&other.tenders) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.insurance.iter_mut().zip(&other.insurance) {
            mine.fund += theirs.fund;
            mine.personal_account += theirs.personal_account;
        }
        self.deposits_applied += other.deposits_applied;
        self.blood_waiver += other.blood_waiver;
        self.fees_settled += other.fees_settled;
        self.records += other.records;
    }

    pub fn tender(&self, tender: Tender) -> &TenderFigures {
        &self.tenders[tender_index(tender)]
    }

    /// 应缴现金: the net of cash.
    pub fn cash_to_hand_in(&self) -> Money {
        self.tender(Tender::Cash).net()
    }

    pub fn collected(&self) -> Money {
        self.tenders.iter().map(|t| t.collected).sum()
    }

    pub fn refunded(&self) -> Money {
        self.tenders.iter().map(|t| t.refunded).sum()
    }

    pub fn insurance_fund(&self) -> Money {
        self.insurance.iter().map(|i| i.fund).sum()
    }

    pub fn personal_account(&self) -> Money {
        self.insurance.iter().map(|i| i.personal_account).sum()
    }

    /// Identity 1: fees settled = deposits applied + collected − refunded + insurance fund +
    /// personal account + blood waiver. (Identity 2 holds by [`TenderFigures::net`].)
    pub fn check(&self) -> Result<(), IdentityBroken> {
        let right = self.deposits_applied + self.collected() - self.refunded()
            + self.insurance_fund()
            + self.personal_account()
            + self.blood_waiver;
        if self.fees_settled == right {
            Ok(())
        } else {
            Err(IdentityBroken(format!(
                "结算费用 {} ≠ 预交金冲抵、补缴、退款、统筹、个人账户与用血减免之和 {right}",
                self.fees_settled
            )))
        }
    }
}

/// Printed numbers compressed into runs of consecutive numbers with the same prefix and width:
/// `A0001–A0050, A0052`.
pub fn number_runs(numbers: &[String]) -> Vec<String> {
    let mut parsed: Vec<(String, usize, u64, &String)> = numbers
        .iter()
        .map(|n| {
            let digits = n.chars().rev().take_while(char::is_ascii_digit).count();
            let (prefix, tail) = n.split_at(n.len() - digits);
            (prefix.to_owned(), digits, tail.parse::<u64>().unwrap_or(0), n)
        })
        .collect();
    parsed.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
    parsed.dedup_by(|a, b| a.3 == b.3);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in 0..parsed.len() {
        let continues = i > 0 && {
            let (p, q) = (&parsed[i - 1], &parsed[i]);
            p.0 == q.0 && p.1 == q.1 && p.1 > 0 && q.2 == p.2 + 1
        };
        match runs.last_mut() {
            Some((_, end)) if continues => *end = i,
            _ => runs.push((i, i)),
        }
    }
    runs.into_iter()
        .map(
            |(start, end)| {
                if start == end { parsed[start].3.clone() } else { format!("{}–{}", parsed[start].3, parsed[end].3) }
            },
        )
        .collect()
}

impl fmt::Display for TenderFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "收 {} 退 {} 补 {} 付 {} 净 {}",
            self.received,
            self.reversed,
            self.collected,
            self.refunded,
            self.net()
        )
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn m(fen: i64) -> Money {
        Money::from_fen(fen).unwrap()
    }

    fn line(tender: Tender, fen: i64) -> TenderLine {
        TenderLine { tender, amount: m(fen), reference: None }
    }

    #[test]
    fn numbers_are_compressed_into_runs() {
        let numbers: Vec<String> =
            ["A0003", "A0001", "A0002", "A0005", "B0006", "A0006", "A0002"].iter().map(|s| s.to_string()).collect();
        assert_eq!(number_runs(&numbers), ["A0001–A0003", "A0005–A0006", "B0006"]);
        assert!(number_runs(&[]).is_empty());
    }

    /// A settlement of `fees` fen with the given shares; the due split over `tenders` (collected,
    /// or refunded when negative).
    fn settlement(
        fees: i64,
        fund: i64,
        personal: i64,
        blood: i64,
        applied: i64,
        tender: Tender,
    ) -> (SettlementFigures, Vec<TenderLine>) {
        let due = fees - fund - personal - blood - applied;
        let figures = SettlementFigures {
            fees: m(fees),
            insurance_fund: m(fund),
            personal_account: m(personal),
            blood_reimbursement: m(blood),
            deposits_applied: m(applied),
            due: m(due),
        };
        let payments = if due == 0 { Vec::new() } else { vec![line(tender, due)] };
        (figures, payments)
    }

    #[derive(Clone, Debug)]
    enum Op {
        Deposit(usize, i64),
        Reverse(usize, i64),
        Settle(i64, i64, i64, i64, i64, usize, usize),
        Recall,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..Tender::ALL.len(), 1i64..500_000).prop_map(|(t, f)| Op::Deposit(t, f)),
            (0usize..Tender::ALL.len(), 1i64..500_000).prop_map(|(t, f)| Op::Reverse(t, f)),
            (1i64..2_000_000, 0i64..100, 0i64..100, 0i64..100, 0i64..3_000_000, 0usize..Tender::ALL.len(), 0usize..3)
                .prop_map(|(f, a, b, c, d, t, i)| Op::Settle(f, a, b, c, d, t, i)),
            Just(Op::Recall),
        ]
    }

    proptest! {
        /// Every close of any cut of any sequence satisfies identity 1 and 2; the closes add up
        /// to the close of all records (identity 3); per tender, the close's net is the money
        /// that moved through the drawer, counted independently.
        #[test]
        fn closes_balance_and_add_up(ops in prop::collection::vec(op(), 1..60), cuts in prop::collection::vec(0usize..60, 0..6)) {
            let mut records = Vec::new();
            let mut drawer = [0i64; Tender::ALL.len()];
            let mut settled: Vec<(SettlementFigures, InsuranceType, Vec<TenderLine>)> = Vec::new();
            for op in ops {
                match op {
                    Op::Deposit(t, fen) => {
                        drawer[t] += fen;
                        records.push(CloseRecord::DepositReceived(vec![line(Tender::ALL[t], fen)]));
                    }
                    Op::Reverse(t, fen) => {
                        drawer[t] -= fen;
                        records.push(CloseRecord::DepositReversed(vec![line(Tender::ALL[t], fen)]));
                    }
                    Op::Settle(fees, fund_pct, personal_pct, blood_pct, applied, t, i) => {
                        let fund = fees * fund_pct / 300;
                        let personal = fees * personal_pct / 300;
                        let blood = fees * blood_pct / 300;
                        let (figures, payments) = settlement(fees, fund, personal, blood, applied, Tender::ALL[t]);
                        for p in &payments {
                            drawer[t] += p.amount.fen();
                        }
                        let insurance = InsuranceType::ALL[i];
                        records.push(CloseRecord::Settlement { figures, insurance, payments: payments.clone() });
                        settled.push((figures, insurance, payments));
                    }
                    Op::Recall => {
                        if let Some((figures, insurance, payments)) = settled.pop() {
                            // The settlement's money moves into the deposits: the drawer keeps it.
                            records.push(CloseRecord::Recall { figures, insurance, payments: payments.clone() });
                            records.push(CloseRecord::DepositReceived(payments));
                        }
                    }
                }
            }
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(records.len())).collect();
            cuts.sort_unstable();
            let mut bounds = vec![0];
            bounds.extend(cuts);
            bounds.push(records.len());
            let mut total = CloseFigures::default();
            for pair in bounds.windows(2) {
                let close = CloseFigures::of(&records[pair[0]..pair[1]]);
                prop_assert!(close.check().is_ok(), "{:?}", close.check());
                total.merge(&close);
            }
            let all = CloseFigures::of(&records);
            prop_assert_eq!(&total, &all);
            for (t, tender) in Tender::ALL.iter().enumerate() {
                prop_assert_eq!(all.tender(*tender).net(), m(drawer[t]));
            }
            prop_assert_eq!(all.cash_to_hand_in(), m(drawer[0]));
        }
    }
}
