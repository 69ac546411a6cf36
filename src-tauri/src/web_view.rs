//! What the window's web view is spared. Hardware-accelerated compositing: a form screen gains
//! nothing from it, and where the counter has no GPU (or under Xvfb) it brings a software OpenGL
//! stack into the web process — about 80 MB of the idle app's memory (scripts/bench-app.sh).
//! Large memory caches: the window shows one local page and never browses, WebKit's "document
//! viewer" cache model.

use tauri::WebviewWindow;

/// Turns compositing off and the caches down for `window`'s web view (Linux: WebKitGTK).
pub fn lighten(window: &WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = applied {
            tracing::warn!(error = %e, "web view settings not applied");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
