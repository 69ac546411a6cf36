//! Only the clocks read the time: `Local::now`, `Utc::now` and `Uuid::now_v7` (a UUIDv7 is
//! drawn from the time) appear in no production file but the clocks, so every use case and
//! handler takes its time from a clock that tests can fix.

use regex::Regex;
use tidy::lex::lex;
use tidy::{Violation, assert_none, is_test_code, read, relative, rust_files};

/// The production files that may read the system time, each with what it is.
const CLOCKS: [(&str, &str); 2] = [
    ("crates/app/src/clock.rs", "`app::Clock`: the counter's time (system, or fixed in tests and the demo)"),
    ("platform/src/clock.rs", "the platform server's clock (business time, shiftable; the real instant for security)"),
];

#[test]
fn only_the_clocks_read_the_time() {
    let reads = Regex::new(r"\b(?:Local::now|Utc::now|now_v7)\b").expect("clock pattern");
    let mut found = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        // Test and bench code may read the time (see `tidy::is_test_code`).
        if is_test_code(&rel) || CLOCKS.iter().any(|(clock, _)| *clock == rel) {
            continue;
        }
        for (line, code) in lex(&read(&path)).code_lines() {
            if let Some(m) = reads.find(code) {
                found.push(Violation::new(
                    &rel,
                    line,
                    format!("`{}` outside a clock: take the time (and keys) from the clock", m.as_str()),
                ));
            }
        }
    }
    assert_none("no Local::now, Utc::now or now_v7 outside the clocks and test code", &found);
}
