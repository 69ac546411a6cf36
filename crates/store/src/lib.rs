//! The counter's local SQLite cache: opening it safely (WAL, foreign keys, full sync, embedded
//! migrations), and the repositories that read and append its rows.
//!
//! Architecture invariants: money is INTEGER fen in SQL and `domain::Money` above this crate;
//! no repository updates or deletes a money or event row (triggers enforce it too); no
//! balance is stored, every balance is derived by the domain from the rows; SQL errors never
//! leak upward untranslated (see [`StoreError`]).

pub mod backup;
pub mod blood;
pub mod closes;
mod codec;
pub mod day_book;
pub mod deposits;
pub mod error;
pub mod fees;
pub mod hand_ins;
pub mod intents;
pub mod invoices;
pub mod journal;
pub mod keys;
pub mod my_day;
pub mod open;
pub mod outbox;
pub mod paper;
pub mod patients;
pub mod prints;
pub mod receipts;
pub mod refunds;
pub mod registrations;
pub mod settings;
pub mod settlements;
pub mod users;
pub mod waivers;

pub use error::StoreError;
pub use open::{OpenError, OpenMode, Store};
pub use sqlx::SqliteConnection;

/// A write transaction on the counter's database (commit or drop).
pub type Transaction = sqlx::Transaction<'static, sqlx::Sqlite>;
