//! Stored statements: importing a file checks it (format, summary lines, duplicates, its
//! transactions' days) in one pass off the async threads, then stores it once per day and
//! channel — the same bytes again are recognised by their SHA-256 and not stored twice.

use axum::body::Bytes;
use chrono::NaiveDate;
use contract::recon::ImportedStatement;
use sqlx::PgConnection;
use statements::{Channel, Format, StatementError};
use wire::codes;

use crate::error::{ApiError, ApiResult};
/// The statement format of a batch channel (`ledger` for the platform's own export).
pub fn format_of(channel: &str, day: NaiveDate) -> Option<Format> {
    match channel {
        "his" => Some(Format::His),
        "ledger" => Some(Format::Ledger),
        // A ZM file names its settle date; without it, the day reconciled.
        "unionpay" => Some(Format::Unionpay { settle_date: Some(day) }),
        other => Channel::parse(other).and_then(Format::for_channel),
    }
}

/// A statement checked and ready to store: what the one pass over it found.
#[derive(Debug)]
pub struct Checked {
    pub day: NaiveDate,
    pub channel: String,
    pub name: String,
    /// The layout recognised (`wechat-all`, `alipay-trade`…).
    pub format: &'static str,
    pub rows: u64,
    pub fingerprint: String,
    pub bytes: Bytes,
}

/// Checks a statement of `channel` for `day`: the name, then one parse of the file on the
/// blocking pool (a day's WeChat bill is hundreds of MB), which checks its format, summary and
/// duplicates and collects its transactions' days; no database connection is held meanwhile.
pub async fn check(day: NaiveDate, channel: &str, name: &str, bytes: Bytes) -> ApiResult<Checked> {
    if format_of(channel, day).is_none() {
        return Err(ApiError::bad_request(codes::MALFORMED, format!("渠道“{channel}”无法识别")));
    }
    let name = name.trim();
    if name.is_empty() || name.contains(['/', '\\']) || name.len() > 200 {
        return Err(ApiError::bad_request(codes::MALFORMED, "文件名不能为空，也不能含路径"));
    }
    let (channel, name) = (channel.to_owned(), name.to_owned());
    tokio::task::spawn_blocking(move || {
        let (format, rows) = parse_once(day, &channel, &name, &bytes)?;
        let fingerprint = statements::fingerprint(&bytes);
        Ok(Checked { day, channel, name, format, rows, fingerprint, bytes })
    })
    .await
    .map_err(ApiError::internal)?
}

/// One pass over the file: its layout and rows, refused when it fails its own checks or its
/// transactions lie on other days than `day` (WeChat, Alipay, UnionPay, HIS: their rows carry
/// times; the insurance file and the platform's own ledger do not).
fn parse_once(day: NaiveDate, channel: &str, name: &str, bytes: &[u8]) -> ApiResult<(&'static str, u64)> {
    let mut range: Option<(NaiveDate, NaiveDate)> = None;
    let parsed = match (channel, Channel::parse(channel)) {
        ("ledger", _) => statements::read_ledger(name, bytes, |_| {}),
        (_, c) => {
            let file = match c {
                Some(c) => crate::recon::compute::counterpart_file(c, name, day),
                None => reconcile::CounterpartFile::His,
            };
            reconcile::read_counterpart(name, bytes, file, day, |record| {
                let d = record.at.date();
                range = Some(range.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
            })
        }
    };
    let parsed = parsed.map_err(|e| match e {
        StatementError::SummaryMismatch { .. } => {
            ApiError::bad_request("SUMMARY_MISMATCH", format!("{name}：明细与汇总行不符，未导入（{e}）"))
        }
        e => ApiError::bad_request(e.code(), e.to_string()),
    })?;
    let dated = Channel::parse(channel) != Some(Channel::Insurance);
    if let Some((first, last)) = range.filter(|_| dated)
        && (first < day - chrono::Duration::days(1) || last > day + chrono::Duration::days(1) || last < day)
    {
        let label = crate::recon::source::channel_label(channel);
        return Err(ApiError::bad_request(
            "STATEMENT_DAY_MISMATCH",
            format!("{name} 的交易日期为 {first} 至 {last}，不是 {day} 的{label}对账单，未导入"),
        ));
    }
    Ok((parsed.format, parsed.totals.rows))
}

type StoredRow = (i64, NaiveDate, String, String, String, i64, String);

fn imported(row: StoredRow, duplicate: bool) -> ImportedStatement {
    let (id, day, channel, name, format, rows, fingerprint) = row;
    ImportedStatement {
        id,
        day: day.to_string(),
        channel,
        name,
        format,
        rows: u64::try_from(rows).unwrap_or_default(),
        fingerprint,
        duplicate,
    }
}

/// Checks and stores a statement of `channel` for `day` (see [`check`] and [`store`]); the
/// bytes are copied once for the blocking pool.
pub async fn import(
    conn: &mut PgConnection,
    day: NaiveDate,
    channel: &str,
    name: &str,
    bytes: &[u8],
    by: &str,
) -> ApiResult<ImportedStatement> {
    let checked = check(day, channel, name, Bytes::copy_from_slice(bytes)).await?;
    store(conn, &checked, by).await
}

/// Stores a checked statement, atomically; the same file a second time answers the stored one
/// with `duplicate: true`.
pub async fn store(conn: &mut PgConnection, checked: &Checked, by: &str) -> ApiResult<ImportedStatement> {
    let Checked { day, channel, name, format, rows, fingerprint, bytes } = checked;
    let select = "SELECT id, day, channel, name, format, rows, fingerprint FROM recon_statements";
    let inserted: Option<StoredRow> = sqlx::query_as(
        "INSERT INTO recon_statements (day, channel, name, format, rows, fingerprint, content, imported_at, imported_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8) ON CONFLICT (day, channel, fingerprint) DO NOTHING
         RETURNING id, day, channel, name, format, rows, fingerprint",
    )
    .bind(day)
    .bind(channel)
    .bind(name)
    .bind(*format)
    .bind(i64::try_from(*rows).unwrap_or(i64::MAX))
    .bind(fingerprint)
    .bind(bytes.as_ref())
    .bind(by)
    .fetch_optional(&mut *conn)
    .await?;
    match inserted {
        Some(row) => Ok(imported(row, false)),
        None => {
            let sql = format!("{select} WHERE day = $1 AND channel = $2 AND fingerprint = $3");
            let row: StoredRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(day)
                .bind(channel)
                .bind(fingerprint)
                .fetch_one(&mut *conn)
                .await?;
            Ok(imported(row, true))
        }
    }
}

/// The latest stored statement of a day and channel: its id, name and bytes.
pub async fn latest(
    conn: &mut PgConnection,
    day: NaiveDate,
    channel: &str,
) -> ApiResult<Option<(i64, String, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT id, name, content FROM recon_statements WHERE day = $1 AND channel = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(day)
    .bind(channel)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A stored file by id: its name and bytes.
pub async fn original(conn: &mut PgConnection, id: i64) -> ApiResult<(String, Vec<u8>)> {
    sqlx::query_as("SELECT name, content FROM recon_statements WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| ApiError::not_found("没有这份对账单"))
}
