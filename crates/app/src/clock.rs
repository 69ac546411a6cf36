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
