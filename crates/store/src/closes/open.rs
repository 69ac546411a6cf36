//! The records of one cashier a close takes: those up to a cut-off that no close in force holds
//! (or all of them, to check that closes add up), oldest first, read in a few bulk queries.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use domain::{InsuranceType, SettlementFigures, Tender, TenderLine};
use sqlx::{AssertSqlSafe, SqliteConnection};

use crate::codec::{coded, money, time, time_text};
use crate::error::Result;

/// What a close member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Deposit,
    Settlement,
    Recall,
    ReceiptVoid,
    PulledReceiptVoid,
    InvoiceEvent,
}

impl MemberKind {
    pub fn code(self) -> &'static str {
        match self {
            MemberKind::Deposit => "deposit",
            MemberKind::Settlement => "settlement",
            MemberKind::Recall => "recall",
            MemberKind::ReceiptVoid => "receipt_void",
            MemberKind::PulledReceiptVoid => "pulled_receipt_void",
            MemberKind::InvoiceEvent => "invoice_event",
        }
    }
}

/// Whose records: the username and the name the records carry.
#[derive(Clone, Copy, Debug)]
pub struct Whose<'a> {
    pub username: &'a str,
    pub name: &'a str,
}

/// A deposit, reversal or recall transfer waiting for a close.
#[derive(Clone, Debug)]
pub struct OpenDeposit {
    pub id: i64,
    pub receipt_no: String,
    /// `deposit`, `reversal` or `recall_transfer`.
    pub kind: String,
    pub tenders: Vec<TenderLine>,
    pub at: NaiveDateTime,
}

/// A settlement, or the recall of one, waiting for a close.
#[derive(Clone, Debug)]
pub struct OpenSettlement {
    /// The settlement's id, or the recall's.
    pub id: i64,
    pub settlement_no: String,
    pub figures: SettlementFigures,
    pub insurance: InsuranceType,
    pub payments: Vec<TenderLine>,
    pub at: NaiveDateTime,
}

/// A receipt void (作废重打) waiting for a close: the number voided and the one printed instead.
#[derive(Clone, Debug)]
pub struct OpenVoid {
    pub kind: MemberKind,
    pub id: i64,
    pub voided_no: String,
    pub new_no: Option<String>,
    pub at: NaiveDateTime,
}

/// An invoice event waiting for a close: an e-invoice issued for the cashier's settlement, the
/// red invoice of the cashier's recall, a paper copy printed or voided by the cashier.
#[derive(Clone, Debug)]
pub struct OpenInvoiceEvent {
    pub id: i64,
    /// `issued`, `reversed`, `paper_printed` or `paper_voided`.
    pub kind: String,
    pub number: String,
    pub at: NaiveDateTime,
}

/// Everything of one cashier not yet in a close in force, up to a cut-off, oldest first.
#[derive(Clone, Debug, Default)]
pub struct OpenRecords {
    pub deposits: Vec<OpenDeposit>,
    pub settlements: Vec<OpenSettlement>,
    pub recalls: Vec<OpenSettlement>,
    pub voids: Vec<OpenVoid>,
    pub invoice_events: Vec<OpenInvoiceEvent>,
}

impl OpenRecords {
    pub fn is_empty(&self) -> bool {
        self.deposits.is_empty()
            && self.settlements.is_empty()
            && self.recalls.is_empty()
            && self.voids.is_empty()
            && self.invoice_events.is_empty()
    }
}

fn tender_line(tender: &str, amount: i64, reference: Option<String>, column: &str) -> Result<TenderLine> {
    Ok(TenderLine { tender: coded(column, tender, |c| Tender::parse(c).ok())?, amount: money(amount)?, reference })
}

/// Puts the "no close in force holds it" condition where a query marks it
/// (`/*UNCLOSED kind alias*/`), or leaves it out when `closed_too`.
fn unclosed(query: &str, closed_too: bool) -> String {
    let mut out = String::with_capacity(query.len() + 128);
    let mut rest = query;
    while let Some(start) = rest.find("/*UNCLOSED ") {
        out.push_str(&rest[..start]);
        let tail = &rest[start + "/*UNCLOSED ".len()..];
        let end = tail.find("*/").unwrap_or(tail.len());
        let mut words = tail[..end].split_whitespace();
        let (kind, alias) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        if !closed_too {
            out.push_str(&format!(
                "AND NOT EXISTS (SELECT 1 FROM closed_records c WHERE c.kind = '{kind}' AND c.record_id = {alias}.id)"
            ));
        }
        rest = &tail[(end + 2).min(tail.len())..];
    }
    out.push_str(rest);
    out
}

/// The records of `whose` up to `until` that no close in force holds.
pub async fn open_records(conn: &mut SqliteConnection, whose: Whose<'_>, until: NaiveDateTime) -> Result<OpenRecords> {
    records(conn, whose, until, false).await
}

/// All records of `whose` up to `until`, closed or not (for the check that closes add up).
pub async fn all_records(conn: &mut SqliteConnection, whose: Whose<'_>, until: NaiveDateTime) -> Result<OpenRecords> {
    records(conn, whose, until, true).await
}

async fn records(
    conn: &mut SqliteConnection,
    whose: Whose<'_>,
    until: NaiveDateTime,
    all: bool,
) -> Result<OpenRecords> {
    let until = time_text(until);
    let mut out = OpenRecords::default();

    const OPEN_DEPOSITS: &str = "SELECT d.id FROM deposits d
        WHERE d.cashier IN (?1, ?2) AND d.at <= ?3
          AND d.idempotency_key NOT IN (SELECT key FROM rejected_records)
          /*UNCLOSED deposit d*/";
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(AssertSqlSafe(unclosed(
        &format!("SELECT id, receipt_no, kind, at FROM deposits WHERE id IN ({OPEN_DEPOSITS}) ORDER BY at, id"),
        all,
    )))
    .bind(whose.name)
    .bind(whose.username)
    .bind(&until)
    .fetch_all(&mut *conn)
    .await?;
    let tenders: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(AssertSqlSafe(unclosed(
        &format!(
            "SELECT deposit_id, tender, amount_fen, reference FROM deposit_tenders
             WHERE deposit_id IN ({OPEN_DEPOSITS}) ORDER BY deposit_id, seq"
        ),
        all,
    )))
    .bind(whose.name)
    .bind(whose.username)
    .bind(&until)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_deposit: HashMap<i64, Vec<TenderLine>> = HashMap::new();
    for (id, tender, amount, reference) in tenders {
        by_deposit.entry(id).or_default().push(tender_line(&tender, amount, reference, "deposit_tenders.tender")?);
    }
    for (id, receipt_no, kind, at) in rows {
        out.deposits.push(OpenDeposit {
            id,
            receipt_no,
            kind,
            tenders: by_deposit.remove(&id).unwrap_or_default(),
            at: time(&at)?,
        });
    }

    const OPEN_SETTLEMENTS: &str = "SELECT s.id FROM settlements s
        WHERE s.cashier IN (?1, ?2) AND s.at <= ?3
          AND s.idempotency_key NOT IN (SELECT key FROM rejected_records)
          /*UNCLOSED settlement s*/";
    out.settlements =
        settlements_of(conn, whose, &until, &unclosed(&format!("s.id IN ({OPEN_SETTLEMENTS})"), all), false).await?;

    const OPEN_RECALLS: &str = "SELECT r.settlement_id FROM settlement_recalls r
        WHERE r.by_user IN (?1, ?2) AND r.at <= ?3
          AND r.idempotency_key NOT IN (SELECT key FROM rejected_records)
          /*UNCLOSED recall r*/";
    out.recalls =
        settlements_of(conn, whose, &until, &unclosed(&format!("s.id IN ({OPEN_RECALLS})"), all), true).await?;

    let voids: Vec<(i64, String, Option<String>, String)> = sqlx::query_as(AssertSqlSafe(unclosed(
        "SELECT v.id, v.receipt_no,
                (SELECT r2.receipt_no FROM receipts r1 JOIN receipts r2 ON r2.deposit_id = r1.deposit_id AND r2.id > r1.id
                 WHERE r1.receipt_no = v.receipt_no ORDER BY r2.id LIMIT 1),
                v.at
         FROM receipt_voids v
         WHERE v.by_user IN (?1, ?2) AND v.at <= ?3
           /*UNCLOSED receipt_void v*/
         ORDER BY v.at, v.id",
        all,
    )))
    .bind(whose.name)
    .bind(whose.username)
    .bind(&until)
    .fetch_all(&mut *conn)
    .await?;
    for (id, voided_no, new_no, at) in voids {
        out.voids.push(OpenVoid { kind: MemberKind::ReceiptVoid, id, voided_no, new_no, at: time(&at)? });
    }
    let pulled: Vec<(i64, String, String, String)> = sqlx::query_as(AssertSqlSafe(unclosed(
        "SELECT p.id, p.voided_no, p.new_no, p.at FROM pulled_receipt_voids p
         WHERE p.by_user IN (?1, ?2) AND p.at <= ?3
           /*UNCLOSED pulled_receipt_void p*/
         ORDER BY p.at, p.id",
        all,
    )))
    .bind(whose.name)
    .bind(whose.username)
    .bind(&until)
    .fetch_all(&mut *conn)
    .await?;
    for (id, voided_no, new_no, at) in pulled {
        out.voids.push(OpenVoid {
            kind: MemberKind::PulledReceiptVoid,
            id,
            voided_no,
            new_no: Some(new_no),
            at: time(&at)?,
        });
    }

    let events: Vec<(i64, String, Option<String>, String)> = sqlx::query_as(AssertSqlSafe(unclosed(
        "SELECT e.id, e.kind, COALESCE(e.paper_no, e.red_number, e.number), e.at FROM invoice_events e
         LEFT JOIN settlements s ON s.idempotency_key = e.settlement_key
         LEFT JOIN settlement_recalls r ON r.settlement_id = s.id
         WHERE e.at <= ?3 AND e.kind <> 'failed'
           AND ((e.kind = 'issued' AND s.cashier IN (?1, ?2))
             OR (e.kind = 'reversed' AND r.by_user IN (?1, ?2))
             OR (e.kind IN ('paper_printed', 'paper_voided') AND e.by_user IN (?1, ?2)))
           /*UNCLOSED invoice_event e*/
         ORDER BY e.at, e.id",
        all,
    )))
    .bind(whose.name)
    .bind(whose.username)
    .bind(&until)
    .fetch_all(&mut *conn)
    .await?;
    for (id, kind, number, at) in events {
        out.invoice_events.push(OpenInvoiceEvent { id, kind, number: number.unwrap_or_default(), at: time(&at)? });
    }
    Ok(out)
}

type FiguresRow = (i64, i64, String, i64, i64, i64, i64, i64, i64, String, String);

/// Settlements matching `filter` with their payments; for recalls, the recall's id and time.
async fn settlements_of(
    conn: &mut SqliteConnection,
    whose: Whose<'_>,
    until: &str,
    filter: &str,
    recalls: bool,
) -> Result<Vec<OpenSettlement>> {
    let (id, at, join) = if recalls {
        ("r.id", "r.at", "JOIN settlement_recalls r ON r.settlement_id = s.id")
    } else {
        ("s.id", "s.at", "")
    };
    let rows: Vec<FiguresRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {id}, s.id, s.settlement_no, s.fees_fen, s.insurance_fund_fen, s.personal_account_fen, s.blood_fen,
                s.deposits_applied_fen, s.due_fen, a.insurance_type, {at}
         FROM settlements s JOIN admissions a ON a.id = s.admission_id {join}
         WHERE {filter} ORDER BY {at}, {id}"
    )))
    .bind(whose.name)
    .bind(whose.username)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    let payments: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT p.settlement_id, p.tender, p.amount_fen, p.reference FROM settlement_payments p
         WHERE p.settlement_id IN (SELECT s.id FROM settlements s WHERE {filter}) ORDER BY p.settlement_id, p.seq"
    )))
    .bind(whose.name)
    .bind(whose.username)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    let mut lines: HashMap<i64, Vec<TenderLine>> = HashMap::new();
    for (settlement, tender, amount, reference) in payments {
        lines.entry(settlement).or_default().push(tender_line(
            &tender,
            amount,
            reference,
            "settlement_payments.tender",
        )?);
    }
    rows.into_iter()
        .map(|(id, settlement, settlement_no, fees, fund, personal, blood, applied, due, insurance, at)| {
            Ok(OpenSettlement {
                id,
                figures: SettlementFigures {
                    fees: money(fees)?,
                    insurance_fund: money(fund)?,
                    personal_account: money(personal)?,
                    blood_reimbursement: money(blood)?,
                    deposits_applied: money(applied)?,
                    due: money(due)?,
                },
                insurance: coded("admissions.insurance_type", &insurance, InsuranceType::from_code)?,
                payments: lines.get(&settlement).cloned().unwrap_or_default(),
                settlement_no,
                at: time(&at)?,
            })
        })
        .collect()
}
