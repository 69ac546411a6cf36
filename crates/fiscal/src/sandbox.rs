//! The sandbox fiscal platform: a [`Transport`] that answers like the province's platform. It
//! checks each envelope's signature with the hospital's key, that the channels and the charges
//! each sum to the total, keeps its register (see `register`), seals each invoice with its
//! Ed25519 key, waits before answering, and on demand is unreachable or loses answers after
//! applying them (`CASHIER_FISCAL_FAULT=unavailable|lose-answer|lose-answer:PERCENT`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use domain::Money;
use domain::invoice::PayChannel;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::bosssoft::{Bosssoft, Credentials, Transport, TransportError};
use crate::envelope::{self, Answer, Envelope, Unwrapped};
use crate::register::{Bill, Event, Red, Register};
use crate::wire_json::{self as w};
use crate::{BoxFuture, Issued, seal};

/// How the sandbox misbehaves, for tests and drills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SandboxFault {
    None,
    /// Every call fails as if the network were down.
    Unavailable,
    /// This share (percent) of the answers to calls that change something is lost after the
    /// change was made; which ones is fixed by the business number and the attempt.
    LoseAnswers(u8),
    /// The first answer of each business number is lost (then never again).
    LoseFirstAnswer,
}

impl SandboxFault {
    /// The fault named by `CASHIER_FISCAL_FAULT`, if any.
    pub fn from_env() -> SandboxFault {
        SandboxFault::parse(std::env::var("CASHIER_FISCAL_FAULT").as_deref().unwrap_or(""))
    }

    pub fn parse(text: &str) -> SandboxFault {
        match text.trim() {
            "unavailable" => SandboxFault::Unavailable,
            "lose-answer" => SandboxFault::LoseFirstAnswer,
            other => match other.strip_prefix("lose-answer:").and_then(|p| p.parse::<u8>().ok()) {
                Some(percent) => SandboxFault::LoseAnswers(percent.min(100)),
                None => SandboxFault::None,
            },
        }
    }
}

#[derive(Debug)]
pub struct SandboxFiscal {
    credentials: Credentials,
    signing: SigningKey,
    delay: Duration,
    fault: Mutex<SandboxFault>,
    register: Mutex<Register>,
    /// Calls seen per method and business number (decides which answers are lost).
    attempts: Mutex<HashMap<String, u32>>,
}

/// The sandbox's own answer to a call, before a fault may lose it.
type Answered = Result<Value, (&'static str, String)>;

fn refuse(ours: &'static str, message: impl Into<String>) -> (&'static str, String) {
    (w::vendor_code(ours), message.into())
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, (&'static str, String)> {
    serde_json::from_value(value).map_err(|e| refuse("FISCAL_BAD_REQUEST", format!("请求参数不符合接口规范：{e}")))
}

fn answer<A: Serialize>(value: &A) -> Answered {
    serde_json::to_value(value).map_err(|e| refuse("FISCAL_BAD_REQUEST", e.to_string()))
}

fn amount(text: &str, field: &str) -> Result<Money, (&'static str, String)> {
    Money::parse(text).map_err(|_| refuse("FISCAL_AMOUNTS", format!("{field} 金额“{text}”无效")))
}

impl SandboxFiscal {
    /// A sandbox that takes envelopes signed with `credentials` and seals with the key derived
    /// from `seal_secret`; its register in memory.
    pub fn new(credentials: Credentials, seal_secret: &str, delay: Duration, fault: SandboxFault) -> SandboxFiscal {
        SandboxFiscal {
            credentials,
            signing: seal::signing_key(seal_secret),
            delay,
            fault: Mutex::new(fault),
            register: Mutex::new(Register::default()),
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// The same with its register in the file at `path` (created when missing).
    pub fn open(
        credentials: Credentials,
        seal_secret: &str,
        delay: Duration,
        fault: SandboxFault,
        path: &Path,
    ) -> Result<SandboxFiscal, String> {
        let sandbox = SandboxFiscal::new(credentials, seal_secret, delay, fault);
        *sandbox.register.lock().unwrap_or_else(|p| p.into_inner()) = Register::open(path)?;
        Ok(sandbox)
    }

    /// The demo hospital's sandbox (its credentials and seal), the register in memory, the
    /// fault from `CASHIER_FISCAL_FAULT`.
    pub fn demo(delay: Duration) -> SandboxFiscal {
        SandboxFiscal::new(demo_credentials(), DEMO_SEAL_SECRET, delay, SandboxFault::from_env())
    }

    /// The same with its register in the file at `path`.
    pub fn demo_on_file(path: &Path, delay: Duration) -> Result<SandboxFiscal, String> {
        SandboxFiscal::open(demo_credentials(), DEMO_SEAL_SECRET, delay, SandboxFault::from_env(), path)
    }

    /// The public key that verifies this sandbox's seals.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The adapter a hospital would configure for this sandbox: its credentials and public key.
    pub fn adapter(self: &Arc<Self>) -> Bosssoft {
        Bosssoft::new(self.credentials.clone(), self.clone(), self.verifying_key())
    }

    pub fn set_fault(&self, fault: SandboxFault) {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    fn fault(&self) -> SandboxFault {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every invoice issued, as (business number, 票据号码), in order: what the tests count.
    pub fn issued(&self) -> Vec<(Uuid, String)> {
        let register = self.register.lock().unwrap_or_else(|p| p.into_inner());
        register.bills.iter().map(|b| (b.bus_no, b.number.clone())).collect()
    }

    /// Whether the answer to this attempt of `method` for `key` is lost.
    fn loses(&self, method: &str, key: &str) -> bool {
        let fault = self.fault();
        if !matches!(fault, SandboxFault::LoseAnswers(_) | SandboxFault::LoseFirstAnswer) {
            return false;
        }
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        let seen = attempts.entry(format!("{method}|{key}")).or_insert(0);
        *seen += 1;
        match fault {
            SandboxFault::LoseFirstAnswer => *seen == 1,
            SandboxFault::LoseAnswers(percent) => {
                let digest = Sha256::digest(format!("{method}|{key}|{seen}").as_bytes());
                u32::from(digest[0]) * 100 / 256 < u32::from(percent)
            }
            _ => false,
        }
    }

    fn handle(&self, method: &str, body: &str) -> (Answered, Option<String>) {
        let Ok(sealed) = serde_json::from_str::<Envelope>(body) else {
            return (Err(refuse("FISCAL_BAD_REQUEST", "报文不是约定的信封格式")), None);
        };
        if sealed.appid != self.credentials.appid {
            return (Err(refuse("FISCAL_BAD_SIGN", format!("未知的应用账号 {}", sealed.appid))), None);
        }
        let value = match envelope::unwrap(&sealed, &self.credentials.key) {
            Ok(value) => value,
            Err(Unwrapped::BadSign) => return (Err(refuse("FISCAL_BAD_SIGN", "签名验证失败")), None),
            Err(Unwrapped::BadData) => return (Err(refuse("FISCAL_BAD_REQUEST", "data 无法解码")), None),
        };
        let key = ["busNo", "paperBillNo", "billDate"]
            .iter()
            .find_map(|k| value.get(*k).and_then(Value::as_str))
            .map(str::to_owned);
        let mut register = self.register.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = register.catch_up() {
            return (Err(refuse("FISCAL_BAD_REQUEST", e)), None);
        }
        let answered = match method {
            w::ISSUE => self.issue(&mut register, value),
            w::QUERY => Self::query(&register, value),
            w::WRITE_OFF => Self::write_off(&mut register, value),
            w::PRINT_PAPER => Self::print_paper(&mut register, value),
            w::VOID_PAPER => Self::void_paper(&mut register, value),
            w::DAY_LIST => Self::day_list(&register, value),
            other => Err(refuse("FISCAL_BAD_REQUEST", format!("未知的接口 {other}"))),
        };
        let changes = matches!(method, w::ISSUE | w::WRITE_OFF | w::PRINT_PAPER | w::VOID_PAPER);
        (answered, key.filter(|_| changes))
    }

    fn issue(&self, register: &mut Register, value: Value) -> Answered {
        let p: w::IssueParams = params(value)?;
        let bus_no: Uuid = p.bus_no.parse().map_err(|_| refuse("FISCAL_BAD_REQUEST", "busNo 无效"))?;
        if let Some(bill) = register.by_bus_no(bus_no) {
            return Err(refuse("FISCAL_DUPLICATE", format!("业务流水号 {bus_no} 已开具票据 {}", bill.number)));
        }
        let total = amount(&p.total_amt, "totalAmt")?;
        let mut channels = Money::ZERO;
        for c in &p.pay_channel_detail {
            if PayChannel::from_code(&c.pay_channel_code).is_none() {
                return Err(refuse("FISCAL_AMOUNTS", format!("未知的支付渠道编码 {}", c.pay_channel_code)));
            }
            channels += amount(&c.pay_channel_value, "payChannelValue")?;
        }
        if channels != total {
            return Err(refuse("FISCAL_AMOUNTS", format!("支付渠道合计 {channels} 与票据总金额 {total} 不符")));
        }
        let mut charges = Money::ZERO;
        for c in &p.charge_detail {
            charges += amount(&c.amt, "amt")?;
        }
        if charges != total {
            return Err(refuse("FISCAL_AMOUNTS", format!("收费项目合计 {charges} 与票据总金额 {total} 不符")));
        }
        let at = w::parse_time(&p.bus_date_time).ok_or_else(|| refuse("FISCAL_BAD_REQUEST", "busDateTime 无效"))?;
        let code = format!("3301{:02}01", at.year() % 100);
        let number = format!("{:010}", register.bills.len() + 1);
        let check_code = hex::encode(&Sha256::digest(format!("{bus_no}{number}").as_bytes())[..3]);
        let mut issued = Issued {
            bus_no,
            qr: format!("{code},{number},{check_code},{},{total}", at.format("%Y%m%d")),
            code,
            number,
            check_code,
            issued_at: at,
            total,
            seal: String::new(),
        };
        issued.seal = seal::sign(&self.signing, &issued);
        let bill = Bill {
            bus_no,
            code: issued.code.clone(),
            number: issued.number.clone(),
            check_code: issued.check_code.clone(),
            at,
            qr: issued.qr.clone(),
            total_fen: total.fen(),
            seal: issued.seal.clone(),
            red: None,
            paper: None,
        };
        let answered = issue_answer(&bill);
        register.record(Event::Issued(bill)).map_err(|e| refuse("FISCAL_BAD_REQUEST", e))?;
        answer(&answered)
    }

    fn query(register: &Register, value: Value) -> Answered {
        let p: w::BusNoParams = params(value)?;
        let bus_no: Uuid = p.bus_no.parse().map_err(|_| refuse("FISCAL_BAD_REQUEST", "busNo 无效"))?;
        let found = register.by_bus_no(bus_no);
        answer(&w::BillAnswer {
            bill: found.map(issue_answer),
            state: if found.is_some_and(|b| b.red.is_some()) { 2 } else { 1 },
            is_scarlet: u8::from(found.is_some_and(|b| b.red.is_some())),
            scarlet: found.and_then(|b| b.red.as_ref()).map(red_answer),
            paper_bill_no: found.and_then(|b| b.paper.clone()),
        })
    }

    fn write_off(register: &mut Register, value: Value) -> Answered {
        let p: w::WriteOffParams = params(value)?;
        let bill = register
            .bills
            .iter()
            .find(|b| b.code == p.bill_batch_code && b.number == p.bill_no && b.bus_no.to_string() == p.bus_no)
            .ok_or_else(|| refuse("FISCAL_NOT_FOUND", format!("票据 {} {} 不存在", p.bill_batch_code, p.bill_no)))?;
        if let Some(red) = &bill.red {
            return answer(&red_answer(red));
        }
        if let Some(paper) = &bill.paper {
            return Err(refuse(
                "FISCAL_PAPER_VALID",
                format!("该电子票据已换开纸质票据 {paper}，请先作废纸质票据再冲红"),
            ));
        }
        if p.reason.trim().is_empty() {
            return Err(refuse("FISCAL_BAD_REQUEST", "冲红原因不能为空"));
        }
        let at = w::parse_time(&p.bus_date_time).ok_or_else(|| refuse("FISCAL_BAD_REQUEST", "busDateTime 无效"))?;
        let number = format!("{:010}", register.reds() + 1);
        let red = Red {
            check_code: hex::encode(&Sha256::digest(format!("red{}{number}", p.bus_no).as_bytes())[..3]),
            code: format!("3301{:02}02", at.year() % 100),
            number,
            at,
        };
        let answered = red_answer(&red);
        let bus_no = bill.bus_no;
        register.record(Event::Red { bus_no, red }).map_err(|e| refuse("FISCAL_BAD_REQUEST", e))?;
        answer(&answered)
    }

    fn print_paper(register: &mut Register, value: Value) -> Answered {
        let p: w::PaperParams = params(value)?;
        let paper_no = p.paper_bill_no.trim().to_owned();
        let bill = register
            .bills
            .iter()
            .find(|b| b.bus_no.to_string() == p.bus_no)
            .ok_or_else(|| refuse("FISCAL_NOT_FOUND", format!("业务流水号 {} 未开具票据", p.bus_no)))?;
        if bill.paper.as_deref() == Some(paper_no.as_str()) {
            return answer(&w::Empty {});
        }
        if bill.red.is_some() {
            return Err(refuse("FISCAL_PAPER", "已冲红的票据不能换开纸质票据"));
        }
        if let Some(valid) = &bill.paper {
            return Err(refuse("FISCAL_PAPER", format!("该票据的纸质票据 {valid} 仍有效，请先作废")));
        }
        if paper_no.is_empty() || register.papers_used.contains(&paper_no) {
            return Err(refuse("FISCAL_PAPER", format!("纸质票据号 {paper_no} 无效或已使用")));
        }
        let bus_no = bill.bus_no;
        register.record(Event::Paper { bus_no, paper_no }).map_err(|e| refuse("FISCAL_BAD_REQUEST", e))?;
        answer(&w::Empty {})
    }

    fn void_paper(register: &mut Register, value: Value) -> Answered {
        let p: w::VoidPaperParams = params(value)?;
        let paper_no = p.paper_bill_no.trim().to_owned();
        if !register.papers_used.contains(&paper_no) {
            return Err(refuse("FISCAL_PAPER", format!("纸质票据号 {paper_no} 未换开过")));
        }
        if !register.bills.iter().any(|b| b.paper.as_deref() == Some(paper_no.as_str())) {
            return answer(&w::Empty {}); // already void
        }
        register
            .record(Event::PaperVoided { paper_no, reason: p.reason })
            .map_err(|e| refuse("FISCAL_BAD_REQUEST", e))?;
        answer(&w::Empty {})
    }

    fn day_list(register: &Register, value: Value) -> Answered {
        let p: w::DayParams = params(value)?;
        let day = NaiveDate::parse_from_str(&p.bill_date, "%Y%m%d")
            .map_err(|_| refuse("FISCAL_BAD_REQUEST", "billDate 无效"))?;
        let mut list = Vec::new();
        for bill in &register.bills {
            if bill.at.date() == day {
                list.push((
                    bill.at,
                    w::DayItem {
                        bus_no: bill.bus_no.to_string(),
                        bill_batch_code: bill.code.clone(),
                        bill_no: bill.number.clone(),
                        total_amt: bill.total().to_string(),
                        create_time: w::time(bill.at),
                        is_scarlet: 0,
                    },
                ));
            }
            if let Some(red) = bill.red.as_ref().filter(|r| r.at.date() == day) {
                list.push((
                    red.at,
                    w::DayItem {
                        bus_no: bill.bus_no.to_string(),
                        bill_batch_code: red.code.clone(),
                        bill_no: red.number.clone(),
                        total_amt: (-bill.total()).to_string(),
                        create_time: w::time(red.at),
                        is_scarlet: 1,
                    },
                ));
            }
        }
        list.sort_by_key(|(at, _)| *at);
        answer(&w::DayAnswer { list: list.into_iter().map(|(_, item)| item).collect() })
    }
}

fn issue_answer(bill: &Bill) -> w::IssueAnswer {
    w::IssueAnswer {
        bill_batch_code: bill.code.clone(),
        bill_no: bill.number.clone(),
        random: bill.check_code.clone(),
        create_time: w::time(bill.at),
        bill_qr_code: bill.qr.clone(),
        total_amt: bill.total().to_string(),
        sign_value: bill.seal.clone(),
    }
}

fn red_answer(red: &Red) -> w::ScarletAnswer {
    w::ScarletAnswer {
        e_scarlet_bill_batch_code: red.code.clone(),
        e_scarlet_bill_no: red.number.clone(),
        e_scarlet_random: red.check_code.clone(),
        create_time: w::time(red.at),
    }
}

impl Transport for SandboxFiscal {
    fn call<'a>(&'a self, method: &'a str, body: String) -> BoxFuture<'a, Result<String, TransportError>> {
        Box::pin(async move {
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            if self.fault() == SandboxFault::Unavailable {
                return Err(TransportError::Unreachable("沙箱财政平台设置为不可用".into()));
            }
            let (answered, key) = self.handle(method, &body);
            let lost = answered.is_ok() && key.is_some_and(|k| self.loses(method, &k));
            let reply = match answered {
                Ok(value) => Answer { result: envelope::SUCCESS.into(), message: envelope::encode(&value) },
                Err((code, message)) => {
                    Answer { result: code.into(), message: envelope::encode(&Value::String(message)) }
                }
            };
            if lost {
                return Err(TransportError::Lost);
            }
            serde_json::to_string(&reply).map_err(|e| TransportError::Unreachable(e.to_string()))
        })
    }
}

/// The demo hospital's account at the sandbox (also what `platform serve` uses unless told).
pub const DEMO_APPID: &str = "DEMO-HOSPITAL-0001";
/// The demo hospital's signing secret: a sandbox value, never a real one.
pub const DEMO_KEY: &str = "sandbox-demo-signing-key";
/// What the sandbox's seal key is derived from.
pub const DEMO_SEAL_SECRET: &str = "sandbox fiscal platform seal";

fn demo_credentials() -> Credentials {
    Credentials { appid: DEMO_APPID.into(), key: DEMO_KEY.into() }
}
