//! The medical-insurance arithmetic the sandbox back-end applies: a deductible (起付线), a
//! reimbursement ratio per fee category, an annual cap, and the personal account (个人账户) of
//! employee insurance. A real insurance back-end computes this itself; see ARCHITECTURE.md.

use rust_decimal::Decimal;

use crate::account::CategoryTotal;
use crate::account::fee::FeeCategory;
use crate::money::Money;

/// One insurance type's rules. Ratios are fractions in `0..=1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub deductible: Money,
    pub ratios: Vec<(FeeCategory, Decimal)>,
    pub annual_cap: Money,
}

/// What insurance pays towards a settlement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InsuranceShare {
    /// 统筹基金支付
    pub fund: Money,
    /// 个人账户支付
    pub personal_account: Money,
}

impl Policy {
    pub fn ratio(&self, category: FeeCategory) -> Decimal {
        self.ratios.iter().find(|(c, _)| *c == category).map(|(_, r)| *r).unwrap_or(Decimal::ZERO)
    }

    /// The fund's share: covered fees above the deductible, times the fee-weighted ratio, rounded
    /// half away from zero once at the end, and never more than what remains of the annual cap.
    ///
    /// covered  = Σ fees of categories with a ratio > 0
    /// weighted = Σ fees × ratio
    /// fund     = max(0, covered − deductible) × weighted ÷ covered, capped
    pub fn fund_share(&self, categories: &[CategoryTotal], paid_this_year: Money) -> Money {
        let (mut covered, mut weighted) = (Decimal::ZERO, Decimal::ZERO);
        for total in categories {
            let ratio = self.ratio(total.category);
            if ratio > Decimal::ZERO && total.total.is_positive() {
                covered += total.total.as_decimal();
                weighted += total.total.as_decimal() * ratio;
            }
        }
        if covered <= Decimal::ZERO {
            return Money::ZERO;
        }
        let above = (covered - self.deductible.as_decimal()).max(Decimal::ZERO);
        let fund = Money::round_half_away(above * weighted / covered).unwrap_or(Money::ZERO);
        let cap_left = (self.annual_cap - paid_this_year).max(Money::ZERO);
        fund.min(cap_left).max(Money::ZERO)
    }

    /// Fees of covered categories (those with a ratio above zero).
    pub fn covered(&self, categories: &[CategoryTotal]) -> Money {
        categories
            .iter()
            .filter(|t| self.ratio(t.category) > Decimal::ZERO)
            .map(|t| t.total)
            .sum::<Money>()
            .max(Money::ZERO)
    }
}

/// The personal account pays the patient's part of covered fees, up to its balance.
pub fn personal_account_share(balance: Money, covered: Money, fund: Money) -> Money {
    (covered - fund).max(Money::ZERO).min(balance.max(Money::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn policy() -> Policy {
        Policy {
            deductible: Money::parse("800").unwrap(),
            ratios: vec![(FeeCategory::Drug, Decimal::new(85, 2)), (FeeCategory::Material, Decimal::new(70, 2))],
            annual_cap: Money::parse("400000").unwrap(),
        }
    }

    fn totals(drug: &str, material: &str, other: &str) -> Vec<CategoryTotal> {
        [(FeeCategory::Drug, drug), (FeeCategory::Material, material), (FeeCategory::Other, other)]
            .into_iter()
            .map(|(category, t)| CategoryTotal { category, total: Money::parse(t).unwrap(), lines: 1 })
            .collect()
    }

    #[test]
    fn deductible_ratio_and_rounding() {
        // covered 3000, weighted 0.85×2000 + 0.70×1000 = 2400, (3000−800)×2400/3000 = 1760.
        assert_eq!(policy().fund_share(&totals("2000", "1000", "500"), Money::ZERO), Money::parse("1760").unwrap());
        // Below the deductible nothing is paid.
        assert_eq!(policy().fund_share(&totals("500", "100", "0"), Money::ZERO), Money::ZERO);
        // (1000.01−800)×0.85 = 170.0085 → 170.01 (half away from zero).
        assert_eq!(policy().fund_share(&totals("1000.01", "0", "0"), Money::ZERO), Money::parse("170.01").unwrap());
    }

    #[test]
    fn the_annual_cap_limits_the_fund() {
        let paid = Money::parse("399000").unwrap();
        assert_eq!(policy().fund_share(&totals("20000", "0", "0"), paid), Money::parse("1000").unwrap());
        let over = Money::parse("500000").unwrap();
        assert_eq!(policy().fund_share(&totals("20000", "0", "0"), over), Money::ZERO);
    }

    #[test]
    fn personal_account_pays_the_rest_of_covered_fees_up_to_its_balance() {
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!(personal_account_share(m("100"), m("3000"), m("1760")), m("100"));
        assert_eq!(personal_account_share(m("5000"), m("3000"), m("1760")), m("1240"));
        assert_eq!(personal_account_share(m("5000"), m("500"), m("0")), m("500"));
    }

    proptest! {
        #[test]
        fn the_fund_never_pays_more_than_the_covered_fees(drug in 0i64..100_000_000, material in 0i64..10_000_000, paid in 0i64..50_000_000) {
            let cats = totals(&Money::from_fen(drug).unwrap().to_string(), &Money::from_fen(material).unwrap().to_string(), "0");
            let fund = policy().fund_share(&cats, Money::from_fen(paid).unwrap());
            prop_assert!(fund >= Money::ZERO);
            prop_assert!(fund <= policy().covered(&cats));
            prop_assert!(fund.fen() <= (40_000_000 - paid).max(0));
        }
    }
}
