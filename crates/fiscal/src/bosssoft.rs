//! The adapter in the BOSSSOFT-style wire format: each call is a method name and a signed
//! envelope (see `envelope`) sent through a [`Transport`], the answer's message decoded and
//! turned into the crate's types. Every issued invoice's seal is verified with the fiscal
//! platform's public key before it is believed (`FISCAL_BAD_SEAL`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use domain::Money;
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::envelope::{self, Answer, Envelope};
use crate::wire_json::{self as w};
use crate::{
    BillState, BoxFuture, DayLine, FiscalError, FiscalPlatform, InvoiceRequest, Issued, Scarlet, WriteOff, seal,
};

/// Why a call got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// Nothing was delivered (connection refused, DNS, TLS).
    Unreachable(String),
    /// The request went out; its answer never came.
    Lost,
}

/// How an envelope reaches the fiscal platform: HTTPS in a hospital, in-process for the sandbox.
pub trait Transport: std::fmt::Debug + Send + Sync {
    /// Posts `body` (the envelope's JSON) to `method`; answers the answer's JSON.
    fn call<'a>(&'a self, method: &'a str, body: String) -> BoxFuture<'a, Result<String, TransportError>>;
}

/// The hospital's credentials at the fiscal platform.
#[derive(Clone)]
pub struct Credentials {
    pub appid: String,
    /// The signing secret (never sent, never logged).
    pub key: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("appid", &self.appid).finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub struct Bosssoft {
    credentials: Credentials,
    transport: Arc<dyn Transport>,
    seal_key: VerifyingKey,
    noise: AtomicU64,
}

fn money(text: &str) -> Result<Money, FiscalError> {
    Money::parse(text).map_err(|_| bad_answer("金额"))
}

fn bad_answer(what: &str) -> FiscalError {
    FiscalError::Refused {
        code: "FISCAL_BAD_ANSWER", message: format!("财政平台的应答无法读取（{what}）")
    }
}

impl Bosssoft {
    pub fn new(credentials: Credentials, transport: Arc<dyn Transport>, seal_key: VerifyingKey) -> Bosssoft {
        Bosssoft { credentials, transport, seal_key, noise: AtomicU64::new(0) }
    }

    async fn call<P: Serialize, A: DeserializeOwned>(&self, method: &str, params: &P) -> Result<A, FiscalError> {
        let params = serde_json::to_value(params).map_err(|_| bad_answer("请求"))?;
        let noise = format!("{:016x}", self.noise.fetch_add(1, Ordering::Relaxed));
        let sealed: Envelope = envelope::wrap(&self.credentials.appid, &self.credentials.key, &noise, &params);
        let body = serde_json::to_string(&sealed).map_err(|_| bad_answer("请求"))?;
        let answer = match self.transport.call(method, body).await {
            Ok(answer) => answer,
            Err(TransportError::Unreachable(why)) => return Err(FiscalError::Unavailable(why)),
            Err(TransportError::Lost) => return Err(FiscalError::Unknown),
        };
        let answer: Answer = serde_json::from_str(&answer).map_err(|_| bad_answer("应答格式"))?;
        let message = envelope::decode(&answer.message).ok_or_else(|| bad_answer("应答内容"))?;
        if answer.result != envelope::SUCCESS {
            let text = message.as_str().unwrap_or("未说明原因").to_owned();
            return Err(FiscalError::Refused { code: w::refusal_code(&answer.result), message: text });
        }
        serde_json::from_value(message).map_err(|_| bad_answer("应答字段"))
    }

    fn issued(&self, bus_no: Uuid, answer: w::IssueAnswer) -> Result<Issued, FiscalError> {
        let issued = Issued {
            bus_no,
            code: answer.bill_batch_code,
            number: answer.bill_no,
            check_code: answer.random,
            issued_at: w::parse_time(&answer.create_time).ok_or_else(|| bad_answer("开票时间"))?,
            qr: answer.bill_qr_code,
            total: money(&answer.total_amt)?,
            seal: answer.sign_value,
        };
        if !seal::verify(&self.seal_key, &issued) {
            return Err(FiscalError::Refused {
                code: "FISCAL_BAD_SEAL",
                message: format!("票据 {} {} 的财政签章验证失败，不予采用", issued.code, issued.number),
            });
        }
        Ok(issued)
    }
}

fn scarlet(answer: w::ScarletAnswer) -> Result<Scarlet, FiscalError> {
    Ok(Scarlet {
        code: answer.e_scarlet_bill_batch_code,
        number: answer.e_scarlet_bill_no,
        check_code: answer.e_scarlet_random,
        at: w::parse_time(&answer.create_time).ok_or_else(|| bad_answer("冲红时间"))?,
    })
}

/// `request` in the vendor's fields.
pub(crate) fn issue_params(request: &InvoiceRequest) -> w::IssueParams {
    let a = &request.amounts;
    w::IssueParams {
        bus_no: request.bus_no.to_string(),
        bus_type: "02".into(),
        payer: request.payer.clone(),
        id_card_no: request.resident_id.clone(),
        case_number: request.case_no.clone(),
        settlement_no: request.settlement_no.clone(),
        in_hospital_date: request.admitted_on.format("%Y%m%d").to_string(),
        out_hospital_date: request.discharged_on.map(|d| d.format("%Y%m%d").to_string()).unwrap_or_default(),
        bus_date_time: w::time(request.at),
        place_code: request.place.clone(),
        payee: request.hospital.clone(),
        author: request.cashier.clone(),
        total_amt: a.total.to_string(),
        fund_pay: a.insurance_fund.to_string(),
        account_pay: a.personal_account.to_string(),
        own_pay: a.self_paid.to_string(),
        prepay_amt: a.deposits_used.to_string(),
        pay_channel_detail: a
            .channels
            .iter()
            .map(|(c, m)| w::PayChannelDetail { pay_channel_code: c.code().into(), pay_channel_value: m.to_string() })
            .collect(),
        charge_detail: a
            .charges
            .iter()
            .map(|(c, m)| w::ChargeDetail {
                charge_code: c.code().into(),
                charge_name: c.label().into(),
                amt: m.to_string(),
            })
            .collect(),
    }
}

impl FiscalPlatform for Bosssoft {
    fn issue<'a>(&'a self, request: &'a InvoiceRequest) -> BoxFuture<'a, Result<Issued, FiscalError>> {
        Box::pin(async move {
            let answer: w::IssueAnswer = self.call(w::ISSUE, &issue_params(request)).await?;
            self.issued(request.bus_no, answer)
        })
    }

    fn query(&self, bus_no: Uuid) -> BoxFuture<'_, Result<Option<BillState>, FiscalError>> {
        Box::pin(async move {
            let answer: w::BillAnswer = self.call(w::QUERY, &w::BusNoParams { bus_no: bus_no.to_string() }).await?;
            let Some(bill) = answer.bill else { return Ok(None) };
            let scarlet = match (answer.is_scarlet, answer.scarlet) {
                (1, Some(s)) => Some(scarlet(s)?),
                _ => None,
            };
            Ok(Some(BillState { issued: self.issued(bus_no, bill)?, scarlet, paper: answer.paper_bill_no }))
        })
    }

    fn write_off<'a>(&'a self, write_off: &'a WriteOff) -> BoxFuture<'a, Result<Scarlet, FiscalError>> {
        Box::pin(async move {
            let params = w::WriteOffParams {
                bus_no: write_off.bus_no.to_string(),
                bill_batch_code: write_off.code.clone(),
                bill_no: write_off.number.clone(),
                reason: write_off.reason.clone(),
                operator: write_off.operator.clone(),
                bus_date_time: w::time(write_off.at),
            };
            scarlet(self.call(w::WRITE_OFF, &params).await?)
        })
    }

    fn print_paper<'a>(&'a self, bus_no: Uuid, paper_no: &'a str) -> BoxFuture<'a, Result<(), FiscalError>> {
        Box::pin(async move {
            let params = w::PaperParams { bus_no: bus_no.to_string(), paper_bill_no: paper_no.to_owned() };
            let _: w::Empty = self.call(w::PRINT_PAPER, &params).await?;
            Ok(())
        })
    }

    fn void_paper<'a>(&'a self, paper_no: &'a str, reason: &'a str) -> BoxFuture<'a, Result<(), FiscalError>> {
        Box::pin(async move {
            let params = w::VoidPaperParams { paper_bill_no: paper_no.to_owned(), reason: reason.to_owned() };
            let _: w::Empty = self.call(w::VOID_PAPER, &params).await?;
            Ok(())
        })
    }

    fn day_list(&self, day: NaiveDate) -> BoxFuture<'_, Result<Vec<DayLine>, FiscalError>> {
        Box::pin(async move {
            let answer: w::DayAnswer =
                self.call(w::DAY_LIST, &w::DayParams { bill_date: day.format("%Y%m%d").to_string() }).await?;
            answer
                .list
                .into_iter()
                .map(|item| {
                    Ok(DayLine {
                        bus_no: item.bus_no.parse().map_err(|_| bad_answer("业务流水号"))?,
                        code: item.bill_batch_code,
                        number: item.bill_no,
                        amount: money(&item.total_amt)?,
                        at: w::parse_time(&item.create_time).ok_or_else(|| bad_answer("时间"))?,
                        red: item.is_scarlet == 1,
                    })
                })
                .collect()
        })
    }
}
