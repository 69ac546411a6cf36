//! The cashier client's use cases, each read as the cashier would say it: `log_in`,
//! `find_patients`, `account`, `print_statement`, `seed_demo`. They load from the store, let
//! the domain decide, save, and answer in contract DTOs.
//!
//! Architecture invariants: this is the only crate the Tauri shell and the CLI call; it reads
//! the clock only through [`Clock`]; it holds no SQL (that is `store`) and no money rule
//! (that is `domain`).

mod account;
mod clock;
pub mod demo_seed;
mod error;
mod login;
mod lookup;
mod printing;
mod statement;
mod views;

use std::path::PathBuf;

pub use clock::Clock;
pub use demo_seed::{SeedOptions, SeedReport, seed_demo};
pub use error::AppError;
pub use login::Operator;
pub use printing::Printing;

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
}

/// The running application: the local store and the counter's settings.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    clock: Clock,
    printing: Printing,
    hospital: String,
    counter: String,
    demo: bool,
}

impl App {
    /// Opens (in demo mode: creates and seeds on first start) the local database.
    pub async fn open(config: AppConfig) -> Result<App, AppError> {
        if config.demo && !config.db_path.exists() {
            let options = SeedOptions { now: config.clock.now(), ..SeedOptions::default() };
            seed_demo(&config.db_path, &options).await?;
        }
        let mode = if config.demo { OpenMode::CreateIfMissing } else { OpenMode::MustExist };
        let store = Store::open(&config.db_path, mode).await?;
        let mut conn = store.conn().await?;
        let hospital =
            settings::get(&mut conn, settings::HOSPITAL_NAME).await?.unwrap_or_else(|| "（未设置医院名称）".to_owned());
        let counter =
            settings::get(&mut conn, settings::COUNTER_NAME).await?.unwrap_or_else(|| "住院收费处".to_owned());
        drop(conn);
        Ok(App { store, clock: config.clock, printing: config.printing, hospital, counter, demo: config.demo })
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
}

/// 大写金额 of a typed amount (`cashier words 1234.56`).
pub fn words(amount: &str) -> Result<String, AppError> {
    let money = domain::Money::parse(amount).map_err(|e| AppError::invalid(e.code(), e.to_string(), "amount"))?;
    Ok(money.words())
}
