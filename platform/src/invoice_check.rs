//! The day's invoice check (票据对账): the e-invoices the platform recorded as issued and reversed
//! that day against the fiscal platform's list of the day — count and amount each side, a red
//! invoice counting −1 and its amount negative — and the differences with their fix: an invoice
//! the platform holds that the fiscal platform does not list is issued again (`reissue`, by the
//! settlement's key, so never twice); one the fiscal platform lists that the platform has no
//! record of is adopted when its settlement is the platform's (`adopt`, its answer asked by key)
//! and otherwise reversed there (`reverse`; kept in `invoice_check_reversals`, after which the
//! pair no longer shows as a difference).

use chrono::NaiveDate;
use domain::Money;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::{AppState, invoices};

/// One invoice (or red invoice) on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CheckLine {
    pub bus_no: Uuid,
    pub number: String,
    #[schema(value_type = String)]
    pub amount: contract::Yuan,
    pub red: bool,
}

/// A difference and what fixes it (`reissue`, `adopt` or `reverse`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CheckDifference {
    pub line: CheckLine,
    /// `platform_only` or `fiscal_only`.
    pub side: String,
    pub fix: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceCheck {
    pub day: NaiveDate,
    pub platform_count: i64,
    #[schema(value_type = String)]
    pub platform_amount: contract::Yuan,
    pub fiscal_count: i64,
    #[schema(value_type = String)]
    pub fiscal_amount: contract::Yuan,
    pub differences: Vec<CheckDifference>,
}

/// The platform's side of `day`.
async fn ours(state: &AppState, day: NaiveDate) -> ApiResult<Vec<CheckLine>> {
    let from = day.and_hms_opt(0, 0, 0).ok_or_else(|| ApiError::internal("日期无效"))?;
    let rows: Vec<(Uuid, String, String, bool, i64)> = sqlx::query_as(
        "SELECT r.settlement_key, r.kind, COALESCE(r.red_number, r.number), r.kind = 'reversed',
                (SELECT i.amount_fen FROM invoice_events i WHERE i.settlement_key = r.settlement_key AND i.kind = 'issued')
         FROM invoice_events r
         WHERE r.kind IN ('issued', 'reversed') AND r.at >= $1 AND r.at < $2
         ORDER BY r.at, r.key",
    )
    .bind(from)
    .bind(from + chrono::Duration::days(1))
    .fetch_all(&state.pool)
    .await?;
    rows.into_iter()
        .map(|(bus_no, _, number, red, fen)| {
            let amount = Money::from_fen(fen).map_err(ApiError::internal)?;
            Ok(CheckLine { bus_no, number, amount: (if red { -amount } else { amount }).into(), red })
        })
        .collect()
}

/// The fiscal platform's side of `day`.
async fn theirs(state: &AppState, day: NaiveDate) -> ApiResult<Vec<CheckLine>> {
    let list = state
        .fiscal
        .day_list(day)
        .await
        .map_err(|e| ApiError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, e.code(), e.to_string()))?;
    Ok(list
        .into_iter()
        .map(|l| CheckLine { bus_no: l.bus_no, number: l.number, amount: l.amount.into(), red: l.red })
        .collect())
}

/// The day's check.
pub async fn check(state: &AppState, day: NaiveDate) -> ApiResult<InvoiceCheck> {
    let (ours, theirs) = (ours(state, day).await?, theirs(state, day).await?);
    let same = |a: &CheckLine, b: &CheckLine| a.bus_no == b.bus_no && a.red == b.red;
    let mut differences = Vec::new();
    for line in ours.iter().filter(|o| !theirs.iter().any(|t| same(o, t))) {
        let fix = if line.red { "reverse" } else { "reissue" };
        differences.push(CheckDifference { line: line.clone(), side: "platform_only".into(), fix: fix.into() });
    }
    let settled: Vec<Uuid> =
        sqlx::query_scalar("SELECT bus_no FROM invoice_check_reversals").fetch_all(&state.pool).await?;
    for line in theirs.iter().filter(|t| !ours.iter().any(|o| same(o, t)) && !settled.contains(&t.bus_no)) {
        let ours_settlement: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM journal WHERE kind = 'settlement' AND key = $1)")
                .bind(line.bus_no)
                .fetch_one(&state.pool)
                .await?;
        let fix = if ours_settlement { "adopt" } else { "reverse" };
        differences.push(CheckDifference { line: line.clone(), side: "fiscal_only".into(), fix: fix.into() });
    }
    let total = |lines: &[CheckLine]| -> (i64, Money) {
        let count = lines.iter().map(|l| if l.red { -1 } else { 1 }).sum();
        (count, lines.iter().map(|l| l.amount.money()).sum())
    };
    let ((platform_count, platform_amount), (fiscal_count, fiscal_amount)) = (total(&ours), total(&theirs));
    Ok(InvoiceCheck {
        day,
        platform_count,
        platform_amount: platform_amount.into(),
        fiscal_count,
        fiscal_amount: fiscal_amount.into(),
        differences,
    })
}

/// Applies the fix of the difference about `bus_no` on `day`; answers the day's check after it.
pub async fn fix(state: &AppState, day: NaiveDate, bus_no: Uuid, by: &str) -> ApiResult<InvoiceCheck> {
    let before = check(state, day).await?;
    let difference = before
        .differences
        .iter()
        .find(|d| d.line.bus_no == bus_no)
        .ok_or_else(|| ApiError::not_found(format!("{day} 的票据对账没有业务流水号 {bus_no} 的差异")))?;
    match difference.fix.as_str() {
        // Ours and not theirs, or theirs and a settlement of ours: ask the fiscal platform by the
        // settlement's key (issuing it if it has none) and keep its answer.
        "reissue" | "adopt" => invoices::adopt(state, bus_no).await?,
        _ => invoices::reverse_unknown(state, bus_no, by).await?,
    }
    check(state, day).await
}
