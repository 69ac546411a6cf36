//! Conversions between SQL columns and domain values: fen ↔ Money, text ↔ time, codes ↔ enums.

use chrono::{NaiveDate, NaiveDateTime};
use domain::Money;
use uuid::Uuid;

use crate::error::{Result, StoreError};

pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
pub const DATE_FORMAT: &str = "%Y-%m-%d";

pub fn money(fen: i64) -> Result<Money> {
    Money::from_fen(fen).map_err(|e| StoreError::BadRow(e.to_string()))
}

pub fn time_text(at: NaiveDateTime) -> String {
    at.format(TIME_FORMAT).to_string()
}

pub fn time(text: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, TIME_FORMAT).map_err(|_| StoreError::BadRow(format!("时间格式错误：{text}")))
}

pub fn date_text(day: NaiveDate) -> String {
    day.format(DATE_FORMAT).to_string()
}

pub fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, DATE_FORMAT).map_err(|_| StoreError::BadRow(format!("日期格式错误：{text}")))
}

pub fn uuid(text: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| StoreError::BadRow(format!("编号格式错误：{text}")))
}

/// Reads a coded enum column, naming the column when the code is unknown.
pub fn coded<T>(column: &str, code: &str, from_code: impl Fn(&str) -> Option<T>) -> Result<T> {
    from_code(code).ok_or_else(|| StoreError::BadRow(format!("{column} 的值未知：{code}")))
}
