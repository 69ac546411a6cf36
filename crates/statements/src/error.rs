//! Why a statement file is refused: one error enum with stable codes and zh-CN sentences that
//! name the file, the line and the figures, so finance knows what to fetch again.

use thiserror::Error;

/// A statement file that cannot be trusted. Every variant names the file; most name the line
/// (1-based, counted in the decoded text file; inside a zip, in the named entry).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum StatementError {
    #[error("读取账单文件 {file} 失败：{reason}")]
    Io { file: String, reason: String },
    #[error("账单文件 {file} 是空的，请重新下载")]
    Empty { file: String },
    #[error("账单文件 {file} 不完整（第 {line} 行）：{what}，请重新下载")]
    Truncated { file: String, line: u64, what: String },
    #[error("账单文件 {file} 第 {line} 行不是 {expected} 编码，请确认下载的是原始账单文件")]
    Encoding { file: String, line: u64, expected: &'static str },
    #[error("账单文件 {file} 第 {line} 行无法识别为{format}的表头，请确认账单类型")]
    UnknownLayout { file: String, line: u64, format: &'static str },
    #[error("账单文件 {file} 第 {line} 行缺少“{column}”列")]
    MissingColumn { file: String, line: u64, column: String },
    #[error("账单文件 {file} 第 {line} 行有 {found} 列，表头为 {expected} 列（字段中可能含有逗号）")]
    CellCount { file: String, line: u64, expected: usize, found: usize },
    #[error("账单文件 {file} 第 {line} 行过长（超过 {limit} 字节），文件可能已损坏")]
    LineTooLong { file: String, line: u64, limit: usize },
    #[error("账单文件 {file} 第 {line} 行“{column}”的金额“{value}”无法识别")]
    BadAmount { file: String, line: u64, column: String, value: String },
    #[error("账单文件 {file} 第 {line} 行“{column}”的时间“{value}”无法识别")]
    BadTime { file: String, line: u64, column: String, value: String },
    #[error("账单文件 {file} 第 {line} 行“{column}”的值“{value}”无法识别")]
    BadValue { file: String, line: u64, column: String, value: String },
    #[error("账单文件 {file} 第 {line} 行与第 {first_line} 行重复（{key}）")]
    Duplicate { file: String, line: u64, first_line: u64, key: String },
    #[error("账单文件 {file} 第 {line} 行汇总“{field}”为 {stated}，明细合计为 {counted}，两者不符")]
    SummaryMismatch { file: String, line: u64, field: String, stated: String, counted: String },
    #[error("账单文件 {file} 的合计超出金额范围，文件可能已损坏")]
    Overflow { file: String },
    #[error("账单压缩包 {file} 无法读取：{reason}")]
    Archive { file: String, reason: String },
    #[error("账单文件 {file}：{what}")]
    MissingInput { file: String, what: String },
    /// A zip over a resource limit (entries, sizes, compression ratio): refused before or while
    /// it is inflated; `code` says which limit.
    #[error("账单压缩包 {file} 未导入：{reason}")]
    ArchiveLimit { file: String, code: &'static str, reason: String },
}

impl StatementError {
    /// Stable machine-readable code; callers branch on it, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            StatementError::Io { .. } => "STATEMENT_IO",
            StatementError::Empty { .. } => "STATEMENT_EMPTY",
            StatementError::Truncated { .. } => "STATEMENT_TRUNCATED",
            StatementError::Encoding { .. } => "STATEMENT_ENCODING",
            StatementError::UnknownLayout { .. } => "STATEMENT_UNKNOWN_LAYOUT",
            StatementError::MissingColumn { .. } => "STATEMENT_MISSING_COLUMN",
            StatementError::CellCount { .. } => "STATEMENT_CELL_COUNT",
            StatementError::LineTooLong { .. } => "STATEMENT_LINE_TOO_LONG",
            StatementError::BadAmount { .. } => "STATEMENT_BAD_AMOUNT",
            StatementError::BadTime { .. } => "STATEMENT_BAD_TIME",
            StatementError::BadValue { .. } => "STATEMENT_BAD_VALUE",
            StatementError::Duplicate { .. } => "STATEMENT_DUPLICATE_ROW",
            StatementError::SummaryMismatch { .. } => "STATEMENT_SUMMARY_MISMATCH",
            StatementError::Overflow { .. } => "STATEMENT_OVERFLOW",
            StatementError::Archive { .. } => "STATEMENT_ARCHIVE",
            StatementError::MissingInput { .. } => "STATEMENT_MISSING_INPUT",
            StatementError::ArchiveLimit { code, .. } => code,
        }
    }

    /// The 1-based line the error points at, when it points at one.
    pub fn line(&self) -> Option<u64> {
        match self {
            StatementError::Truncated { line, .. }
            | StatementError::Encoding { line, .. }
            | StatementError::UnknownLayout { line, .. }
            | StatementError::MissingColumn { line, .. }
            | StatementError::CellCount { line, .. }
            | StatementError::LineTooLong { line, .. }
            | StatementError::BadAmount { line, .. }
            | StatementError::BadTime { line, .. }
            | StatementError::BadValue { line, .. }
            | StatementError::Duplicate { line, .. }
            | StatementError::SummaryMismatch { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// A compressed stream inflated past its limit (see `lines::maybe_gunzip`).
#[derive(Debug)]
pub(crate) struct InflatedTooLarge;

impl std::fmt::Display for InflatedTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("解压后超过上限")
    }
}

impl std::error::Error for InflatedTooLarge {}

/// Builds errors for one file without repeating its name at every call site.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx<'f> {
    pub(crate) file: &'f str,
}

impl<'f> Ctx<'f> {
    pub(crate) fn new(file: &'f str) -> Ctx<'f> {
        Ctx { file }
    }
    fn f(self) -> String {
        self.file.to_owned()
    }
    pub(crate) fn io(self, err: &std::io::Error) -> StatementError {
        if err.get_ref().is_some_and(|e| e.is::<InflatedTooLarge>()) {
            let reason = format!("解压后超过 {} MiB", crate::archive::MAX_ENTRY >> 20);
            return self.archive_limit(crate::archive::TOO_LARGE, reason);
        }
        StatementError::Io { file: self.f(), reason: err.to_string() }
    }
    pub(crate) fn empty(self) -> StatementError {
        StatementError::Empty { file: self.f() }
    }
    pub(crate) fn truncated(self, line: u64, what: impl Into<String>) -> StatementError {
        StatementError::Truncated { file: self.f(), line, what: what.into() }
    }
    pub(crate) fn encoding(self, line: u64, expected: &'static str) -> StatementError {
        StatementError::Encoding { file: self.f(), line, expected }
    }
    pub(crate) fn layout(self, line: u64, format: &'static str) -> StatementError {
        StatementError::UnknownLayout { file: self.f(), line, format }
    }
    pub(crate) fn missing_column(self, line: u64, column: &str) -> StatementError {
        StatementError::MissingColumn { file: self.f(), line, column: column.to_owned() }
    }
    pub(crate) fn cell_count(self, line: u64, expected: usize, found: usize) -> StatementError {
        StatementError::CellCount { file: self.f(), line, expected, found }
    }
    pub(crate) fn amount(self, line: u64, column: &str, value: &str) -> StatementError {
        StatementError::BadAmount { file: self.f(), line, column: column.to_owned(), value: shorten(value) }
    }
    pub(crate) fn time(self, line: u64, column: &str, value: &str) -> StatementError {
        StatementError::BadTime { file: self.f(), line, column: column.to_owned(), value: shorten(value) }
    }
    pub(crate) fn value(self, line: u64, column: &str, value: &str) -> StatementError {
        StatementError::BadValue { file: self.f(), line, column: column.to_owned(), value: shorten(value) }
    }
    pub(crate) fn duplicate(self, line: u64, first_line: u64, key: &str) -> StatementError {
        StatementError::Duplicate { file: self.f(), line, first_line, key: shorten(key) }
    }
    pub(crate) fn mismatch(self, line: u64, field: &str, stated: String, counted: String) -> StatementError {
        StatementError::SummaryMismatch { file: self.f(), line, field: field.to_owned(), stated, counted }
    }
    pub(crate) fn overflow(self) -> StatementError {
        StatementError::Overflow { file: self.f() }
    }
    pub(crate) fn archive(self, reason: impl Into<String>) -> StatementError {
        StatementError::Archive { file: self.f(), reason: reason.into() }
    }
    pub(crate) fn archive_limit(self, code: &'static str, reason: impl Into<String>) -> StatementError {
        StatementError::ArchiveLimit { file: self.f(), code, reason: reason.into() }
    }
    pub(crate) fn missing(self, what: impl Into<String>) -> StatementError {
        StatementError::MissingInput { file: self.f(), what: what.into() }
    }
}

/// Quotes at most 60 characters of a cell in a message (a corrupt cell can be huge).
fn shorten(value: &str) -> String {
    match value.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}
