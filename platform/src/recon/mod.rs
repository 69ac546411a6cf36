//! Reconciliation on the platform (对账): stored statements, the platform's ledger export, the
//! batches per day and channel with their nightly schedule and watchdog, the stored result
//! items, and finance's review of them. The matching itself is the pure `reconcile` crate.

pub mod channel_numbers;
pub mod compute;
pub mod items;
pub mod ledger;
pub mod report;
pub mod review;
pub mod runner;
pub mod sandbox_alipay;
pub mod sandbox_bills;
pub mod sandbox_terminal;
pub mod schedule;
pub mod source;
pub mod stored;
