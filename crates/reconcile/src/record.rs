//! What the engine compares: one payment or refund as either side saw it, borrowed ([`Record`])
//! or owned ([`Entry`]), any collection of them ([`Records`]), and the conversions from every
//! statement row.

use crate::config::Config;
use chrono::NaiveDateTime;
use domain::Money;
use statements::{AlipayRow, Channel, Fee, HisRow, InsuranceRow, Kind, LedgerRow, Status, UnionpayRow, WechatRow};

/// One payment or refund, borrowing its numbers from wherever they were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub channel: Channel,
    pub kind: Kind,
    pub status: Status,
    /// The platform order no. (for a refund: the original order's).
    pub order_no: &'a str,
    /// The channel's no. (WeChat/Alipay trade no., UnionPay queryId, insurance setl_id).
    pub third_party_no: &'a str,
    /// The refund's own no. (`""` on payments).
    pub refund_no: &'a str,
    /// A magnitude; `kind` says which way the money went.
    pub amount: Money,
    /// The channel's fee, when the side knows it (channel statements do, the platform and the
    /// HIS do not).
    pub fee: Option<Fee>,
    pub at: NaiveDateTime,
}

impl<'a> Record<'a> {
    /// A platform ledger row.
    pub fn from_ledger(row: &LedgerRow<'a>) -> Record<'a> {
        Record {
            channel: row.channel,
            kind: row.kind,
            status: row.status,
            order_no: row.platform_order_no,
            third_party_no: row.third_party_no,
            refund_no: row.refund_no,
            amount: row.amount,
            fee: None,
            at: row.paid_at,
        }
    }

    /// A HIS export row.
    pub fn from_his(row: &HisRow<'a>) -> Record<'a> {
        Record {
            channel: row.channel,
            kind: row.kind,
            status: row.status(),
            order_no: row.platform_order_no,
            third_party_no: row.third_party_no,
            refund_no: row.refund_no,
            amount: row.amount,
            fee: None,
            at: row.paid_at,
        }
    }

    /// A WeChat bill row: 商户订单号, 微信订单号, 商户退款单号; the amount per
    /// [`WechatRow::amount`].
    pub fn from_wechat(row: &WechatRow<'a>) -> Record<'a> {
        Record {
            channel: Channel::Wechat,
            kind: row.kind,
            status: row.status,
            order_no: row.out_trade_no,
            third_party_no: row.transaction_id,
            refund_no: row.out_refund_no,
            amount: row.amount(),
            fee: Some(row.fee),
            at: row.traded_at,
        }
    }

    /// An Alipay detail row: 商户订单号, 支付宝交易号, 退款批次号/请求号; |订单金额|.
    pub fn from_alipay(row: &AlipayRow<'a>) -> Record<'a> {
        Record {
            channel: Channel::Alipay,
            kind: row.kind,
            status: row.status(),
            order_no: row.out_trade_no,
            third_party_no: row.trade_no,
            refund_no: if row.kind == Kind::Refund { row.refund_request_no } else { "" },
            amount: row.amount(),
            fee: Some(row.fee()),
            at: row.finished_at,
        }
    }

    /// A UnionPay ZM row: queryId is the third-party no.; a refund's own orderId is its refund
    /// no. and its order no. is the original's (原始交易订单号).
    pub fn from_unionpay(row: &UnionpayRow<'a>) -> Record<'a> {
        let (order_no, refund_no) = match row.kind {
            Kind::Payment => (row.order_id, ""),
            Kind::Refund => (row.orig_order_id, row.order_id),
        };
        Record {
            channel: Channel::Unionpay,
            kind: row.kind,
            status: row.status(),
            order_no,
            third_party_no: row.query_id,
            refund_no,
            amount: row.amount,
            fee: Some(row.fee),
            at: row.transmitted_at,
        }
    }

    /// An insurance 3202 row (no time of its own: `at` is the settle day's start). The
    /// settlement id is the third-party no., and a refunded settlement's refund no.
    pub fn from_insurance(row: &InsuranceRow<'a>, at: NaiveDateTime) -> Record<'a> {
        Record {
            channel: Channel::Insurance,
            kind: row.kind,
            status: row.status(),
            order_no: row.mdtrt_id,
            third_party_no: row.setl_id,
            refund_no: if row.kind == Kind::Refund { row.setl_id } else { "" },
            amount: row.amount(),
            fee: None,
            at,
        }
    }

    /// Money in (+) or out (−), in fen.
    pub fn signed_fen(&self) -> i64 {
        match self.kind {
            Kind::Payment => self.amount.fen(),
            Kind::Refund => -self.amount.fen(),
        }
    }
}

/// A record that owns its numbers: single-sided entries, discrepancies and the cross-day set.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Entry {
    pub channel: Channel,
    pub kind: Kind,
    pub status: Status,
    pub order_no: String,
    pub third_party_no: String,
    pub refund_no: String,
    pub amount: Money,
    pub fee: Option<Fee>,
    pub at: NaiveDateTime,
}

impl Entry {
    pub fn record(&self) -> Record<'_> {
        Record {
            channel: self.channel,
            kind: self.kind,
            status: self.status,
            order_no: &self.order_no,
            third_party_no: &self.third_party_no,
            refund_no: &self.refund_no,
            amount: self.amount,
            fee: self.fee,
            at: self.at,
        }
    }
}

impl From<&Record<'_>> for Entry {
    fn from(r: &Record<'_>) -> Entry {
        Entry {
            channel: r.channel,
            kind: r.kind,
            status: r.status,
            order_no: r.order_no.to_owned(),
            third_party_no: r.third_party_no.to_owned(),
            refund_no: r.refund_no.to_owned(),
            amount: r.amount,
            fee: r.fee,
            at: r.at,
        }
    }
}

/// Any indexed collection of records: a slice of [`Record`]s, of [`Entry`]s, or a compact
/// [`crate::RecordTable`].
pub trait Records {
    fn len(&self) -> usize;
    fn record(&self, index: usize) -> Record<'_>;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The matching key of record `index` under `config` (a table may answer it without
    /// building the whole record).
    fn key(&self, index: usize, config: &Config) -> &str {
        config.key(&self.record(index))
    }
    /// The kind of record `index`.
    fn kind(&self, index: usize) -> Kind {
        self.record(index).kind
    }
}

impl Records for [Record<'_>] {
    fn len(&self) -> usize {
        <[Record<'_>]>::len(self)
    }
    fn record(&self, index: usize) -> Record<'_> {
        self[index]
    }
}

impl Records for Vec<Record<'_>> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn record(&self, index: usize) -> Record<'_> {
        self[index]
    }
}

impl Records for [Entry] {
    fn len(&self) -> usize {
        <[Entry]>::len(self)
    }
    fn record(&self, index: usize) -> Record<'_> {
        self[index].record()
    }
}

impl Records for Vec<Entry> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn record(&self, index: usize) -> Record<'_> {
        self[index].record()
    }
}
