//! Statement parsers: WeChat Pay, Alipay, UnionPay ZM, insurance 3202, our HIS export and the
//! platform ledger, streamed, borrowing from the input, and checked against their own summaries.
//!
//! # Shape
//! Every parser is a function `read_*(file, input, on_row) -> Result<Parsed, StatementError>`
//! that calls `on_row` with each row as a struct of `&str` slices into the line being read
//! (nothing owned per row); `file` only names the file in messages. Text formats (WeChat,
//! ledger, HIS) read any `std::io::Read` in 1 MiB chunks, plain or gzip; zip-packed formats
//! (Alipay, UnionPay, insurance) take the file's bytes and decode each entry once. Columns are
//! found by header name (UnionPay ZM by fixed byte width, as the format has no header).
//! [`check`] reads a whole file into a [`CheckReport`]; [`fingerprint`] identifies a file so an
//! import recognises a statement it already has.
//!
//! # What is refused
//! A truncated file (no summary, an end marker missing, a last line cut short, a broken gzip),
//! the wrong encoding (WeChat/ledger/HIS/insurance are UTF-8; Alipay and UnionPay GBK, and a
//! re-saved UTF-8 Alipay file is refused), a row with a different cell count than its header, a
//! duplicate row (same key), an unparsable amount or time, an unknown status or kind, and a
//! summary that disagrees with the rows (the error names both figures). Each error has a stable
//! [`StatementError::code`] and a zh-CN message naming the file and the line.
//!
//! # Amounts and fees
//! Amounts are `domain::Money`, parsed exactly on the hot path by an integer fen parser that
//! agrees with `Money::parse`. Fees are [`Fee`], exact to 1/100000 yuan (WeChat prints five
//! decimals); sign convention: positive when the channel charged it, negative when given back
//! on a refund. Fees are never rounded while summing; a file's fee total is checked exactly
//! against its summary (`手续费总金额`). How they reconcile: see the `reconcile` crate (each
//! channel row's fee against the contracted rate, within half a fen).
//!
//! # Our formats
//! The HIS export is documented in [`his`] and the platform ledger in [`ledger`].

mod alipay;
mod amount;
mod archive;
mod cells;
mod check;
mod dedup;
mod error;
mod fingerprint;
pub mod his;
mod insurance;
pub mod ledger;
mod lines;
mod plaincsv;
mod totals;
mod unionpay;
mod vocab;
mod wechat;

pub use alipay::{AlipayRow, read_alipay};
pub use archive::{MAX_ENTRIES, MAX_ENTRY, MAX_RATIO, MAX_TOTAL};
pub use check::{CheckReport, Format, check};
pub use error::StatementError;
pub use fingerprint::{FingerprintReader, fingerprint};
pub use his::{HIS_HEADER, HisRow, read_his};
pub use insurance::{InsuranceRow, InsuranceTotals, read_insurance};
pub use ledger::{LEDGER_HEADER, LedgerRow, read_ledger, read_ledger_with};
pub use totals::{Parsed, ReadOptions, Summary, Totals};
pub use unionpay::{UnionpayRow, ZM_LINE, ZM_WIDTHS, read_unionpay, settle_date_from_name};
pub use vocab::{Channel, Fee, Kind, Status};
pub use wechat::{WechatLayout, WechatRow, read_wechat, read_wechat_with};
