//! Passwords for the command line: from an environment variable, or typed at the terminal with
//! echo off — never from an argument, which `ps` and the shell history would keep.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use app::AppError;

/// The password in the environment variable `var` when set and not empty; otherwise asked on
/// the terminal (`/dev/tty`) after `prompt`, without echo.
pub fn read(var: &str, prompt: &str) -> Result<String, AppError> {
    if let Some(value) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
        return Ok(value);
    }
    ask(prompt).map_err(|e| AppError::Refused(format!("请设置环境变量 {var}，或在终端中输入密码（{e}）")))
}

/// Reads one line from the controlling terminal with echo turned off by `stty`.
fn ask(prompt: &str) -> std::io::Result<String> {
    let mut tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    let stty = |flag: &str, tty: &std::fs::File| -> std::io::Result<bool> {
        let status = Command::new("stty").arg(flag).stdin(tty.try_clone()?).stderr(Stdio::null()).status()?;
        Ok(status.success())
    };
    if !stty("-echo", &tty)? {
        return Err(std::io::Error::other("无法关闭终端回显"));
    }
    write!(tty, "{prompt}")?;
    tty.flush()?;
    let mut line = String::new();
    let read = BufReader::new(tty.try_clone()?).read_line(&mut line);
    let restored = stty("echo", &tty);
    writeln!(tty)?;
    read?;
    restored?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
