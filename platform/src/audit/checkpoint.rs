//! Signed checkpoints of the audit chain's head, kept outside the database: the hash chain shows
//! an edited or deleted row *before* the last one, but rows cut off the end (a `DELETE` of the
//! tail, a `TRUNCATE` with the triggers disabled) leave a shorter chain that still holds.
//!
//! `platform serve` appends a line to the checkpoint file whenever the head has moved (checked
//! every few seconds): the head's row number, its hash, the instant, and an HMAC-SHA256 over
//! them with a key from a file the platform creates (mode 0600) on first use. Periodic rather
//! than at each append, because an append happens inside its caller's transaction, which may
//! still roll back: the checkpointer reads only committed rows (appends take a table lock and
//! commit in id order, so the newest committed row is the head of a committed prefix). Before
//! writing, it checks that the chain still holds the previous checkpoint's row with its hash; if
//! not, it writes nothing (and logs), so the newest checkpoint keeps the evidence.
//! `platform audit verify` checks every line's signature and compares the chain with the newest.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// A checkpointed head: the chain then ended at row `rows` (ids run from 1) with `hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub rows: i64,
    pub hash: String,
    /// When it was taken (RFC 3339).
    pub at: String,
}

/// The secret the checkpoints are signed with.
pub struct Key(Vec<u8>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// Reads the key file, or creates it (32 random bytes as hex, mode 0600) if it is absent.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Key> {
        if !path.exists() {
            let mut raw = [0u8; 32];
            rand::rng().fill_bytes(&mut raw);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).with_context(|| format!("无法创建审计密钥文件 {}", path.display()))?;
            file.write_all(hex::encode(raw).as_bytes())?;
            file.sync_all()?;
        }
        Key::load(path)
    }

    /// Reads an existing key file; refuses one that others may read.
    pub fn load(path: &Path) -> anyhow::Result<Key> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .with_context(|| format!("无法读取审计密钥文件 {}", path.display()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                bail!("审计密钥文件 {} 的权限是 {:o}，应只有属主可读写（0600）", path.display(), mode & 0o777);
            }
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("无法读取审计密钥文件 {}", path.display()))?;
        let key = hex::decode(text.trim()).context("审计密钥文件内容不是十六进制")?;
        if key.len() < 32 {
            bail!("审计密钥文件 {} 太短（至少 32 字节）", path.display());
        }
        Ok(Key(key))
    }

    #[cfg(test)]
    fn from_bytes(bytes: &[u8]) -> Key {
        Key(bytes.to_vec())
    }

    fn sign(&self, c: &Checkpoint) -> String {
        hex::encode(hmac_sha256(&self.0, signed_text(c).as_bytes()))
    }
}

fn signed_text(c: &Checkpoint) -> String {
    format!("platform audit checkpoint 1\n{}\n{}\n{}", c.rows, c.hash, c.at)
}

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The checkpoint file's line for `c`: `ROWS HASH AT MAC`.
fn line(key: &Key, c: &Checkpoint) -> String {
    format!("{} {} {} {}\n", c.rows, c.hash, c.at, key.sign(c))
}

fn parse(key: &Key, text: &str) -> Option<Checkpoint> {
    let mut parts = text.split(' ');
    let (rows, hash, at, mac) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let c = Checkpoint { rows: rows.parse().ok()?, hash: hash.to_owned(), at: at.to_owned() };
    same(&hex::decode(mac).ok()?, &hex::decode(key.sign(&c)).ok()?).then_some(c)
}

/// Appends `c` to the checkpoint file (created if absent) and flushes it to disk.
pub fn write(key: &Key, path: &Path, c: &Checkpoint) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("无法写审计检查点文件 {}", path.display()))?;
    file.write_all(line(key, c).as_bytes())?;
    file.sync_data()?;
    Ok(())
}

/// The newest checkpoint in the file (`None` if it has none yet). Every line must carry a valid
/// signature, and none may record more rows than the newest (the chain only grows).
pub fn newest(key: &Key, path: &Path) -> anyhow::Result<Option<Checkpoint>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("无法读取审计检查点文件 {}", path.display())),
    };
    let mut out: Option<Checkpoint> = None;
    let mut most = 0;
    for (n, text) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let Some(c) = parse(key, text.trim()) else {
            bail!("审计检查点文件 {} 第 {} 行的签名不符（被改动，或密钥不对）", path.display(), n + 1);
        };
        most = most.max(c.rows);
        out = Some(c);
    }
    if let Some(c) = &out
        && c.rows < most
    {
        bail!(
            "审计检查点文件 {} 中较早的检查点记录了 {most} 行，比最新的（{} 行）多：审计日志曾被截短",
            path.display(),
            c.rows
        );
    }
    Ok(out)
}

/// The committed head of the chain now.
pub async fn head(pool: &PgPool) -> Result<Checkpoint, sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(pool).await?;
    let (rows, hash) = last.unwrap_or((0, super::GENESIS.to_owned()));
    Ok(Checkpoint { rows, hash, at: crate::clock::instant().to_rfc3339() })
}

/// Where the checkpoints go and how they are signed (`platform serve --audit-key --audit-checkpoint`).
#[derive(Debug)]
pub struct Checkpointer {
    pub key: Key,
    pub path: PathBuf,
}

impl Checkpointer {
    /// Writes a checkpoint if the head moved since `last`; refuses (an error, nothing written)
    /// when the chain no longer holds `last`'s row with its hash.
    pub async fn once(&self, pool: &PgPool, last: &mut Option<Checkpoint>) -> anyhow::Result<()> {
        let now = head(pool).await?;
        if let Some(previous) = last.as_ref() {
            if previous.rows == now.rows && previous.hash == now.hash {
                return Ok(());
            }
            if previous.rows > 0 {
                let kept: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE id = $1")
                    .bind(previous.rows)
                    .fetch_optional(pool)
                    .await?;
                if kept.as_deref() != Some(previous.hash.as_str()) {
                    bail!(
                        "审计日志不再包含检查点（{}）的第 {} 行：末尾被删除或改写，不再写检查点",
                        previous.at,
                        previous.rows
                    );
                }
            }
        }
        write(&self.key, &self.path, &now)?;
        *last = Some(now);
        Ok(())
    }

    /// Checkpoints every `period`, from the newest checkpoint already in the file.
    pub async fn run(self, pool: PgPool, period: std::time::Duration) {
        let mut last = match newest(&self.key, &self.path) {
            Ok(last) => last,
            Err(e) => {
                tracing::error!("{e:#}");
                return;
            }
        };
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            if let Err(e) = self.once(&pool, &mut last).await {
                tracing::error!("{e:#}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let long = hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex::encode(long), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn checkpoints_round_trip_and_refuse_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoints");
        let key = Key::from_bytes(&[7; 32]);
        assert_eq!(newest(&key, &path).unwrap(), None);
        let a = Checkpoint { rows: 3, hash: "aa".into(), at: "2026-12-01T00:00:00+00:00".into() };
        let b = Checkpoint { rows: 5, hash: "bb".into(), at: "2026-12-01T00:00:05+00:00".into() };
        write(&key, &path, &a).unwrap();
        write(&key, &path, &b).unwrap();
        assert_eq!(newest(&key, &path).unwrap(), Some(b.clone()));
        // Another key, an edited line, and a newest line with fewer rows are all refused.
        assert!(newest(&Key::from_bytes(&[8; 32]), &path).is_err());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("5 bb", "4 bb", 1)).unwrap();
        assert!(newest(&key, &path).unwrap_err().to_string().contains("第 2 行"));
        std::fs::write(&path, &text).unwrap();
        write(&key, &path, &Checkpoint { rows: 4, ..b }).unwrap();
        assert!(newest(&key, &path).unwrap_err().to_string().contains("截短"));
    }

    #[test]
    fn a_new_key_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let key = Key::load_or_create(&path).unwrap();
        assert_eq!(Key::load_or_create(&path).unwrap().0, key.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(Key::load(&path).is_err());
        }
    }
}
