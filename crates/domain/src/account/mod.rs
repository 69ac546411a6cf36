//! The inpatient account (住院账户): the fees charged and the deposits paid for one admission,
//! and the figures derived from them. Balances are computed here, never stored.

pub mod deposit;
pub mod fee;
pub mod state;
pub mod tender;

use crate::money::Money;
use deposit::DepositEntry;
use fee::{FeeCategory, FeeLine};
use state::AdmissionState;

/// Everything money-related about one admission, as loaded from the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InpatientAccount {
    pub state: AdmissionState,
    pub fees: Vec<FeeLine>,
    pub deposits: Vec<DepositEntry>,
}

/// One category's subtotal on the fee list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryTotal {
    pub category: FeeCategory,
    pub total: Money,
    pub lines: usize,
}

impl InpatientAccount {
    /// Sum of all fee lines that count (cancelled lines do not).
    pub fn fees_total(&self) -> Money {
        self.fees.iter().filter(|f| f.status.counts()).map(|f| f.amount).sum()
    }

    /// Deposits paid less deposits reversed.
    pub fn deposits_total(&self) -> Money {
        self.deposits.iter().map(|d| d.amount).sum()
    }

    /// What the deposits still cover: positive means money in hand, negative means owed (欠费).
    pub fn balance(&self) -> Money {
        self.deposits_total() - self.fees_total()
    }

    /// Subtotals per category in print order, only categories with lines that count.
    pub fn category_totals(&self) -> Vec<CategoryTotal> {
        FeeCategory::ALL
            .into_iter()
            .filter_map(|category| {
                let lines: Vec<&FeeLine> =
                    self.fees.iter().filter(|f| f.category == category && f.status.counts()).collect();
                (!lines.is_empty()).then(|| CategoryTotal {
                    category,
                    total: lines.iter().map(|f| f.amount).sum(),
                    lines: lines.len(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::deposit::DepositKind;
    use crate::account::fee::FeeStatus;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn fee(id: i64, category: FeeCategory, fen: i64, status: FeeStatus) -> FeeLine {
        FeeLine {
            id,
            item_code: format!("X{id}"),
            item_name: "项目".into(),
            category,
            spec: String::new(),
            unit: "次".into(),
            quantity: 1.into(),
            unit_price: Money::from_fen(fen).unwrap(),
            amount: Money::from_fen(fen).unwrap(),
            charged_at: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap().and_hms_opt(8, 0, 0).unwrap(),
            department: "内科".into(),
            status,
        }
    }

    fn deposit(id: i64, fen: i64) -> DepositEntry {
        DepositEntry {
            id,
            receipt_no: format!("R{id}"),
            kind: if fen >= 0 { DepositKind::Deposit } else { DepositKind::Reversal { of: id - 1 } },
            amount: Money::from_fen(fen).unwrap(),
            tenders: vec![],
            at: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap().and_hms_opt(9, 0, 0).unwrap(),
            cashier: "收费员".into(),
        }
    }

    #[test]
    fn cancelled_lines_do_not_count() {
        let account = InpatientAccount {
            state: AdmissionState::InHospital,
            fees: vec![
                fee(1, FeeCategory::Drug, 1_000, FeeStatus::Confirmed),
                fee(2, FeeCategory::Drug, 500, FeeStatus::Unconfirmed),
                fee(3, FeeCategory::Bed, 9_999, FeeStatus::Cancelled),
                fee(4, FeeCategory::Bed, 4_000, FeeStatus::Confirmed),
            ],
            deposits: vec![deposit(1, 10_000), deposit(2, -2_000)],
        };
        assert_eq!(account.fees_total().fen(), 5_500);
        assert_eq!(account.deposits_total().fen(), 8_000);
        assert_eq!(account.balance().fen(), 2_500);
        let totals = account.category_totals();
        assert_eq!(totals.len(), 2);
        assert_eq!((totals[0].category, totals[0].total.fen(), totals[0].lines), (FeeCategory::Bed, 4_000, 1));
        assert_eq!((totals[1].category, totals[1].total.fen(), totals[1].lines), (FeeCategory::Drug, 1_500, 2));
    }

    proptest! {
        /// The fee list's subtotals always add up to the fee total, and the balance is exactly
        /// deposits minus fees, whatever lines and deposits there are.
        #[test]
        fn subtotals_and_balance_identities(
            lines in prop::collection::vec((0usize..12, -100_000i64..10_000_000, 0usize..3), 0..200),
            deposits in prop::collection::vec(-1_000_000i64..10_000_000, 0..20),
        ) {
            let statuses = [FeeStatus::Confirmed, FeeStatus::Unconfirmed, FeeStatus::Cancelled];
            let account = InpatientAccount {
                state: AdmissionState::InHospital,
                fees: lines.iter().enumerate().map(|(i, &(c, fen, s))| fee(i as i64, FeeCategory::ALL[c], fen, statuses[s])).collect(),
                deposits: deposits.iter().enumerate().map(|(i, &fen)| deposit(i as i64, fen)).collect(),
            };
            let by_category: Money = account.category_totals().iter().map(|c| c.total).sum();
            prop_assert_eq!(by_category, account.fees_total());
            let counted: i64 = lines.iter().filter(|l| l.2 != 2).map(|l| l.1).sum();
            prop_assert_eq!(account.fees_total().fen(), counted);
            prop_assert_eq!(account.balance().fen(), deposits.iter().sum::<i64>() - counted);
        }
    }
}
