//! One window per data folder. The first start takes `instance.lock` in the data folder and
//! listens on `instance.sock` beside it; a second start on the same folder (a double click on
//! the desktop entry, an impatient cashier) finds the lock taken, asks the first to show its
//! window, and exits — two windows on one database would each believe they own the counter.
//! Per folder, not per machine: a demo and a real counter may run side by side.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};

/// What this start is.
pub enum Instance {
    /// The first: it keeps the lock (held until the process ends) and answers later starts.
    First { _lock: File, listener: Option<UnixListener> },
    /// Another start already owns the folder; it has been asked to show its window.
    Second,
}

/// Takes the folder, or asks its owner to show itself.
pub fn claim(data_dir: &Path) -> std::io::Result<Instance> {
    std::fs::create_dir_all(data_dir)?;
    let lock = File::options().create(true).truncate(false).write(true).open(data_dir.join("instance.lock"))?;
    let socket = data_dir.join("instance.sock");
    if lock.try_lock().is_err() {
        // The owner may still be starting: give it a moment to listen.
        let started = Instant::now();
        loop {
            if let Ok(mut stream) = UnixStream::connect(&socket) {
                stream.write_all(b"show\n")?;
                return Ok(Instance::Second);
            }
            if started.elapsed() > Duration::from_secs(5) {
                return Ok(Instance::Second);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    // A socket left by an ended process is stale: the lock says nobody owns it now.
    let _ = std::fs::remove_file(&socket);
    let listener = match UnixListener::bind(&socket) {
        Ok(listener) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "a second start will not be able to bring this window forward");
            None
        }
    };
    Ok(Instance::First { _lock: lock, listener })
}

/// Shows and focuses the main window whenever a later start asks.
pub fn answer<R: Runtime>(listener: UnixListener, app: AppHandle<R>) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut asked = String::new();
            if BufReader::new(stream).read_line(&mut asked).is_ok()
                && asked.trim() == "show"
                && let Some(window) = app.get_webview_window("main")
            {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
                tracing::info!("another start on this data folder: the open window was brought forward");
            }
        }
    });
}
