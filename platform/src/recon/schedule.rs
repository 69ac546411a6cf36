//! When batches run, as pure rules over the local time: the nightly window (01:00–03:00 for
//! the previous day; a server that was down then opens them when it is back), which batch is
//! due — not before the same channel's day before is settled, whose cross-day set it needs —
//! and how long the watchdog waits before re-running a failed or stuck batch.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// The nightly run starts batches for yesterday between these hours.
pub const WINDOW_START: (u32, u32) = (1, 0);
pub const WINDOW_END: (u32, u32) = (3, 0);
/// A failed batch is re-run at most this many times in all.
pub const MAX_ATTEMPTS: i32 = 5;
/// A batch still `running` after this long was interrupted (the server stopped): re-run it.
pub const STUCK_MINUTES: i64 = 30;

/// The day the nightly run reconciles at `now`, if `now` is inside the window.
pub fn nightly_day(now: NaiveDateTime) -> Option<NaiveDate> {
    let start = NaiveTime::from_hms_opt(WINDOW_START.0, WINDOW_START.1, 0)?;
    let end = NaiveTime::from_hms_opt(WINDOW_END.0, WINDOW_END.1, 0)?;
    let time = now.time();
    (time >= start && time < end).then(|| now.date() - Duration::days(1))
}

/// The day whose batches must exist at `now`: yesterday, from the window's start on (a pass
/// after 03:00 that finds them missing — the server was down in the window — opens them).
pub fn day_to_open(now: NaiveDateTime) -> Option<NaiveDate> {
    let start = NaiveTime::from_hms_opt(WINDOW_START.0, WINDOW_START.1, 0)?;
    (now.time() >= start).then(|| now.date() - Duration::days(1))
}

/// Whether a batch that is not `done` will still run by itself (so the next day's batch of its
/// channel must wait for its cross-day set).
pub fn will_run(batch: &BatchState) -> bool {
    match batch.status.as_str() {
        "queued" | "running" | "waiting" => true,
        "failed" => batch.attempts < MAX_ATTEMPTS,
        _ => false,
    }
}

/// A batch as the schedule sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchState {
    pub status: String,
    pub attempts: i32,
    pub next_try_at: Option<NaiveDateTime>,
    pub started_at: Option<NaiveDateTime>,
}

/// Whether the runner should take the batch now.
pub fn is_due(batch: &BatchState, now: NaiveDateTime) -> bool {
    let time_has_come = batch.next_try_at.is_none_or(|at| at <= now);
    match batch.status.as_str() {
        "queued" => true,
        "waiting" => time_has_come,
        "failed" => batch.attempts < MAX_ATTEMPTS && time_has_come,
        "running" => batch.started_at.is_some_and(|at| now - at >= Duration::minutes(STUCK_MINUTES)),
        _ => false,
    }
}

/// When the watchdog re-runs a batch that failed for the `attempts`-th time: 10 minutes, then
/// 20, 30… later; `None` once it has failed [`MAX_ATTEMPTS`] times (finance re-runs it by hand).
pub fn retry_after_failure(attempts: i32, now: NaiveDateTime) -> Option<NaiveDateTime> {
    (attempts < MAX_ATTEMPTS).then(|| now + Duration::minutes(10 * i64::from(attempts.max(1))))
}

/// A day's result is final after T+2.
pub fn is_final(day: NaiveDate, today: NaiveDate) -> bool {
    today > day + Duration::days(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }
    fn state(status: &str, attempts: i32, next: Option<&str>, started: Option<&str>) -> BatchState {
        BatchState { status: status.into(), attempts, next_try_at: next.map(at), started_at: started.map(at) }
    }

    #[test]
    fn the_nightly_window_reconciles_yesterday() {
        assert_eq!(nightly_day(at("2026-11-26 00:59")), None);
        assert_eq!(nightly_day(at("2026-11-26 01:00")), NaiveDate::from_ymd_opt(2026, 11, 25));
        assert_eq!(nightly_day(at("2026-11-26 02:59")), NaiveDate::from_ymd_opt(2026, 11, 25));
        assert_eq!(nightly_day(at("2026-11-26 03:00")), None);
        assert_eq!(nightly_day(at("2026-11-01 01:30")), NaiveDate::from_ymd_opt(2026, 10, 31));
        assert_eq!(day_to_open(at("2026-11-26 00:59")), None);
        assert_eq!(day_to_open(at("2026-11-26 09:00")), NaiveDate::from_ymd_opt(2026, 11, 25), "catch-up");
    }

    #[test]
    fn the_next_day_waits_for_a_day_that_will_still_run() {
        assert!(will_run(&state("waiting", 0, Some("2026-11-26 10:00"), None)));
        assert!(will_run(&state("failed", 2, None, None)));
        assert!(!will_run(&state("failed", MAX_ATTEMPTS, None, None)), "given up: the next day goes on");
        assert!(!will_run(&state("done", 1, None, None)));
    }

    #[test]
    fn due_batches_and_the_watchdog() {
        let now = at("2026-11-26 09:00");
        assert!(is_due(&state("queued", 0, None, None), now));
        assert!(!is_due(&state("waiting", 1, Some("2026-11-26 10:00"), None), now));
        assert!(is_due(&state("waiting", 1, Some("2026-11-26 08:00"), None), now));
        assert!(is_due(&state("failed", 2, Some("2026-11-26 08:50"), None), now));
        assert!(!is_due(&state("failed", 2, Some("2026-11-26 09:10"), None), now));
        assert!(!is_due(&state("failed", MAX_ATTEMPTS, Some("2026-11-26 08:00"), None), now));
        assert!(!is_due(&state("running", 1, None, Some("2026-11-26 08:45")), now));
        assert!(is_due(&state("running", 1, None, Some("2026-11-26 08:30")), now), "stuck for 30 minutes");
        assert!(!is_due(&state("done", 1, None, None), now));
        assert_eq!(retry_after_failure(1, now), Some(at("2026-11-26 09:10")));
        assert_eq!(retry_after_failure(3, now), Some(at("2026-11-26 09:30")));
        assert_eq!(retry_after_failure(MAX_ATTEMPTS, now), None);
    }

    #[test]
    fn a_day_is_final_after_t_plus_two() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(!is_final(day, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()));
        assert!(is_final(day, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()));
    }
}
