//! Fee lines (费用明细) charged to an admission, and the categories they are totalled by.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use crate::money::Money;

/// The categories of the inpatient fee list and invoice, in the order they are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeeCategory {
    Bed,
    Nursing,
    Consultation,
    Examination,
    Laboratory,
    Treatment,
    Surgery,
    Drug,
    HerbalDrug,
    Material,
    Blood,
    Other,
}

impl FeeCategory {
    pub const ALL: [FeeCategory; 12] = [
        FeeCategory::Bed,
        FeeCategory::Nursing,
        FeeCategory::Consultation,
        FeeCategory::Examination,
        FeeCategory::Laboratory,
        FeeCategory::Treatment,
        FeeCategory::Surgery,
        FeeCategory::Drug,
        FeeCategory::HerbalDrug,
        FeeCategory::Material,
        FeeCategory::Blood,
        FeeCategory::Other,
    ];

    /// Stable code used in the database, files and DTOs.
    pub fn code(self) -> &'static str {
        match self {
            FeeCategory::Bed => "bed",
            FeeCategory::Nursing => "nursing",
            FeeCategory::Consultation => "consultation",
            FeeCategory::Examination => "examination",
            FeeCategory::Laboratory => "laboratory",
            FeeCategory::Treatment => "treatment",
            FeeCategory::Surgery => "surgery",
            FeeCategory::Drug => "drug",
            FeeCategory::HerbalDrug => "herbal_drug",
            FeeCategory::Material => "material",
            FeeCategory::Blood => "blood",
            FeeCategory::Other => "other",
        }
    }

    /// The name printed on the fee list.
    pub fn label(self) -> &'static str {
        match self {
            FeeCategory::Bed => "床位费",
            FeeCategory::Nursing => "护理费",
            FeeCategory::Consultation => "诊察费",
            FeeCategory::Examination => "检查费",
            FeeCategory::Laboratory => "化验费",
            FeeCategory::Treatment => "治疗费",
            FeeCategory::Surgery => "手术费",
            FeeCategory::Drug => "药品费",
            FeeCategory::HerbalDrug => "中草药费",
            FeeCategory::Material => "材料费",
            FeeCategory::Blood => "输血费",
            FeeCategory::Other => "其他费",
        }
    }

    pub fn from_code(code: &str) -> Option<FeeCategory> {
        FeeCategory::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Whether an ordered service has been confirmed as done (确费). Unconfirmed lines block the
/// fee audit; cancelled lines count for nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeeStatus {
    Confirmed,
    Unconfirmed,
    Cancelled,
}

impl FeeStatus {
    pub fn code(self) -> &'static str {
        match self {
            FeeStatus::Confirmed => "confirmed",
            FeeStatus::Unconfirmed => "unconfirmed",
            FeeStatus::Cancelled => "cancelled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FeeStatus::Confirmed => "已确费",
            FeeStatus::Unconfirmed => "未确费",
            FeeStatus::Cancelled => "已取消",
        }
    }
    pub fn from_code(code: &str) -> Option<FeeStatus> {
        [FeeStatus::Confirmed, FeeStatus::Unconfirmed, FeeStatus::Cancelled].into_iter().find(|s| s.code() == code)
    }
    /// Whether the line is owed by the patient (cancelled lines are not).
    pub fn counts(self) -> bool {
        match self {
            FeeStatus::Confirmed | FeeStatus::Unconfirmed => true,
            FeeStatus::Cancelled => false,
        }
    }
}

/// One charged line. A refund of a charge (退费) is a line of its own with a negative
/// quantity and amount; lines are never edited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeLine {
    pub id: i64,
    pub item_code: String,
    pub item_name: String,
    pub category: FeeCategory,
    pub spec: String,
    pub unit: String,
    pub quantity: Decimal,
    pub unit_price: Money,
    pub amount: Money,
    pub charged_at: NaiveDateTime,
    pub department: String,
    pub status: FeeStatus,
}
