//! The engine over stored files: a batch channel's configuration and file format, yesterday's
//! cross-day set, and the run itself off the async threads. The runner uses it for a batch;
//! the reports re-run a finished batch from the very files it was run on.

use chrono::NaiveDate;
use reconcile::{Config, CounterpartFile, FilesRun};
use sqlx::PgConnection;
use statements::Channel;

use crate::error::{ApiError, ApiResult};
use crate::recon::items::{self, StoredDeferred};

/// A stored file: its name and bytes.
pub type File = (String, Vec<u8>);

/// Runs `channel`'s reconciliation of `day` on `statement` against `ledger`, with the
/// cross-day set the day before left.
pub async fn run(
    conn: &mut PgConnection,
    day: NaiveDate,
    channel: &str,
    statement: File,
    ledger: File,
) -> ApiResult<FilesRun> {
    let previous = day - chrono::Duration::days(1);
    let carried: Option<(serde_json::Value,)> =
        sqlx::query_as("SELECT entries FROM recon_deferred WHERE day = $1 AND channel = $2")
            .bind(previous)
            .bind(channel)
            .fetch_optional(&mut *conn)
            .await?;
    let carried: Vec<StoredDeferred> = match carried {
        Some((value,)) => serde_json::from_value(value).map_err(ApiError::internal)?,
        None => Vec::new(),
    };
    let (config, format) = match (channel, Channel::parse(channel)) {
        ("his", _) => (Config::for_his(day), CounterpartFile::His),
        (_, Some(c)) => (Config::for_channel(day, c), counterpart_file(c, &statement.0, day)),
        _ => return Err(ApiError::bad_request("CHANNEL_UNKNOWN", format!("渠道“{channel}”无法识别"))),
    };
    tokio::task::spawn_blocking(move || {
        let carried = items::load_deferred(&carried);
        let (ledger_name, ledger) = ledger;
        let (name, bytes) = statement;
        reconcile::reconcile_files(
            &config,
            (&ledger_name, ledger.as_slice()),
            (&name, bytes.as_slice(), format),
            &carried,
        )
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::bad_request(e.code(), e.to_string()))
}

/// The counterpart format of a channel's statement (a ZM file's settle date from its name, else
/// the day reconciled).
pub fn counterpart_file(channel: Channel, name: &str, day: NaiveDate) -> CounterpartFile {
    match channel {
        Channel::Wechat => CounterpartFile::Wechat,
        Channel::Alipay => CounterpartFile::Alipay,
        Channel::Unionpay => CounterpartFile::Unionpay(statements::settle_date_from_name(name).unwrap_or(day)),
        Channel::Insurance => CounterpartFile::Insurance,
        Channel::Cash => CounterpartFile::His,
    }
}
