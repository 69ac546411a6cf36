//! Capturing the materials of a blood-waiver registration (献血证, ID cards, proof of the
//! relationship, the signed pledge): where an image comes from ([`Source`]: file import, a SANE
//! scanner, the folder a document camera's program saves into), whether it is
//! what it claims ([`check`]: a real JPEG, PNG or PDF within [`MAX_BYTES`], decoded, not only
//! sniffed), turned the right way up ([`rotate`]), and where it is kept ([`Shelf`]: content-addressed by SHA-256 with a thumbnail).
//!
//! Architecture invariant: no money and no database here; the app decides what an image is
//! attached to.

mod check;
mod folder;
mod rotate;
mod scanner;
mod shelf;
mod source;

pub use check::{Checked, MAX_BYTES, MediaType, check};
pub use folder::WatchedFolder;
pub use rotate::rotate;
pub use scanner::{ColourMode, Scanner, ScannerInfo, scanners};
pub use shelf::{Shelf, Stored};
pub use source::{FileImport, Source};

use thiserror::Error;

/// Why a capture failed: each a stable code and a zh-CN sentence.
#[derive(Debug, Error)]
pub enum CaptureError {
    #[error("文件不是 JPEG、PNG 或 PDF：{0}")]
    NotAnImage(String),
    #[error("文件过大（{bytes} 字节，上限 {max} 字节）：{name}")]
    TooLarge { name: String, bytes: u64, max: u64 },
    #[error("图像已损坏，无法读取：{0}")]
    Corrupt(String),
    #[error("无法读取文件 {name}：{reason}")]
    Unreadable { name: String, reason: String },
    #[error("扫描仪不可用：{0}")]
    NoScanner(String),
    #[error("扫描仪 {0} 卡纸：请打开盖板取出纸张后重新扫描")]
    Jammed(String),
    #[error("资料无法保存：{0}")]
    Store(String),
    #[error("{0}")]
    NotRotatable(String),
}

impl CaptureError {
    pub fn code(&self) -> &'static str {
        match self {
            CaptureError::NotAnImage(_) => "MATERIAL_NOT_AN_IMAGE",
            CaptureError::TooLarge { .. } => "MATERIAL_TOO_LARGE",
            CaptureError::Corrupt(_) => "MATERIAL_CORRUPT",
            CaptureError::Unreadable { .. } => "MATERIAL_UNREADABLE",
            CaptureError::NoScanner(_) => "SCANNER_UNAVAILABLE",
            CaptureError::Jammed(_) => "SCANNER_JAMMED",
            CaptureError::Store(_) => "MATERIAL_NOT_STORED",
            CaptureError::NotRotatable(_) => "MATERIAL_NOT_ROTATABLE",
        }
    }
}

#[cfg(test)]
mod tests;
