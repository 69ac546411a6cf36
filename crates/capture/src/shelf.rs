//! Where captured materials are kept: `<folder>/<first two hex digits>/<sha256>.<ext>`, written
//! to a temporary name and renamed (never half a file), with `<sha256>.thumb.png` beside an
//! image (at most 256 px on its longer side). The same content is stored once.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::CaptureError;
use crate::check::{MediaType, check};

/// The longer side of a thumbnail, in pixels.
const THUMBNAIL_PX: u32 = 256;

/// A stored file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub media_type: MediaType,
    pub bytes: u64,
    pub path: PathBuf,
    /// `None` for a PDF.
    pub thumbnail: Option<PathBuf>,
}

/// A content-addressed folder of materials.
#[derive(Clone, Debug)]
pub struct Shelf {
    folder: PathBuf,
}

fn failed(what: &Path, e: impl std::fmt::Display) -> CaptureError {
    CaptureError::Store(format!("{}：{e}", what.display()))
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CaptureError> {
    let temporary = path.with_extension("part");
    let mut file = std::fs::File::create(&temporary).map_err(|e| failed(&temporary, e))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| failed(&temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| failed(path, e))
}

impl Shelf {
    pub fn new(folder: impl Into<PathBuf>) -> Shelf {
        Shelf { folder: folder.into() }
    }

    fn place(&self, sha256: &str, extension: &str) -> PathBuf {
        self.folder.join(&sha256[..2]).join(format!("{sha256}.{extension}"))
    }

    /// Checks and keeps `bytes` (named `name` in messages), with a thumbnail for an image.
    pub fn keep(&self, name: &str, bytes: &[u8]) -> Result<Stored, CaptureError> {
        let checked = check(name, bytes)?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.place(&sha256, checked.media_type.extension());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
        }
        if !path.exists() {
            write_whole(&path, bytes)?;
        }
        let thumbnail = match &checked.image {
            Some(image) => {
                let thumb = self.place(&sha256, "thumb.png");
                if !thumb.exists() {
                    let small = image.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX);
                    let mut png = Vec::new();
                    small
                        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                        .map_err(|e| failed(&thumb, e))?;
                    write_whole(&thumb, &png)?;
                }
                Some(thumb)
            }
            None => None,
        };
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        Ok(Stored { sha256, media_type: checked.media_type, bytes: size, path, thumbnail })
    }

    /// The thumbnail of the stored image with `sha256`, if it is here (a PDF has none).
    pub fn thumbnail(&self, sha256: &str) -> Option<PathBuf> {
        self.find(sha256).map(|_| self.place(sha256, "thumb.png")).filter(|p| p.exists())
    }

    /// The stored file with `sha256`, if it is here.
    pub fn find(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        [MediaType::Jpeg, MediaType::Png, MediaType::Pdf]
            .into_iter()
            .map(|t| self.place(sha256, t.extension()))
            .find(|p| p.exists())
    }
}
