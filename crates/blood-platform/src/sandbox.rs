//! The sandbox blood platform: a certificate register of its own (what each certificate has
//! paid for, across every registration and settlement it was told of), the province's policy
//! through the domain's engine, a delay before each answer, and faults on demand: unreachable,
//! or a waiver applied whose answer is lost.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime};
use domain::blood::{BloodPolicy, Donation, entitlement, waive};
use uuid::Uuid;

use crate::journal::{Event, Journal};
use crate::{BloodError, BloodPlatform, BoxFuture, Registered, Registration, StatementLine, WaiverAnswer, WaiverClaim};

/// How the sandbox misbehaves, for tests and drills (`set_fault`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SandboxFault {
    None,
    /// Every call fails as if the network were down.
    Unavailable,
    /// `waive` applies the waiver but its answer is lost (the caller sees `Unknown`) once per
    /// business number.
    LoseWaiveAnswer,
}

impl SandboxFault {
    /// The fault named by `CASHIER_BLOOD_FAULT` (`unavailable`, `lose-answer`), if any.
    pub fn from_env() -> SandboxFault {
        match std::env::var("CASHIER_BLOOD_FAULT").as_deref() {
            Ok("unavailable") => SandboxFault::Unavailable,
            Ok("lose-answer") => SandboxFault::LoseWaiveAnswer,
            _ => SandboxFault::None,
        }
    }
}

#[derive(Debug)]
struct Waived {
    business_no: Uuid,
    answer: WaiverAnswer,
    cancelled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Default)]
struct Register {
    registrations: Vec<(Registration, Registered)>,
    waivers: Vec<Waived>,
    /// Business numbers whose answer was already lost once.
    lost: Vec<Uuid>,
    /// Where every change is written before it is answered (`None`: memory only).
    journal: Option<Journal>,
}

impl Register {
    /// Writes `event` to the journal, if any; a change that cannot be written is not made.
    fn write(&mut self, event: &Event) -> Result<(), BloodError> {
        match self.journal.as_mut() {
            Some(journal) => {
                journal.write(event).map_err(|e| BloodError::Unavailable(format!("沙箱登记簿写入失败：{e}")))
            }
            None => Ok(()),
        }
    }

    /// Applies an event read back from the journal.
    fn replay(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Registered(event) => {
                let parts = event.into_parts().ok_or_else(|| "沙箱登记簿中有一条登记无法读取".to_owned())?;
                self.registrations.push(parts);
            }
            Event::Waived { business_no, reference, amount_fen, ml, uses, at } => {
                let answer = Event::answer(reference, amount_fen, ml, uses, at)
                    .ok_or_else(|| format!("沙箱登记簿中的减免 {business_no} 金额无效"))?;
                self.waivers.push(Waived { business_no, answer, cancelled_at: None });
            }
            Event::Cancelled { business_no, at } => {
                if let Some(w) = self.waivers.iter_mut().find(|w| w.business_no == business_no) {
                    w.cancelled_at.get_or_insert(at);
                }
            }
            Event::Lost { business_no } => self.lost.push(business_no),
        }
        Ok(())
    }

    /// Millilitres certificate `no` paid for, cancelled waivers not counted.
    fn used_ml(&self, no: &str) -> u32 {
        self.waivers
            .iter()
            .filter(|w| w.cancelled_at.is_none())
            .flat_map(|w| w.answer.uses.iter())
            .filter(|(n, _)| n == no)
            .map(|(_, ml)| *ml)
            .sum()
    }

    /// `donations` with what each certificate has paid for by now, by this register.
    fn as_used(&self, donations: &[Donation]) -> Vec<Donation> {
        donations.iter().map(|d| Donation { used_ml: self.used_ml(&d.certificate_no), ..d.clone() }).collect()
    }

    fn registration(&self, business_no: Uuid) -> Option<&(Registration, Registered)> {
        self.registrations.iter().find(|(r, _)| r.business_no == business_no)
    }
}

#[derive(Debug)]
pub struct SandboxBloodPlatform {
    policy: BloodPolicy,
    delay: Duration,
    fault: Mutex<SandboxFault>,
    register: Mutex<Register>,
}

fn refused(code: &'static str, message: String) -> BloodError {
    BloodError::Refused { code, message }
}

impl SandboxBloodPlatform {
    pub fn new(policy: BloodPolicy, delay: Duration, fault: SandboxFault) -> SandboxBloodPlatform {
        SandboxBloodPlatform { policy, delay, fault: Mutex::new(fault), register: Mutex::new(Register::default()) }
    }

    /// A sandbox whose register lives in the file at `path` (created when missing): what it was
    /// told before is read back, and every change is written there before it is answered.
    pub fn open(
        policy: BloodPolicy,
        delay: Duration,
        fault: SandboxFault,
        path: &std::path::Path,
    ) -> Result<SandboxBloodPlatform, BloodError> {
        let (journal, events) = Journal::open(path).map_err(BloodError::Unavailable)?;
        let mut register = Register::default();
        for event in events {
            register.replay(event).map_err(BloodError::Unavailable)?;
        }
        register.journal = Some(journal);
        Ok(SandboxBloodPlatform { policy, delay, fault: Mutex::new(fault), register: Mutex::new(register) })
    }

    /// Changes how the sandbox misbehaves from now on.
    pub fn set_fault(&self, fault: SandboxFault) {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    fn fault(&self) -> SandboxFault {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn answer_after_delay(&self) -> Result<(), BloodError> {
        tokio::time::sleep(self.delay).await;
        match self.fault() {
            SandboxFault::Unavailable => Err(BloodError::Unavailable("沙箱：网络不可达".into())),
            _ => Ok(()),
        }
    }

    fn register_now(&self, r: &Registration) -> Result<Registered, BloodError> {
        let mut register = self.register.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, answer)) = register.registration(r.business_no) {
            return Ok(answer.clone());
        }
        let donations = register.as_used(&r.donations);
        let e = entitlement(&self.policy, r.donor, r.gold_award, &donations, r.on)
            .map_err(|e| refused(e.code(), e.to_string()))?;
        if e.used_up() {
            return Err(refused("BLOOD_ENTITLEMENT_USED_UP", format!("献血证的用血额度已用完：{}", e.rule)));
        }
        let answer = Registered {
            reference: format!("XZ{:08}", register.registrations.len() + 1),
            remaining_ml: e.remaining_ml,
            rule: e.rule,
        };
        register.write(&Event::registered(r, &answer))?;
        register.registrations.push((r.clone(), answer.clone()));
        Ok(answer)
    }

    /// What `claim` would be granted from the register as it stands.
    fn compute(register: &Register, policy: &BloodPolicy, claim: &WaiverClaim) -> Result<WaiverAnswer, BloodError> {
        let mut left: Vec<(String, Option<u32>)> = Vec::new();
        for no in &claim.registrations {
            let (r, _) = register
                .registration(*no)
                .ok_or_else(|| refused("BLOOD_NOT_REGISTERED", format!("登记 {no} 未报送用血直报平台")))?;
            let donations = register.as_used(&r.donations);
            let e = entitlement(policy, r.donor, r.gold_award, &donations, claim.at.date())
                .map_err(|e| refused(e.code(), e.to_string()))?;
            for share in e.certificates {
                if !left.iter().any(|(n, _)| *n == share.certificate_no) {
                    left.push((share.certificate_no, share.remaining_ml));
                }
            }
        }
        let w = waive(&claim.products, &left);
        Ok(WaiverAnswer {
            reference: format!("JM{:08}", register.waivers.len() + 1),
            amount: w.amount,
            ml: w.ml,
            uses: w.uses,
            at: claim.at,
        })
    }

    fn waive_now(&self, claim: &WaiverClaim) -> Result<WaiverAnswer, BloodError> {
        let mut register = self.register.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(w) = register.waivers.iter().find(|w| w.business_no == claim.business_no) {
            if w.cancelled_at.is_some() {
                return Err(refused(
                    "BLOOD_WAIVER_CANCELLED",
                    format!("业务流水号 {} 的减免已撤销", claim.business_no),
                ));
            }
            return Ok(w.answer.clone());
        }
        let answer = Self::compute(&register, &self.policy, claim)?;
        register.write(&Event::waived(claim.business_no, &answer))?;
        register.waivers.push(Waived { business_no: claim.business_no, answer: answer.clone(), cancelled_at: None });
        if self.fault() == SandboxFault::LoseWaiveAnswer && !register.lost.contains(&claim.business_no) {
            register.write(&Event::Lost { business_no: claim.business_no })?;
            register.lost.push(claim.business_no);
            return Err(BloodError::Unknown);
        }
        Ok(answer)
    }
}

impl BloodPlatform for SandboxBloodPlatform {
    fn register<'a>(&'a self, registration: &'a Registration) -> BoxFuture<'a, Result<Registered, BloodError>> {
        Box::pin(async move {
            self.answer_after_delay().await?;
            self.register_now(registration)
        })
    }

    fn estimate<'a>(&'a self, claim: &'a WaiverClaim) -> BoxFuture<'a, Result<WaiverAnswer, BloodError>> {
        Box::pin(async move {
            self.answer_after_delay().await?;
            let register = self.register.lock().unwrap_or_else(|p| p.into_inner());
            Self::compute(&register, &self.policy, claim)
        })
    }

    fn waive<'a>(&'a self, claim: &'a WaiverClaim) -> BoxFuture<'a, Result<WaiverAnswer, BloodError>> {
        Box::pin(async move {
            self.answer_after_delay().await?;
            self.waive_now(claim)
        })
    }

    fn query(&self, business_no: Uuid) -> BoxFuture<'_, Result<Option<WaiverAnswer>, BloodError>> {
        Box::pin(async move {
            self.answer_after_delay().await?;
            let register = self.register.lock().unwrap_or_else(|p| p.into_inner());
            Ok(register
                .waivers
                .iter()
                .find(|w| w.business_no == business_no && w.cancelled_at.is_none())
                .map(|w| w.answer.clone()))
        })
    }

    fn cancel(&self, business_no: Uuid, at: NaiveDateTime) -> BoxFuture<'_, Result<(), BloodError>> {
        Box::pin(async move {
            self.answer_after_delay().await?;
            let mut register = self.register.lock().unwrap_or_else(|p| p.into_inner());
            let standing = register.waivers.iter().any(|w| w.business_no == business_no && w.cancelled_at.is_none());
            if standing {
                register.write(&Event::Cancelled { business_no, at })?;
                register.replay(Event::Cancelled { business_no, at }).map_err(BloodError::Unavailable)?;
            }
            Ok(())
        })
    }

    fn statement(&self, year: i32, month: u32) -> BoxFuture<'_, Result<Vec<StatementLine>, BloodError>> {
        Box::pin(async move {
            self.answer_after_delay().await?;
            let register = self.register.lock().unwrap_or_else(|p| p.into_inner());
            let in_month = |at: &NaiveDateTime| at.year() == year && at.month() == month;
            let mut lines = Vec::new();
            for w in &register.waivers {
                let line = |ml: i64, amount, at| StatementLine {
                    business_no: w.business_no,
                    reference: w.answer.reference.clone(),
                    certificates: w.answer.uses.iter().map(|(n, _)| n.clone()).collect(),
                    ml,
                    amount,
                    at,
                };
                let ml = i64::from(w.answer.ml);
                if in_month(&w.answer.at) && w.answer.amount.is_positive() {
                    lines.push(line(ml, w.answer.amount, w.answer.at));
                }
                if let Some(cancelled) = w.cancelled_at.filter(|at| in_month(at) && w.answer.amount.is_positive()) {
                    lines.push(line(-ml, domain::Money::ZERO - w.answer.amount, cancelled));
                }
            }
            lines.sort_by_key(|l| l.at);
            Ok(lines)
        })
    }
}
