//! Build script: tauri-build reads `tauri.conf.json` beside this crate (where Tauri's bundler,
//! `cargo tauri build`, looks for it too).

fn main() {
    tauri_build::build();
}
