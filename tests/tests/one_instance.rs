//! One window per data folder: with the app open, a second start on the same folder brings the
//! open window forward and ends at once (saying so), and the open window keeps working; a start
//! on another folder is a window of its own.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use e2e::{Desktop, app_binary, seeded_data_dir};

/// Starts the app on `dir` outside WebDriver and waits up to `within` for it to end.
fn second_start(dir: &std::path::Path, within: Duration) -> Option<std::process::Output> {
    let mut child = Command::new(app_binary())
        .env("CASHIER_DATA_DIR", dir)
        .env("CASHIER_DEMO", "1")
        .env("CASHIER_NO_OPEN", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < within {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[tokio::test]
#[ignore = "needs the built desktop app and a display: run scripts/test.sh"]
async fn a_second_start_brings_the_open_window_forward_and_ends() {
    let dir = seeded_data_dir(3).await;
    let desktop = Desktop::start(dir.path()).await;
    desktop.find_id("login-username").await;

    let path = dir.path().to_owned();
    let second = tokio::task::spawn_blocking(move || second_start(&path, Duration::from_secs(15))).await.unwrap();
    let second = second.expect("a second start on the same folder ends by itself");
    assert!(second.status.success(), "{second:?}");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("住院收费已在运行"), "{said}");

    // The open window answered it, and still works.
    let logs = std::fs::read_dir(dir.path().join("logs")).unwrap().flatten().map(|e| e.path()).collect::<Vec<_>>();
    let started = Instant::now();
    loop {
        let text: String = logs.iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect();
        if text.contains("brought forward") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the open window never heard the second start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    desktop.log_in("cashier").await;
    desktop.find_id("search-input").await;

    // Another folder is another counter: that start keeps running.
    let other = tempfile::tempdir().unwrap();
    let path = other.path().to_owned();
    let alone = tokio::task::spawn_blocking(move || second_start(&path, Duration::from_secs(4))).await.unwrap();
    assert!(alone.is_none(), "a start on another folder opened its own window: {alone:?}");
    desktop.quit().await;
}
