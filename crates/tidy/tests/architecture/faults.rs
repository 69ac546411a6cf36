//! Fault injection is compiled only into test builds: every production function that reads
//! `CASHIER_PAUSE_BEFORE_COMMIT_MS` carries `#[cfg(feature = "fault-injection")]`, a feature
//! only scripts/test.sh turns on (ARCHITECTURE.md, "Security").

use tidy::{Violation, assert_none, is_test_code, read, relative, rust_files};

const SWITCH: &str = "\"CASHIER_PAUSE_BEFORE_COMMIT_MS\"";
const GATE: &str = "#[cfg(feature = \"fault-injection\")]";

/// Whether the function around line `at` of `lines` is gated by [`GATE`] (in the attributes
/// and doc comments right above its `fn` line).
fn gated(lines: &[&str], at: usize) -> bool {
    let Some(start) = (0..=at).rev().find(|&i| {
        let line = lines[i].trim_start();
        line.starts_with("fn ") || line.starts_with("pub fn ") || line.starts_with("pub(crate) fn ")
    }) else {
        return false;
    };
    lines[..start]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("#[") || l.trim_start().starts_with("///"))
        .any(|l| l.trim() == GATE)
}

#[test]
fn the_fault_switches_are_compiled_only_into_test_builds() {
    let mut found = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        if is_test_code(&rel) || rel.starts_with("crates/tidy/") {
            continue;
        }
        let text = read(&path);
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.contains(SWITCH) && !line.trim_start().starts_with("//") && !gated(&lines, i) {
                found.push(Violation::new(&rel, i + 1, format!("{SWITCH} read outside a function with {GATE}")));
            }
        }
    }
    assert_none("fault injection only behind the fault-injection feature", &found);
}

#[test]
fn an_ungated_reader_is_found() {
    let gated_fn = ["#[cfg(feature = \"fault-injection\")]", "fn pause() {", "    var(\"X\")", "}"];
    assert!(gated(&gated_fn, 2));
    let open_fn = ["/// docs", "fn pause() {", "    var(\"X\")", "}"];
    assert!(!gated(&open_fn, 2));
}
