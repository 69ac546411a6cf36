//! Original routes (原路退回): which non-cash payments money can still go back by, newest
//! first, each within its channel's refund window; and refund plans over them.

use chrono::{Duration, NaiveDateTime};
use thiserror::Error;

use super::InpatientAccount;
use super::deposit::DepositKind;
use super::settlement::SettlementPayment;
use super::tender::{Tender, TenderLine};
use crate::money::Money;

/// A non-cash payment into the deposit ledger and how much of it can still be refunded by its
/// own route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRoute {
    pub deposit_id: i64,
    pub tender: Tender,
    pub reference: Option<String>,
    pub paid_at: NaiveDateTime,
    pub refundable: Money,
    pub within_window: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RouteError {
    #[error("该患者没有用{tender}交过预交金，不能原路退到{tender}，请改用现金或原支付方式")]
    NotPaidThatWay { tender: &'static str },
    #[error("{tender}支付已超过原路退款期限（{days} 天），请改用现金退款")]
    OutsideWindow { tender: &'static str, days: u32 },
    #[error("原路退回{tender}最多可退 {}，请把其余金额改用现金或其他原支付方式", .available.yuan())]
    Exceeds { tender: &'static str, available: Money },
}

impl RouteError {
    pub fn code(&self) -> &'static str {
        match self {
            RouteError::NotPaidThatWay { .. } => "REFUND_ROUTE_UNKNOWN",
            RouteError::OutsideWindow { .. } => "REFUND_WINDOW_PASSED",
            RouteError::Exceeds { .. } => "REFUND_ROUTE_EXCEEDED",
        }
    }
}

impl InpatientAccount {
    /// Every non-cash tender of every deposit with money still refundable by its route, newest
    /// deposit first.
    pub fn refund_routes(&self, now: NaiveDateTime) -> Vec<RefundRoute> {
        let mut routes = Vec::new();
        for entry in self.deposits.iter().rev().filter(|d| d.kind == DepositKind::Deposit) {
            for line in entry.tenders.iter().filter(|t| t.tender != Tender::Cash) {
                let reversed: Money = self
                    .deposits
                    .iter()
                    .filter(|d| d.kind == DepositKind::Reversal { of: entry.id })
                    .flat_map(|d| d.tenders.iter())
                    .filter(|t| t.tender == line.tender)
                    .map(|t| -t.amount)
                    .sum();
                let refunded: Money = self
                    .settlements
                    .iter()
                    .flat_map(|s| s.payments.iter())
                    .filter(|p| p.deposit_id == Some(entry.id) && p.line.tender == line.tender)
                    .map(|p| -p.line.amount)
                    .sum();
                // Never more than is left of the deposit itself (a part reversed in cash, or all
                // of it: a failed refund's money returned and paid out in cash).
                let left_of_deposit = entry.amount - self.reversed_amount(entry.id);
                let refundable = (line.amount - reversed - refunded).min(left_of_deposit);
                if refundable.is_positive() {
                    let within_window = self
                        .refund_windows
                        .days(line.tender)
                        .is_none_or(|days| now - entry.at <= Duration::days(i64::from(days)));
                    routes.push(RefundRoute {
                        deposit_id: entry.id,
                        tender: line.tender,
                        reference: line.reference.clone(),
                        paid_at: entry.at,
                        refundable,
                        within_window,
                    });
                }
            }
        }
        routes
    }

    /// Turns the refund the cashier chose (positive amounts per tender) into payment lines:
    /// cash as it is, each other tender spread over its routes newest first, within window.
    pub fn plan_refund(&self, lines: &[TenderLine], now: NaiveDateTime) -> Result<Vec<SettlementPayment>, RouteError> {
        let routes = self.refund_routes(now);
        let mut out = Vec::new();
        for line in lines {
            if line.tender == Tender::Cash {
                out.push(SettlementPayment {
                    line: TenderLine { amount: -line.amount, ..line.clone() },
                    deposit_id: None,
                });
                continue;
            }
            let tender = line.tender.label();
            let mine: Vec<&RefundRoute> = routes.iter().filter(|r| r.tender == line.tender).collect();
            if mine.is_empty() {
                return Err(RouteError::NotPaidThatWay { tender });
            }
            let open: Money = mine.iter().filter(|r| r.within_window).map(|r| r.refundable).sum();
            if open < line.amount {
                if open.is_zero() {
                    let days = self.refund_windows.days(line.tender).unwrap_or(0);
                    return Err(RouteError::OutsideWindow { tender, days });
                }
                return Err(RouteError::Exceeds { tender, available: open });
            }
            let mut left = line.amount;
            for route in mine.into_iter().filter(|r| r.within_window) {
                if !left.is_positive() {
                    break;
                }
                let part = left.min(route.refundable);
                out.push(SettlementPayment {
                    line: TenderLine { tender: route.tender, amount: -part, reference: route.reference.clone() },
                    deposit_id: Some(route.deposit_id),
                });
                left -= part;
            }
        }
        Ok(out)
    }

    /// The refund the screen proposes: original routes newest first within their windows, the
    /// rest in cash, one line per tender.
    pub fn suggest_refund(&self, amount: Money, now: NaiveDateTime) -> Vec<TenderLine> {
        let mut left = amount;
        let mut lines: Vec<TenderLine> = Vec::new();
        for route in self.refund_routes(now).into_iter().filter(|r| r.within_window) {
            if !left.is_positive() {
                break;
            }
            let part = left.min(route.refundable);
            left -= part;
            match lines.iter_mut().find(|l| l.tender == route.tender) {
                Some(existing) => existing.amount += part,
                None => lines.push(TenderLine { tender: route.tender, amount: part, reference: None }),
            }
        }
        if left.is_positive() {
            lines.push(TenderLine { tender: Tender::Cash, amount: left, reference: None });
        }
        lines
    }
}
