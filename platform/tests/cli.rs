//! The `platform` command line: secrets never come from arguments, and the development key is
//! written readable by its owner only.

use std::process::Command;

fn platform(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_platform")).args(args).env_remove("DATABASE_URL").output().unwrap()
}

#[test]
fn user_add_takes_no_password_argument() {
    let out =
        platform(&["user-add", "--username", "u1", "--display-name", "某", "--role", "cashier", "--password", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument"));
}

#[cfg(unix)]
#[test]
fn dev_cert_writes_the_server_key_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = platform(&["dev-cert", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = std::fs::metadata(dir.path().join("server.key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
