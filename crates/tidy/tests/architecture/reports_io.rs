//! `reports` turns models into bytes and touches no file: no `std::fs`, `File` or
//! `OpenOptions` in `reports/src` (the fallback font's bytes come from the caller).

use regex::Regex;
use tidy::lex::lex;
use tidy::{Violation, assert_none, files_under, read, relative};

#[test]
fn reports_touch_no_file() {
    let io = Regex::new(r"\bstd::fs\b|\bfs::|\bFile::|\bOpenOptions\b|\btokio::fs\b").expect("file pattern");
    let files = files_under("reports/src", "rs");
    assert!(files.len() > 5, "found reports/src");
    let mut found = Vec::new();
    for path in files {
        for (line, code) in lex(&read(&path)).code_lines() {
            if let Some(m) = io.find(code) {
                let what = format!("`{}` in reports: the caller reads files and passes bytes", m.as_str());
                found.push(Violation::new(relative(&path), line, what));
            }
        }
    }
    assert_none("reports/src touches no file", &found);
}
