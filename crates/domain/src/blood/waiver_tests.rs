//! The waiver at a settlement: which lines are products and how much blood they hold, paid in
//! the order used up to what the certificates have left; its identities over random stays
//! (proptest).

use chrono::NaiveDateTime;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::waiver::{BloodProduct, ProductRules, blood_products, waive};
use crate::account::fee::{FeeCategory, FeeLine, FeeStatus};
use crate::money::Money;

fn at(hour: u32) -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(hour, 0, 0).unwrap()
}

fn line(code: &str, name: &str, category: FeeCategory, spec: &str, unit: &str, qty: i64, price_fen: i64) -> FeeLine {
    let unit_price = Money::from_fen(price_fen).unwrap();
    FeeLine {
        id: 0,
        item_code: code.into(),
        item_name: name.into(),
        category,
        spec: spec.into(),
        unit: unit.into(),
        quantity: Decimal::from(qty),
        unit_price,
        amount: unit_price.times(Decimal::from(qty)).unwrap(),
        charged_at: at(8),
        department: "血液科".into(),
        status: FeeStatus::Confirmed,
    }
}

fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

#[test]
fn products_are_measured_and_services_left_out() {
    let mut plasma = line("XF0002", "新鲜冰冻血浆", FeeCategory::Blood, "100ml", "袋", 2, 9_000);
    plasma.charged_at = at(7);
    let lines = vec![
        line("XF0001", "悬浮红细胞", FeeCategory::Blood, "1U", "U", 2, 22_000),
        plasma,
        line("XF0001", "悬浮红细胞", FeeCategory::Blood, "1U", "U", -1, 22_000), // one bag returned
        line("XF0009", "输血费", FeeCategory::Blood, "次", "次", 1, 3_000),
        line("XF0010", "交叉配血", FeeCategory::Blood, "次", "次", 1, 2_500),
        line("XF0011", "冷沉淀", FeeCategory::Blood, "袋", "袋", 1, 18_000),
        line("ZL0001", "静脉输液", FeeCategory::Treatment, "次", "次", 1, 500),
    ];
    let (products, unmeasured) = blood_products(&ProductRules::default(), &lines);
    let seen: Vec<(&str, u32, Money)> = products.iter().map(|p| (p.item_name.as_str(), p.ml, p.amount)).collect();
    assert_eq!(seen, vec![("新鲜冰冻血浆", 200, m("180.00")), ("悬浮红细胞", 200, m("220.00"))], "first used first");
    assert_eq!(unmeasured, vec!["冷沉淀".to_owned()], "a product without a volume is named, not guessed");
}

fn product(name: &str, ml: u32, amount: &str, hour: u32) -> BloodProduct {
    BloodProduct { item_code: name.into(), item_name: name.into(), ml, amount: m(amount), first_at: at(hour) }
}

#[test]
fn products_are_paid_up_to_what_is_left_certificate_by_certificate() {
    let products = [product("悬浮红细胞", 400, "440.00", 7), product("血浆", 200, "180.00", 9)];
    // 500 ml left over two certificates: the red cells fully, the plasma for 100 of its 200 ml.
    let w = waive(&products, &[("A".into(), Some(300)), ("B".into(), Some(200))]);
    assert_eq!(w.amount, m("530.00"));
    assert_eq!(w.ml, 500);
    assert_eq!(w.uses, vec![("A".into(), 300), ("B".into(), 200)]);
    assert_eq!(w.products[1].covered_ml, 100);
    // Free for life pays everything; nothing left pays nothing.
    let free = waive(&products, &[("C".into(), None)]);
    assert_eq!((free.amount, free.ml), (m("620.00"), 600));
    let none = waive(&products, &[("D".into(), Some(0))]);
    assert_eq!((none.amount, none.ml, none.uses.len()), (Money::ZERO, 0, 0));
    // A third of 100.00 rounds to the fen, half away from zero.
    let third = waive(&[product("血小板", 300, "100.00", 7)], &[("E".into(), Some(100))]);
    assert_eq!(third.amount, m("33.33"));
}

fn products_strategy() -> impl Strategy<Value = Vec<BloodProduct>> {
    prop::collection::vec((1u32..=1200, 1i64..=500_000), 0..6).prop_map(|items| {
        items
            .into_iter()
            .enumerate()
            .map(|(i, (ml, fen))| BloodProduct {
                item_code: format!("P{i}"),
                item_name: format!("P{i}"),
                ml,
                amount: Money::from_fen(fen).unwrap(),
                first_at: at(u32::try_from(i).unwrap()),
            })
            .collect()
    })
}

fn left_strategy() -> impl Strategy<Value = Vec<(String, Option<u32>)>> {
    prop::collection::vec(prop::option::weighted(0.9, 0u32..=2000), 0..4)
        .prop_map(|v| v.into_iter().enumerate().map(|(i, l)| (format!("C{i}"), l)).collect())
}

proptest! {
    /// Waived = Σ per product ≤ the products' cost; ml used = Σ per certificate = Σ covered,
    /// never more than a certificate had; fully covered products are paid in full.
    #[test]
    fn the_waiver_balances(products in products_strategy(), left in left_strategy()) {
        let w = waive(&products, &left);
        let cost: Money = products.iter().map(|p| p.amount).sum();
        prop_assert_eq!(w.amount, w.products.iter().map(|p| p.waived).sum::<Money>());
        prop_assert!(w.amount <= cost && !w.amount.is_negative());
        prop_assert_eq!(w.ml, w.products.iter().map(|p| p.covered_ml).sum::<u32>());
        for (no, used) in &w.uses {
            let had = left.iter().find(|(n, _)| n == no).unwrap().1;
            prop_assert!(had.is_none_or(|had| *used <= had), "{} used {} of {:?}", no, used, had);
        }
        for p in &w.products {
            prop_assert!(p.covered_ml <= p.ml && p.waived <= p.amount);
            if p.covered_ml == p.ml { prop_assert_eq!(p.waived, p.amount); }
        }
        let limit: Option<u32> = left.iter().try_fold(0u32, |sum, (_, l)| l.map(|l| sum + l));
        let total_ml: u32 = products.iter().map(|p| p.ml).sum();
        prop_assert_eq!(w.ml, limit.map_or(total_ml, |l| l.min(total_ml)), "as much as is left and used");
    }

    /// More left never pays less.
    #[test]
    fn more_left_never_pays_less(products in products_strategy(), left in left_strategy(), extra in 0u32..1000) {
        let mut more = left.clone();
        more.push(("extra".into(), Some(extra)));
        prop_assert!(waive(&products, &more).amount >= waive(&products, &left).amount);
    }
}
