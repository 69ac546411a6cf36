//! Every Rust file says what it is for in a leading `//!` line, and no file grows past 500
//! lines.

use tidy::{Violation, assert_none, read, relative, rust_files};

const MAX_LINES: usize = 500;

#[test]
fn every_module_says_what_it_is_for() {
    let missing: Vec<Violation> = rust_files()
        .iter()
        .filter(|path| !read(path).lines().next().is_some_and(|first| first.starts_with("//!")))
        .map(|path| Violation::new(relative(path), 1, "does not start with a `//!` line saying what it is for"))
        .collect();
    assert_none("every Rust file starts with `//!`", &missing);
}

#[test]
fn files_stay_small() {
    let long: Vec<Violation> = rust_files()
        .iter()
        .filter_map(|path| {
            let lines = read(path).lines().count();
            (lines > MAX_LINES).then(|| Violation::new(relative(path), lines, format!("{lines} lines (> {MAX_LINES})")))
        })
        .collect();
    assert_none("no file over 500 lines", &long);
}
