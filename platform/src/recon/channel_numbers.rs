//! The numbers WeChat Pay and Alipay know the platform's money by: a WeChat or Alipay payment
//! is the channel's order (商户订单号, the counter's or the app's) and a refund its refund
//! number (商户退款单号), so the day's ledger rows of those channels carry them instead of the
//! receipt and settlement numbers; the channels' day bills are matched on them. Money the
//! channels took for a mobile deposit that could not be credited, and gave back, is on no
//! record: its payment and refund are added from the platform's own register, so the channel's
//! bill finds both; a refund the channel could not make, and its money paid in cash instead,
//! are not on the channel's bill and leave its rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::ledger::LedgerRow;
use crate::error::ApiResult;

fn through_channel(row: &LedgerRow) -> bool {
    (row.channel == "wechat" || row.channel == "alipay") && !row.third_party_no.is_empty()
}

/// Renumbers `rows` of the channels with the channels' numbers; adds the day's mobile payments
/// refunded without a record.
pub async fn apply(conn: &mut PgConnection, day: NaiveDate, rows: &mut Vec<LedgerRow>) -> ApiResult<()> {
    let transactions: Vec<String> =
        rows.iter().filter(|r| through_channel(r)).map(|r| r.third_party_no.clone()).collect();
    if !transactions.is_empty() {
        let orders: HashMap<String, String> = sqlx::query_as::<_, (String, String)>(
            "SELECT transaction_id, order_no FROM channel_order_events WHERE outcome = 'paid' AND transaction_id = ANY($1)",
        )
        .bind(&transactions)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
        let refunds: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT transaction_id, record_no, refund_no FROM channel_refunds WHERE transaction_id = ANY($1)",
        )
        .bind(&transactions)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows.iter_mut().filter(|r| through_channel(r)) {
            let Some(order_no) = orders.get(&row.third_party_no) else { continue };
            if row.kind == "refund" {
                let refund = refunds.iter().find(|(t, record_no, _)| {
                    *t == row.third_party_no && row.refund_no.starts_with(record_no.as_str())
                });
                match refund {
                    Some((_, _, refund_no)) => row.refund_no = refund_no.clone(),
                    None => continue,
                }
            }
            row.order_no = order_no.clone();
        }
    }
    drop_failed_refunds(conn, rows).await?;
    let from = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let to = from + chrono::Duration::days(1);
    let given_back: Vec<(String, String, String, i64, chrono::NaiveDateTime, String, chrono::NaiveDateTime)> =
        sqlx::query_as(
            "SELECT m.order_no, m.tender, m.transaction_id, m.amount_fen, m.paid_at, r.refund_no, r.at
               FROM mobile_payments m JOIN channel_refunds r ON r.refund_no = m.refund_no
              WHERE m.outcome = 'refunded' AND m.paid_at >= $1 AND m.paid_at < $2 ORDER BY m.paid_at",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
    for (order_no, tender, transaction_id, fen, paid_at, refund_no, refunded_at) in given_back {
        let channel = super::ledger::channel_of_tender(&tender);
        let base = LedgerRow {
            order_no,
            channel,
            third_party_no: transaction_id,
            kind: "payment",
            refund_no: String::new(),
            fen,
            status: "success".to_owned(),
            at: paid_at,
        };
        rows.push(LedgerRow { kind: "refund", refund_no, at: refunded_at, ..base.clone() });
        rows.push(base);
    }
    Ok(())
}

/// A refund the channel could not make moved no money there: it is not on the channel's bill,
/// nor is its money coming back onto the deposits (改退现金, the deposit line naming the refund).
async fn drop_failed_refunds(conn: &mut PgConnection, rows: &mut Vec<LedgerRow>) -> ApiResult<()> {
    let named: Vec<String> = rows
        .iter()
        .filter(|r| r.channel == "wechat" || r.channel == "alipay")
        .flat_map(|r| [r.refund_no.clone(), r.third_party_no.clone()])
        .filter(|n| !n.is_empty())
        .collect();
    if named.is_empty() {
        return Ok(());
    }
    let failed: Vec<String> = sqlx::query_scalar(
        "SELECT r.refund_no FROM channel_refunds r WHERE r.refund_no = ANY($1)
           AND (SELECT e.state FROM channel_refund_events e WHERE e.refund_no = r.refund_no AND e.state <> 'unavailable'
                ORDER BY e.id DESC LIMIT 1) = 'failed'",
    )
    .bind(&named)
    .fetch_all(&mut *conn)
    .await?;
    rows.retain(|r| {
        let of_channel = r.channel == "wechat" || r.channel == "alipay";
        let failed_refund = r.kind == "refund" && failed.contains(&r.refund_no);
        let returned = r.kind == "payment" && failed.contains(&r.third_party_no);
        !(of_channel && (failed_refund || returned))
    });
    Ok(())
}
