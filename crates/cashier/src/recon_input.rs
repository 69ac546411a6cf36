//! What the statement and reconcile commands take from the command line: channel names, dates,
//! fee rates and input files, each refusal a zh-CN sentence with a stable code (exit status 2).

use std::fs::File;
use std::path::Path;

use app::AppError;
use chrono::NaiveDate;
use statements::{Channel, StatementError};

/// What a statement file is compared with, or checked as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// One channel's statement (cash: the HIS export, filtered to cash).
    Channel(Channel),
    /// The HIS export, every channel.
    His,
    /// The platform ledger export (only for `statement check`).
    Ledger,
}

impl Target {
    /// `wechat`/`微信`, `alipay`/`支付宝`, `unionpay`/`银联`, `insurance`/`医保`, `cash`/`现金`,
    /// `his`, `ledger`/`platform`.
    pub fn parse(text: &str) -> Option<Target> {
        let lower = text.trim().to_ascii_lowercase();
        if let Some(channel) = Channel::parse(&lower) {
            return Some(Target::Channel(channel));
        }
        match lower.as_str() {
            "his" => Some(Target::His),
            "ledger" | "platform" | "平台" => Some(Target::Ledger),
            other => Channel::ALL.into_iter().find(|c| c.label() == other).map(Target::Channel),
        }
    }

    /// The name used in JSON: `wechat`, …, `his`, `ledger`.
    pub fn code(self) -> &'static str {
        match self {
            Target::Channel(channel) => channel.as_str(),
            Target::His => "his",
            Target::Ledger => "ledger",
        }
    }
}

pub fn unknown_channel(text: &str, allowed: &str) -> AppError {
    AppError::invalid("CHANNEL_UNKNOWN", format!("渠道“{text}”无法识别，应为 {allowed} 之一"), "channel")
}

/// `YYYY-MM-DD`.
pub fn parse_day(text: &str, field: &'static str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("DATE_MALFORMED", format!("日期格式应为 YYYY-MM-DD：“{text}”"), field))
}

/// A contracted fee rate: `0.6%`, `0.60%` or parts per million (`6000`). Exact, no floats:
/// at most four decimals of a percent.
pub fn parse_fee_rate(text: &str) -> Result<u32, AppError> {
    let bad = || {
        AppError::invalid(
            "FEE_RATE_MALFORMED",
            format!("费率应写作百分比（如 0.6%）或百万分率整数（如 6000）：“{text}”"),
            "fee_rate",
        )
    };
    let text = text.trim();
    let Some(percent) = text.strip_suffix('%') else {
        return text.parse::<u32>().ok().filter(|ppm| *ppm <= 1_000_000).ok_or_else(bad);
    };
    let (whole, fraction) = percent.split_once('.').unwrap_or((percent, ""));
    if fraction.len() > 4 || !fraction.bytes().all(|b| b.is_ascii_digit()) || whole.is_empty() {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let padded = format!("{fraction:0<4}");
    let fraction: u32 = padded.parse().map_err(|_| bad())?;
    let ppm = whole.checked_mul(10_000).and_then(|w| w.checked_add(fraction)).ok_or_else(bad)?;
    if ppm > 1_000_000 {
        return Err(bad());
    }
    Ok(ppm)
}

/// How a file is named in messages: as the user typed it.
pub fn display_name(path: &Path) -> String {
    path.display().to_string()
}

fn io_error(path: &Path, error: &std::io::Error) -> StatementError {
    let reason = match error.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
        std::io::ErrorKind::IsADirectory => "这是一个文件夹".to_owned(),
        _ => error.to_string(),
    };
    StatementError::Io { file: display_name(path), reason }
}

/// Reads a whole input file (zip-packed statements are read whole anyway).
pub fn read_input(path: &Path, field: &'static str) -> Result<Vec<u8>, AppError> {
    if path.is_dir() {
        return Err(refused(&io_error(path, &std::io::Error::from(std::io::ErrorKind::IsADirectory)), field));
    }
    std::fs::read(path).map_err(|e| refused(&io_error(path, &e), field))
}

/// Opens an input file to stream it.
pub fn open_input(path: &Path, field: &'static str) -> Result<File, AppError> {
    if path.is_dir() {
        return Err(refused(&io_error(path, &std::io::Error::from(std::io::ErrorKind::IsADirectory)), field));
    }
    File::open(path).map_err(|e| refused(&io_error(path, &e), field))
}

/// A statement file that cannot be trusted is refused input (exit status 2), keeping the
/// parser's code and sentence.
pub fn refused(error: &StatementError, field: &'static str) -> AppError {
    AppError::Invalid { code: error.code(), message: error.to_string(), field: Some(field) }
}

/// A run the engine refused (two records with one key on one side…).
pub fn engine_refused(error: &reconcile::ReconcileError) -> AppError {
    AppError::Rule { code: error.code(), message: error.to_string() }
}

/// Writes an output file; failing to is not the input's fault (exit status 1).
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    std::fs::write(path, bytes).map_err(|e| AppError::Io(format!("无法写入 {}：{e}", path.display())))
}

pub fn json(value: &serde_json::Value) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Io(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_rates_are_exact() {
        assert_eq!(parse_fee_rate("0.6%").unwrap(), 6_000);
        assert_eq!(parse_fee_rate("0.60%").unwrap(), 6_000);
        assert_eq!(parse_fee_rate("0.38%").unwrap(), 3_800);
        assert_eq!(parse_fee_rate("1%").unwrap(), 10_000);
        assert_eq!(parse_fee_rate("6000").unwrap(), 6_000);
        for bad in ["0.123456%", "abc", "-1%", "101%", "%", ".5%"] {
            assert!(parse_fee_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn channels_by_code_or_chinese_name() {
        assert_eq!(Target::parse("WeChat"), Some(Target::Channel(Channel::Wechat)));
        assert_eq!(Target::parse("银联"), Some(Target::Channel(Channel::Unionpay)));
        assert_eq!(Target::parse("HIS"), Some(Target::His));
        assert_eq!(Target::parse("ledger"), Some(Target::Ledger));
        assert_eq!(Target::parse("paypal"), None);
    }
}
