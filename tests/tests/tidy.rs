//! Tidy checks over the source tree (after rust-analyzer's tidy test): every Rust file starts
//! with a `//!` line saying what it is for, and no file grows past 500 lines.

use std::path::{Path, PathBuf};

const SKIP: [&str; 6] = ["target", ".git", "dist", "gen", "artifacts", "node_modules"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !SKIP.contains(&name.as_str()) {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&e2e::workspace_root(), &mut files);
    assert!(files.len() > 30, "found the workspace's sources");
    files
}

#[test]
fn every_module_says_what_it_is_for() {
    let missing: Vec<_> = sources()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            !text.lines().next().is_some_and(|first| first.starts_with("//!"))
        })
        .collect();
    assert!(missing.is_empty(), "files without a leading `//!` line: {missing:#?}");
}

#[test]
fn files_stay_small() {
    let long: Vec<_> = sources()
        .into_iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            (lines > 500).then_some((path, lines))
        })
        .collect();
    assert!(long.is_empty(), "files over 500 lines: {long:#?}");
}
