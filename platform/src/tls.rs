//! A development certificate authority and a server certificate for `localhost` and
//! `127.0.0.1`, so the platform speaks TLS from the first start; desktops trust the CA file by
//! configuration (a hospital uses its own PKI instead).

use std::path::Path;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// Writes `ca.pem`, `server.pem` and `server.key` into `dir` (replacing older ones); the key is
/// readable by its owner only (0600), also when it replaces an older, looser file.
pub fn write_dev_certificates(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.distinguished_name.push(DnType::CommonName, "Inpatient Cashier Development CA");
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca, ca_key);
    let server_key = KeyPair::generate()?;
    let mut server = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
    server.distinguished_name.push(DnType::CommonName, "inpatient-cashier-platform");
    let server_cert = server.signed_by(&server_key, &issuer)?;
    std::fs::write(dir.join("ca.pem"), ca_cert.pem())?;
    std::fs::write(dir.join("server.pem"), server_cert.pem())?;
    write_private(&dir.join("server.key"), server_key.serialize_pem().as_bytes())?;
    Ok(())
}

/// Writes a secret: created 0600, and an existing file is tightened to 0600 before it is filled.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    options.open(path)?.write_all(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_server_key_is_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        write_dev_certificates(dir.path()).unwrap();
        let key = dir.path().join("server.key");
        assert_eq!(mode(&key), 0o600);
        assert!(std::fs::read_to_string(&key).unwrap().contains("PRIVATE KEY"));
        // Replacing an older, looser key tightens it too.
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_dev_certificates(dir.path()).unwrap();
        assert_eq!(mode(&key), 0o600);
    }
}
