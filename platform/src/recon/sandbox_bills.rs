//! `platform sandbox-bills`: what the sandbox channels would publish for a day — the WeChat Pay
//! bill (ALL, backtick format, with its summary), the Alipay trade-bill zip, UnionPay's ZM file,
//! the insurance 3202 detail and the HIS transaction export — the WeChat and Alipay bills from
//! what the sandbox channels processed (their registers, `--channel-register`), the others from
//! the platform's own ledger of that day; all with a few deliberate differences, so a day's
//! reconciliation has something to find: the first WeChat payment missing (平台单边), the second
//! one ¥1.00 more (长款), one WeChat payment the platform never recorded (渠道单边), the first
//! cash payment missing from the HIS and one HIS-only cash payment. The Alipay bill has every
//! Alipay payment of the day and one the platform never recorded; the ZM file one card payment
//! the terminal never uploaded; the insurance file exactly what the platform has.

use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;

use crate::recon::ledger::{self, LedgerRow, sandbox_fee_fen, yuan_text};

/// What was written.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub wechat_rows: usize,
    pub his_rows: usize,
    pub alipay_rows: usize,
    pub unionpay_rows: usize,
    pub insurance_rows: usize,
}

/// WeChat states its fee in 1/100000 yuan: the fen fee, scaled.
fn fee_text(fee_fen: i64) -> String {
    statements::Fee::from_units(fee_fen * 1000).to_string()
}

fn wechat_no(row: &LedgerRow, index: usize) -> String {
    if row.third_party_no.is_empty() {
        format!("42000{}{:015}", row.at.format("%Y%m%d"), index + 1)
    } else {
        row.third_party_no.clone()
    }
}

/// The WeChat ALL bill of these rows.
pub fn wechat_bill(rows: &[LedgerRow]) -> String {
    let mut text = String::from(
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n",
    );
    let (mut paid, mut refunded, mut fees) = (0i64, 0i64, 0i64);
    for (i, r) in rows.iter().enumerate() {
        let time = r.at.format("%Y-%m-%d %H:%M:%S");
        let head = format!(
            "`{time},`wx2421b1c4370ec43b,`1900000109,`,`,`{},`{},`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE",
            wechat_no(r, i),
            r.order_no
        );
        if r.kind == "refund" {
            let fee = -sandbox_fee_fen(r.fen);
            let _ = writeln!(
                text,
                "{head},`REFUND,`CMB_CREDIT,`CNY,`0.00,`0.00,`5000000{:019},`{},`{},`0.00,`ORIGINAL,`SUCCESS,`住院预交金,`,`{},`0.60%,`0.00,`{},`",
                i + 1,
                r.refund_no,
                yuan_text(r.fen),
                fee_text(fee),
                yuan_text(r.fen)
            );
            refunded += r.fen;
            fees += fee;
        } else {
            let fee = sandbox_fee_fen(r.fen);
            let _ = writeln!(
                text,
                "{head},`SUCCESS,`CMB_CREDIT,`CNY,`{},`0.00,`0,`0,`0.00,`0.00,`,`,`住院预交金,`,`{},`0.60%,`{},`0.00,`",
                yuan_text(r.fen),
                fee_text(fee),
                yuan_text(r.fen)
            );
            paid += r.fen;
            fees += fee;
        }
    }
    text.push_str("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n");
    let _ = writeln!(
        text,
        "`{},`{},`{},`0.00,`{},`{},`{}",
        rows.len(),
        yuan_text(paid),
        yuan_text(refunded),
        fee_text(fees),
        yuan_text(paid),
        yuan_text(refunded)
    );
    text
}

/// The HIS export of these rows.
pub fn his_export(rows: &[LedgerRow]) -> String {
    let mut text = format!("{}\n", statements::HIS_HEADER);
    let (mut paid, mut refunded) = (0i64, 0i64);
    for (i, r) in rows.iter().enumerate() {
        let _ = writeln!(
            text,
            "H{}{:06},{},{},{},{},{},{},{}",
            r.at.format("%Y%m%d"),
            i + 1,
            r.order_no,
            r.channel,
            r.third_party_no,
            r.kind,
            r.refund_no,
            yuan_text(r.fen),
            r.at.format("%Y-%m-%d %H:%M:%S")
        );
        if r.kind == "refund" {
            refunded += r.fen;
        } else {
            paid += r.fen;
        }
    }
    let _ = writeln!(text, "#summary,{},{},{}", rows.len(), yuan_text(paid), yuan_text(refunded));
    text
}

fn extra(day: NaiveDate, channel: &'static str, order_no: &str, fen: i64) -> LedgerRow {
    LedgerRow {
        order_no: order_no.to_owned(),
        channel,
        third_party_no: String::new(),
        kind: "payment",
        refund_no: String::new(),
        fen,
        status: "success".to_owned(),
        at: day.and_hms_opt(12, 0, 0).unwrap_or_default(),
    }
}

/// What `tender`'s sandbox channel processed on `day`, from its register in `registers`, as
/// its bill lists it.
fn processed(registers: &Path, tender: domain::Tender, day: NaiveDate) -> anyhow::Result<Vec<LedgerRow>> {
    let file = registers.join(format!("{}.json", tender.code()));
    let clock = crate::clock::Clock::default().of_channels();
    let channel = channels::sandbox::SandboxChannel::keeping(tender, std::time::Duration::ZERO, file, clock)
        .map_err(anyhow::Error::msg)?;
    Ok(channel
        .day_rows(day)
        .into_iter()
        .map(|r| LedgerRow {
            order_no: r.order_no,
            channel: ledger::channel_of_tender(tender.code()),
            third_party_no: r.transaction_id,
            kind: if r.refund_no.is_empty() { "payment" } else { "refund" },
            refund_no: r.refund_no,
            fen: r.amount.fen(),
            status: "success".to_owned(),
            at: r.at,
        })
        .collect())
}

/// Writes the day's statements into `dir/<day>/` for `day`: the WeChat and Alipay bills from
/// the channels' `registers` when given (what they processed), else from the ledger.
pub async fn write(
    pool: &sqlx::PgPool,
    day: NaiveDate,
    dir: &Path,
    registers: Option<&Path>,
) -> anyhow::Result<Written> {
    let mut conn = pool.acquire().await?;
    let mut rows = ledger::journal_rows(&mut conn, day).await.map_err(|e| anyhow::anyhow!(e.body.message))?;
    ledger::apply_adjustments(&mut conn, day, &mut rows).await.map_err(|e| anyhow::anyhow!(e.body.message))?;
    let compact = day.format("%Y%m%d");
    let of_channel = |tender: domain::Tender| -> anyhow::Result<Vec<LedgerRow>> {
        match registers {
            Some(registers) => processed(registers, tender, day),
            None => Ok(rows.iter().filter(|r| r.channel == tender.code()).cloned().collect()),
        }
    };
    let mut wechat = of_channel(domain::Tender::WeChat)?;
    let first_payment = wechat.iter().position(|r| r.kind == "payment");
    if let Some(i) = first_payment {
        wechat.remove(i);
    }
    if let Some(second) = wechat.iter_mut().find(|r| r.kind == "payment") {
        second.fen += 100;
    }
    wechat.push(extra(day, "wechat", &format!("SBX{compact}0001"), 8_800));
    wechat.sort_by_key(|r| r.at);
    let mut his = rows.clone();
    if let Some(i) = his.iter().position(|r| r.channel == "cash" && r.kind == "payment") {
        his.remove(i);
    }
    his.push(extra(day, "cash", &format!("HIS{compact}0001"), 5_000));
    his.sort_by_key(|r| r.at);
    let folder = dir.join(day.format("%Y-%m-%d").to_string());
    std::fs::create_dir_all(&folder)?;
    std::fs::write(folder.join("wechat.csv"), wechat_bill(&wechat))?;
    std::fs::write(folder.join("his.csv"), his_export(&his))?;
    let mut alipay = of_channel(domain::Tender::Alipay)?;
    alipay.push(extra(day, "alipay", &format!("SBA{compact}0001"), 12_000));
    alipay.sort_by_key(|r| r.at);
    std::fs::write(folder.join("alipay.zip"), crate::recon::sandbox_alipay::alipay_bill(day, &alipay)?)?;
    let mut unionpay: Vec<LedgerRow> = rows.iter().filter(|r| r.channel == "unionpay").cloned().collect();
    let at = day.and_hms_opt(14, 0, 0).unwrap_or_default();
    unionpay.push(crate::recon::sandbox_terminal::unuploaded(at, &format!("SBU{compact}0001"), 26_000));
    unionpay.sort_by_key(|r| r.at);
    std::fs::write(folder.join("unionpay.zm"), crate::recon::sandbox_terminal::unionpay_zm(&unionpay))?;
    let insurance: Vec<LedgerRow> = rows.iter().filter(|r| r.channel == "insurance").cloned().collect();
    std::fs::write(folder.join("insurance.tsv"), crate::recon::sandbox_terminal::insurance_detail(&insurance))?;
    Ok(Written {
        wechat_rows: wechat.len(),
        his_rows: his.len(),
        alipay_rows: alipay.len(),
        unionpay_rows: unionpay.len(),
        insurance_rows: insurance.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(order: &str, channel: &'static str, kind: &'static str, refund_no: &str, fen: i64) -> LedgerRow {
        LedgerRow {
            order_no: order.into(),
            channel,
            third_party_no: String::new(),
            kind,
            refund_no: refund_no.into(),
            fen,
            status: "success".into(),
            at: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(9, 30, 0).unwrap(),
        }
    }

    #[test]
    fn the_sandbox_bills_read_back_with_their_summaries() {
        let rows = vec![
            row("D1", "wechat", "payment", "", 128_000),
            row("D2", "wechat", "payment", "", 50),
            row("D1", "wechat", "refund", "R1", 8_000),
        ];
        let bill = wechat_bill(&rows);
        let report = statements::check(statements::Format::Wechat, "wechat.csv", bill.as_bytes()).unwrap();
        assert_eq!((report.rows, report.payments, report.refunds), (3, 2, 1));
        assert_eq!(report.payment_amount.to_string(), "1280.50");
        assert_eq!(report.refund_amount.to_string(), "80.00");
        assert_eq!(report.summary_agreed, Some(true));
        let his = his_export(&[row("D3", "cash", "payment", "", 50_000), rows[2].clone()]);
        let report = statements::check(statements::Format::His, "his.csv", his.as_bytes()).unwrap();
        assert_eq!((report.rows, report.payments, report.refunds), (2, 1, 1));
        assert_eq!(report.summary_agreed, Some(true));
    }
}
