//! Where use cases get the time: the system clock at the counter, a fixed moment in tests.

use chrono::{Local, NaiveDateTime, Timelike};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Local hospital time from the operating system.
    System,
    /// Always this moment (tests, reproducible demos).
    Fixed(NaiveDateTime),
}

impl Clock {
    pub fn now(self) -> NaiveDateTime {
        match self {
            Clock::System => {
                // Whole seconds: the store keeps seconds, and a time must read back equal.
                let now = Local::now().naive_local();
                now.with_nanosecond(0).unwrap_or(now)
            }
            Clock::Fixed(at) => at,
        }
    }
}

impl Clock {
    /// A fresh idempotency key (UUIDv7) stamped with this clock's moment: the system clock's
    /// instant, or the fixed moment read as hospital time (UTC+8) with random low bits, so
    /// keys made under a fixed clock still sort by time and never collide.
    pub fn key(self) -> uuid::Uuid {
        match self {
            Clock::System => uuid::Uuid::now_v7(),
            Clock::Fixed(at) => {
                let utc = (at - chrono::Duration::hours(8)).and_utc();
                let seconds = u64::try_from(utc.timestamp()).unwrap_or(0);
                let ts = uuid::Timestamp::from_unix(uuid::NoContext, seconds, utc.timestamp_subsec_nanos());
                uuid::Uuid::new_v7(ts)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_a_fixed_clock_carry_its_moment_and_differ() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(0, 5, 0).unwrap();
        let (a, b) = (Clock::Fixed(at).key(), Clock::Fixed(at).key());
        assert_ne!(a, b);
        let (seconds, _) = a.get_timestamp().unwrap().to_unix();
        let utc = chrono::DateTime::from_timestamp(i64::try_from(seconds).unwrap(), 0).unwrap().naive_utc();
        assert_eq!(utc + chrono::Duration::hours(8), at);
    }
}
