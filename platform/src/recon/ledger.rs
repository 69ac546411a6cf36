//! The platform's own ledger of a day, as the export CSV the engine reads
//! (`platform_order_no,channel,third_party_no,kind,refund_no,amount,status,paid_at`): every
//! tender of the day's deposits and settlement payments, the insurance fund's share of each
//! settlement, then the corrections a supervisor approved for that day.
//!
//! Numbers: a deposit's order no. is its receipt no. (`-2`, `-3`… for its further tenders), a
//! settlement's its settlement no.; a refund keeps the order no. of the money it returns and
//! gets its own receipt or settlement no. as refund no.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::Record;

use crate::error::{ApiError, ApiResult};

/// One ledger row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    pub order_no: String,
    pub channel: &'static str,
    pub third_party_no: String,
    pub kind: &'static str,
    pub refund_no: String,
    /// Magnitude, in fen.
    pub fen: i64,
    pub status: String,
    pub at: NaiveDateTime,
}

/// The reconciliation channel a tender's money goes through.
pub fn channel_of_tender(tender: &str) -> &'static str {
    match tender {
        "wechat" => "wechat",
        "alipay" => "alipay",
        "card" => "unionpay",
        "sscard" => "insurance",
        _ => "cash",
    }
}

fn numbered(base: &str, index: usize, count: usize) -> String {
    if count > 1 && index > 0 { format!("{base}-{}", index + 1) } else { base.to_owned() }
}

fn row(
    order_no: String,
    tender: &str,
    reference: &Option<String>,
    refund_no: String,
    fen: i64,
    at: NaiveDateTime,
) -> LedgerRow {
    LedgerRow {
        order_no,
        channel: channel_of_tender(tender),
        third_party_no: reference.clone().unwrap_or_default(),
        kind: if refund_no.is_empty() { "payment" } else { "refund" },
        refund_no,
        fen: fen.abs(),
        status: "success".to_owned(),
        at,
    }
}

/// The day's rows from the journal (deposits and settlements whose time falls on `day`).
pub async fn journal_rows(conn: &mut PgConnection, day: NaiveDate) -> ApiResult<Vec<LedgerRow>> {
    let from = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let to = from + chrono::Duration::days(1);
    let records: Vec<(serde_json::Value,)> = sqlx::query_as(
        "SELECT record FROM journal WHERE kind IN ('deposit', 'settlement')
           AND (record->>'at')::timestamp >= $1 AND (record->>'at')::timestamp < $2 ORDER BY seq",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let records: Vec<Record> = records
        .into_iter()
        .map(|(v,)| serde_json::from_value(v).map_err(ApiError::internal))
        .collect::<ApiResult<_>>()?;
    // The order numbers of the deposits refunds go back to (they may lie on earlier days).
    let wanted: Vec<Uuid> = records
        .iter()
        .filter_map(|r| match r {
            Record::Deposit(d) => d.reverses,
            Record::Settlement(s) => s.payments.iter().find_map(|p| p.deposit),
            _ => None,
        })
        .collect();
    let originals: HashMap<Uuid, String> = if wanted.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as("SELECT key, record->>'receipt_no' FROM journal WHERE key = ANY($1)")
            .bind(&wanted)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect()
    };
    let mut rows = Vec::new();
    for record in &records {
        match record {
            Record::Deposit(d) => {
                let count = d.tenders.len();
                for (i, t) in d.tenders.iter().enumerate() {
                    let fen = t.amount.money().fen();
                    match d.reverses {
                        Some(original) => {
                            let order = originals.get(&original).cloned().unwrap_or_else(|| d.receipt_no.clone());
                            rows.push(row(
                                order,
                                &t.tender,
                                &t.reference,
                                numbered(&d.receipt_no, i, count),
                                fen,
                                d.at,
                            ));
                        }
                        None if fen < 0 => {
                            rows.push(row(
                                d.receipt_no.clone(),
                                &t.tender,
                                &t.reference,
                                numbered(&d.receipt_no, i, count),
                                fen,
                                d.at,
                            ));
                        }
                        None => rows.push(row(
                            numbered(&d.receipt_no, i, count),
                            &t.tender,
                            &t.reference,
                            String::new(),
                            fen,
                            d.at,
                        )),
                    }
                }
            }
            Record::Settlement(s) => {
                let count = s.payments.len();
                for (i, p) in s.payments.iter().enumerate() {
                    let fen = p.amount.money().fen();
                    if fen < 0 {
                        let order = p
                            .deposit
                            .and_then(|k| originals.get(&k).cloned())
                            .unwrap_or_else(|| s.settlement_no.clone());
                        let refund_no = format!("{}-R{}", s.settlement_no, i + 1);
                        rows.push(row(order, &p.tender, &p.reference, refund_no, fen, s.at));
                    } else if fen > 0 {
                        rows.push(row(
                            numbered(&s.settlement_no, i, count),
                            &p.tender,
                            &p.reference,
                            String::new(),
                            fen,
                            s.at,
                        ));
                    }
                }
                let fund = s.insurance_fund.money().fen();
                if fund > 0 {
                    rows.push(row(
                        format!("{}-YB", s.settlement_no),
                        "sscard",
                        &s.insurance_ref,
                        String::new(),
                        fund,
                        s.at,
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(rows)
}

/// Applies the day's approved corrections, in the order they were approved.
pub async fn apply_adjustments(conn: &mut PgConnection, day: NaiveDate, rows: &mut Vec<LedgerRow>) -> ApiResult<()> {
    type Adjustment = (String, String, String, String, String, String, i64, String, NaiveDateTime);
    let adjustments: Vec<Adjustment> = sqlx::query_as(
        "SELECT correction, record_channel, kind, order_no, third_party_no, refund_no, amount_fen, status, paid_at
           FROM recon_adjustments WHERE day = $1 ORDER BY seq",
    )
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    for (correction, channel, kind, order_no, third_party_no, refund_no, fen, status, at) in adjustments {
        let same = |r: &LedgerRow| r.order_no == order_no && r.refund_no == refund_no && r.kind == kind;
        match correction.as_str() {
            "supplement" if !rows.iter().any(same) => rows.push(LedgerRow {
                order_no,
                channel: statements::Channel::parse(&channel).map(|c| c.as_str()).unwrap_or("cash"),
                third_party_no,
                kind: if kind == "refund" { "refund" } else { "payment" },
                refund_no,
                fen,
                status,
                at,
            }),
            "status" => rows.iter_mut().filter(|r| same(r)).for_each(|r| r.status = status.clone()),
            "amount" => rows.iter_mut().filter(|r| same(r)).for_each(|r| r.fen = fen),
            _ => {}
        }
    }
    Ok(())
}

/// The CSV the engine reads and finance downloads.
pub fn to_csv(rows: &[LedgerRow]) -> Vec<u8> {
    let mut text = String::with_capacity(64 + rows.len() * 96);
    text.push_str(statements::LEDGER_HEADER);
    text.push('\n');
    for r in rows {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{}.{:02},{},{}",
            r.order_no,
            r.channel,
            r.third_party_no,
            r.kind,
            r.refund_no,
            r.fen / 100,
            r.fen % 100,
            r.status,
            r.at.format("%Y-%m-%d %H:%M:%S")
        );
    }
    text.into_bytes()
}
