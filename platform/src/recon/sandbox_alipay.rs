//! The sandbox Alipay trade bill: the zip Alipay publishes (`{pid}_{yyyyMMdd}_业务明细.csv` and
//! its `(汇总)` file, GBK text, 0.6% service fee), written from ledger rows.

use std::fmt::Write as _;
use std::io::Write as _;

use chrono::NaiveDate;

use crate::recon::ledger::{LedgerRow, sandbox_fee_fen, yuan_text};

const PID: &str = "20881234567890120156";

fn trade_no(row: &LedgerRow, index: usize) -> String {
    if row.third_party_no.is_empty() {
        format!("{}2200145886{:010}", row.at.format("%Y%m%d"), index + 1)
    } else {
        row.third_party_no.clone()
    }
}

/// The zip's bytes.
pub fn alipay_bill(day: NaiveDate, rows: &[LedgerRow]) -> anyhow::Result<Vec<u8>> {
    let next = day + chrono::Duration::days(1);
    let range = format!(
        "#起始日期：[{} 00:00:00]   终止日期：[{} 00:00:00]\n",
        day.format("%Y年%m月%d日"),
        next.format("%Y年%m月%d日")
    );
    let mut detail = format!(
        "#支付宝业务明细查询\n#账号：[{PID}]\n{range}#-----------------------------------------业务明细列表----------------------------------------\n"
    );
    detail.push_str("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n");
    let (mut trades, mut refunds, mut traded, mut refunded, mut fees) = (0, 0, 0i64, 0i64, 0i64);
    for (i, r) in rows.iter().enumerate() {
        let time = r.at.format("%Y-%m-%d %H:%M:%S");
        let refund = r.kind == "refund";
        let (amount, fee) = if refund { (-r.fen, sandbox_fee_fen(r.fen)) } else { (r.fen, -sandbox_fee_fen(r.fen)) };
        let request = if refund { format!("{}\t", r.refund_no) } else { String::new() };
        let _ = writeln!(
            detail,
            "{}\t,{}\t,{},住院预交金,{time},{time},,,,,138****0001,{},{},0.00,0.00,0.00,0.00,0.00,,0.00,0.00,{request},{},0.00,",
            trade_no(r, i),
            r.order_no,
            if refund { "退款" } else { "交易" },
            yuan_text(amount),
            yuan_text(amount),
            yuan_text(fee)
        );
        if refund {
            refunds += 1;
            refunded += r.fen;
        } else {
            trades += 1;
            traded += r.fen;
        }
        fees += fee;
    }
    detail.push_str("#-----------------------------------------业务明细列表结束------------------------------------\n");
    let _ = writeln!(detail, "#交易合计：{trades}笔，商家实收共{}元，商家优惠共0.00元", yuan_text(traded));
    let _ = writeln!(detail, "#退款合计：{refunds}笔，商家实收退款共{}元，商家优惠退款共0.00元", yuan_text(-refunded));
    let _ = writeln!(detail, "#导出时间：[{} 08:01:12]", next.format("%Y年%m月%d日"));
    let net = traded - refunded;
    let mut summary = format!(
        "#支付宝业务汇总查询\n#账号：[{PID}]\n{range}#-----------------------------------------业务汇总列表----------------------------------------\n"
    );
    summary.push_str("门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）\n");
    let figures = format!(
        "{trades},{refunds},{},{},0.00,0.00,0.00,{},0.00,{}",
        yuan_text(net),
        yuan_text(net),
        yuan_text(fees),
        yuan_text(net + fees)
    );
    let _ = writeln!(summary, ",,{figures}\n合计,,{figures}");
    summary.push_str("#-----------------------------------------业务汇总列表结束-----------------------------------\n");
    let _ = writeln!(summary, "#导出时间：[{} 08:01:12]", next.format("%Y年%m月%d日"));
    let compact = day.format("%Y%m%d");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in
        [(format!("{PID}_{compact}_业务明细.csv"), detail), (format!("{PID}_{compact}_业务明细(汇总).csv"), summary)]
    {
        zip.start_file(name, options)?;
        zip.write_all(&encoding_rs::GBK.encode(&text).0)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_alipay_bill_reads_back_with_its_summaries() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let row = |order: &str, kind: &'static str, refund_no: &str, fen: i64| LedgerRow {
            order_no: order.into(),
            channel: "alipay",
            third_party_no: String::new(),
            kind,
            refund_no: refund_no.into(),
            fen,
            status: "success".into(),
            at: day.and_hms_opt(10, 0, 0).unwrap(),
        };
        let rows =
            [row("D1", "payment", "", 50_000), row("D2", "payment", "", 30_000), row("D1", "refund", "R1", 8_000)];
        let bytes = alipay_bill(day, &rows).unwrap();
        let report = statements::check(statements::Format::Alipay, "alipay.zip", &bytes).unwrap();
        assert_eq!((report.rows, report.payments, report.refunds), (3, 2, 1));
        assert_eq!(report.payment_amount.to_string(), "800.00");
        assert_eq!(report.refund_amount.to_string(), "80.00");
        assert_eq!(report.summary_agreed, Some(true));
    }
}
