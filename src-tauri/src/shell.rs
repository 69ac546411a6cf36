//! The shell's state: the opened app (or why it could not open) and who is logged in.

use std::sync::Mutex;

use std::sync::Arc;

use app::insurance::SandboxInsurance;
use app::{App, AppConfig, Clock, Operator, Printing};
use contract::error::codes;
use contract::{ApiError, StartupStatus};

use crate::options::Options;

pub struct Shell {
    app: Result<App, ApiError>,
    status: StartupStatus,
    operator: Mutex<Option<Operator>>,
}

impl Shell {
    pub async fn start(options: Options) -> Shell {
        let config = AppConfig {
            demo: options.demo,
            printing: Printing {
                dir: options.data_dir.join("prints"),
                printer: options.printer,
                open_saved: options.open_saved_pdfs,
            },
            clock: Clock::System,
            place: options.place,
            discharge_recall_days: options.discharge_recall_days,
            insurance: Arc::new(SandboxInsurance::new(options.insurance_delay, SandboxInsurance::fault_from_env())),
            pause_before_commit: options.pause_before_commit,
            ..AppConfig::new(options.data_dir.join("cashier.db"))
        };
        let app = App::open(config).await.map_err(|e| e.to_api());
        if let Err(problem) = &app {
            tracing::error!(code = %problem.code, message = %problem.message, "local database not usable");
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
        };
        Shell { app, status, operator: Mutex::new(None) }
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

    pub fn set_operator(&self, operator: Option<Operator>) {
        if let Ok(mut slot) = self.operator.lock() {
            *slot = operator;
        }
    }
}
