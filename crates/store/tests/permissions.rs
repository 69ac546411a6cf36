//! The local database holds patients and money: its files are readable by their owner only,
//! when created and — tightened — when an existing one is opened.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use store::{OpenMode, Store};
use tempfile::TempDir;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn sibling(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

#[tokio::test]
async fn a_new_database_and_its_wal_and_shm_are_0600() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("cashier.db");
    let store = Store::open(&db, OpenMode::CreateIfMissing).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    sqlx::query("CREATE TABLE t (x INTEGER)").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(mode(&db), 0o600, "the database file");
    for suffix in ["-wal", "-shm"] {
        let file = sibling(&db, suffix);
        assert!(file.exists(), "{} exists while the store is open", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    store.close().await;
}

#[tokio::test]
async fn an_existing_database_readable_by_others_is_tightened_on_open() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("cashier.db");
    Store::open(&db, OpenMode::CreateIfMissing).await.unwrap().close().await;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open(&db, OpenMode::MustExist).await.unwrap();
    assert_eq!(mode(&db), 0o600);
    store.close().await;
}
