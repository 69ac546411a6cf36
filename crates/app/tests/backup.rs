//! Backups of a counter's database: one made while the counter works holds what the database
//! held and checks out; only the newest `backup.keep` are kept; a copy corrupted on purpose is
//! refused; a good one is restored (the replaced database kept beside it), and one behind the
//! counter's place in the platform's feed is refused unless forced.

mod support;

use std::io::{Seek, SeekFrom, Write};

use app::backup::{backups_in, restore};
use contract::cashier::DepositRequest;
use support::*;
use tempfile::TempDir;

/// The deposits in the database `db` (opened and closed first, so the file is whole).
async fn deposits(db: &std::path::Path) -> i64 {
    store::Store::open(db, store::OpenMode::MustExist).await.unwrap().close().await;
    let checked = store::backup::check(db).await.unwrap();
    checked.counts.iter().find(|(t, _)| *t == "deposits").unwrap().1
}

#[tokio::test]
async fn a_backup_is_checked_kept_refused_when_corrupt_and_restored() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 5).await;
    let db = dir.path().join("cashier.db");
    let cashier = login(&app, "cashier").await;
    let case_no = {
        let mut conn = app.store().conn().await.unwrap();
        store::patients::case_numbers(&mut conn).await.unwrap().remove(0)
    };
    let pay = |amount: &str| DepositRequest {
        case_no: case_no.clone(),
        key: key(),
        tenders: vec![tender("现金", amount)],
        cash_received: None,
    };
    app.take_deposit(&cashier, &pay("100.00")).await.unwrap();
    let first = app.back_up().await.unwrap();
    let live = deposits(&db).await;
    let held = first.counts.iter().find(|(t, _)| *t == "deposits").unwrap().1;
    assert_eq!(held, live, "the backup holds every deposit");
    assert!(first.path.starts_with(dir.path().join("backups")) && first.bytes > 0);
    // The start of the day's backup is not made twice in a day.
    assert!(app.back_up_if_due().await.unwrap().is_none());

    // Only the newest kept.
    let mut conn = app.store().conn().await.unwrap();
    store::settings::set(&mut conn, store::settings::BACKUP_KEEP, "2").await.unwrap();
    drop(conn);
    app.back_up().await.unwrap();
    let third = app.back_up().await.unwrap();
    let kept = backups_in(&dir.path().join("backups"));
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(!kept.contains(&first.path) && kept.contains(&third.path));

    // Corrupted on purpose: refused.
    let broken = dir.path().join("broken.db");
    std::fs::copy(&third.path, &broken).unwrap();
    let mut file = std::fs::OpenOptions::new().write(true).open(&broken).unwrap();
    file.seek(SeekFrom::Start(4096 + 100)).unwrap();
    file.write_all(&[0xA5; 3000]).unwrap();
    drop(file);
    let refused = store::backup::check(&broken).await.unwrap_err();
    assert_eq!(refused.code(), "BACKUP_CORRUPT", "{refused}");
    let refused = restore(&db, &broken, true, "t0").await.unwrap_err();
    assert_eq!(refused.code(), "BACKUP_CORRUPT");

    // A deposit after the backup; restoring the backup takes the database back to it.
    app.take_deposit(&cashier, &pay("50.00")).await.unwrap();
    let mut conn = app.store().conn().await.unwrap();
    store::settings::set(&mut conn, store::settings::PULL_CURSOR, "100").await.unwrap();
    drop(conn);
    app.store().close().await;
    let after = deposits(&db).await;
    assert_eq!(after, held + 1);
    let behind = restore(&db, &third.path, false, "t1").await.unwrap_err();
    assert_eq!(behind.code(), "BACKUP_BEHIND_PLATFORM", "{behind}");
    assert_eq!(deposits(&db).await, after, "a refused restore changes nothing");
    let restored = restore(&db, &third.path, true, "t2").await.unwrap();
    assert_eq!(deposits(&db).await, held);
    let aside = restored.kept_as.unwrap();
    assert_eq!(deposits(&aside).await, after, "the replaced database is kept beside it");
}
