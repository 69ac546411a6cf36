//! Store tests on real SQLite files: opening safely, append-only money rows, idempotency keys,
//! round trips through the journal, and lookups.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use demo::{DemoAdmission, DemoConfig, FeeDetail};
use domain::{DepositKind, InpatientAccount, Money, PatientQuery};
use sqlx::Connection;
use store::{OpenError, OpenMode, Store, StoreError, journal, patients};
use tempfile::TempDir;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

fn hospital(patients: usize) -> Vec<DemoAdmission> {
    demo::admissions(&DemoConfig { seed: 7, patients, now: now(), fees: FeeDetail::Full }).collect()
}

async fn open_new(dir: &TempDir) -> Store {
    Store::open(&dir.path().join("cashier.db"), OpenMode::CreateIfMissing).await.unwrap()
}

/// Writes demo admissions the way the app's seeding does (tests may not call the app crate).
async fn insert(store: &Store, admissions: &[DemoAdmission]) {
    let mut tx = store.begin().await.unwrap();
    for ward in demo::wards() {
        patients::insert_ward(&mut tx, &ward).await.unwrap();
    }
    for a in admissions {
        let id = a.admission.id;
        patients::insert_admission(&mut tx, &a.admission).await.unwrap();
        for e in &a.events {
            journal::append_event(&mut tx, id, e.key, e.event, e.at, &e.actor, None).await.unwrap();
        }
        for f in &a.fees {
            journal::append_fee(&mut tx, id, f.key, &f.value).await.unwrap();
        }
        let mut ids = Vec::new();
        for d in &a.deposits {
            let mut entry = d.value.clone();
            if let DepositKind::Reversal { of } = entry.kind {
                entry.kind = DepositKind::Reversal { of: ids[usize::try_from(of).unwrap()] };
            }
            ids.push(journal::append_deposit(&mut tx, id, d.key, &entry).await.unwrap());
        }
    }
    tx.commit().await.unwrap();
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[tokio::test]
async fn opens_with_wal_foreign_keys_and_full_sync() {
    let dir = TempDir::new().unwrap();
    let store = open_new(&dir).await;
    let mut conn = store.conn().await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *conn).await.unwrap();
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *conn).await.unwrap();
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap();
    assert_eq!((mode.as_str(), fk, sync), ("wal", 1, 2));
}

#[tokio::test]
async fn a_missing_file_is_not_invented_outside_demo_mode() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("nothing.db");
    let err = Store::open(&path, OpenMode::MustExist).await.unwrap_err();
    assert!(matches!(err, OpenError::Missing(_)));
    assert_eq!(err.code(), "DB_MISSING");
    assert!(!path.exists());
}

#[tokio::test]
async fn a_corrupt_file_is_refused_and_left_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("cashier.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    for mode in [OpenMode::MustExist, OpenMode::CreateIfMissing] {
        let err = Store::open(&path, mode).await.unwrap_err();
        assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
        assert!(err.to_string().contains("已损坏"), "{err}");
        assert_eq!(file_bytes(&path), garbage);
    }
}

#[tokio::test]
async fn a_database_damaged_inside_is_refused_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("cashier.db");
    let store = open_new(&dir).await;
    store.close().await;
    // Keep the header, scribble over the schema page.
    let mut bytes = file_bytes(&path);
    for b in bytes.iter_mut().skip(100).take(3000) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path, OpenMode::MustExist).await.unwrap_err();
    assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
    assert_eq!(file_bytes(&path), bytes);
}

#[tokio::test]
async fn a_newer_schema_is_refused_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("cashier.db");
    let store = open_new(&dir).await;
    let mut conn = store.conn().await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    store.close().await;
    let before = file_bytes(&path);
    let err = Store::open(&path, OpenMode::MustExist).await.unwrap_err();
    match &err {
        OpenError::NewerSchema { found, supported, .. } => {
            assert_eq!((*found, *supported), (9999, store::open::latest_version()))
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(err.to_string().contains("请升级收费程序"));
    assert_eq!(file_bytes(&path), before);
}

#[tokio::test]
async fn a_database_held_by_another_program_is_reported_locked() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("cashier.db");
    open_new(&dir).await.close().await;
    let mut holder = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut holder).await.unwrap();
    let err = Store::open(&path, OpenMode::MustExist).await.unwrap_err();
    assert!(matches!(err, OpenError::Locked(_)), "{err:?}");
    assert!(err.to_string().contains("占用"));
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    holder.close().await.unwrap();
    assert!(Store::open(&path, OpenMode::MustExist).await.is_ok());
}

#[tokio::test]
async fn money_rows_are_append_only() {
    let dir = TempDir::new().unwrap();
    let store = open_new(&dir).await;
    insert(&store, &hospital(2)).await;
    let mut conn = store.conn().await.unwrap();
    for sql in [
        "UPDATE fee_items SET amount_fen = 0",
        "DELETE FROM fee_items",
        "UPDATE deposits SET amount_fen = 1",
        "DELETE FROM deposits",
        "UPDATE deposit_tenders SET amount_fen = 1",
        "DELETE FROM admission_events",
    ] {
        let err = sqlx::query(sql).execute(&mut *conn).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn an_idempotency_key_applies_once() {
    let dir = TempDir::new().unwrap();
    let store = open_new(&dir).await;
    let hospital = hospital(1);
    insert(&store, &hospital).await;
    let a = &hospital[0];
    let mut conn = store.conn().await.unwrap();
    let fee = &a.fees[0];
    let err = journal::append_fee(&mut conn, a.admission.id, fee.key, &fee.value).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    let mut deposit = a.deposits[0].value.clone();
    deposit.receipt_no = "YJ9900000001".into();
    let err = journal::append_deposit(&mut conn, a.admission.id, a.deposits[0].key, &deposit).await.unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    let account = journal::load_account(&mut conn, a.admission.id).await.unwrap();
    assert_eq!(account.fees.len(), a.fees.len());
    assert_eq!(account.deposits.len(), a.deposits.len());
}

#[tokio::test]
async fn a_deposit_whose_tenders_do_not_add_up_is_refused() {
    let dir = TempDir::new().unwrap();
    let store = open_new(&dir).await;
    let hospital = hospital(1);
    insert(&store, &hospital).await;
    let a = &hospital[0];
    let mut deposit = a.deposits[0].value.clone();
    deposit.receipt_no = "YJ9900000002".into();
    deposit.amount += Money::from_fen(1).unwrap();
    let mut conn = store.conn().await.unwrap();
    let err = journal::append_deposit(&mut conn, a.admission.id, uuid::Uuid::now_v7(), &deposit).await.unwrap_err();
    assert!(matches!(err, StoreError::BadRow(_)));
}

#[tokio::test]
async fn the_journal_reads_back_what_was_written() {
    let dir = TempDir::new().unwrap();
    let store = open_new(&dir).await;
    let hospital = hospital(12);
    insert(&store, &hospital).await;
    let mut conn = store.conn().await.unwrap();
    for a in &hospital {
        let account = journal::load_account(&mut conn, a.admission.id).await.unwrap();
        let expected = InpatientAccount {
            state: domain::AdmissionState::replay(a.events.iter().map(|e| e.event)).unwrap(),
            fees: a.fees.iter().map(|f| f.value.clone()).collect(),
            deposits: a.deposits.iter().map(|d| d.value.clone()).collect(),
            ..InpatientAccount::default()
        };
        assert_eq!(account.state, expected.state);
        assert_eq!(account.fees_total(), expected.fees_total());
        assert_eq!(account.deposits_total(), expected.deposits_total());
        assert_eq!(account.balance(), expected.balance());
        assert_eq!(account.fees.len(), expected.fees.len());
        let sums: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(SUM(amount_fen),0) FROM deposits WHERE admission_id = ?1),
                    (SELECT COALESCE(SUM(amount_fen),0) FROM fee_items WHERE admission_id = ?1 AND status != 'cancelled')",
        )
        .bind(a.admission.id.to_string())
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(account.balance().fen(), sums.0 - sums.1, "SQL SUM over fen agrees with the domain");
        let found = patients::by_case_no(&mut conn, &a.admission.case_no).await.unwrap().unwrap();
        assert_eq!(found.admission, a.admission);
    }
}

#[tokio::test]
async fn finds_patients_by_every_kind_of_query() {
    let dir = TempDir::new().unwrap();
    let store = open_new(&dir).await;
    let hospital = hospital(40);
    insert(&store, &hospital).await;
    let mut conn = store.conn().await.unwrap();
    let find = |q: &str| PatientQuery::parse(q).unwrap();
    let zhang = &hospital[0].admission;
    let case_no = zhang.case_no.as_str().to_owned();
    for query in [case_no.clone(), format!("ZY{case_no}")] {
        let hits = patients::find(&mut conn, &find(&query)).await.unwrap();
        assert_eq!(hits.len(), 1, "{query}");
        assert_eq!(hits[0].admission.case_no.as_str(), case_no);
    }
    let hits = patients::find(&mut conn, &find("zs")).await.unwrap();
    assert!(hits.iter().any(|h| h.admission.patient.name.as_str() == "张三"));
    assert!(hits.iter().all(|h| h.admission.patient.name.initials().starts_with("zs")));
    let hits = patients::find(&mut conn, &find("张")).await.unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h.admission.patient.name.as_str().starts_with('张')));
    let with_id = hospital.iter().find(|a| a.admission.patient.resident_id.is_some()).unwrap();
    let id = with_id.admission.patient.resident_id.as_ref().unwrap().as_str().to_owned();
    let hits = patients::find(&mut conn, &find(&id)).await.unwrap();
    assert_eq!(hits[0].admission.case_no, with_id.admission.case_no);
    assert!(patients::find(&mut conn, &find("999999")).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_linked_counter_numbers_only_from_its_blocks() {
    use store::receipts::{self, Numbering, Series};
    let dir = TempDir::new().unwrap();
    let store = open_new(&dir).await;
    let mut conn = store.conn().await.unwrap();
    // Stand-alone: its own sequence.
    let (own, _) = receipts::next(&mut conn, "cashier", "01", Series::Deposit, Numbering::Own).await.unwrap();
    assert_eq!(own, "YJ0100000001");
    // Linked without a block: refused, never a number another counter may print.
    let refused = receipts::next(&mut conn, "cashier", "01", Series::Deposit, Numbering::Ranges).await;
    assert!(matches!(refused, Err(StoreError::NumbersExhausted)), "{refused:?}");
    receipts::add_range(&mut conn, "cashier", Series::Deposit, 501, 502, "01", now()).await.unwrap();
    let (ranged, seq) = receipts::next(&mut conn, "cashier", "01", Series::Deposit, Numbering::Ranges).await.unwrap();
    assert_eq!((ranged.as_str(), seq), ("YJ0100000501", 501));
}

#[tokio::test]
async fn a_closed_database_file_is_whole_on_its_own() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("cashier.db");
    let store = open_new(&dir).await;
    // Another connection on the file keeps SQLite from checkpointing at the pool's last close,
    // as sqlx's worker thread closing late, or a second program, would.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let _: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master").fetch_one(&mut other).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    for ward in demo::wards() {
        patients::insert_ward(&mut tx, &ward).await.unwrap();
    }
    tx.commit().await.unwrap();
    store.close().await;
    // The database file alone, without its -wal beside it, holds everything written.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    let mut alone = sqlx::SqliteConnection::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
    let wards: i64 = sqlx::query_scalar("SELECT count(*) FROM wards").fetch_one(&mut alone).await.unwrap();
    assert_eq!(usize::try_from(wards).unwrap(), demo::wards().len());
    other.close().await.unwrap();
}
