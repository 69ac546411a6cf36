//! Errors from the repositories, translated from SQL into what callers branch on.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A UNIQUE constraint refused the row: the operation was already recorded (for idempotency
    /// keys) or the number is taken (receipt numbers, case numbers).
    #[error("记录已存在：{0}")]
    Duplicate(String),
    #[error("数据库繁忙（被其他程序占用），请稍后重试")]
    Busy,
    #[error("本机没有可用的收据号段（平台尚未分配或已用完），请联网同步后重试")]
    NumbersExhausted,
    /// A row that cannot be read back into the domain: a bug or a hand-edited database.
    #[error("数据库中的记录无法读取：{0}")]
    BadRow(String),
    #[error("数据库错误：{0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &error {
            if db.is_unique_violation() {
                return StoreError::Duplicate(db.message().to_owned());
            }
            if let Some(code) = db.code().and_then(|c| c.parse::<i32>().ok())
                && matches!(code & 0xff, 5 | 6)
            {
                return StoreError::Busy;
            }
        }
        StoreError::Database(error)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
