//! The insurance calls a linked counter makes through the platform (预结算 / 结算 / 撤销 / 查询)
//! and their conversion to and from the adapter's own types. The platform holds the connection
//! to insurance and keeps each answer in its insurance register.

use contract::Yuan;
use domain::{CategoryTotal, FeeCategory, InsuranceShare, InsuranceType, SettlementKind};
use insurance::{Claim, ClaimStatus, InsuranceSettlement};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::convert::ConvertError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryBody {
    /// A fee category code (`drug`, `examination`, …).
    pub category: String,
    #[schema(value_type = String)]
    pub total: Yuan,
    pub lines: u32,
}

/// What the hospital asks insurance to pay for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    pub admission_id: Uuid,
    /// `mid_stay` or `discharge`
    pub settlement_kind: String,
    /// `employee` or `resident`
    pub insurance: String,
    pub person: String,
    pub categories: Vec<CategoryBody>,
    #[schema(value_type = String)]
    pub paid_this_year: Yuan,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleBody {
    /// The settlement's idempotency key (the business number insurance knows it by).
    pub key: Uuid,
    pub claim: ClaimBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseBody {
    pub key: Uuid,
    pub reference: String,
}

/// Insurance's share: 统筹基金 and 个人账户.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ShareAnswer {
    #[schema(value_type = String)]
    pub fund: Yuan,
    #[schema(value_type = String)]
    pub personal_account: Yuan,
    /// Insurance's reference (setl_id) once settled; absent for a pre-settlement.
    pub reference: Option<String>,
}

/// Whether a claim stands settled under a key, and its reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusAnswer {
    pub reference: Option<String>,
}

fn bad(field: &'static str, value: impl ToString) -> ConvertError {
    ConvertError { field, value: value.to_string() }
}

pub fn claim_body(claim: &Claim) -> ClaimBody {
    ClaimBody {
        admission_id: claim.admission_id,
        settlement_kind: claim.kind.code().to_owned(),
        insurance: claim.insurance.code().to_owned(),
        person: claim.person.clone(),
        categories: claim
            .categories
            .iter()
            .map(|c| CategoryBody {
                category: c.category.code().to_owned(),
                total: Yuan(c.total),
                lines: u32::try_from(c.lines).unwrap_or(u32::MAX),
            })
            .collect(),
        paid_this_year: Yuan(claim.paid_this_year),
    }
}

pub fn claim(body: &ClaimBody) -> Result<Claim, ConvertError> {
    Ok(Claim {
        admission_id: body.admission_id,
        kind: SettlementKind::from_code(&body.settlement_kind)
            .ok_or_else(|| bad("settlement_kind", &body.settlement_kind))?,
        insurance: InsuranceType::from_code(&body.insurance).ok_or_else(|| bad("insurance", &body.insurance))?,
        person: body.person.clone(),
        categories: body
            .categories
            .iter()
            .map(|c| {
                Ok(CategoryTotal {
                    category: FeeCategory::from_code(&c.category).ok_or_else(|| bad("category", &c.category))?,
                    total: c.total.money(),
                    lines: c.lines as usize,
                })
            })
            .collect::<Result<_, ConvertError>>()?,
        paid_this_year: body.paid_this_year.money(),
    })
}

pub fn share_answer(share: InsuranceShare, reference: Option<String>) -> ShareAnswer {
    ShareAnswer { fund: Yuan(share.fund), personal_account: Yuan(share.personal_account), reference }
}

pub fn share(answer: &ShareAnswer) -> InsuranceShare {
    InsuranceShare { fund: answer.fund.money(), personal_account: answer.personal_account.money() }
}

/// A settle answer as the adapter returns it; `None` when the answer names no reference.
pub fn settlement(answer: &ShareAnswer) -> Option<InsuranceSettlement> {
    Some(InsuranceSettlement { reference: answer.reference.clone()?, share: share(answer) })
}

pub fn status(answer: &StatusAnswer) -> ClaimStatus {
    match &answer.reference {
        Some(reference) => ClaimStatus::Settled { reference: reference.clone() },
        None => ClaimStatus::NotSettled,
    }
}
