//! The cashier client's use cases, each read as the cashier would say it: `log_in`,
//! `find_patients`, `account`, `take_deposit`, `reverse_deposit`, `trial`, `settle`, `recall`,
//! `decide_audit`, `print_statement`, `seed_demo`. They load from the store, let
//! the domain decide, save, and answer in contract DTOs.
//!
//! Architecture invariants: this is the only crate the Tauri shell and the CLI call; it reads
//! the clock only through [`Clock`]; it holds no SQL (that is `store`) and no money rule
//! (that is `domain`).

mod account;
pub mod approval;
mod audit;
pub mod backup;
mod blood_capture;
mod blood_deduction;
mod blood_desk;
mod blood_forms;
mod blood_month;
mod blood_waiver;
mod clock;
mod close;
pub mod close_desk;
mod close_view;
pub mod counter_settings;
mod day_end_print;
mod day_report;
pub mod demo_seed;
mod deposits;
mod diagnostics;
mod error;
mod hand_in;
mod input;
mod intents;
mod invoice_pdf;
mod invoices;
mod kiosk_report;
pub mod link;
mod login;
mod lookup;
mod materials;
mod op;
mod outbox;
pub mod paper;
pub mod pay_desk;
mod pending;
pub mod pending_desk;
mod printing;
mod recall;
mod refund_otherwise;
mod refunds;
mod refused;
pub mod reprints;
mod settlement;
mod statement;
mod views;
mod worklist;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The insurance back-end adapter, as the use cases call it.
pub use ::insurance;
pub use blood_month::month_start;
pub use clock::Clock;

/// The database schema this program writes (its newest migration).
pub fn schema_version() -> i64 {
    store::open::latest_version()
}
pub use demo_seed::{SeedOptions, SeedReport, seed_demo};
pub use error::AppError;
pub use input::{attach_codes, attach_slips, tender_argument};
pub use invoice_pdf::kiosk_report_model;
pub use login::Operator;
pub use printing::Printing;

use blood_platform::{BloodPlatform, SandboxBloodPlatform};
use domain::Place;
use fiscal::FiscalPlatform;
use insurance::{InsuranceBackend, SandboxFault, SandboxInsurance};
use store::{OpenMode, Store, settings};

/// How this counter is set up.
#[derive(Clone, Debug)]
pub struct AppConfig {
    pub db_path: PathBuf,
    /// Demo mode: a missing database is created and filled with the demo hospital.
    /// Outside demo mode the database must exist; nothing is invented.
    pub demo: bool,
    pub printing: Printing,
    pub clock: Clock,
    /// Where this device settles: counter, ward station, bedside cart or kiosk.
    pub place: Place,
    /// Whether the place set in 设置 (`settings::PLACE`) wins over `place` (the desktop, when
    /// no start option named one).
    pub place_from_settings: bool,
    /// How many days after a discharge settlement it can still be recalled (出院召回).
    pub discharge_recall_days: u32,
    pub insurance: Arc<dyn InsuranceBackend>,
    /// Fault injection for crash tests: sleep this long inside the settlement's transaction,
    /// just before it commits (`CASHIER_PAUSE_BEFORE_COMMIT_MS`). `None` in normal use.
    pub pause_before_commit: Option<Duration>,
    /// Set when the counter syncs with a platform: operations then go to the outbox, and what
    /// needs the platform or a channel is refused while the link is down.
    pub link: Option<Arc<link::Link>>,
    /// Where a linked counter asks the platform for approval tokens (`None`: approvals are
    /// checked here).
    pub approvals: Option<Arc<dyn approval::ApprovalDesk>>,
    /// The blood platform this counter asks itself. `None`: a stand-alone counter opens the
    /// sandbox with its register beside the database; a linked counter has none (its waivers
    /// come from the platform's feed).
    pub blood_platform: Option<Arc<dyn BloodPlatform>>,
    /// The fiscal e-invoice platform this counter asks itself. `None`: a stand-alone counter
    /// opens the sandbox with its register beside the database; a linked counter has none (the
    /// platform issues, and its invoices come through the feed).
    pub fiscal: Option<Arc<dyn FiscalPlatform>>,
    /// Where paper copies are registered (`None`: the counter's own fiscal adapter, if any).
    pub paper_desk: Option<Arc<dyn paper::PaperDesk>>,
    /// Where closes are reported (`None`: a stand-alone counter's closes are its own).
    pub close_desk: Option<Arc<dyn close_desk::CloseDesk>>,
    /// Where WeChat and Alipay codes are collected. `None`: a stand-alone counter runs the
    /// channels' sandboxes in-process; a linked counter's is the platform's (set by `sync`).
    pub pay_desk: Option<Arc<dyn pay_desk::PayDesk>>,
    /// Where the operations the platform refused are listed and resolved (`None`: stand-alone).
    pub pending_desk: Option<Arc<dyn pending_desk::PendingDesk>>,
    /// How long a stand-alone counter's code payment waits for the payer, and how often it asks.
    pub pay_patience: channels::Patience,
}

impl AppConfig {
    /// A counter on `db_path` with the usual settings: not demo, PDFs saved to the system's
    /// temporary folder, the system clock, a counter window, recall within 3 days, the
    /// sandbox insurance back-end.
    pub fn new(db_path: PathBuf) -> AppConfig {
        AppConfig {
            db_path,
            demo: false,
            printing: Printing { dir: std::env::temp_dir(), printer: None, open_saved: false },
            clock: Clock::System,
            place: Place::Counter,
            place_from_settings: false,
            discharge_recall_days: domain::account::recall::DISCHARGE_RECALL_DAYS,
            insurance: Arc::new(SandboxInsurance::new(Duration::ZERO, SandboxFault::None)),
            pause_before_commit: None,
            link: None,
            approvals: None,
            blood_platform: None,
            fiscal: None,
            paper_desk: None,
            close_desk: None,
            pay_desk: None,
            pending_desk: None,
            pay_patience: channels::Patience::default(),
        }
    }
}

/// The stand-alone counter's blood platform sandbox register, beside the database.
pub const BLOOD_SANDBOX_FILE: &str = "blood-platform-sandbox.jsonl";
/// The stand-alone counter's fiscal platform sandbox register, beside the database.
pub const FISCAL_SANDBOX_FILE: &str = "fiscal-sandbox.jsonl";
/// Where a stand-alone counter's sandbox channels keep their registers (`wechat.json`,
/// `alipay.json`), beside its database: a payment taken yesterday can be refunded today.
pub const CHANNEL_SANDBOX_DIR: &str = "channel-sandbox";

/// The running application: the local store and the counter's settings.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    clock: Clock,
    printing: Printing,
    hospital: String,
    counter: String,
    demo: bool,
    place: Place,
    discharge_recall_days: u32,
    insurance: Arc<dyn InsuranceBackend>,
    pause_before_commit: Option<Duration>,
    link: Option<Arc<link::Link>>,
    approvals: Option<Arc<dyn approval::ApprovalDesk>>,
    /// Where captured materials are kept: `materials/` beside the database.
    shelf: capture::Shelf,
    blood_policy: domain::blood::BloodPolicy,
    product_rules: domain::blood::ProductRules,
    blood_platform: Option<Arc<dyn BloodPlatform>>,
    fiscal: Option<Arc<dyn FiscalPlatform>>,
    paper_desk: Option<Arc<dyn paper::PaperDesk>>,
    close_desk: Option<Arc<dyn close_desk::CloseDesk>>,
    pay_desk: Option<Arc<dyn pay_desk::PayDesk>>,
    pending_desk: Option<Arc<dyn pending_desk::PendingDesk>>,
}

impl App {
    /// Opens (in demo mode: creates and seeds on first start) the local database.
    pub async fn open(config: AppConfig) -> Result<App, AppError> {
        if config.demo && config.link.is_none() && !config.db_path.exists() {
            let options = SeedOptions { now: config.clock.now(), ..SeedOptions::default() };
            seed_demo(&config.db_path, &options).await?;
        }
        // A demo counter seeds itself; a counter linked to a platform starts empty and bootstraps
        // from the platform's feed; otherwise the database must exist.
        let mode = if config.demo || config.link.is_some() { OpenMode::CreateIfMissing } else { OpenMode::MustExist };
        let store = Store::open(&config.db_path, mode).await?;
        let mut conn = store.conn().await?;
        let hospital =
            settings::get(&mut conn, settings::HOSPITAL_NAME).await?.unwrap_or_else(|| "（未设置医院名称）".to_owned());
        let counter =
            settings::get(&mut conn, settings::COUNTER_NAME).await?.unwrap_or_else(|| "住院收费处".to_owned());
        // A counter registered with a platform is never its own fiscal platform, even when opened
        // without its link (to read its settings): the platform issues its invoices.
        let registered = settings::get(&mut conn, settings::DEVICE_ID).await?.is_some();
        let stored_place = settings::get(&mut conn, settings::PLACE).await?.and_then(|p| Place::from_code(&p));
        drop(conn);
        let place = match stored_place {
            Some(place) if config.place_from_settings => place,
            _ => config.place,
        };
        let data_dir = config.db_path.parent().unwrap_or_else(|| std::path::Path::new(".")).to_path_buf();
        let blood_policy = domain::blood::BloodPolicy::default();
        let blood_platform: Option<Arc<dyn BloodPlatform>> = match (config.blood_platform, &config.link) {
            (Some(platform), _) => Some(platform),
            (None, Some(_)) => None,
            (None, None) => {
                let sandbox = SandboxBloodPlatform::open(
                    blood_policy.clone(),
                    Duration::ZERO,
                    blood_platform::SandboxFault::None,
                    &data_dir.join(BLOOD_SANDBOX_FILE),
                )
                .map_err(|e| AppError::Io(e.to_string()))?;
                Some(Arc::new(sandbox))
            }
        };
        let fiscal: Option<Arc<dyn FiscalPlatform>> = match (config.fiscal, &config.link) {
            (Some(fiscal), _) => Some(fiscal),
            (None, Some(_)) => None,
            (None, None) if registered => None,
            (None, None) => {
                let sandbox = fiscal::SandboxFiscal::demo_on_file(&data_dir.join(FISCAL_SANDBOX_FILE), Duration::ZERO)
                    .map_err(AppError::Io)?;
                Some(Arc::new(Arc::new(sandbox).adapter()))
            }
        };
        let pay_desk: Option<Arc<dyn pay_desk::PayDesk>> = match (config.pay_desk, &config.link) {
            (Some(desk), _) => Some(desk),
            (None, Some(_)) => None,
            (None, None) if registered => None,
            (None, None) => Some(Arc::new(
                pay_desk::ChannelDesk::sandboxes_in(
                    &data_dir.join(CHANNEL_SANDBOX_DIR),
                    config.clock,
                    config.pay_patience,
                )
                .map_err(AppError::Io)?,
            )),
        };
        let paper_desk = config
            .paper_desk
            .or_else(|| fiscal.clone().map(|fiscal| Arc::new(paper::OwnFiscal(fiscal)) as Arc<dyn paper::PaperDesk>));
        let app = App {
            store,
            clock: config.clock,
            printing: config.printing,
            hospital,
            counter,
            demo: config.demo,
            place,
            discharge_recall_days: config.discharge_recall_days,
            insurance: config.insurance,
            pause_before_commit: config.pause_before_commit,
            link: config.link,
            approvals: config.approvals,
            shelf: capture::Shelf::new(data_dir.join("materials")),
            blood_policy,
            product_rules: domain::blood::ProductRules::default(),
            blood_platform,
            fiscal,
            paper_desk,
            close_desk: config.close_desk,
            pay_desk,
            pending_desk: config.pending_desk,
        };
        // Insurance calls a crash left unfinished are repaired before anything else runs.
        app.sweep_insurance(false).await?;
        // Invoices a crash or an unreachable fiscal platform left undone are asked again.
        match app.finish_invoices_by_itself().await {
            Ok(0) => {}
            Ok(left) => tracing::warn!(left, "e-invoices still undone"),
            Err(e) => tracing::warn!(error = %e, "e-invoices not retried"),
        }
        Ok(app)
    }

    pub fn hospital(&self) -> &str {
        &self.hospital
    }
    pub fn counter(&self) -> &str {
        &self.counter
    }
    pub fn is_demo(&self) -> bool {
        self.demo
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
    pub fn link(&self) -> Option<&Arc<link::Link>> {
        self.link.as_ref()
    }
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Fault injection for crash tests: sleeps inside a money transaction, just before it
    /// commits, when `AppConfig::pause_before_commit` asks for it. Does nothing in normal use.
    pub async fn pause_before_commit(&self) {
        if let Some(pause) = self.pause_before_commit {
            tracing::warn!(?pause, "fault injection: pausing before a commit");
            tokio::time::sleep(pause).await;
        }
    }
}

impl App {
    /// A fresh idempotency key (UUIDv7, from the app's clock) for a money operation the cashier
    /// is about to start: the screen asks for one when a dialog opens and sends it with every
    /// attempt.
    pub fn operation_key(&self) -> String {
        self.clock.key().to_string()
    }
}

/// 大写金额 of a typed amount (`cashier words 1234.56`).
pub fn words(amount: &str) -> Result<String, AppError> {
    let money = domain::Money::parse(amount).map_err(|e| AppError::invalid(e.code(), e.to_string(), "amount"))?;
    Ok(money.words())
}
