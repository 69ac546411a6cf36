//! The platform's one clock. Business times — when a deposit was taken, which day a batch
//! reconciles, when a pending item was resolved into a deposit — are the hospital's local time
//! as naive `YYYY-MM-DD HH:MM:SS` (ARCHITECTURE.md, "Time"), read through [`Clock::now`]; they
//! may be shifted for trials (`platform serve --recon-now`). Security timing — session expiry,
//! login throttling, the audit chain's timestamps — uses the real instant ([`instant`]), which a
//! trial must not move.

use chrono::{DateTime, Local, NaiveDateTime, Timelike, Utc};
use uuid::Uuid;

/// The hospital's local time, optionally shifted to start at a given moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    pub offset: chrono::Duration,
}

impl Clock {
    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: NaiveDateTime) -> Clock {
        Clock { offset: start - Local::now().naive_local() }
    }

    /// Local hospital time, whole seconds (the journal keeps seconds).
    pub fn now(&self) -> NaiveDateTime {
        let now = Local::now().naive_local() + self.offset;
        now.with_nanosecond(0).unwrap_or(now)
    }

    /// This clock, as the sandbox channels read the time (their payment and refund times).
    pub fn of_channels(self) -> channels::sandbox::Clock {
        std::sync::Arc::new(move || self.now())
    }

    /// A fresh UUIDv7 stamped with this clock's moment (read as UTC+8, like the counters').
    pub fn key(&self) -> Uuid {
        let utc = (Local::now().naive_local() + self.offset - chrono::Duration::hours(8)).and_utc();
        let seconds = u64::try_from(utc.timestamp()).unwrap_or(0);
        Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, seconds, utc.timestamp_subsec_nanos()))
    }
}

/// The real instant, for what a shifted clock must not move: token expiry, throttling, audit.
pub fn instant() -> DateTime<Utc> {
    Utc::now()
}
