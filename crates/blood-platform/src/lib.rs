//! The blood platform adapter (用血直报平台). The provincial blood centre's platform knows every
//! donation certificate and what each one has already paid for, across hospitals; the hospital
//! forwards each approved registration to it, asks it for the waiver of a settlement's blood
//! products (it answers the amount and the millilitres used), cancels that waiver when the
//! settlement is recalled, and reconciles monthly against its statement. A real platform
//! implements [`BloodPlatform`]; this crate ships [`SandboxBloodPlatform`], which behaves like
//! one: its own certificate register, the same policy, delays, refusals and lost answers.
//!
//! Every call carries a business number (业务流水号): the registration's or the settlement's
//! idempotency key. A repeated number gets the first answer, so an answer that never arrived is
//! resolved by asking again or by [`BloodPlatform::query`], never by a second waiver.

mod journal;
mod sandbox;

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use chrono::{NaiveDate, NaiveDateTime};
use domain::Money;
use domain::blood::{BloodProduct, Donation, Donor};
use thiserror::Error;
use uuid::Uuid;

pub use sandbox::{SandboxBloodPlatform, SandboxFault};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An approved registration as forwarded (献血者及亲属用血登记).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// The registration's key.
    pub business_no: Uuid,
    /// The patient's resident ID.
    pub patient_id: String,
    pub donor: Donor,
    pub donor_name: String,
    pub donor_id: String,
    pub gold_award: bool,
    /// The certificates as registered (`used_ml` is ignored: the platform counts its own).
    pub donations: Vec<Donation>,
    /// The day it is forwarded (the policy's window is counted to it).
    pub on: NaiveDate,
}

/// The platform's answer to a registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The platform's own number for it.
    pub reference: String,
    /// `None`: free for life.
    pub remaining_ml: Option<u32>,
    pub rule: String,
}

/// The waiver asked for a settlement: the products it settles, paid from the registrations'
/// certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiverClaim {
    /// The settlement's key.
    pub business_no: Uuid,
    /// The admission and the fee lines the settlement settles (a relay — the hospital's platform
    /// for a linked counter — reads the products from its own ledger by them).
    pub admission_id: Uuid,
    pub fee_keys: Vec<Uuid>,
    /// Business numbers of registrations the platform accepted.
    pub registrations: Vec<Uuid>,
    pub products: Vec<BloodProduct>,
    pub at: NaiveDateTime,
}

/// The waiver the platform granted (用血减免金额), with the ml taken from each certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiverAnswer {
    pub reference: String,
    pub amount: Money,
    pub ml: u32,
    pub uses: Vec<(String, u32)>,
    pub at: NaiveDateTime,
}

/// One line of the platform's monthly statement (月结对账单): a waiver granted in the month,
/// or cancelled in it (negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    pub business_no: Uuid,
    pub reference: String,
    pub certificates: Vec<String>,
    pub ml: i64,
    pub amount: Money,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BloodError {
    #[error("用血直报平台暂时无法连接：{0}。请稍后重试")]
    Unavailable(String),
    #[error("用血直报平台拒绝：{message}")]
    Refused { code: &'static str, message: String },
    /// The request went out and no answer came back: ask again with the same business number.
    #[error("用血直报平台的结果未知（超时），请重试，不会重复减免")]
    Unknown,
}

impl BloodError {
    pub fn code(&self) -> &'static str {
        match self {
            BloodError::Unavailable(_) => "BLOOD_PLATFORM_UNAVAILABLE",
            BloodError::Refused { code, .. } => code,
            BloodError::Unknown => "BLOOD_PLATFORM_OUTCOME_UNKNOWN",
        }
    }
}

/// One adapter per blood platform. Every call may be slow, fail, or never answer.
pub trait BloodPlatform: Debug + Send + Sync {
    /// 登记: takes an approved registration; a repeated business number gets the first answer.
    fn register<'a>(&'a self, registration: &'a Registration) -> BoxFuture<'a, Result<Registered, BloodError>>;
    /// 预减免: what `waive` would grant now for `claim`. Changes nothing (the trial asks it).
    fn estimate<'a>(&'a self, claim: &'a WaiverClaim) -> BoxFuture<'a, Result<WaiverAnswer, BloodError>>;
    /// 减免: grants the waiver of `claim`'s products; a repeated business number gets the first
    /// answer, whatever the products.
    fn waive<'a>(&'a self, claim: &'a WaiverClaim) -> BoxFuture<'a, Result<WaiverAnswer, BloodError>>;
    /// The waiver standing under a settlement's business number, if any. Changes nothing.
    fn query(&self, business_no: Uuid) -> BoxFuture<'_, Result<Option<WaiverAnswer>, BloodError>>;
    /// 撤销: gives a waiver's millilitres back (a recall); a repeat is a no-op.
    fn cancel(&self, business_no: Uuid, at: NaiveDateTime) -> BoxFuture<'_, Result<(), BloodError>>;
    /// The month's statement (year, month), oldest first.
    fn statement(&self, year: i32, month: u32) -> BoxFuture<'_, Result<Vec<StatementLine>, BloodError>>;
}

#[cfg(test)]
mod tests;
