//! Alipay trade bills: the zip with `{pid}_{yyyyMMdd}_业务明细.csv` and
//! `{pid}_{yyyyMMdd}_业务明细(汇总).csv`, both GBK (names too). The detail's own `#交易合计` /
//! `#退款合计` lines and the summary file's 合计 row must both agree with the rows.

mod detail;
mod summary;

use chrono::NaiveDateTime;
use domain::Money;

use crate::archive::{decode_gbk, is_zip, zip_entries};
use crate::error::{Ctx, StatementError};
use crate::totals::{Parsed, Scan};
use crate::{Fee, Kind, Status};

/// One detail row of an Alipay bill, borrowing from the decoded detail text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlipayRow<'a> {
    /// 1-based line in the detail file.
    pub line: u64,
    /// 支付宝交易号: the third-party no. (the trailing TAB trimmed).
    pub trade_no: &'a str,
    /// 商户订单号: the platform order no.
    pub out_trade_no: &'a str,
    /// 业务类型 as written (`交易`, `退款`).
    pub business_type: &'a str,
    pub kind: Kind,
    pub product: &'a str,
    /// 创建时间, when present.
    pub created_at: Option<NaiveDateTime>,
    /// 完成时间 (the day boundary); 创建时间 when the bill has no 完成时间.
    pub finished_at: NaiveDateTime,
    pub store_id: &'a str,
    /// 订单金额（元） as written: negative on refunds.
    pub order_amount: Money,
    /// 商家实收（元） as written: negative on refunds.
    pub received: Money,
    /// 商家优惠（元） as written (zero when the column is absent).
    pub merchant_discount: Money,
    /// 退款批次号/请求号: the merchant refund request no., the refund's key (`""` on trades).
    pub refund_request_no: &'a str,
    /// 服务费（元） as written (zero when the column is absent).
    pub service_fee: Money,
    pub remark: &'a str,
}

impl AlipayRow<'_> {
    /// Rows in a trade bill are completed business: all successes.
    pub fn status(&self) -> Status {
        Status::Success
    }
    /// The magnitude the platform compares: |订单金额|.
    pub fn amount(&self) -> Money {
        self.order_amount.abs()
    }
    /// 商户订单号 for a trade, 退款批次号/请求号 for a refund.
    pub fn key(&self) -> &str {
        match self.kind {
            Kind::Payment => self.out_trade_no,
            Kind::Refund => self.refund_request_no,
        }
    }
    /// The service fee in our sign convention: charged (+) on a trade, given back (−) on a
    /// refund, whatever sign the bill printed.
    pub fn fee(&self) -> Fee {
        let fee = Fee::from_money(self.service_fee.abs());
        match self.kind {
            Kind::Payment => fee,
            Kind::Refund => -fee,
        }
    }
}

/// Reads an Alipay trade-bill zip, calling `on_row` for every detail row, and checks the detail
/// against its own 合计 lines and against the summary file. `file` names the zip in messages.
pub fn read_alipay(file: &str, bytes: &[u8], on_row: impl FnMut(&AlipayRow<'_>)) -> Result<Parsed, StatementError> {
    scan(file, bytes, on_row)?.into_parsed()
}

pub(crate) fn scan(file: &str, bytes: &[u8], on_row: impl FnMut(&AlipayRow<'_>)) -> Result<Scan, StatementError> {
    let ctx = Ctx::new(file);
    if bytes.is_empty() {
        return Err(ctx.empty());
    }
    if !is_zip(bytes) {
        return Err(ctx.archive("不是 zip 压缩包（支付宝账单应为 zip）"));
    }
    let entries = zip_entries(bytes, ctx)?;
    let csv = |e: &&crate::archive::Entry| e.name.to_lowercase().ends_with(".csv") && e.name.contains("业务明细");
    let detail = entries.iter().filter(csv).find(|e| !e.name.contains("汇总"));
    let summary = entries.iter().filter(csv).find(|e| e.name.contains("汇总"));
    let (Some(detail), Some(summary)) = (detail, summary) else {
        return Err(ctx.missing("压缩包中应有“业务明细”和“业务明细(汇总)”两个文件"));
    };
    let detail_name = format!("{file}/{}", detail.name);
    let detail_ctx = Ctx::new(&detail_name);
    let detail_text = decode_gbk(&detail.data, detail_ctx)?;
    let counted = detail::parse(&detail_text, detail_ctx, on_row)?;
    let summary_name = format!("{file}/{}", summary.name);
    let summary_ctx = Ctx::new(&summary_name);
    let summary_text = decode_gbk(&summary.data, summary_ctx)?;
    let stated = summary::parse(&summary_text, summary_ctx)?;
    let totals = counted.tally.finish(ctx)?;
    let agreed = counted.check_trailers(detail_ctx).and_then(|_| stated.check(&counted, summary_ctx));
    Ok(Scan { format: "alipay-trade", totals, summary: agreed })
}
