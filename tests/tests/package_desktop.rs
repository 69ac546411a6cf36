//! The desktop app's Debian package (Tauri's bundler, `scripts/package.sh`), installed into a
//! scratch root with `dpkg-deb -x`: the program, the desktop entry named 住院收费 with its icon,
//! the command line (`inpatient-cashier-cli`), the dependencies a counter's Debian needs; started from where it was installed, its window
//! opens under Xvfb and a cashier logs in.

#[path = "../../crates/cashier/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{dpkg, packages};
use e2e::Desktop;

fn files_named(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_named(&path, name, found);
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
}

#[tokio::test]
#[ignore = "needs the packages (scripts/package.sh) and a display: run scripts/test.sh"]
async fn the_desktop_package_installs_and_its_window_opens() {
    let arch = String::from_utf8(Command::new("dpkg").arg("--print-architecture").output().unwrap().stdout).unwrap();
    let deb = packages().join(format!("inpatient-cashier_{}_{}.deb", env!("CARGO_PKG_VERSION"), arch.trim()));
    assert!(deb.exists(), "{} is missing: run scripts/package.sh", deb.display());
    let deb = deb.to_str().unwrap();
    assert_eq!(dpkg(&["-f", deb, "Package"]).trim(), "inpatient-cashier");
    let depends = dpkg(&["-f", deb, "Depends"]);
    assert!(depends.contains("libwebkit2gtk-4.1-0") && depends.contains("fonts-noto-cjk"), "{depends}");

    let root = tempfile::tempdir().unwrap();
    dpkg(&["-x", deb, root.path().to_str().unwrap()]);
    let entry = std::fs::read_to_string(root.path().join("usr/share/applications/inpatient-cashier.desktop")).unwrap();
    assert!(entry.contains("Name=住院收费") && entry.contains("Exec=inpatient-cashier"), "{entry}");
    let mut icons = Vec::new();
    files_named(&root.path().join("usr/share/icons"), "inpatient-cashier.png", &mut icons);
    assert!(!icons.is_empty(), "the icon is installed");
    let binary = root.path().join("usr/bin/inpatient-cashier");
    // The command line comes with it: IT registers the counter and restores backups with it.
    let cli =
        Command::new(root.path().join("usr/bin/inpatient-cashier-cli")).args(["device", "register", "--help"]).output();
    let cli = cli.expect("the command line is installed");
    assert!(cli.status.success() && String::from_utf8_lossy(&cli.stdout).contains("--platform"), "{cli:?}");

    let data = tempfile::tempdir().unwrap();
    let desktop = Desktop::start_binary(&binary, data.path(), &[]).await;
    desktop.find_id("login-username").await;
    desktop.log_in("cashier").await;
    desktop.find_id("search-input").await;
    desktop.screenshot("package-desktop.png").await;
    desktop.quit().await;
    assert!(data.path().join("cashier.db").exists(), "the installed app made its demo database");
}
