//! The cashier's screen, compiled to wasm and shown in the Tauri window.

mod account;
mod app;
mod desk;
mod dialogs;
mod ipc;
mod link;
mod login;
mod recon;
mod refunds;
mod register;
mod search;
mod workspace;

fn main() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal(&info.to_string());
    }));
    leptos::mount::mount_to_body(app::Root);
}

/// A bug in the screen stops it; say so on the screen instead of freezing silently.
fn show_fatal(detail: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(banner) = document.create_element("div") else { return };
    banner.set_id("fatal-error");
    banner.set_class_name("fatal-error");
    banner.set_text_content(Some(&format!("收费界面出现程序错误，请重启收费程序并联系信息科。详情：{detail}")));
    if let Some(body) = document.body() {
        let _ = body.append_child(&banner);
    }
}
