//! The document camera's folder (高拍仪): most document cameras come with their own capture
//! program that saves each shot as a JPEG into a folder the clerk chose. [`WatchedFolder`] waits
//! for the next file to appear there and be finished.
//!
//! It polls rather than subscribing to inotify: the camera programs write a file in several
//! chunks (some through a temporary name, some in place), so an event says only that something
//! changed, and "finished" still has to be judged by the size standing still between two looks.
//! A look every 200 ms costs nothing against a shot that takes a second to write.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::Mutex,
    thread,
    time::{Duration, Instant},
};

use crate::{CaptureError, Source, source::FileImport};

/// How often the folder is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// A folder a camera program saves into. Files already there when it was armed are never taken;
/// the next new image (.jpg, .jpeg, .png, .pdf) whose size stayed the same between two looks is.
pub struct WatchedFolder {
    dir: PathBuf,
    wait: Duration,
    /// The files taken or already there when armed.
    seen: Mutex<HashSet<PathBuf>>,
}

impl WatchedFolder {
    /// Arms the folder: what is in it now is old. Refused when the folder does not exist.
    pub fn arm(dir: impl AsRef<Path>, wait: Duration) -> Result<WatchedFolder, CaptureError> {
        let dir = dir.as_ref().to_path_buf();
        let seen = images_in(&dir)?.into_iter().map(|(path, _)| path).collect();
        Ok(WatchedFolder { dir, wait, seen: Mutex::new(seen) })
    }

    /// Waits for the next finished image and reads it; the folder stays armed for the one after.
    /// Finished means: the same size at two looks in a row and a sound image (a half-written
    /// JPEG has no end marker yet). A file that stays unsound is named when the wait is over.
    fn next_shot(&self) -> Result<(String, Vec<u8>), CaptureError> {
        // One wait at a time: a second caller waits for the first to take its shot.
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let deadline = Instant::now() + self.wait;
        let mut last_sizes: Vec<(PathBuf, u64)> = Vec::new();
        let mut unsound: Option<(PathBuf, u64, CaptureError)> = None;
        loop {
            let now: Vec<(PathBuf, u64)> =
                images_in(&self.dir)?.into_iter().filter(|(path, _)| !seen.contains(path)).collect();
            // Oldest name first, so two shots taken quickly are taken in order.
            for (path, size) in now.iter().filter(|(_, size)| *size > 0) {
                let steady = last_sizes.iter().any(|(p, s)| p == path && s == size);
                let known_bad = unsound.as_ref().is_some_and(|(p, s, _)| p == path && s == size);
                if !steady || known_bad {
                    continue;
                }
                let (name, bytes) = FileImport::new(path).acquire()?;
                match crate::check(&name, &bytes) {
                    Ok(_) => {
                        seen.insert(path.clone());
                        return Ok((name, bytes));
                    }
                    Err(e) => unsound = Some((path.clone(), *size, e)),
                }
            }
            if Instant::now() >= deadline {
                return Err(match unsound {
                    Some((_, _, e)) => e,
                    None => CaptureError::NoScanner(format!(
                        "{} 秒内高拍仪文件夹 {} 中没有新的图像",
                        self.wait.as_secs(),
                        self.dir.display()
                    )),
                });
            }
            last_sizes = now;
            thread::sleep(LOOK_EVERY);
        }
    }
}

impl Source for WatchedFolder {
    fn acquire(&self) -> Result<(String, Vec<u8>), CaptureError> {
        self.next_shot()
    }
}

/// The images in `dir`, sorted by name, with their sizes.
fn images_in(dir: &Path) -> Result<Vec<(PathBuf, u64)>, CaptureError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CaptureError::NoScanner(format!("高拍仪文件夹 {} 无法打开：{e}", dir.display())))?;
    let mut images: Vec<(PathBuf, u64)> = entries
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let extension = path.extension()?.to_str()?.to_ascii_lowercase();
            let is_image = matches!(extension.as_str(), "jpg" | "jpeg" | "png" | "pdf");
            let meta = entry.metadata().ok()?;
            (is_image && meta.is_file()).then_some((path, meta.len()))
        })
        .collect();
    images.sort();
    Ok(images)
}
