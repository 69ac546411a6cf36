//! Insurance intents (migration 0005): what the counter was about to ask the insurance
//! back-end (settle or reverse), appended before the call, and each outcome appended after it
//! (`done`, `reversed`, `failed`). An intent's state is its latest outcome; one without any, or
//! whose latest is `failed`, is unresolved. Nothing here is ever updated or deleted.

use chrono::NaiveDateTime;
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{time_text, uuid};
use crate::error::Result;

/// What the counter was about to ask insurance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntentKind {
    Settle,
    Reverse,
}

impl IntentKind {
    pub fn code(self) -> &'static str {
        match self {
            IntentKind::Settle => "settle",
            IntentKind::Reverse => "reverse",
        }
    }
}

/// How an intent ended (so far: the latest outcome counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The local settlement or recall committed with it.
    Done,
    /// What went through at insurance was undone (or nothing had).
    Reversed,
    /// A reversal could not be made: retried at the next start and on demand.
    Failed,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Reversed => "reversed",
            Outcome::Failed => "failed",
        }
    }

    fn from_code(code: &str) -> Option<Outcome> {
        match code {
            "done" => Some(Outcome::Done),
            "reversed" => Some(Outcome::Reversed),
            "failed" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// An intent with its latest outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub kind: IntentKind,
    pub reference: Option<String>,
    pub claim: String,
    pub state: Option<Outcome>,
}

/// The intent to be written before the call.
pub struct NewIntent<'a> {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub kind: IntentKind,
    pub reference: Option<&'a str>,
    pub claim: &'a str,
    pub at: NaiveDateTime,
}

/// Appends an intent; a repeated key is `StoreError::Duplicate`.
pub async fn append(conn: &mut SqliteConnection, intent: &NewIntent<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO insurance_intents (key, admission_id, kind, reference, claim, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(intent.key.to_string())
    .bind(intent.admission_id.to_string())
    .bind(intent.kind.code())
    .bind(intent.reference)
    .bind(intent.claim)
    .bind(time_text(intent.at))
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends an outcome of the intent under `key`.
pub async fn append_outcome(
    conn: &mut SqliteConnection,
    key: Uuid,
    outcome: Outcome,
    detail: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query("INSERT INTO insurance_intent_outcomes (key, outcome, detail, at) VALUES (?1, ?2, ?3, ?4)")
        .bind(key.to_string())
        .bind(outcome.code())
        .bind(detail)
        .bind(time_text(at))
        .execute(conn)
        .await?;
    Ok(())
}

type Row = (String, String, String, Option<String>, String, Option<String>);

macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT i.key, i.admission_id, i.kind, i.reference, i.claim,
               (SELECT o.outcome FROM insurance_intent_outcomes o WHERE o.key = i.key ORDER BY o.id DESC LIMIT 1)
             FROM insurance_intents i ",
            $tail
        )
    };
}

fn intent(row: Row) -> Result<Intent> {
    let (key, admission, kind, reference, claim, state) = row;
    let kind = crate::codec::coded("insurance_intents.kind", &kind, |c| match c {
        "settle" => Some(IntentKind::Settle),
        "reverse" => Some(IntentKind::Reverse),
        _ => None,
    })?;
    let state = match state {
        Some(code) => Some(crate::codec::coded("insurance_intent_outcomes.outcome", &code, Outcome::from_code)?),
        None => None,
    };
    Ok(Intent { key: uuid(&key)?, admission_id: uuid(&admission)?, kind, reference, claim, state })
}

/// The intent under `key`, with its latest outcome.
pub async fn by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<Intent>> {
    let row: Option<Row> =
        sqlx::query_as(select!("WHERE i.key = ?1")).bind(key.to_string()).fetch_optional(conn).await?;
    row.map(intent).transpose()
}

/// Unresolved intents, oldest first: without outcome or failed (`failed_only`: just those).
pub async fn unresolved(conn: &mut SqliteConnection, failed_only: bool) -> Result<Vec<Intent>> {
    let rows: Vec<Row> = sqlx::query_as(select!("ORDER BY i.at, i.key")).fetch_all(conn).await?;
    let mut open = Vec::new();
    for row in rows {
        let intent = intent(row)?;
        let wanted = match intent.state {
            Some(Outcome::Failed) => true,
            None => !failed_only,
            Some(Outcome::Done | Outcome::Reversed) => false,
        };
        if wanted {
            open.push(intent);
        }
    }
    Ok(open)
}

/// Claims insurance reversed for a recall that never committed here: the settlement with that
/// reference is still active at the counter until it is recalled again (a person must look).
pub async fn reversed_without_recall(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT count(DISTINCT i.reference) FROM insurance_intents i
         WHERE i.kind = 'reverse'
           AND (SELECT o.outcome FROM insurance_intent_outcomes o WHERE o.key = i.key
                ORDER BY o.id DESC LIMIT 1) = 'reversed'
           AND EXISTS (SELECT 1 FROM settlements s WHERE s.insurance_ref = i.reference
                AND NOT EXISTS (SELECT 1 FROM settlement_recalls r WHERE r.settlement_id = s.id))",
    )
    .fetch_one(conn)
    .await?)
}
