//! The inpatient account (住院账户): the fees charged, the deposits paid, the settlements made
//! for one admission, and the figures derived from them. Balances are computed here, never
//! stored.

pub mod audit;
pub mod deposit;
pub mod fee;
pub mod pay_code;
pub mod payee;
pub mod pos;
pub mod recall;
pub mod refund_progress;
pub mod refund_windows;
pub mod reversal;
pub mod routes;
pub mod settle;
pub mod settlement;
pub mod state;
pub mod tender;
pub mod tenders;
pub mod version;

use std::collections::HashSet;

use crate::money::Money;
use deposit::{DepositEntry, DepositKind};
use fee::{FeeCategory, FeeLine};
use settlement::Settlement;
use state::AdmissionState;
use version::AccountVersion;

/// Everything money-related about one admission, as loaded from the journal.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InpatientAccount {
    pub state: AdmissionState,
    pub fees: Vec<FeeLine>,
    pub deposits: Vec<DepositEntry>,
    pub settlements: Vec<Settlement>,
    /// Blood reimbursements approved by the blood platform (用血减免), in total.
    pub blood_approved: Money,
    pub version: AccountVersion,
    /// The channels' refund windows under the hospital's contracts (configured, not loaded).
    pub refund_windows: refund_windows::RefundWindows,
}

/// One category's subtotal on the fee list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryTotal {
    pub category: FeeCategory,
    pub total: Money,
    pub lines: usize,
}

/// Subtotals per category in print order, for the lines given.
pub fn category_totals<'a>(lines: impl IntoIterator<Item = &'a FeeLine> + Clone) -> Vec<CategoryTotal> {
    FeeCategory::ALL
        .into_iter()
        .filter_map(|category| {
            let (total, count) = lines
                .clone()
                .into_iter()
                .filter(|f| f.category == category && f.status.counts())
                .fold((Money::ZERO, 0usize), |(sum, n), f| (sum + f.amount, n + 1));
            (count > 0).then_some(CategoryTotal { category, total, lines: count })
        })
        .collect()
}

impl InpatientAccount {
    /// Sum of all fee lines that count (cancelled lines do not).
    pub fn fees_total(&self) -> Money {
        self.fees.iter().filter(|f| f.status.counts()).map(|f| f.amount).sum()
    }

    /// The deposit ledger's total: deposits less reversals, plus recall transfers.
    pub fn deposits_total(&self) -> Money {
        self.deposits.iter().map(|d| d.amount).sum()
    }

    pub fn active_settlements(&self) -> impl Iterator<Item = &Settlement> {
        self.settlements.iter().filter(|s| s.is_active())
    }

    /// What the account stands at: positive is money in hand, negative is owed (欠费).
    ///
    /// balance = deposit ledger + Σ active settlements (payments + insurance + blood) − fees.
    /// Before any settlement that is deposits − fees; after a discharge settlement it is zero;
    /// after a recall it is deposits − fees again, with the recalled settlement's collections
    /// and refunds moved into the deposit ledger.
    pub fn balance(&self) -> Money {
        let settled: Money = self.active_settlements().map(|s| s.net_payments() + s.figures.third_party()).sum();
        self.deposits_total() + settled - self.fees_total()
    }

    /// Deposits not yet applied by an active settlement.
    pub fn deposits_available(&self) -> Money {
        self.deposits_total() - self.active_settlements().map(|s| s.figures.deposits_applied).sum::<Money>()
    }

    /// Blood reimbursement approved and not yet deducted by an active settlement.
    pub fn blood_available(&self) -> Money {
        (self.blood_approved - self.active_settlements().map(|s| s.figures.blood_reimbursement).sum::<Money>())
            .max(Money::ZERO)
    }

    /// Ids of fee lines settled by an active settlement.
    pub fn settled_fee_ids(&self) -> HashSet<i64> {
        self.active_settlements().flat_map(|s| s.fee_ids.iter().copied()).collect()
    }

    /// Subtotals per category in print order, only categories with lines that count.
    pub fn category_totals(&self) -> Vec<CategoryTotal> {
        category_totals(&self.fees)
    }

    /// Ids of deposits (kind `Deposit`) that active settlements have drawn on, oldest first:
    /// these can no longer be reversed.
    pub fn used_deposit_ids(&self) -> HashSet<i64> {
        let deposits = self.deposits.iter().filter(|d| d.kind == DepositKind::Deposit);
        // A discharge settlement draws on every deposit: the excess went back as its refund.
        if self.active_settlements().any(|s| s.kind == settlement::SettlementKind::Discharge) {
            return deposits.map(|d| d.id).collect();
        }
        let mut to_allocate: Money = self.active_settlements().map(|s| s.figures.deposits_applied).sum();
        let mut used = HashSet::new();
        for entry in deposits {
            if !to_allocate.is_positive() {
                break;
            }
            let net = entry.amount - self.reversed_amount(entry.id);
            if net.is_positive() {
                used.insert(entry.id);
                to_allocate -= net;
            }
        }
        used
    }

    /// How much of deposit `id` has been reversed (as a positive amount).
    pub fn reversed_amount(&self, id: i64) -> Money {
        -self.deposits.iter().filter(|d| d.kind == DepositKind::Reversal { of: id }).map(|d| d.amount).sum::<Money>()
    }
}

#[cfg(test)]
mod tests;
