//! Who donated and what: the donor's relation to the patient (本人 or a relative), and each
//! donation certificate (献血证) with its date, volume and kind. One home for these words.

use chrono::NaiveDate;

/// The donor, as the patient's relation to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Donor {
    /// 本人: the patient donated.
    Patient,
    Spouse,
    Parent,
    Child,
    /// The relatives below count only when the donor holds the gold award (金奖).
    Sibling,
    Grandparent,
    ParentInLaw,
}

impl Donor {
    pub const ALL: [Donor; 7] = [
        Donor::Patient,
        Donor::Spouse,
        Donor::Parent,
        Donor::Child,
        Donor::Sibling,
        Donor::Grandparent,
        Donor::ParentInLaw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Donor::Patient => "self",
            Donor::Spouse => "spouse",
            Donor::Parent => "parent",
            Donor::Child => "child",
            Donor::Sibling => "sibling",
            Donor::Grandparent => "grandparent",
            Donor::ParentInLaw => "parent_in_law",
        }
    }

    /// The relation as the form prints it.
    pub fn label(self) -> &'static str {
        match self {
            Donor::Patient => "本人",
            Donor::Spouse => "配偶",
            Donor::Parent => "父母",
            Donor::Child => "子女",
            Donor::Sibling => "兄弟姐妹",
            Donor::Grandparent => "祖父母/外祖父母",
            Donor::ParentInLaw => "公婆/岳父母",
        }
    }

    pub fn from_code(code: &str) -> Option<Donor> {
        Donor::ALL.into_iter().find(|d| d.code() == code)
    }

    /// A relative who counts only for a donor with the gold award.
    pub fn needs_gold_award(self) -> bool {
        matches!(self, Donor::Sibling | Donor::Grandparent | Donor::ParentInLaw)
    }
}

/// What was donated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DonationKind {
    WholeBlood,
    /// 机采血小板
    Platelets,
    /// 造血干细胞
    StemCells,
    /// 稀有血型
    RareType,
}

impl DonationKind {
    pub const ALL: [DonationKind; 4] =
        [DonationKind::WholeBlood, DonationKind::Platelets, DonationKind::StemCells, DonationKind::RareType];

    pub fn code(self) -> &'static str {
        match self {
            DonationKind::WholeBlood => "whole",
            DonationKind::Platelets => "platelet",
            DonationKind::StemCells => "stem_cell",
            DonationKind::RareType => "rare",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DonationKind::WholeBlood => "全血",
            DonationKind::Platelets => "机采血小板",
            DonationKind::StemCells => "造血干细胞",
            DonationKind::RareType => "稀有血型",
        }
    }

    pub fn from_code(code: &str) -> Option<DonationKind> {
        DonationKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether a donor of this kind uses blood free for life (stem cells, platelets, rare type).
    pub fn free_for_life(self) -> bool {
        !matches!(self, DonationKind::WholeBlood)
    }
}

/// One donation certificate, with what its entitlement already paid for on earlier
/// registrations (a certificate may appear on several over the years; its entitlement is used
/// up across all of them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Donation {
    /// 献血证编号
    pub certificate_no: String,
    pub donated_on: NaiveDate,
    pub volume_ml: u32,
    pub kind: DonationKind,
    /// Millilitres this certificate's entitlement paid for before.
    pub used_ml: u32,
}
