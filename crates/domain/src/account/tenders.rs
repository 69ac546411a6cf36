//! Checking what a cashier tendered: positive amounts, each tender once, the total exact, and
//! cash received covering the cash part (the difference is change, 找零).

use thiserror::Error;

use super::tender::{Tender, TenderLine};
use crate::money::{Money, PaymentAmount};

/// Tenders that passed the checks, with the change to hand back for cash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tendered {
    pub lines: Vec<TenderLine>,
    pub total: Money,
    pub change: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TenderError {
    #[error("请至少输入一种支付方式及金额")]
    Empty,
    #[error("{tender}金额必须大于零")]
    NotPositive { tender: &'static str },
    #[error("{tender}金额 {} 超过单笔上限 ¥10,000,000.00，请核对", .amount.yuan())]
    TooLarge { tender: &'static str, amount: Money },
    #[error("同一支付方式只能输入一次：{tender}")]
    Repeated { tender: &'static str },
    #[error("合计 {} 超过单笔上限 ¥10,000,000.00，请核对", .0.yuan())]
    TotalTooLarge(Money),
    #[error("各支付方式合计 {} 与应收 {} 不符，请调整后再试", .tendered.yuan(), .expected.yuan())]
    SumMismatch { tendered: Money, expected: Money },
    #[error("现金实收 {} 少于现金应收 {}", .received.yuan(), .cash.yuan())]
    CashShort { received: Money, cash: Money },
    #[error("{tender}只用于退款，不能收款")]
    NotCollected { tender: &'static str },
    #[error(transparent)]
    Slip(#[from] super::pos::SlipError),
}

impl TenderError {
    pub fn code(&self) -> &'static str {
        match self {
            TenderError::Empty => "TENDER_EMPTY",
            TenderError::NotPositive { .. } => "AMOUNT_NOT_POSITIVE",
            TenderError::TooLarge { .. } | TenderError::TotalTooLarge(_) => "AMOUNT_TOO_LARGE",
            TenderError::Repeated { .. } => "TENDER_REPEATED",
            TenderError::SumMismatch { .. } => "TENDER_SUM_MISMATCH",
            TenderError::CashShort { .. } => "CASH_SHORT",
            TenderError::NotCollected { .. } => "TENDER_NOT_COLLECTED",
            TenderError::Slip(e) => e.code(),
        }
    }
}

/// Checks a payment in several tenders. `cash_received` is what the cashier was handed for
/// the cash tender (defaults to exactly the cash amount).
pub fn check_tenders(lines: &[TenderLine], cash_received: Option<Money>) -> Result<Tendered, TenderError> {
    if lines.is_empty() {
        return Err(TenderError::Empty);
    }
    let mut seen: Vec<Tender> = Vec::new();
    for line in lines {
        let tender = line.tender.label();
        if let Err(e) = PaymentAmount::new(line.amount) {
            return Err(match e {
                crate::money::PaymentAmountError::TooLarge(amount) => TenderError::TooLarge { tender, amount },
                _ => TenderError::NotPositive { tender },
            });
        }
        if seen.contains(&line.tender) {
            return Err(TenderError::Repeated { tender });
        }
        seen.push(line.tender);
    }
    let total: Money = lines.iter().map(|l| l.amount).sum();
    if PaymentAmount::new(total).is_err() {
        return Err(TenderError::TotalTooLarge(total));
    }
    let cash: Money = lines.iter().filter(|l| l.tender == Tender::Cash).map(|l| l.amount).sum();
    let received = cash_received.unwrap_or(cash);
    if received < cash {
        return Err(TenderError::CashShort { received, cash });
    }
    Ok(Tendered { lines: lines.to_vec(), total, change: received - cash })
}

/// Like [`check_tenders`], and the total must be exactly `expected`.
pub fn check_exact(
    lines: &[TenderLine],
    expected: Money,
    cash_received: Option<Money>,
) -> Result<Tendered, TenderError> {
    let tendered = check_tenders(lines, cash_received)?;
    if tendered.total != expected {
        return Err(TenderError::SumMismatch { tendered: tendered.total, expected });
    }
    Ok(tendered)
}

/// Money collected (a deposit, a settlement's 补缴): every tender is one that collects, and each
/// taken on the POS terminal names its slip, in the canonical form `TERMINAL:REFERENCE[:VOUCHER]`
/// (the lines come back with it).
pub fn check_collected(lines: &mut [TenderLine]) -> Result<(), TenderError> {
    for line in lines {
        if !line.tender.collects() {
            return Err(TenderError::NotCollected { tender: line.tender.label() });
        }
        if let Some(slip) = super::pos::PosSlip::required(line.tender, line.reference.as_deref())? {
            line.reference = Some(slip.to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(tender: Tender, amount: &str) -> TenderLine {
        TenderLine { tender, amount: Money::parse(amount).unwrap(), reference: None }
    }

    #[test]
    fn a_transfer_pays_out_but_never_collects() {
        let mut lines = [line(Tender::Cash, "100"), line(Tender::Transfer, "50")];
        assert_eq!(check_collected(&mut lines).unwrap_err().code(), "TENDER_NOT_COLLECTED");
        assert!(check_collected(&mut [line(Tender::Cash, "100")]).is_ok());
    }

    #[test]
    fn split_payment_with_change() {
        let t = check_exact(
            &[line(Tender::Cash, "500"), line(Tender::WeChat, "300")],
            Money::parse("800").unwrap(),
            Some(Money::parse("600").unwrap()),
        )
        .unwrap();
        assert_eq!(t.change, Money::parse("100").unwrap());
    }

    #[test]
    fn refusals() {
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!(check_tenders(&[], None), Err(TenderError::Empty));
        assert!(matches!(check_tenders(&[line(Tender::Cash, "0")], None), Err(TenderError::NotPositive { .. })));
        assert!(matches!(check_tenders(&[line(Tender::Cash, "-5")], None), Err(TenderError::NotPositive { .. })));
        assert!(matches!(check_tenders(&[line(Tender::Cash, "10000000.01")], None), Err(TenderError::TooLarge { .. })));
        assert!(matches!(
            check_tenders(&[line(Tender::Cash, "6000000"), line(Tender::BankCard, "6000000")], None),
            Err(TenderError::TotalTooLarge(_))
        ));
        assert!(matches!(
            check_tenders(&[line(Tender::Cash, "1"), line(Tender::Cash, "2")], None),
            Err(TenderError::Repeated { .. })
        ));
        assert_eq!(
            check_exact(&[line(Tender::BankCard, "100")], m("100.01"), None),
            Err(TenderError::SumMismatch { tendered: m("100"), expected: m("100.01") })
        );
        assert_eq!(
            check_tenders(&[line(Tender::Cash, "100")], Some(m("99.99"))),
            Err(TenderError::CashShort { received: m("99.99"), cash: m("100") })
        );
    }
}
