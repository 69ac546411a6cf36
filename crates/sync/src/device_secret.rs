//! Where a counter keeps the secret the platform gave its device at registration: the OS
//! keyring (Secret Service) when the machine has one; otherwise a file beside the database,
//! readable by its user only (a headless box, the tests). Never in the database itself, so a
//! copy of the counter's database cannot log in as the device.

use std::path::{Path, PathBuf};

use uuid::Uuid;

const KEYRING_SERVICE: &str = "cn.hospital.inpatient-cashier.device";

/// The fallback file for the database at `db`.
pub fn file_of(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".device-secret");
    db.with_file_name(name)
}

fn entry(device: Uuid) -> Option<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &device.to_string()).ok()
}

/// Keeps `secret` for `device`: in the keyring if it takes it, else in the 0600 file.
pub fn save(db: &Path, device: Uuid, secret: &str) -> std::io::Result<()> {
    if entry(device).is_some_and(|e| e.set_password(secret).is_ok()) {
        return Ok(());
    }
    tracing::warn!("no OS keyring: the device secret is kept in {} (0600)", file_of(db).display());
    write_private(&file_of(db), secret)
}

/// The secret kept for `device`, from the keyring or the file.
pub fn load(db: &Path, device: Uuid) -> Option<String> {
    if let Some(secret) = entry(device).and_then(|e| e.get_password().ok()) {
        return Some(secret);
    }
    std::fs::read_to_string(file_of(db)).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[cfg(unix)]
fn write_private(path: &Path, secret: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(secret.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, secret: &str) -> std::io::Result<()> {
    std::fs::write(path, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_sits_beside_the_database_and_only_its_user_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("counter.db");
        assert_eq!(file_of(&db), dir.path().join("counter.db.device-secret"));
        write_private(&file_of(&db), "s3cret").unwrap();
        assert_eq!(std::fs::read_to_string(file_of(&db)).unwrap(), "s3cret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file_of(&db)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
