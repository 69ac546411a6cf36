//! The insurance back-end adapter (医保结算). A real back-end — the national medical insurance
//! platform (国家医保信息平台: 2303 预结算 / 2304 结算 / 2305 撤销) reached through the
//! hospital's insurance front-end — implements [`InsuranceBackend`]; this crate ships
//! [`SandboxInsurance`], which behaves like one: computed shares, delays, refusals, and
//! answers that never arrive. A stand-alone counter calls the sandbox in-process; a counter
//! linked to a platform calls it through the platform, which keeps every answer in its
//! insurance register and re-derives each pushed settlement's insurance figures from it.

mod sandbox;

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use domain::{CategoryTotal, InsuranceShare, InsuranceType, Money, SettlementKind};
use thiserror::Error;
use uuid::Uuid;

pub use sandbox::{SandboxFault, SandboxInsurance};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the hospital asks insurance to pay for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The stay claimed for, and the settlement it is for: the platform checks the claim against
    /// its own ledger of that stay.
    pub admission_id: Uuid,
    pub kind: SettlementKind,
    pub insurance: InsuranceType,
    /// The insured person (resident ID, or the patient id when unknown).
    pub person: String,
    pub categories: Vec<CategoryTotal>,
    /// Fund already paid for this person this year (for the annual cap).
    pub paid_this_year: Money,
}

/// A claim insurance has settled, with its reference for reconciliation (3202 setl_id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsuranceSettlement {
    pub reference: String,
    pub share: InsuranceShare,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InsuranceError {
    #[error("医保系统暂时无法连接：{0}。请稍后重试，或联系医保办")]
    Unavailable(String),
    #[error("医保系统拒绝结算：{0}")]
    Refused(String),
    /// The request went out and no answer came back: it may or may not have been applied.
    /// Retrying with the same key is safe: the back-end answers a repeated key with its
    /// first result.
    #[error("医保结算结果未知（超时），请用同一笔结算重试，不会重复结算")]
    Unknown,
}

impl InsuranceError {
    pub fn code(&self) -> &'static str {
        match self {
            InsuranceError::Unavailable(_) => "INSURANCE_UNAVAILABLE",
            InsuranceError::Refused(_) => "INSURANCE_REFUSED",
            InsuranceError::Unknown => "INSURANCE_OUTCOME_UNKNOWN",
        }
    }
}

/// What the back-end knows of a settlement key (撤销前的查询).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    /// Settled under the key and not reversed: the reference a reversal needs.
    Settled { reference: String },
    /// Nothing stands settled under the key (never settled, or reversed since).
    NotSettled,
}

/// One adapter per insurance back-end. Every call may be slow, fail, or never answer.
pub trait InsuranceBackend: Debug + Send + Sync {
    /// 预结算: what the fund and the personal account would pay. Changes nothing.
    fn pre_settle<'a>(&'a self, claim: &'a Claim) -> BoxFuture<'a, Result<InsuranceShare, InsuranceError>>;
    /// 结算: commits the claim under `key`; a repeated key returns the first result.
    fn settle<'a>(&'a self, key: Uuid, claim: &'a Claim) -> BoxFuture<'a, Result<InsuranceSettlement, InsuranceError>>;
    /// 撤销: undoes a settled claim (a recall); a repeated key is a no-op, and so is a reference
    /// already reversed.
    fn reverse<'a>(&'a self, key: Uuid, reference: &'a str) -> BoxFuture<'a, Result<(), InsuranceError>>;
    /// Whether a claim stands settled under the settlement `key` (asked by the start-up sweep
    /// when the local settlement never committed). Changes nothing.
    fn query(&self, key: Uuid) -> BoxFuture<'_, Result<ClaimStatus, InsuranceError>>;
}
