//! The calls of 设置 (the counter's printers, offsets, place and platform).

use contract::counter_settings::{CounterSettingsView, PlatformSettings, PrintSettings, RegisterCounter};
use contract::{ApiError, PrintOutcome};
use serde::Serialize;

use super::{NoArgs, call};

#[derive(Serialize)]
struct PrintArgs<'a> {
    settings: &'a PrintSettings,
}

#[derive(Serialize)]
struct PlatformArgs<'a> {
    settings: &'a PlatformSettings,
}

#[derive(Serialize)]
struct KindArgs<'a> {
    kind: &'a str,
}

pub async fn counter_settings() -> Result<CounterSettingsView, ApiError> {
    call("counter_settings", &NoArgs {}).await
}

pub async fn save_print_settings(settings: &PrintSettings) -> Result<CounterSettingsView, ApiError> {
    call("save_print_settings", &PrintArgs { settings }).await
}

pub async fn save_platform_settings(settings: &PlatformSettings) -> Result<CounterSettingsView, ApiError> {
    call("save_platform_settings", &PlatformArgs { settings }).await
}

/// Tells the shell the window has painted its first screen (logged once: the start-up time).
pub async fn window_painted() {
    let _: Result<(), ApiError> = call("window_painted", &NoArgs {}).await;
}

pub async fn print_test_page(kind: &str) -> Result<PrintOutcome, ApiError> {
    call("print_test_page", &KindArgs { kind }).await
}

#[derive(Serialize)]
struct RegisterArgs<'a> {
    request: &'a RegisterCounter,
}

/// The first start's registration; the device id.
pub async fn register_counter(request: &RegisterCounter) -> Result<String, ApiError> {
    call("register_counter", &RegisterArgs { request }).await
}

pub async fn restart_app() -> Result<(), ApiError> {
    call("restart_app", &NoArgs {}).await
}
