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

    /// The CUPS destinations `lpstat -e` lists, or why there are none, in the operator's words.
    pub async fn cups_printers() -> (Vec<String>, Option<String>) {
        let asked = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            tokio::process::Command::new("lpstat").arg("-e").kill_on_drop(true).output(),
        )
        .await;
        match asked {
            Err(_) => (Vec::new(), Some("CUPS 无响应（lpstat 超时）：单据将保存为 PDF 并打开".to_owned())),
            Ok(Err(_)) => (Vec::new(), Some("本机未安装 CUPS（找不到 lpstat）：单据将保存为 PDF 并打开".to_owned())),
            Ok(Ok(out)) => {
                let printers: Vec<String> = String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                let note = if printers.is_empty() {
                    let said = String::from_utf8_lossy(&out.stderr).trim().to_owned();
                    Some(if said.is_empty() {
                        "CUPS 中没有打印机：单据将保存为 PDF 并打开".to_owned()
                    } else {
                        format!("CUPS 未列出打印机（{said}）：单据将保存为 PDF 并打开")
                    })
                } else {
                    None
                };
                (printers, note)
            }
        }
    }

    pub async fn deliver(&self, file_name: &str, pdf: &RenderedPdf) -> Result<PrintOutcome, AppError> {
        self.deliver_to(self.printer.as_deref(), file_name, pdf).await
    }

    /// Saves the PDF and sends it to `printer`; without one (or for 打印预览) opens it in the
    /// desktop's PDF viewer, from which the cashier prints.
    pub async fn deliver_to(
        &self,
        printer: Option<&str>,
        file_name: &str,
        pdf: &RenderedPdf,
    ) -> Result<PrintOutcome, AppError> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| AppError::Print(format!("无法创建打印文件夹 {}：{e}", self.dir.display())))?;
        let path = self.dir.join(file_name);
        tokio::fs::write(&path, &pdf.bytes)
            .await
            .map_err(|e| AppError::Print(format!("无法保存 {}：{e}", path.display())))?;
        let shown = path.display().to_string();
        if let Some(printer) = printer {
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
            return Ok(PrintOutcome { path: shown, pages: pdf.pages, printer: Some(printer.to_owned()) });
        }
        if self.open_saved {
            // Best effort: a desktop without a PDF viewer still has the saved file.
            let _ = std::process::Command::new("xdg-open").arg(&path).spawn();
        }
        Ok(PrintOutcome { path: shown, pages: pdf.pages, printer: None })
    }
}
