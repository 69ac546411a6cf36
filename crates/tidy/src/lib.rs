//! The source tree as the architecture checks in `tests/architecture` see it: the workspace
//! root, every Rust file in it (relative paths with `/`), which files are test or bench code,
//! and violations reported as `path:line: what`. The checks themselves are the tests.

pub mod lex;
pub mod manifest;
pub mod migrations;

use std::fmt;
use std::path::{Path, PathBuf};

/// Directories never searched: build output, VCS data, generated and downloaded files.
const SKIP: [&str; 6] = ["target", ".git", "dist", "gen", "artifacts", "node_modules"];

/// The workspace root: this crate sits at `crates/tidy`.
pub fn root() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.parent().and_then(Path::parent).expect("crates/tidy sits two levels below the workspace root").to_owned()
}

/// `path` relative to the workspace root, with `/` separators (`crates/app/src/lib.rs`).
pub fn relative(path: &Path) -> String {
    let rel = path.strip_prefix(root()).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A file's text; a tidy check that cannot read the tree fails loudly.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn walk(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_dir() {
            if !SKIP.contains(&name.as_str()) {
                walk(&path, extension, out);
            }
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

/// Every file under `dir` (relative to the root) whose name ends in `.extension`, sorted.
pub fn files_under(dir: &str, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let base = if dir == "." { root() } else { root().join(dir) };
    walk(&base, extension, &mut out);
    out.sort();
    out
}

/// Every Rust file of the workspace (the statements fuzz crate included), sorted.
pub fn rust_files() -> Vec<PathBuf> {
    let files = files_under(".", "rs");
    assert!(files.len() > 30, "found the workspace's sources under {}", root().display());
    files
}

/// Test and bench code: anything under a `tests/` or `benches/` directory (which covers the
/// e2e crate at `tests/`) and `*_tests.rs` modules. `rel` is relative to the root.
pub fn is_test_code(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or_default();
    parts.iter().any(|dir| matches!(*dir, "tests" | "benches")) || file.ends_with("_tests.rs")
}

/// One breach of a rule, printed as `path:line: what`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub file: String,
    pub line: usize,
    pub what: String,
}

impl Violation {
    pub fn new(file: impl Into<String>, line: usize, what: impl Into<String>) -> Violation {
        Violation { file: file.into(), line, what: what.into() }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.what)
    }
}

/// Fails the calling test with every violation on a line of its own, under the rule's name.
pub fn assert_none(rule: &str, violations: &[Violation]) {
    if violations.is_empty() {
        return;
    }
    let lines: Vec<String> = violations.iter().map(Violation::to_string).collect();
    panic!("architecture rule broken: {rule} (see ARCHITECTURE.md)\n{}\n", lines.join("\n"));
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_code_is_recognised_by_place() {
        assert!(is_test_code("crates/store/tests/store.rs"));
        assert!(is_test_code("tests/src/lib.rs"));
        assert!(is_test_code("crates/app/benches/lookup.rs"));
        assert!(is_test_code("crates/sync/src/recon_tests.rs"));
        assert!(!is_test_code("crates/app/src/recall.rs"));
        assert!(!is_test_code("platform/src/tests_helper.rs"));
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
