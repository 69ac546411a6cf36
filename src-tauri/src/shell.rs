//! The shell's state: the opened app (or why it could not open), who is logged in, the data
//! folder, and — at a counter registered with a platform — the session and the background sync
//! loop.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::insurance::SandboxInsurance;
use app::{App, AppConfig, Clock, Operator, Printing};
use contract::error::codes;
use contract::{ApiError, StartupStatus};

use sync::recon::{NOT_LINKED, NOT_LINKED_MESSAGE, Review};
use sync::{Session, Syncer, TokenStore};

use crate::options::Options;

/// The counter's database file in the data folder.
const DB_FILE: &str = "cashier.db";

/// How often the sync loop pushes, pulls and checks the platform.
const SYNC_EVERY: Duration = Duration::from_secs(5);

pub struct Shell {
    app: Result<App, ApiError>,
    status: StartupStatus,
    operator: Mutex<Option<Operator>>,
    /// `None` at a stand-alone counter (the demo).
    syncer: Option<Arc<Syncer>>,
    /// The data folder (`--data-dir`): the database, `prints/`, `exports/`, `captures/`.
    data_dir: PathBuf,
}

impl Shell {
    pub async fn start(options: Options) -> Shell {
        let data_dir = options.data_dir.clone();
        let config = AppConfig {
            demo: options.demo,
            printing: Printing {
                dir: options.data_dir.join("prints"),
                printer: options.printer,
                open_saved: options.open_saved_pdfs,
            },
            clock: Clock::System,
            place: options.place.unwrap_or(domain::Place::Counter),
            place_from_settings: options.place.is_none(),
            discharge_recall_days: options.discharge_recall_days,
            insurance: Arc::new(SandboxInsurance::new(options.insurance_delay, SandboxInsurance::fault_from_env())),
            pause_before_commit: options.pause_before_commit,
            ..AppConfig::new(options.data_dir.join(DB_FILE))
        };
        // The token goes to the OS keyring; a missing or locked one means "log in again".
        let counter = sync::counter::open(config, false, TokenStore::keyring()).await.map_err(|e| e.to_api());
        let (app, syncer) = match counter {
            Ok(counter) => {
                let syncer = counter.session.map(|session: Arc<Session>| {
                    let link = counter.app.link().cloned().unwrap_or_default();
                    let syncer = Arc::new(Syncer::new(counter.app.clone(), session, link));
                    tauri::async_runtime::spawn(syncer.clone().run(SYNC_EVERY));
                    syncer
                });
                (Ok(counter.app), syncer)
            }
            Err(problem) => (Err(problem), None),
        };
        match &app {
            // The start of the day's backup, while the cashier logs in.
            Ok(app) => {
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    if let Err(e) = app.back_up_if_due().await {
                        tracing::error!(code = e.code(), error = %e, "the start of the day's backup failed");
                    }
                });
            }
            Err(problem) => {
                tracing::error!(code = %problem.code, message = %problem.message, "local database not usable")
            }
        }
        let status = StartupStatus {
            ready: app.is_ok(),
            demo: options.demo,
            hospital: app.as_ref().map(|a| a.hospital().to_owned()).unwrap_or_default(),
            counter: app.as_ref().map(|a| a.counter().to_owned()).unwrap_or_default(),
            data_dir: options.data_dir.display().to_string(),
            problem: app.as_ref().err().cloned(),
            demo_logins: if options.demo {
                demo::users().iter().map(|u| format!("{}（{}）", u.username, u.display_name)).collect()
            } else {
                Vec::new()
            },
            places: domain::Place::ALL.into_iter().map(|p| contract::Tag::new(p.code(), p.label())).collect(),
        };
        Shell { app, status, operator: Mutex::new(None), syncer, data_dir }
    }

    pub fn status(&self) -> &StartupStatus {
        &self.status
    }

    pub fn app(&self) -> Result<&App, ApiError> {
        self.app.as_ref().map_err(Clone::clone)
    }

    /// The app and the logged-in operator, or "请先登录".
    pub fn operator(&self) -> Result<Operator, ApiError> {
        self.operator
            .lock()
            .map_err(|_| ApiError::new(codes::INTERNAL, "会话状态异常，请重新登录"))?
            .clone()
            .ok_or_else(|| ApiError::new(codes::NOT_LOGGED_IN, "请先登录"))
    }

    /// The counter's database: `<data dir>/cashier.db`.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }

    /// Where exports and downloaded statements are saved: `<data dir>/exports`.
    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir.join("exports")
    }

    /// Where captured pages wait until a registration keeps them: `<data dir>/captures`.
    pub fn captures_dir(&self) -> PathBuf {
        self.data_dir.join("captures")
    }

    /// The platform session of a linked counter, `None` at a stand-alone one.
    pub fn platform(&self) -> Option<&Session> {
        self.syncer.as_ref().map(|s| s.session.as_ref())
    }

    /// The logged-in operator's reconciliation review: finance, supervisors and administrators,
    /// at a counter linked to the platform (the review's data lives there).
    pub fn review(&self) -> Result<Review<'_>, ApiError> {
        let operator = self.operator()?;
        sync::recon::require_reviewer(&operator)?;
        let session = self.platform().ok_or_else(|| ApiError::new(NOT_LINKED, NOT_LINKED_MESSAGE))?;
        Ok(Review::new(session, &operator.username))
    }

    pub fn set_operator(&self, operator: Option<Operator>) {
        if let Some(syncer) = &self.syncer {
            syncer.set_user(operator.as_ref().map(|o| o.username.clone()));
        }
        if let Ok(mut slot) = self.operator.lock() {
            *slot = operator;
        }
    }

    /// Logs the operator out; at a linked counter their platform token is revoked too (forgotten
    /// locally even when the platform cannot be reached).
    pub async fn log_out(&self) {
        let username = self.operator().ok().map(|o| o.username);
        self.set_operator(None);
        if let (Some(session), Some(username)) = (self.platform(), username) {
            session.log_out(&username).await;
        }
    }

    /// Logs in: at a linked counter online first (token to the keyring), the local cache when
    /// the platform cannot be reached; at a stand-alone counter against the local cache.
    pub async fn log_in(&self, request: &contract::session::LoginRequest) -> Result<Operator, ApiError> {
        let app = self.app()?;
        let operator = match &self.syncer {
            Some(syncer) => syncer.session.log_in(app, request).await?.0,
            None => app.log_in(request).await?,
        };
        self.set_operator(Some(operator.clone()));
        if let Some(syncer) = self.syncer.clone() {
            // Sync at once rather than at the next tick: the cashier sees the link's state now.
            tauri::async_runtime::spawn(async move {
                let _ = syncer.round().await;
            });
        }
        Ok(operator)
    }
}
