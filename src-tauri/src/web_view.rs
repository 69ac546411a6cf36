//! What the window's web view is spared: large memory caches. The window shows one local page
//! and never browses: WebKit's "document viewer" cache model.
//!
//! Turning hardware compositing off as well would save about 70 MB more where the counter has
//! no GPU (the software OpenGL stack stays out of the web process; `scripts/bench-app.sh`
//! measures it), but WebKitGTK 2.50 then hangs on snapshots of some screens (the e2e test's
//! screenshot of 出院结算's trial never returned), so compositing stays as WebKit decides.

use tauri::WebviewWindow;

/// Turns the caches down for `window`'s web view (Linux: WebKitGTK).
pub fn lighten(window: &WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
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
