//! Where a capture comes from. [`FileImport`] reads a file the clerk picked (or the CLI's
//! `--scan ITEM=FILE`); the SANE scanner (`scanner`) and the document camera's folder
//! (`folder`) implement the same trait.

use std::path::{Path, PathBuf};

use crate::{CaptureError, check::MAX_BYTES};

/// A source of one captured page: its bytes and a name for messages.
pub trait Source {
    fn acquire(&self) -> Result<(String, Vec<u8>), CaptureError>;
}

/// A file on disk.
pub struct FileImport {
    pub path: PathBuf,
}

impl FileImport {
    pub fn new(path: impl AsRef<Path>) -> FileImport {
        FileImport { path: path.as_ref().to_path_buf() }
    }
}

impl Source for FileImport {
    fn acquire(&self) -> Result<(String, Vec<u8>), CaptureError> {
        let name = self.path.display().to_string();
        let unreadable = |e: std::io::Error| CaptureError::Unreadable { name: name.clone(), reason: e.to_string() };
        let size = std::fs::metadata(&self.path).map_err(unreadable)?.len();
        // Refused before it is read into memory.
        if size > MAX_BYTES {
            return Err(CaptureError::TooLarge { name, bytes: size, max: MAX_BYTES });
        }
        let bytes = std::fs::read(&self.path).map_err(unreadable)?;
        Ok((name, bytes))
    }
}
