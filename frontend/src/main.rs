//! The cashier's screen, compiled to wasm and shown in the Tauri window.

mod account;
mod app;
mod ipc;
mod login;
mod search;
mod workspace;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::Root);
}
