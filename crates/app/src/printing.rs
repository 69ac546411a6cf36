//! Delivering a rendered PDF: to the configured CUPS printer with `lp`, otherwise saved in the
//! print folder and opened in the desktop's PDF viewer.

use std::path::PathBuf;

use contract::PrintOutcome;
use reports::RenderedPdf;

use crate::AppError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printing {
    /// Where every printed PDF is kept (a printed document is also a file on disk).
    pub dir: PathBuf,
    /// CUPS printer name; `None` saves and opens instead.
    pub printer: Option<String>,
    /// Whether to open saved PDFs with `xdg-open` (off in tests and the CLI).
    pub open_saved: bool,
}

impl Printing {
    /// Hands `reports` the system's full Noto Sans CJK (Debian `fonts-noto-cjk`) for characters
    /// outside the embedded GB 2312 font; read once per process (blocking: call it off the
    /// async workers). Without the file those characters print as "?" and are reported.
    pub fn load_fallback_font() {
        static LOADED: std::sync::Once = std::sync::Once::new();
        LOADED.call_once(|| {
            if let Ok(bytes) = std::fs::read(reports::SYSTEM_FALLBACK_PATH) {
                reports::set_fallback_font(bytes, reports::SYSTEM_FALLBACK_FACE);
            }
        });
    }

    /// Runs `render` on the blocking pool with the fallback font loaded: laying out a PDF is CPU
    /// work that must not hold the async workers.
    pub(crate) async fn render<F>(render: F) -> Result<RenderedPdf, AppError>
    where
        F: FnOnce() -> Result<RenderedPdf, reports::ReportError> + Send + 'static,
    {
        tokio::task::spawn_blocking(move || {
            Printing::load_fallback_font();
            render()
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::from)
    }

    pub async fn deliver(&self, file_name: &str, pdf: &RenderedPdf) -> Result<PrintOutcome, AppError> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| AppError::Print(format!("无法创建打印文件夹 {}：{e}", self.dir.display())))?;
        let path = self.dir.join(file_name);
        tokio::fs::write(&path, &pdf.bytes)
            .await
            .map_err(|e| AppError::Print(format!("无法保存 {}：{e}", path.display())))?;
        let shown = path.display().to_string();
        if let Some(printer) = &self.printer {
            let out = tokio::process::Command::new("lp")
                .arg("-d")
                .arg(printer)
                .arg(&path)
                .output()
                .await
                .map_err(|e| AppError::Print(format!("无法调用 lp：{e}（文件已保存在 {shown}）")))?;
            if !out.status.success() {
                let reason = String::from_utf8_lossy(&out.stderr).trim().to_owned();
                return Err(AppError::Print(format!("打印机 {printer} 拒绝打印：{reason}（文件已保存在 {shown}）")));
            }
            return Ok(PrintOutcome { path: shown, pages: pdf.pages, printer: Some(printer.clone()) });
        }
        if self.open_saved {
            // Best effort: a desktop without a PDF viewer still has the saved file.
            let _ = std::process::Command::new("xdg-open").arg(&path).spawn();
        }
        Ok(PrintOutcome { path: shown, pages: pdf.pages, printer: None })
    }
}
