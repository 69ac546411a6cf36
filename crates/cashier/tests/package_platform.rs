//! The platform's Debian package (`scripts/package.sh`), installed into a scratch root with
//! `dpkg-deb -x` and started the way its systemd unit starts it: the configuration file it
//! installs under /etc (with this test's database, address and certificate), the unit's
//! `ExecStartPre` (migrate) and `ExecStart` (serve) lines run as written, and the platform
//! answers `/health` over TLS. The maintainer scripts make the system user and migrate on
//! upgrade. Run by `scripts/test.sh` after `scripts/package.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{dpkg, free_port, packages, pg_admin_url, psql, runtime, text};

/// `KEY=VALUE` lines, comments and blanks skipped (systemd's EnvironmentFile syntax as used).
fn environment(file: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The unit's `key=` command line, its `${VAR}`s expanded from `env` and /usr/bin moved into `root`.
fn unit_command(unit: &str, key: &str, env: &BTreeMap<String, String>, root: &Path) -> Vec<String> {
    let line = unit.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("no {key}"));
    line.split_whitespace()
        .map(|word| {
            let mut word = word.to_owned();
            for (k, v) in env {
                word = word.replace(&format!("${{{k}}}"), v);
            }
            match word.strip_prefix('/') {
                Some(rest) if rest.starts_with("usr/bin/") => root.join(rest).display().to_string(),
                _ => word,
            }
        })
        .collect()
}

#[test]
#[ignore = "needs the packages (scripts/package.sh) and PostgreSQL: scripts/test.sh runs it"]
fn the_platform_package_installs_migrates_and_answers_over_tls() {
    let arch = text(&Command::new("dpkg").arg("--print-architecture").output().unwrap().stdout).trim().to_owned();
    let deb = packages().join(format!("inpatient-platform_{}_{arch}.deb", env!("CARGO_PKG_VERSION")));
    let deb_path = deb.to_str().unwrap();
    assert!(deb.exists(), "{} is missing: run scripts/package.sh", deb.display());
    assert_eq!(dpkg(&["-f", deb_path, "Package"]).trim(), "inpatient-platform");

    // What the maintainer scripts do: a system user of its own, the config its user's only, and
    // the schema migrated on an upgrade.
    let control = tempfile::tempdir().unwrap();
    dpkg(&["-e", deb_path, control.path().to_str().unwrap()]);
    let postinst = std::fs::read_to_string(control.path().join("postinst")).unwrap();
    assert!(postinst.contains("adduser --system --group") && postinst.contains("inpatient-platform migrate"));
    let conffiles = std::fs::read_to_string(control.path().join("conffiles")).unwrap();
    assert_eq!(conffiles.trim(), "/etc/inpatient-platform/platform.env");

    let root = tempfile::tempdir().unwrap();
    dpkg(&["-x", deb_path, root.path().to_str().unwrap()]);
    let unit = std::fs::read_to_string(root.path().join("lib/systemd/system/inpatient-platform.service")).unwrap();
    assert!(
        unit.contains("User=inpatient-platform")
            && unit.contains("EnvironmentFile=/etc/inpatient-platform/platform.env")
    );
    assert!(root.path().join("usr/share/inpatient-platform/platform-backup.sh").exists());

    // The installed configuration, pointed at this test's database, port and certificate.
    let mut env = environment(&root.path().join("etc/inpatient-platform/platform.env"));
    for key in ["DATABASE_URL", "PLATFORM_LISTEN", "PLATFORM_CERT", "PLATFORM_KEY", "PLATFORM_STATEMENTS_DIR"] {
        assert!(env.contains_key(key), "platform.env sets {key}");
    }
    let admin = pg_admin_url();
    let db = format!("t_package_{}", std::process::id());
    psql(&admin, &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    psql(&admin, &format!("CREATE DATABASE {db}"));
    let url = format!("{}/{db}", admin.rsplit_once('/').unwrap().0);
    let binary = root.path().join("usr/bin/inpatient-platform");
    let certs = tempfile::tempdir().unwrap();
    let made = Command::new(&binary).arg("dev-cert").arg(certs.path()).output().unwrap();
    assert!(made.status.success(), "dev-cert: {}", text(&made.stderr));
    let port = free_port();
    let statements = tempfile::tempdir().unwrap();
    env.insert("DATABASE_URL".into(), url.clone());
    env.insert("PLATFORM_LISTEN".into(), format!("127.0.0.1:{port}"));
    env.insert("PLATFORM_CERT".into(), certs.path().join("server.pem").display().to_string());
    env.insert("PLATFORM_KEY".into(), certs.path().join("server.key").display().to_string());
    env.insert("PLATFORM_STATEMENTS_DIR".into(), statements.path().display().to_string());

    // ExecStartPre, as systemd runs it: the schema comes up.
    let migrate = unit_command(&unit, "ExecStartPre", &env, root.path());
    let out = Command::new(&migrate[0]).args(&migrate[1..]).env_clear().envs(&env).output().unwrap();
    assert!(out.status.success(), "{migrate:?}: {}", text(&out.stderr));
    assert!(psql(&url, "SELECT count(*) FROM _sqlx_migrations").parse::<u32>().unwrap() > 10);

    // ExecStart: it serves over TLS.
    let serve = unit_command(&unit, "ExecStart", &env, root.path());
    let mut child = Command::new(&serve[0])
        .args(&serve[1..])
        .env_clear()
        .envs(&env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = sync::Client::new(
        &format!("https://127.0.0.1:{port}"),
        &std::fs::read(certs.path().join("ca.pem")).unwrap(),
        Duration::from_secs(5),
    )
    .unwrap();
    let started = Instant::now();
    let health = loop {
        match runtime().block_on(client.health()) {
            Ok(answer) => break answer,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("the installed platform never answered /health over TLS: {e}"),
        }
    };
    let version = runtime().block_on(client.version()).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    psql(&admin, &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    assert_eq!(health, "ok");
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
}
