//! A finished batch's reports as files: the result report (对账结果: matched, single-sided on
//! each side and mismatched, per channel and in total) and the single-sided detail (平台多出 /
//! 渠道多出 or HIS多出, each entry with its cause), together as one XLSX or one PDF. The batch is
//! re-run in memory from the very files it was run on, so the report says what the batch said.

use chrono::NaiveDate;
use reports::reconciliation::{from_engine, reconciliation_pdf, reconciliation_xlsx};
use sqlx::PgConnection;

use crate::error::{ApiError, ApiResult};
use crate::recon::source::channel_label;
use crate::recon::{compute, stored};

/// The report's file name and bytes; `format` is `xlsx` or `pdf`.
pub async fn render(
    conn: &mut PgConnection,
    day: NaiveDate,
    channel: &str,
    format: &str,
    now: chrono::NaiveDateTime,
) -> ApiResult<(String, Vec<u8>)> {
    if !matches!(format, "xlsx" | "pdf") {
        return Err(ApiError::bad_request("FORMAT_UNKNOWN", format!("报表格式应为 xlsx 或 pdf，不是“{format}”")));
    }
    let batch: Option<(String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT status, statement_id, ledger_id FROM recon_batches WHERE day = $1 AND channel = $2")
            .bind(day)
            .bind(channel)
            .fetch_optional(&mut *conn)
            .await?;
    let label = channel_label(channel);
    let Some((status, Some(statement_id), Some(ledger_id))) = batch else {
        return Err(ApiError::not_found(format!("{day} {label}尚未对账，没有报表")));
    };
    if status == "running" {
        return Err(ApiError::conflict("RECON_RUNNING", format!("{day} {label}正在对账，请完成后再下载报表")));
    }
    let statement = stored::original(conn, statement_id).await?;
    let ledger = stored::original(conn, ledger_id).await?;
    let run = compute::run(conn, day, channel, statement, ledger).await?;
    let model = from_engine::model(&run.result, now.format("%Y-%m-%d %H:%M:%S").to_string());
    let bytes = if format == "xlsx" {
        reconciliation_xlsx(&model).map_err(|e| ApiError::internal(e.to_string()))?
    } else {
        load_fallback_font();
        reconciliation_pdf(&model).map_err(|e| ApiError::internal(e.to_string()))?.bytes
    };
    Ok((format!("对账报表-{day}-{label}.{format}"), bytes))
}

/// Hands `reports` the system's full Noto Sans CJK (Debian `fonts-noto-cjk`) for characters
/// outside the embedded font, read once per process; without it they print as "?".
fn load_fallback_font() {
    static LOADED: std::sync::Once = std::sync::Once::new();
    LOADED.call_once(|| {
        if let Ok(bytes) = std::fs::read(reports::SYSTEM_FALLBACK_PATH) {
            reports::set_fallback_font(bytes, reports::SYSTEM_FALLBACK_FACE);
        }
    });
}
