//! What the waiver pays at a settlement (用血减免金额): the blood products on the fee list, with
//! their volumes, paid up to what the certificates have left, first used first paid. Only the
//! products' cost (collection, storage, separation, testing) is waived, never the transfusion or
//! cross-matching service (输血费, 配血费). Pure: the fee lines and what is left come in.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::account::fee::{FeeCategory, FeeLine};
use crate::money::Money;

/// How products are measured and told apart from the service lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductRules {
    /// Millilitres one unit (U, 单位) of a component stands for: 1 U is made from 200 ml of
    /// whole blood.
    pub ml_per_unit: u32,
    /// Words in an item's name that make it a service, not a product.
    pub service_words: Vec<String>,
}

impl Default for ProductRules {
    fn default() -> ProductRules {
        ProductRules {
            ml_per_unit: 200, service_words: ["输血费", "配血", "输血治疗"].map(String::from).to_vec()
        }
    }
}

/// A blood product used in the stay: one item, its lines netted (a returned bag cancels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BloodProduct {
    pub item_code: String,
    pub item_name: String,
    pub ml: u32,
    pub amount: Money,
    /// When it was first charged (the order it is paid in).
    pub first_at: NaiveDateTime,
}

/// The products on `lines` (confirmed and unconfirmed alike; the caller passes the lines the
/// settlement settles), and the names of blood lines whose volume cannot be read.
pub fn blood_products(rules: &ProductRules, lines: &[FeeLine]) -> (Vec<BloodProduct>, Vec<String>) {
    // Each item with its net volume in signed ml (a returned bag cancels), summed before the
    // products are kept.
    let mut items: Vec<(BloodProduct, i64)> = Vec::new();
    let mut unmeasured: Vec<String> = Vec::new();
    for line in lines.iter().filter(|l| l.category == FeeCategory::Blood) {
        if rules.service_words.iter().any(|w| line.item_name.contains(w.as_str())) {
            continue;
        }
        let Some(ml) = volume_ml(rules, line) else {
            if !unmeasured.contains(&line.item_name) {
                unmeasured.push(line.item_name.clone());
            }
            continue;
        };
        match items.iter_mut().find(|(p, _)| p.item_code == line.item_code) {
            Some((product, volume)) => {
                *volume += ml;
                product.amount += line.amount;
                product.first_at = product.first_at.min(line.charged_at);
            }
            None => items.push((
                BloodProduct {
                    item_code: line.item_code.clone(),
                    item_name: line.item_name.clone(),
                    ml: 0,
                    amount: line.amount,
                    first_at: line.charged_at,
                },
                ml,
            )),
        }
    }
    let mut kept: Vec<BloodProduct> = items
        .into_iter()
        .filter_map(|(mut p, ml)| {
            p.ml = u32::try_from(ml).ok().filter(|ml| *ml > 0)?;
            p.amount.is_positive().then_some(p)
        })
        .collect();
    kept.sort_by(|a, b| a.first_at.cmp(&b.first_at).then_with(|| a.item_code.cmp(&b.item_code)));
    (kept, unmeasured)
}

/// A line's signed volume: the spec's millilitres (`100ml`, `200毫升`) or units (`1U`, `2单位`)
/// per charged unit, times the quantity; `None` when neither can be read.
fn volume_ml(rules: &ProductRules, line: &FeeLine) -> Option<i64> {
    let spec = line.spec.trim().to_ascii_lowercase();
    let per_unit = if let Some(number) = spec.strip_suffix("ml").or_else(|| spec.strip_suffix("毫升")) {
        number.trim().parse::<Decimal>().ok()?
    } else if let Some(number) = spec.strip_suffix('u').or_else(|| spec.strip_suffix("单位")) {
        number.trim().parse::<Decimal>().ok()? * Decimal::from(rules.ml_per_unit)
    } else if matches!(line.unit.trim(), "U" | "u" | "单位") {
        Decimal::from(rules.ml_per_unit)
    } else {
        return None;
    };
    (per_unit * line.quantity).trunc().to_i64()
}

/// One product as the waiver paid it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaivedProduct {
    pub item_name: String,
    pub ml: u32,
    pub covered_ml: u32,
    pub amount: Money,
    pub waived: Money,
}

/// The waiver of a settlement: the amount, the ml used from each certificate, and the products.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    pub amount: Money,
    pub ml: u32,
    pub uses: Vec<(String, u32)>,
    pub products: Vec<WaivedProduct>,
}

/// Pays `products` in order from what the certificates have left (`None`: no limit), each
/// certificate used up before the next. A product only partly covered is paid in proportion
/// to its covered millilitres, rounded to the fen by `Money::times`.
pub fn waive(products: &[BloodProduct], left: &[(String, Option<u32>)]) -> Waiver {
    let mut left: Vec<(String, Option<u32>)> = left.to_vec();
    let mut uses: Vec<(String, u32)> = Vec::new();
    let mut paid = Vec::with_capacity(products.len());
    for product in products {
        let mut needed = product.ml;
        for (no, remaining) in left.iter_mut() {
            if needed == 0 {
                break;
            }
            let take = remaining.map_or(needed, |r| r.min(needed));
            if take == 0 {
                continue;
            }
            if let Some(r) = remaining.as_mut() {
                *r -= take;
            }
            needed -= take;
            match uses.iter_mut().find(|(n, _)| n == no) {
                Some((_, ml)) => *ml += take,
                None => uses.push((no.clone(), take)),
            }
        }
        let covered = product.ml - needed;
        let waived = if covered == product.ml {
            product.amount
        } else {
            let fraction = Decimal::from(covered) / Decimal::from(product.ml);
            product.amount.times(fraction).unwrap_or(Money::ZERO).min(product.amount)
        };
        paid.push(WaivedProduct {
            item_name: product.item_name.clone(),
            ml: product.ml,
            covered_ml: covered,
            amount: product.amount,
            waived,
        });
    }
    Waiver {
        amount: paid.iter().map(|p| p.waived).sum(),
        ml: uses.iter().map(|(_, ml)| *ml).sum(),
        uses,
        products: paid,
    }
}
