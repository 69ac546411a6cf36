//! Harness for end-to-end tests: seeds a data folder, starts tauri-driver in front of
//! WebKitWebDriver, and opens the real desktop app in a WebDriver session. Needs a display
//! (the test script runs everything under `xvfb-run`) and the app built with its
//! `custom-protocol` feature (the script does that too).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use thirtyfour::prelude::*;

/// The moment the seeded demo hospital is seen at, so figures are reproducible.
pub fn seed_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 25).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("valid")
}

/// A data folder holding the demo hospital with `patients` inpatients, seeded at [`seed_time`].
pub async fn seeded_data_dir(patients: usize) -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().expect("a temporary folder");
    let options = app::SeedOptions { seed: 2026, patients, now: seed_time(), fees: demo::FeeDetail::Full };
    app::seed_demo(&dir.path().join("cashier.db"), &options).await.expect("the demo seeds");
    dir
}

/// What the store says, independent of the screen: the data folder's database opened at
/// [`seed_time`], printing into `prints/`.
pub async fn store_app(dir: &Path) -> app::App {
    app::App::open(app::AppConfig {
        printing: app::Printing { dir: dir.join("prints"), printer: None, open_saved: false },
        clock: app::Clock::Fixed(seed_time()),
        ..app::AppConfig::new(dir.join("cashier.db"))
    })
    .await
    .expect("the data folder's database opens")
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_owned()
}

/// The desktop binary built by the test script (`CASHIER_APP_BIN`), or the usual place.
pub fn app_binary() -> PathBuf {
    if let Ok(path) = std::env::var("CASHIER_APP_BIN") {
        return PathBuf::from(path);
    }
    let target =
        std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| workspace_root().join("target"));
    target.join("debug").join("inpatient-cashier")
}

/// Where screenshots and other test artefacts are kept (`CASHIER_ARTIFACTS` or artifacts/e2e).
pub fn artifacts_dir() -> PathBuf {
    let dir = std::env::var("CASHIER_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("artifacts").join("e2e"));
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A running desktop app under WebDriver. Dropping it ends the session and tauri-driver.
pub struct Desktop {
    pub driver: Option<WebDriver>,
    tauri_driver: Child,
}

impl Desktop {
    /// Starts the app on `data_dir` (demo mode) and waits until its window answers.
    pub async fn start(data_dir: &Path) -> Desktop {
        Desktop::start_with(data_dir, &[]).await
    }

    /// Like [`Desktop::start`], with extra environment for the app (fault injection).
    pub async fn start_with(data_dir: &Path, env: &[(&str, &str)]) -> Desktop {
        Desktop::start_binary(&app_binary(), data_dir, env).await
    }

    /// Like [`Desktop::start_with`], with the app at `binary` (one installed from its package).
    pub async fn start_binary(binary: &Path, data_dir: &Path, env: &[(&str, &str)]) -> Desktop {
        assert!(
            binary.exists(),
            "the desktop app is not built at {}: run scripts/test.sh (it builds the frontend and the app)",
            binary.display()
        );
        let port = free_port();
        let native_port = free_port();
        let tauri_driver = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .env("CASHIER_DATA_DIR", data_dir)
            .env("CASHIER_DEMO", "1")
            .env("CASHIER_NO_OPEN", "1")
            .env("CASHIER_INSURANCE_DELAY_MS", "0")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver is installed by scripts/setup.sh");
        let url = format!("http://127.0.0.1:{port}");
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").expect("capability");
        caps.set("tauri:options", serde_json::json!({ "application": binary })).expect("capability");
        let started = Instant::now();
        let driver = loop {
            match WebDriver::new(url.clone(), caps.clone()).await {
                Ok(driver) => break driver,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(e) => panic!("could not open a WebDriver session on tauri-driver: {e}"),
            }
        };
        Desktop { driver: Some(driver), tauri_driver }
    }

    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("session open")
    }

    /// Finds `by` and clicks it, finding it again when the screen redrew it in between (a list
    /// refreshed by a late answer: the element found first is gone).
    pub async fn click_by(&self, by: By) {
        let started = Instant::now();
        loop {
            let clicked = match self.driver().find(by.clone()).await {
                Ok(element) => element.click().await,
                Err(e) => Err(e),
            };
            match clicked {
                Ok(()) => return,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("could not click {by:?}: {e}"),
            }
        }
    }

    /// Clicks the element with `id`, found again if a redraw replaced it (see [`Self::click_by`]).
    pub async fn click_id(&self, id: &str) {
        self.click_by(By::Id(id)).await;
    }

    /// Waits for an element by id (the app may still be loading).
    pub async fn find_id(&self, id: &str) -> WebElement {
        self.driver()
            .query(By::Id(id))
            .wait(Duration::from_secs(20), Duration::from_millis(100))
            .first()
            .await
            .unwrap_or_else(|e| panic!("#{id} did not appear: {e}"))
    }

    /// Waits until the first element matching the CSS selector `css` has a text that satisfies
    /// `accept`, returning it.
    pub async fn wait_css(&self, css: &str, accept: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(el) = self.driver().find(By::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if accept(&last) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never showed what was expected; last: {last}");
    }

    /// Waits until the element's text satisfies `accept`, returning it.
    pub async fn wait_text(&self, id: &str, accept: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self.find_id(id).await.text().await.unwrap_or_default();
            if accept(&text) {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "#{id} never showed the expected text; last: {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types into whatever has focus, as a barcode scanner does (no click first).
    pub async fn type_into_focus(&self, text: &str) {
        self.driver().active_element().await.expect("something has focus").send_keys(text).await.expect("typing");
    }

    pub async fn focused_id(&self) -> String {
        let el = self.driver().active_element().await.expect("active element");
        el.attr("id").await.ok().flatten().unwrap_or_default()
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // The screenshot can lag the paint by a frame or two.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let path = artifacts_dir().join(name);
        self.driver().screenshot(&path).await.expect("screenshot");
        path
    }

    /// Ends the session, failing the test if the screen hit a bug on the way (the frontend
    /// shows a `#fatal-error` banner instead of freezing silently).
    pub async fn quit(mut self) {
        if let Some(driver) = &self.driver {
            let fatal = driver
                .execute("var e = document.getElementById('fatal-error'); return e ? e.textContent : ''", Vec::new())
                .await
                .map(|r| r.json().as_str().unwrap_or_default().to_owned())
                .unwrap_or_default();
            assert!(fatal.is_empty(), "the screen hit a bug: {fatal}");
        }
        if let Some(driver) = self.driver.take() {
            let _ = driver.quit().await;
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver too (SIGKILL would orphan it). After a
        // crash test killed the app, WebKitWebDriver can hang on it: then both go by SIGKILL,
        // children first.
        let pid = self.tauri_driver.id().to_string();
        let _ = Command::new("kill").arg("-TERM").arg(&pid).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.tauri_driver.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("pkill").args(["-KILL", "-P", &pid]).status();
        let _ = self.tauri_driver.kill();
        let _ = self.tauri_driver.wait();
    }
}

/// Keys as WebDriver encodes them.
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";
pub const F4: &str = "\u{E034}";
pub const F5: &str = "\u{E035}";
pub const F9: &str = "\u{E039}";
pub const F11: &str = "\u{E03B}";
pub const F12: &str = "\u{E03C}";

impl Desktop {
    /// Presses keys on whatever has focus.
    pub async fn press(&self, keys: &str) {
        self.driver().active_element().await.expect("something has focus").send_keys(keys).await.expect("keys");
    }

    /// Logs in as `username` with the demo password and waits for the desk.
    pub async fn log_in(&self, username: &str) {
        self.find_id("login-username").await.send_keys(username).await.expect("typing");
        self.find_id("login-password")
            .await
            .send_keys(format!("{}{ENTER}", demo::DEMO_PASSWORD))
            .await
            .expect("typing");
        self.find_id("search-input").await;
    }

    /// Scans a wristband into the search box and waits for the patient's account.
    pub async fn scan(&self, case_no: &str) {
        self.wait_focus("search-input").await;
        self.type_into_focus(&format!("ZY{case_no}{ENTER}")).await;
        self.wait_text("patient-case-no", |t| t == case_no).await;
    }

    pub async fn wait_focus(&self, id: &str) {
        let started = Instant::now();
        while self.focused_id().await != id {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "#{id} never got focus (focus: {})",
                self.focused_id().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the app process (SIGKILL), as a power cut or a crash would, and abandons the
    /// WebDriver session: quitting a session whose app is dead only waits for a timeout.
    pub fn kill_app(mut self) {
        let binary = app_binary();
        let status = Command::new("pkill").arg("-KILL").arg("-f").arg(binary.as_os_str()).status().expect("pkill");
        assert!(status.success(), "the app process was running");
        if let Some(driver) = self.driver.take() {
            std::mem::forget(driver);
        }
    }
}
