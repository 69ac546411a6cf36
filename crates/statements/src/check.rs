//! `check`: parse a whole statement file and report what it holds and whether its summary
//! agreed, for `cashier statement check` (the CLI turns the report into one JSON object).

use chrono::NaiveDate;
use domain::Money;

use crate::error::{Ctx, StatementError};
use crate::totals::{ReadOptions, Scan, Summary};
use crate::{Channel, Fee, fingerprint};

/// Which kind of file to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// WeChat Pay trade bill (any layout, plain or gzip).
    Wechat,
    /// Alipay trade-bill zip.
    Alipay,
    /// UnionPay ZM; without a settle date it is read from an `INNyyMMdd…` file name.
    Unionpay { settle_date: Option<NaiveDate> },
    /// Insurance 3202 detail or result file (no 3201 totals: the summary is absent).
    Insurance,
    /// Our HIS export.
    His,
    /// The platform ledger export.
    Ledger,
}

impl Format {
    /// The statement format of a channel (`None` for cash, which has no statement).
    pub fn for_channel(channel: Channel) -> Option<Format> {
        match channel {
            Channel::Wechat => Some(Format::Wechat),
            Channel::Alipay => Some(Format::Alipay),
            Channel::Unionpay => Some(Format::Unionpay { settle_date: None }),
            Channel::Insurance => Some(Format::Insurance),
            Channel::Cash => None,
        }
    }
}

/// What a checked file holds. Plain data; amounts are `Money` (print with `to_string()`:
/// `"1234.50"`) and the fee total is exact to 1/100000 yuan (`"0.27000"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    /// The file name as given.
    pub file: String,
    /// The layout recognised (`wechat-all`, `alipay-trade`, `unionpay-zm`…).
    pub format: &'static str,
    pub rows: u64,
    pub payments: u64,
    pub refunds: u64,
    pub payment_amount: Money,
    /// A magnitude.
    pub refund_amount: Money,
    /// Net channel fees (charged less given back).
    pub fees: Fee,
    /// `Some(true)` agreed, `Some(false)` disagreed (see `summary_problem`), `None`: the format
    /// has no summary.
    pub summary_agreed: Option<bool>,
    /// The disagreement, naming the stated and the counted figure.
    pub summary_problem: Option<StatementError>,
    /// SHA-256 of the file's bytes: the same statement imported twice has the same one.
    pub fingerprint: String,
}

/// Parses the whole file. A file that cannot be read to its end (truncated, wrong encoding,
/// duplicate row, unparsable amount…) is an `Err`; a summary that disagrees is reported in the
/// `Ok` report (`summary_agreed == Some(false)`), so the caller can show both figures and still
/// fail.
pub fn check(format: Format, file: &str, bytes: &[u8]) -> Result<CheckReport, StatementError> {
    let scan: Scan = match format {
        Format::Wechat => crate::wechat::scan(file, bytes, ReadOptions::default(), |_| {})?,
        Format::Alipay => crate::alipay::scan(file, bytes, |_| {})?,
        Format::Unionpay { settle_date } => {
            let date = settle_date.or_else(|| crate::unionpay::settle_date_from_name(file)).ok_or_else(|| {
                Ctx::new(file).missing("银联对账文件需要清算日期（文件名中也没有 INNyyMMdd）以确定交易年份")
            })?;
            crate::unionpay::scan(file, bytes, date, |_| {})?
        }
        Format::Insurance => crate::insurance::scan(file, bytes, None, |_| {})?,
        Format::His => crate::his::scan(file, bytes, |_| {})?,
        Format::Ledger => crate::ledger::scan(file, bytes, ReadOptions::default(), |_| {})?,
    };
    let (summary_agreed, summary_problem) = match scan.summary {
        Ok(Summary::Agreed) => (Some(true), None),
        Ok(Summary::Absent) => (None, None),
        Err(problem) => (Some(false), Some(problem)),
    };
    let totals = scan.totals;
    Ok(CheckReport {
        file: file.to_owned(),
        format: scan.format,
        rows: totals.rows,
        payments: totals.payments,
        refunds: totals.refunds,
        payment_amount: totals.payment_amount,
        refund_amount: totals.refund_amount,
        fees: totals.fees,
        summary_agreed,
        summary_problem,
        fingerprint: fingerprint(bytes),
    })
}
