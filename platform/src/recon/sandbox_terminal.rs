//! The sandbox bills of the terminal-made channels: UnionPay's ZM file (fixed-width GBK, 608
//! bytes a line, amounts in fen, the 0.6% fee signed D/C) and the insurance 3202 detail file
//! (TAB-separated, one settlement per line, a reversal marked `refd_setl_flag` 1), written from
//! ledger rows. Both key on the channel's own number, so a platform record without one (a card
//! payment taken with no terminal reference) cannot be matched — as with the real channels.

use std::fmt::Write as _;

use chrono::NaiveDateTime;

use crate::recon::ledger::{LedgerRow, sandbox_fee_fen, yuan_text};

fn zm_line(fields: &[(usize, String)]) -> Vec<u8> {
    let mut line = Vec::with_capacity(statements::ZM_LINE + 2);
    for (i, width) in statements::ZM_WIDTHS.iter().enumerate() {
        let text = fields.iter().find(|(n, _)| *n == i + 1).map(|(_, t)| t.as_str()).unwrap_or("");
        let bytes = encoding_rs::GBK.encode(text).0;
        let bytes = &bytes[..bytes.len().min(*width)];
        line.extend_from_slice(bytes);
        line.resize(line.len() + width - bytes.len() + 1, b' ');
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// UnionPay's number of a transaction: a payment's is the terminal reference the platform
/// kept; a refund has its own (and names the payment's in field 27).
fn query_id(row: &LedgerRow, index: usize) -> String {
    if row.third_party_no.is_empty() || row.kind == "refund" {
        format!("{}{:07}", row.at.format("%Y%m%d%H%M%S"), index + 1)
    } else {
        row.third_party_no.clone()
    }
}

/// The ZM file of these rows (payments `01`, refunds `04`).
pub fn unionpay_zm(rows: &[LedgerRow]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let refund = r.kind == "refund";
        let fee = sandbox_fee_fen(r.fen);
        let fee_text = format!("{}{:012}", if refund { "C" } else { "D" }, fee);
        let query = query_id(r, i);
        let mut fields = vec![
            (1, if refund { "S30" } else { "S22" }.to_owned()),
            (2, "00049992900".to_owned()),
            (3, "01020000".to_owned()),
            (4, format!("{:06}", i + 1)),
            (5, r.at.format("%m%d%H%M%S").to_string()),
            (6, "6225********1234".to_owned()),
            (7, format!("{:012}", r.fen)),
            (8, "8062".to_owned()),
            (9, "07".to_owned()),
            (10, query.clone()),
            (12, if refund { r.refund_no.clone() } else { r.order_no.clone() }),
            (13, "01".to_owned()),
            (14, "000000".to_owned()),
            (15, "0000000000".to_owned()),
            (16, fee_text),
            (17, format!("{:013}", r.fen)),
            (18, "0001".to_owned()),
            (20, if refund { "04" } else { "01" }.to_owned()),
            (21, "01".to_owned()),
            (22, "000201".to_owned()),
            (23, "01".to_owned()),
            (26, "1".to_owned()),
            (28, "898111148990123".to_owned()),
            (29, "0".to_owned()),
            (31, "演示市第一人民医院".to_owned()),
            (32, "0000000000000".to_owned()),
            (33, format!("{:013}", r.fen)),
            (34, "01234567".to_owned()),
            (36, "0000000000000".to_owned()),
            (37, "0000000000000".to_owned()),
            (38, "000000000000".to_owned()),
            (39, "00".to_owned()),
            (40, "1".to_owned()),
        ];
        if refund {
            fields.push((27, r.third_party_no.clone()));
            fields.push((41, r.order_no.clone()));
        }
        out.extend(zm_line(&fields));
    }
    out
}

/// The insurance 3202 detail file of these rows.
pub fn insurance_detail(rows: &[LedgerRow]) -> String {
    let mut text =
        String::from("setl_id\tmdtrt_id\tpsn_no\tmedfee_sumamt\tfund_pay_sumamt\tacct_pay\trefd_setl_flag\n");
    for (i, r) in rows.iter().enumerate() {
        let refund = r.kind == "refund";
        let amount = yuan_text(if refund { -r.fen } else { r.fen });
        let setl = if refund { &r.refund_no } else { &r.third_party_no };
        let setl = if setl.is_empty() { format!("SBX{:010}", i + 1) } else { setl.clone() };
        let _ = writeln!(
            text,
            "{setl}\t{}\t330100000000{:08}\t{amount}\t{amount}\t0.00\t{}",
            r.order_no,
            i + 1,
            u8::from(refund)
        );
    }
    text
}

/// A terminal payment the platform never received (the terminal did not upload it).
pub fn unuploaded(at: NaiveDateTime, order_no: &str, fen: i64) -> LedgerRow {
    LedgerRow {
        order_no: order_no.to_owned(),
        channel: "unionpay",
        third_party_no: format!("{}9999999", at.format("%Y%m%d%H%M%S")),
        kind: "payment",
        refund_no: String::new(),
        fen,
        status: "success".to_owned(),
        at,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn row(kind: &'static str, third: &str, refund_no: &str, fen: i64) -> LedgerRow {
        LedgerRow {
            order_no: "YJ0100000001".into(),
            channel: "unionpay",
            third_party_no: third.into(),
            kind,
            refund_no: refund_no.into(),
            fen,
            status: "success".into(),
            at: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(9, 15, 2).unwrap(),
        }
    }

    #[test]
    fn the_terminal_bills_read_back() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let rows = [row("payment", "UP123456789012", "", 128_000), row("refund", "UP123456789012", "TK01", 8_000)];
        let zm = unionpay_zm(&rows);
        assert_eq!(zm.len(), 2 * (statements::ZM_LINE + 2));
        let format = statements::Format::Unionpay { settle_date: Some(day) };
        let report = statements::check(format, "unionpay.zm", &zm).unwrap();
        assert_eq!((report.rows, report.payments, report.refunds), (2, 1, 1));
        assert_eq!(report.payment_amount.to_string(), "1280.00");
        let detail =
            insurance_detail(&[row("payment", "SB0001", "", 80_000), row("refund", "SB0001", "SB0001R", 80_000)]);
        let report = statements::check(statements::Format::Insurance, "insurance.tsv", detail.as_bytes()).unwrap();
        assert_eq!((report.rows, report.payments, report.refunds), (2, 1, 1));
        assert_eq!(report.refund_amount.to_string(), "800.00");
    }
}
