//! The platform's own ledger of a day, as the export CSV the engine reads
//! (`platform_order_no,channel,third_party_no,kind,refund_no,amount,status,paid_at`): every
//! tender of the day's deposits and settlement payments, insurance's share of each insured
//! settlement (fund and personal account, as the 3202 file counts it) and its reversal when the
//! settlement is recalled, then the corrections a supervisor approved for that day. A recall's
//! transfer of the settled money back into deposits moves no money through any channel and is
//! left out.
//!
//! Numbers: a deposit's order no. is its receipt no. (`-2`, `-3`… for its further tenders), a
//! settlement's its settlement no.; a refund keeps the order no. of the money it returns and
//! gets its own receipt or settlement no. as refund no. — except WeChat's and Alipay's, which
//! carry the channel's order and refund numbers (`channel_numbers`).

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
        // A card's reference is the POS slip: UnionPay's day file carries its 参考号.
        third_party_no: reference
            .as_deref()
            .map(|r| domain::account::pos::PosSlip::reference_of(r).unwrap_or_else(|| r.to_owned()))
            .unwrap_or_default(),
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
        "SELECT record FROM journal WHERE kind IN ('deposit', 'settlement', 'recall')
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
    // The deposits refunds go back to and the settlements recalled (they may lie on earlier
    // days).
    let wanted: Vec<Uuid> = records
        .iter()
        .flat_map(|r| match r {
            Record::Deposit(d) => d.reverses.into_iter().collect::<Vec<_>>(),
            Record::Settlement(s) => s.payments.iter().filter_map(|p| p.deposit).collect(),
            Record::Recall(r) => vec![r.settlement],
            _ => Vec::new(),
        })
        .collect();
    let referenced: Vec<Record> = if wanted.is_empty() {
        Vec::new()
    } else {
        let rows: Vec<(serde_json::Value,)> = sqlx::query_as("SELECT record FROM journal WHERE key = ANY($1)")
            .bind(&wanted)
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter().map(|(v,)| serde_json::from_value(v).map_err(ApiError::internal)).collect::<ApiResult<_>>()?
    };
    let mut rows = rows_from(&records, &referenced);
    super::channel_numbers::apply(conn, day, &mut rows).await?;
    Ok(rows)
}

/// The ledger rows of `records`; `referenced` holds the deposits their refunds go back to and
/// the settlements they recall.
pub fn rows_from(records: &[Record], referenced: &[Record]) -> Vec<LedgerRow> {
    let originals: HashMap<Uuid, String> = referenced
        .iter()
        .filter_map(|r| match r {
            Record::Deposit(d) => Some((d.key, d.receipt_no.clone())),
            _ => None,
        })
        .collect();
    let recalled: HashMap<Uuid, &wire::records::SettlementRecord> = referenced
        .iter()
        .filter_map(|r| match r {
            Record::Settlement(s) => Some((s.key, s)),
            _ => None,
        })
        .collect();
    let mut rows = Vec::new();
    for record in records {
        match record {
            Record::Deposit(d) if d.deposit_kind == "recall_transfer" => {}
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
                let insured = insured_fen(s);
                if insured > 0 {
                    let order = format!("{}-YB", s.settlement_no);
                    rows.push(row(order, "sscard", &s.insurance_ref, String::new(), insured, s.at));
                }
            }
            Record::Recall(r) => {
                if let Some(s) = recalled.get(&r.settlement)
                    && let Some(reference) = &s.insurance_ref
                    && insured_fen(s) > 0
                {
                    let order = format!("{}-YB", s.settlement_no);
                    rows.push(row(order, "sscard", &s.insurance_ref, reference.clone(), insured_fen(s), r.at));
                }
            }
            _ => {}
        }
    }
    rows
}

/// What insurance paid of a settlement, as its 3202 file counts it: fund plus personal account.
fn insured_fen(s: &wire::records::SettlementRecord) -> i64 {
    s.insurance_fund.money().fen() + s.personal_account.money().fen()
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

/// An amount in fen as statement files write it (`1234.50`, `-80.00`): the domain's `Money`.
pub fn yuan_text(fen: i64) -> String {
    domain::Money::from_fen(fen).map_or_else(|e| e.to_string(), |m| m.to_string())
}

/// The channels' fee in the sandbox: 0.6% of `fen`, rounded half up to the fen.
pub fn sandbox_fee_fen(fen: i64) -> i64 {
    (fen * 6 + 500) / 1000
}

/// The CSV the engine reads and finance downloads.
pub fn to_csv(rows: &[LedgerRow]) -> Vec<u8> {
    let mut text = String::with_capacity(64 + rows.len() * 96);
    text.push_str(statements::LEDGER_HEADER);
    text.push('\n');
    for r in rows {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{},{}",
            r.order_no,
            r.channel,
            r.third_party_no,
            r.kind,
            r.refund_no,
            yuan_text(r.fen),
            r.status,
            r.at.format("%Y-%m-%d %H:%M:%S")
        );
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use contract::Yuan;
    use domain::Money;
    use wire::records::{DepositRecord, PaymentRecord, RecallRecord, SettlementRecord, TenderRecord};

    use super::*;

    fn yuan(text: &str) -> Yuan {
        Yuan(Money::parse(text).unwrap())
    }
    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }
    fn tender(tender: &str, amount: &str, reference: Option<&str>) -> TenderRecord {
        TenderRecord { tender: tender.into(), amount: yuan(amount), reference: reference.map(Into::into) }
    }
    fn deposit(receipt: &str, kind: &str, reverses: Option<Uuid>, tenders: Vec<TenderRecord>) -> DepositRecord {
        let amount = tenders.iter().map(|t| t.amount.money()).sum();
        DepositRecord {
            key: crate::clock::Clock::default().key(),
            admission_id: Uuid::nil(),
            receipt_no: receipt.into(),
            deposit_kind: kind.into(),
            reverses,
            settlement: None,
            amount: Yuan(amount),
            tenders,
            at: at(9),
            cashier: "王丽".into(),
            reason: None,
        }
    }

    #[test]
    fn the_ledger_follows_the_money_through_each_channel() {
        let paid = deposit(
            "YJ01",
            "deposit",
            None,
            vec![tender("wechat", "300.00", Some("4200001")), tender("cash", "200.00", None)],
        );
        let reversed = deposit("YJ02", "reversal", Some(paid.key), vec![tender("wechat", "-100.00", Some("4200001"))]);
        let settlement = SettlementRecord {
            key: crate::clock::Clock::default().key(),
            admission_id: Uuid::nil(),
            settlement_no: "JS01".into(),
            settlement_kind: "discharge".into(),
            fees: yuan("1500.00"),
            insurance_fund: yuan("700.00"),
            personal_account: yuan("100.00"),
            blood_reimbursement: yuan("0.00"),
            deposits_applied: yuan("500.00"),
            due: yuan("200.00"),
            insurance_ref: Some("SETL0001".into()),
            place: "counter".into(),
            cashier: "王丽".into(),
            at: at(15),
            trial_version: "v".into(),
            fee_keys: Vec::new(),
            blood_waiver: None,
            payments: vec![
                PaymentRecord {
                    tender: "card".into(),
                    amount: yuan("250.00"),
                    reference: Some("AB123456:123456789012:000321".into()),
                    deposit: None,
                },
                PaymentRecord {
                    tender: "wechat".into(),
                    amount: yuan("-50.00"),
                    reference: None,
                    deposit: Some(paid.key),
                },
            ],
        };
        let transfer = deposit("YJ03", "recall_transfer", None, vec![tender("card", "250.00", None)]);
        let recall = RecallRecord {
            key: crate::clock::Clock::default().key(),
            admission_id: Uuid::nil(),
            settlement: settlement.key,
            recall_kind: "settlement".into(),
            at: at(17),
            by: "王丽".into(),
            approved_by: "刘强".into(),
            approver: "supervisor".into(),
            reason: "结算有误".into(),
        };
        let records = [
            Record::Deposit(paid.clone()),
            Record::Deposit(reversed),
            Record::Settlement(settlement.clone()),
            Record::Deposit(transfer),
            Record::Recall(recall),
        ];
        let referenced = [Record::Deposit(paid), Record::Settlement(settlement)];
        let rows = rows_from(&records, &referenced);
        let seen: Vec<(&str, &str, &str, &str, i64)> =
            rows.iter().map(|r| (r.order_no.as_str(), r.channel, r.kind, r.refund_no.as_str(), r.fen)).collect();
        assert_eq!(
            seen,
            vec![
                ("YJ01", "wechat", "payment", "", 30_000),
                ("YJ01-2", "cash", "payment", "", 20_000),
                ("YJ01", "wechat", "refund", "YJ02", 10_000),
                ("JS01", "unionpay", "payment", "", 25_000),
                ("YJ01", "wechat", "refund", "JS01-R2", 5_000),
                // Insurance paid fund + personal account, as its 3202 file counts it.
                ("JS01-YB", "insurance", "payment", "", 80_000),
                // The recall gives insurance its money back; the transfer into deposits moves none.
                ("JS01-YB", "insurance", "refund", "SETL0001", 80_000),
            ]
        );
        assert_eq!(rows[0].third_party_no, "4200001");
        // A card is matched by the 参考号 of its POS slip, the key of UnionPay's day file.
        assert_eq!(rows[3].third_party_no, "123456789012");
        let csv = String::from_utf8(to_csv(&rows)).unwrap();
        assert!(csv.starts_with(statements::LEDGER_HEADER));
        assert!(csv.contains("\nJS01-YB,insurance,SETL0001,payment,,800.00,success,2026-11-24 15:00:00\n"), "{csv}");
        let report = statements::check(statements::Format::Ledger, "ledger.csv", csv.as_bytes()).unwrap();
        assert_eq!((report.rows, report.payments, report.refunds), (7, 4, 3));
    }
}
