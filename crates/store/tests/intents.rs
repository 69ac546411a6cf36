//! Insurance intents on a real SQLite file: an intent's state is its latest outcome, only
//! unfinished and failed ones are unresolved, and both tables refuse UPDATE and DELETE.

use chrono::{NaiveDate, NaiveDateTime};
use store::intents::{self, IntentKind, NewIntent, Outcome};
use store::{OpenMode, Store, StoreError};
use tempfile::TempDir;
use uuid::Uuid;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

fn intent(key: Uuid, kind: IntentKind, reference: Option<&str>) -> NewIntent<'_> {
    NewIntent { key, admission_id: Uuid::now_v7(), kind, reference, claim: "employee 2026900001", at: now() }
}

#[tokio::test]
async fn an_intent_is_unresolved_until_done_or_reversed() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("cashier.db"), OpenMode::CreateIfMissing).await.unwrap();
    let mut conn = store.conn().await.unwrap();
    let (settle, reverse) = (Uuid::now_v7(), Uuid::now_v7());
    intents::append(&mut conn, &intent(settle, IntentKind::Settle, None)).await.unwrap();
    intents::append(&mut conn, &intent(reverse, IntentKind::Reverse, Some("YB1"))).await.unwrap();
    let again = intents::append(&mut conn, &intent(settle, IntentKind::Settle, None)).await.unwrap_err();
    assert!(matches!(again, StoreError::Duplicate(_)), "{again:?}");
    assert_eq!(intents::unresolved(&mut conn, false).await.unwrap().len(), 2);
    assert!(intents::unresolved(&mut conn, true).await.unwrap().is_empty());

    intents::append_outcome(&mut conn, reverse, Outcome::Failed, Some("unavailable"), now()).await.unwrap();
    let failed = intents::unresolved(&mut conn, true).await.unwrap();
    assert_eq!(failed.iter().map(|i| (i.key, i.state)).collect::<Vec<_>>(), vec![(reverse, Some(Outcome::Failed))]);
    intents::append_outcome(&mut conn, reverse, Outcome::Reversed, None, now()).await.unwrap();
    intents::append_outcome(&mut conn, settle, Outcome::Done, None, now()).await.unwrap();
    assert!(intents::unresolved(&mut conn, false).await.unwrap().is_empty());
    // Reversed, and no settlement here carries YB1: nothing waits for a recall.
    assert_eq!(intents::reversed_without_recall(&mut conn).await.unwrap(), 0);
    let read = intents::by_key(&mut conn, reverse).await.unwrap().unwrap();
    assert_eq!(
        (read.kind, read.reference.as_deref(), read.state),
        (IntentKind::Reverse, Some("YB1"), Some(Outcome::Reversed))
    );
}

#[tokio::test]
async fn intents_and_their_outcomes_are_append_only() {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("cashier.db"), OpenMode::CreateIfMissing).await.unwrap();
    let mut conn = store.conn().await.unwrap();
    let key = Uuid::now_v7();
    intents::append(&mut conn, &intent(key, IntentKind::Settle, None)).await.unwrap();
    intents::append_outcome(&mut conn, key, Outcome::Failed, None, now()).await.unwrap();
    for sql in [
        "UPDATE insurance_intents SET kind = 'reverse'",
        "DELETE FROM insurance_intents",
        "UPDATE insurance_intent_outcomes SET outcome = 'done'",
        "DELETE FROM insurance_intent_outcomes",
    ] {
        let err = sqlx::query(sql).execute(&mut *conn).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(intents::by_key(&mut conn, key).await.unwrap().unwrap().state, Some(Outcome::Failed));
}
