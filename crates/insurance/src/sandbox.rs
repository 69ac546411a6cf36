//! The sandbox insurance back-end: applies a configurable policy per insurance type (起付线,
//! ratio by fee category, annual cap; employee insurance also has a personal account), answers
//! after a delay, and can be told to be unreachable or to lose its answers.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use domain::insurance::personal_account_share;
use domain::{FeeCategory, InsuranceShare, InsuranceType, Money, Policy};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{BoxFuture, Claim, ClaimStatus, InsuranceBackend, InsuranceError, InsuranceSettlement};

/// How the sandbox misbehaves, for tests and drills (`CASHIER_INSURANCE_FAULT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SandboxFault {
    None,
    /// Every call fails as if the network were down.
    Unavailable,
    /// `settle` applies the claim but the answer is lost (the caller sees `Unknown`) once per key.
    LoseSettleAnswer,
}

#[derive(Debug)]
pub struct SandboxInsurance {
    employee: Policy,
    resident: Policy,
    delay: Duration,
    fault: Mutex<SandboxFault>,
    /// What was settled per key: a retried key gets the same answer (kept after a lost answer).
    settled: Mutex<HashMap<Uuid, InsuranceSettlement>>,
    answered: Mutex<HashMap<Uuid, bool>>,
    /// References reversed (撤销): no longer settled.
    reversed: Mutex<HashSet<String>>,
}

fn ratios(base: Decimal, material: Decimal) -> Vec<(FeeCategory, Decimal)> {
    FeeCategory::ALL
        .into_iter()
        .map(|c| match c {
            FeeCategory::Material => (c, material),
            FeeCategory::Other => (c, Decimal::ZERO),
            _ => (c, base),
        })
        .collect()
}

impl SandboxInsurance {
    /// Zhejiang-like defaults: employees 起付线 ¥800, 85% (materials 70%), cap ¥400,000;
    /// residents 起付线 ¥1,000, 70% (materials 50%), cap ¥300,000. Not covered: 其他费.
    pub fn new(delay: Duration, fault: SandboxFault) -> SandboxInsurance {
        let yuan = |n: i64| Money::from_fen(n * 100).unwrap_or(Money::ZERO);
        SandboxInsurance {
            employee: Policy {
                deductible: yuan(800),
                ratios: ratios(Decimal::new(85, 2), Decimal::new(70, 2)),
                annual_cap: yuan(400_000),
            },
            resident: Policy {
                deductible: yuan(1_000),
                ratios: ratios(Decimal::new(70, 2), Decimal::new(50, 2)),
                annual_cap: yuan(300_000),
            },
            delay,
            fault: Mutex::new(fault),
            settled: Mutex::new(HashMap::new()),
            answered: Mutex::new(HashMap::new()),
            reversed: Mutex::new(HashSet::new()),
        }
    }

    pub fn with_policies(mut self, employee: Policy, resident: Policy) -> SandboxInsurance {
        self.employee = employee;
        self.resident = resident;
        self
    }

    /// The fault named by `CASHIER_INSURANCE_FAULT` (`unavailable`, `lose-answer`), if any.
    pub fn fault_from_env() -> SandboxFault {
        match std::env::var("CASHIER_INSURANCE_FAULT").as_deref() {
            Ok("unavailable") => SandboxFault::Unavailable,
            Ok("lose-answer") => SandboxFault::LoseSettleAnswer,
            _ => SandboxFault::None,
        }
    }

    /// Changes how the sandbox misbehaves from now on (a drill: the network comes back).
    pub fn set_fault(&self, fault: SandboxFault) {
        if let Ok(mut current) = self.fault.lock() {
            *current = fault;
        }
    }

    fn fault(&self) -> SandboxFault {
        self.fault.lock().map(|f| *f).unwrap_or(SandboxFault::Unavailable)
    }

    fn share(&self, claim: &Claim) -> InsuranceShare {
        let policy = match claim.insurance {
            InsuranceType::Employee => &self.employee,
            InsuranceType::Resident => &self.resident,
            InsuranceType::SelfPay => return InsuranceShare::default(),
        };
        let fund = policy.fund_share(&claim.categories, claim.paid_this_year);
        let personal_account = match claim.insurance {
            InsuranceType::Employee => {
                personal_account_share(personal_balance(&claim.person), policy.covered(&claim.categories), fund)
            }
            InsuranceType::Resident | InsuranceType::SelfPay => Money::ZERO,
        };
        InsuranceShare { fund, personal_account }
    }

    async fn wait(&self) -> Result<(), InsuranceError> {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        match self.fault() {
            SandboxFault::Unavailable => Err(InsuranceError::Unavailable("sandbox: 网络不可达".into())),
            SandboxFault::None | SandboxFault::LoseSettleAnswer => Ok(()),
        }
    }
}

/// A personal-account balance that is stable per person (¥0–¥2,999.99).
fn personal_balance(person: &str) -> Money {
    let fen = person.bytes().fold(7u64, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(b))) % 300_000;
    Money::from_fen(i64::try_from(fen).unwrap_or(0)).unwrap_or(Money::ZERO)
}

impl InsuranceBackend for SandboxInsurance {
    fn pre_settle<'a>(&'a self, claim: &'a Claim) -> BoxFuture<'a, Result<InsuranceShare, InsuranceError>> {
        Box::pin(async move {
            self.wait().await?;
            Ok(self.share(claim))
        })
    }

    fn settle<'a>(&'a self, key: Uuid, claim: &'a Claim) -> BoxFuture<'a, Result<InsuranceSettlement, InsuranceError>> {
        Box::pin(async move {
            self.wait().await?;
            let settlement = {
                let mut settled =
                    self.settled.lock().map_err(|_| InsuranceError::Unavailable("sandbox state".into()))?;
                settled
                    .entry(key)
                    .or_insert_with(|| InsuranceSettlement {
                        reference: format!(
                            "YB{}",
                            key.simple().to_string().get(..18).unwrap_or_default().to_uppercase()
                        ),
                        share: self.share(claim),
                    })
                    .clone()
            };
            if self.fault() == SandboxFault::LoseSettleAnswer {
                let mut answered =
                    self.answered.lock().map_err(|_| InsuranceError::Unavailable("sandbox state".into()))?;
                if !answered.insert(key, true).unwrap_or(false) {
                    return Err(InsuranceError::Unknown);
                }
            }
            Ok(settlement)
        })
    }

    fn reverse<'a>(&'a self, _key: Uuid, reference: &'a str) -> BoxFuture<'a, Result<(), InsuranceError>> {
        Box::pin(async move {
            self.wait().await?;
            let mut reversed = self.reversed.lock().map_err(|_| InsuranceError::Unavailable("sandbox state".into()))?;
            reversed.insert(reference.to_owned());
            Ok(())
        })
    }

    fn query(&self, key: Uuid) -> BoxFuture<'_, Result<ClaimStatus, InsuranceError>> {
        Box::pin(async move {
            self.wait().await?;
            let state = || InsuranceError::Unavailable("sandbox state".into());
            let reference = self.settled.lock().map_err(|_| state())?.get(&key).map(|s| s.reference.clone());
            let Some(reference) = reference else { return Ok(ClaimStatus::NotSettled) };
            if self.reversed.lock().map_err(|_| state())?.contains(&reference) {
                return Ok(ClaimStatus::NotSettled);
            }
            Ok(ClaimStatus::Settled { reference })
        })
    }
}
