//! The fiscal e-invoice adapter (财政医疗电子票据). The province's fiscal platform issues the
//! legal invoice of every settlement (开具), reverses it with a red invoice when the settlement
//! is recalled (冲红), records its paper copies (换开纸质 / 作废) and lists a day's invoices for
//! the daily check. The hospital's platform holds the credentials and calls it for every linked
//! counter; a stand-alone counter calls it in-process.
//!
//! [`FiscalPlatform`] is the adapter the rest of the code sees. [`Bosssoft`] implements it in
//! the vendor's wire format (a signed envelope of base64 JSON, see `envelope`) over a
//! [`Transport`]; [`SandboxFiscal`] is a transport that behaves like the real platform: it
//! checks the envelope's signature and the amounts, keeps its own register (in memory or in a
//! JSON-lines file), seals what it issues with its Ed25519 key ([`seal`]), waits, fails and
//! loses answers on demand.
//!
//! The business number (busNo) is the settlement's idempotency key: [`issue_once`] resolves an
//! unknown outcome by asking for that number, then retries — never two invoices for one
//! settlement.

mod bosssoft;
mod envelope;
mod register;
mod sandbox;
pub mod seal;
mod wire_json;

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use chrono::{NaiveDate, NaiveDateTime};
use domain::Money;
use domain::invoice::InvoiceAmounts;
use thiserror::Error;
use uuid::Uuid;

pub use bosssoft::{Bosssoft, Credentials, Transport, TransportError};
pub use sandbox::{DEMO_APPID, DEMO_KEY, DEMO_SEAL_SECRET, SandboxFault, SandboxFiscal};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An inpatient invoice to issue (invEBillHospitalized).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceRequest {
    /// The settlement's idempotency key.
    pub bus_no: Uuid,
    /// The settlement's number (结算单号), printed on the invoice.
    pub settlement_no: String,
    pub payer: String,
    pub resident_id: String,
    pub case_no: String,
    pub admitted_on: NaiveDate,
    pub discharged_on: Option<NaiveDate>,
    pub at: NaiveDateTime,
    /// Where it was settled (开票点).
    pub place: String,
    /// The hospital (收款单位).
    pub hospital: String,
    pub cashier: String,
    pub amounts: InvoiceAmounts,
}

impl InvoiceRequest {
    /// The invoice of `settlement` of `admission`, under the settlement's key `bus_no`, as
    /// issued at `place` for `hospital` — the one way the counter and the platform fill it in.
    pub fn of_settlement(
        bus_no: Uuid,
        admission: &domain::Admission,
        settlement: &domain::Settlement,
        amounts: InvoiceAmounts,
        place: String,
        hospital: String,
    ) -> InvoiceRequest {
        InvoiceRequest {
            bus_no,
            settlement_no: settlement.settlement_no.clone(),
            payer: admission.patient.name.to_string(),
            resident_id: admission.patient.resident_id.as_ref().map(ToString::to_string).unwrap_or_default(),
            case_no: admission.case_no.to_string(),
            admitted_on: admission.admitted_at.date(),
            discharged_on: (settlement.kind == domain::SettlementKind::Discharge).then(|| settlement.at.date()),
            at: settlement.at,
            place,
            hospital,
            cashier: settlement.cashier.clone(),
            amounts,
        }
    }
}

/// An issued invoice as the fiscal platform answered it, with its seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub bus_no: Uuid,
    /// 票据代码 (billBatchCode).
    pub code: String,
    /// 票据号码 (billNo).
    pub number: String,
    /// 校验码 (random).
    pub check_code: String,
    pub issued_at: NaiveDateTime,
    /// The QR code's text (billQRCode).
    pub qr: String,
    pub total: Money,
    /// The fiscal platform's Ed25519 signature over the fields above, base64 ([`seal`]).
    pub seal: String,
}

/// A red reversal to make (writeOffEBill).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteOff {
    /// The issued invoice's settlement key: its business number.
    pub bus_no: Uuid,
    pub code: String,
    pub number: String,
    pub reason: String,
    pub operator: String,
    pub at: NaiveDateTime,
}

/// The red invoice (红票) that reversed one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scarlet {
    pub code: String,
    pub number: String,
    pub check_code: String,
    pub at: NaiveDateTime,
}

/// An invoice as the fiscal platform holds it (getEBillStatesByBillInfo).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillState {
    pub issued: Issued,
    pub scarlet: Option<Scarlet>,
    /// The paper number of its valid paper copy, if one is printed and not voided.
    pub paper: Option<String>,
}

/// One line of the day's list (对账): an invoice issued that day, or a red one (negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayLine {
    pub bus_no: Uuid,
    pub code: String,
    pub number: String,
    pub amount: Money,
    pub at: NaiveDateTime,
    pub red: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FiscalError {
    #[error("财政电子票据平台暂时无法连接：{0}。票据稍后自动重开")]
    Unavailable(String),
    #[error("财政电子票据平台拒绝：{message}")]
    Refused { code: &'static str, message: String },
    /// The request went out and no answer came back: ask by business number before retrying.
    #[error("财政电子票据平台的结果未知（超时），将先查询再重试，不会重复开票")]
    Unknown,
}

impl FiscalError {
    pub fn code(&self) -> &'static str {
        match self {
            FiscalError::Unavailable(_) => "FISCAL_UNAVAILABLE",
            FiscalError::Refused { code, .. } => code,
            FiscalError::Unknown => "FISCAL_OUTCOME_UNKNOWN",
        }
    }
}

/// One adapter per fiscal platform. Every call may be slow, fail, or never answer.
pub trait FiscalPlatform: Debug + Send + Sync {
    /// 开具: issues `request`'s invoice. A business number already issued is refused
    /// (`FISCAL_DUPLICATE`); [`issue_once`] turns that into the invoice it names.
    fn issue<'a>(&'a self, request: &'a InvoiceRequest) -> BoxFuture<'a, Result<Issued, FiscalError>>;
    /// The invoice issued under a settlement's key, if any. Changes nothing.
    fn query(&self, bus_no: Uuid) -> BoxFuture<'_, Result<Option<BillState>, FiscalError>>;
    /// 冲红: reverses an invoice; refused while a paper copy is valid (`FISCAL_PAPER_VALID`); a
    /// repeat answers the red invoice already made.
    fn write_off<'a>(&'a self, write_off: &'a WriteOff) -> BoxFuture<'a, Result<Scarlet, FiscalError>>;
    /// 换开纸质: the invoice printed on paper number `paper_no`; a repeat of the same number is a
    /// no-op, another number while one is valid is refused.
    fn print_paper<'a>(&'a self, bus_no: Uuid, paper_no: &'a str) -> BoxFuture<'a, Result<(), FiscalError>>;
    /// 作废纸质: voids paper copy `paper_no`; a repeat is a no-op.
    fn void_paper<'a>(&'a self, paper_no: &'a str, reason: &'a str) -> BoxFuture<'a, Result<(), FiscalError>>;
    /// The day's invoices and red invoices, oldest first.
    fn day_list(&self, day: NaiveDate) -> BoxFuture<'_, Result<Vec<DayLine>, FiscalError>>;
}

/// How many times [`issue_once`] and [`write_off_once`] ask before leaving it to a later retry.
pub const ATTEMPTS: usize = 8;

/// Issues `request`'s invoice exactly once: an unknown outcome or a business number already
/// issued is resolved by asking for it; only a number the platform does not know is sent again.
pub async fn issue_once(platform: &dyn FiscalPlatform, request: &InvoiceRequest) -> Result<Issued, FiscalError> {
    let mut last = FiscalError::Unknown;
    for _ in 0..ATTEMPTS {
        match platform.issue(request).await {
            Ok(issued) => return Ok(issued),
            Err(FiscalError::Unknown) => last = FiscalError::Unknown,
            Err(FiscalError::Refused { code: "FISCAL_DUPLICATE", .. }) => {}
            Err(e) => return Err(e),
        }
        match platform.query(request.bus_no).await {
            Ok(Some(state)) => return Ok(state.issued),
            Ok(None) => {}
            Err(FiscalError::Unknown) => {}
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Reverses an invoice exactly once, resolving lost answers by asking for its state.
pub async fn write_off_once(platform: &dyn FiscalPlatform, write_off: &WriteOff) -> Result<Scarlet, FiscalError> {
    for _ in 0..ATTEMPTS {
        match platform.write_off(write_off).await {
            Ok(scarlet) => return Ok(scarlet),
            Err(FiscalError::Unknown) => {}
            Err(e) => return Err(e),
        }
        if let Ok(Some(BillState { scarlet: Some(scarlet), .. })) = platform.query(write_off.bus_no).await {
            return Ok(scarlet);
        }
    }
    Err(FiscalError::Unknown)
}

#[cfg(test)]
mod tests;
