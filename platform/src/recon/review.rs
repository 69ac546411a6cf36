//! Finance's review of a day's items: the state each item is in (from the actions appended
//! about it), the list with its filters, and the rules of assigning a cause, resolving
//! 以平台为准 or 以渠道为准, and a supervisor's decision on a correction. Every action is
//! appended to `recon_actions` and to the audit chain; an approved correction also appends the
//! change it makes to the platform ledger of that day (`recon_adjustments`). What a state
//! allows is the contract's transition table ([`ItemState::after`]); this module only reads and
//! writes.

use chrono::NaiveDate;
use contract::recon::{
    AssignCause, CORRECTIONS, Cause, Class, Correction, DecideCorrection, ITEM_CLASSES, ITEM_KINDS, ItemFilter,
    ItemState, ReconItem, Refusal, ResolveItem, ReviewAction,
};
use contract::{Tag, Yuan};
use domain::Money;
use domain::Permission;
use sqlx::PgConnection;
use wire::codes;

use crate::audit;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::recon::items::ItemRow;
use crate::recon::source::channel_label;

/// One appended action, with what the item was when it was taken.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Action {
    pub item_id: String,
    pub action: String,
    pub class: String,
    pub platform_fen: Option<i64>,
    pub counterpart_fen: Option<i64>,
    pub cause: Option<String>,
    pub correction: Option<String>,
    pub reason: Option<String>,
    pub actor: String,
}

/// A code with its label from one of the contract's tables (the code itself if unknown).
fn tag_of(table: &[(&'static str, &'static str)], code: &str) -> Tag {
    Tag::new(code, contract::recon::label_of(table, code).unwrap_or(code))
}

fn yuan(fen: Option<i64>) -> Option<Yuan> {
    fen.and_then(|f| Money::from_fen(f).ok()).map(Yuan)
}

/// The item as finance sees it, after the actions about it (in order). A resolution taken on
/// what the item was before a run changed it (another class, other amounts) no longer holds.
pub fn view(row: &ItemRow, actions: &[&Action]) -> ReconItem {
    folded(row, actions).0
}

/// The item and its state: each recorded action replayed ([`ReviewAction::leaves`]); an
/// action not in the vocabulary changes nothing.
fn folded(row: &ItemRow, actions: &[&Action]) -> (ReconItem, ItemState) {
    let mut state = ItemState::Open;
    let mut cause = row.cause.clone();
    let (mut correction, mut reason, mut resolved_by, mut approved_by) = (None, None, None, None);
    let same = |a: &Action| {
        a.class == row.class && a.platform_fen == row.platform_fen && a.counterpart_fen == row.counterpart_fen
    };
    let recorded = actions.iter().filter_map(|a| ReviewAction::parse(&a.action).map(|action| (action, a)));
    for (action, a) in recorded.filter(|(action, a)| *action == ReviewAction::Cause || same(a)) {
        state = action.leaves(state);
        match action {
            ReviewAction::Cause => cause = a.cause.clone().unwrap_or(cause),
            ReviewAction::Handle | ReviewAction::Request => {
                correction = a.correction.clone();
                reason = a.reason.clone();
                resolved_by = Some(a.actor.clone());
                approved_by = None;
            }
            ReviewAction::Approve | ReviewAction::Reject => {
                approved_by = Some(a.actor.clone());
                if let Some(note) = &a.reason {
                    reason = Some(format!("{}；审批：{note}", reason.unwrap_or_default()));
                }
            }
        }
    }
    let item = ReconItem {
        id: row.id.clone(),
        day: row.day.to_string(),
        channel: Tag::new(&row.channel, channel_label(&row.channel)),
        class: tag_of(&ITEM_CLASSES, &row.class),
        side: row.side.clone(),
        kind: tag_of(&ITEM_KINDS, &row.kind),
        record_channel: row.record_channel.clone(),
        order_no: row.order_no.clone(),
        third_party_no: row.third_party_no.clone(),
        refund_no: row.refund_no.clone(),
        platform_amount: yuan(row.platform_fen),
        counterpart_amount: yuan(row.counterpart_fen),
        difference: yuan(row.difference_fen),
        direction: row.direction.clone(),
        platform_status: row.platform_status.clone(),
        counterpart_status: row.counterpart_status.clone(),
        at: row.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        cause: Tag::new(&cause, &Cause::parse(&cause).map_or_else(|| cause.clone(), Cause::label)),
        state: Tag::new(state.code(), state.label()),
        correction: correction.map(|c| tag_of(&CORRECTIONS, &c)),
        reason,
        resolved_by,
        approved_by,
    };
    (item, state)
}

/// The day's items, filtered, in the order of their batch channel and time.
pub async fn list(conn: &mut PgConnection, day: NaiveDate, filter: &ItemFilter) -> ApiResult<Vec<ReconItem>> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT * FROM recon_items WHERE day = $1 AND ($2::text IS NULL OR channel = $2)
           AND ($3::text IS NULL OR class = $3) AND ($4::text IS NULL OR kind = $4)
         ORDER BY array_position(ARRAY['wechat','alipay','unionpay','insurance','his'], channel), at, id",
    )
    .bind(day)
    .bind(filter.channel.as_deref().filter(|s| !s.is_empty()))
    .bind(filter.class.as_deref().filter(|s| !s.is_empty()))
    .bind(filter.kind.as_deref().filter(|s| !s.is_empty()))
    .fetch_all(&mut *conn)
    .await?;
    let actions: Vec<Action> = sqlx::query_as(
        "SELECT item_id, action, class, platform_fen, counterpart_fen, cause, correction, reason, actor
           FROM recon_actions WHERE day = $1 ORDER BY seq",
    )
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_item: std::collections::HashMap<&str, Vec<&Action>> = std::collections::HashMap::new();
    for a in &actions {
        by_item.entry(a.item_id.as_str()).or_default().push(a);
    }
    let cause = filter.cause.as_deref().filter(|s| !s.is_empty());
    let state = filter.state.as_deref().filter(|s| !s.is_empty());
    Ok(rows
        .iter()
        .map(|r| view(r, by_item.get(r.id.as_str()).map(Vec::as_slice).unwrap_or_default()))
        .filter(|i| cause.is_none_or(|c| i.cause.code == c) && state.is_none_or(|s| i.state.code == s))
        .collect())
}

/// One item with its actions and state, locked for the caller's transaction.
async fn one(conn: &mut PgConnection, id: &str) -> ApiResult<(ItemRow, ReconItem, ItemState)> {
    let row: ItemRow = sqlx::query_as("SELECT * FROM recon_items WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| ApiError::not_found("没有这条对账差异（可能已因重新对账而消失）"))?;
    let actions: Vec<Action> = sqlx::query_as(
        "SELECT item_id, action, class, platform_fen, counterpart_fen, cause, correction, reason, actor
           FROM recon_actions WHERE day = $1 AND channel = $2 AND item_id = $3 ORDER BY seq",
    )
    .bind(row.day)
    .bind(&row.channel)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let (item, state) = folded(&row, &actions.iter().collect::<Vec<_>>());
    Ok((row, item, state))
}

async fn append(
    conn: &mut PgConnection,
    row: &ItemRow,
    caller: &Caller,
    action: ReviewAction,
    fields: (Option<&str>, Option<&str>, Option<&str>),
) -> ApiResult<()> {
    let (cause, correction, reason) = fields;
    let action = action.code();
    sqlx::query(
        "INSERT INTO recon_actions (day, channel, item_id, action, class, platform_fen, counterpart_fen, cause,
           correction, reason, actor, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())",
    )
    .bind(row.day)
    .bind(&row.channel)
    .bind(&row.id)
    .bind(action)
    .bind(&row.class)
    .bind(row.platform_fen)
    .bind(row.counterpart_fen)
    .bind(cause)
    .bind(correction)
    .bind(reason)
    .bind(&caller.username)
    .execute(&mut *conn)
    .await?;
    let detail = serde_json::json!({
        "day": row.day.to_string(), "channel": row.channel, "item": row.id, "order_no": row.order_no,
        "refund_no": row.refund_no, "class": row.class, "cause": cause, "correction": correction, "reason": reason,
    });
    audit::append(conn, &caller.username, &format!("recon_{action}"), &detail).await?;
    Ok(())
}

fn refuse(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(codes::MALFORMED, message)
}

/// What the transition table refused, as the API answers it.
fn refused(refusal: Refusal) -> ApiError {
    ApiError::bad_request(refusal.code, refusal.message)
}

pub async fn assign_cause(
    conn: &mut PgConnection,
    caller: &Caller,
    id: &str,
    request: &AssignCause,
) -> ApiResult<ReconItem> {
    if Cause::parse(&request.cause).is_none() {
        return Err(refuse(format!(
            "原因“{}”不在分类中（应为 提供方/类型，如 platform_wechat/payment）",
            request.cause
        )));
    }
    let (row, _, state) = one(conn, id).await?;
    state.after(ReviewAction::Cause).map_err(refused)?;
    append(conn, &row, caller, ReviewAction::Cause, (Some(&request.cause), None, None)).await?;
    Ok(one(conn, id).await?.1)
}

/// The corrections that fit an item: what the channel's view can make of the platform's.
/// A fee mismatch has none (the platform records no fees: take it up with the channel and mark
/// it handled); a refund is started only for money the channel took in and the platform did not.
fn fitting_corrections(row: &ItemRow) -> &'static [Correction] {
    let payment = row.kind == statements::Kind::Payment.as_str();
    let long = row.difference_fen.is_some_and(|d| d > 0);
    let Some(class) = Class::parse(&row.class) else {
        return &[];
    };
    match class {
        Class::CounterpartOnly if payment => &[Correction::Supplement, Correction::Refund],
        Class::CounterpartOnly => &[Correction::Supplement],
        Class::PlatformOnly | Class::StatusMismatch => &[Correction::Status],
        Class::AmountMismatch if payment && long => &[Correction::Amount, Correction::Refund],
        Class::AmountMismatch => &[Correction::Amount],
        Class::FeeMismatch | Class::Matched | Class::Deferred | Class::Void | Class::OutOfScope | Class::Duplicate => {
            &[]
        }
    }
}

fn unfit(item: &ReconItem, fitting: &[Correction], label: &str) -> ApiError {
    let message = if fitting.is_empty() {
        format!("“{}”的差异不能以渠道为准更正：请向渠道核实后以平台为准处理", item.class.label)
    } else {
        let allowed: Vec<&str> = fitting.iter().map(|c| c.label()).collect();
        format!("“{}”的差异不能用“{label}”处理，可选：{}", item.class.label, allowed.join("、"))
    };
    ApiError::bad_request("CORRECTION_UNFIT", message)
}

pub async fn resolve(
    conn: &mut PgConnection,
    caller: &Caller,
    id: &str,
    request: &ResolveItem,
) -> ApiResult<ReconItem> {
    let reason = request.reason.trim();
    if reason.is_empty() {
        return Err(refuse("请填写处理说明"));
    }
    let (row, item, state) = one(conn, id).await?;
    let action = match request.basis.as_str() {
        "platform" => Some(ReviewAction::Handle),
        "channel" => Some(ReviewAction::Request),
        _ => None,
    };
    // A resolved item is refused before its basis is looked at: both resolutions need the same
    // states (open, or a rejected correction).
    state.after(action.unwrap_or(ReviewAction::Handle)).map_err(refused)?;
    match action {
        Some(ReviewAction::Request) => {
            let Some(correction) = request.correction.as_deref().and_then(Correction::parse) else {
                return Err(refuse("以渠道为准须选择更正方式：补录平台记录、更正状态、更正金额或发起退款"));
            };
            let fitting = fitting_corrections(&row);
            if !fitting.contains(&correction) {
                return Err(unfit(&item, fitting, correction.label()));
            }
            let fields = (None, Some(correction.code()), Some(reason));
            append(conn, &row, caller, ReviewAction::Request, fields).await?;
        }
        Some(action) => append(conn, &row, caller, action, (None, None, Some(reason))).await?,
        None => {
            let other = &request.basis;
            return Err(refuse(format!("处理依据应为 platform（以平台为准）或 channel（以渠道为准），不是“{other}”")));
        }
    }
    Ok(one(conn, id).await?.1)
}

pub async fn decide(
    conn: &mut PgConnection,
    caller: &Caller,
    id: &str,
    request: &DecideCorrection,
) -> ApiResult<ReconItem> {
    caller.require(Permission::ApproveRecall)?;
    let note = request.note.trim();
    if !request.approve && note.is_empty() {
        return Err(refuse("驳回须填写理由"));
    }
    let (row, item, state) = one(conn, id).await?;
    let action = if request.approve { ReviewAction::Approve } else { ReviewAction::Reject };
    state.after(action).map_err(refused)?;
    if item.resolved_by.as_deref() == Some(caller.username.as_str()) {
        return Err(ApiError::forbidden("审批人不能是申请更正的本人"));
    }
    let note = (!note.is_empty()).then_some(note);
    if !request.approve {
        append(conn, &row, caller, ReviewAction::Reject, (None, None, note)).await?;
        return Ok(one(conn, id).await?.1);
    }
    let correction = item.correction.map(|c| c.code).unwrap_or_default();
    let earlier: Option<(String, String)> = sqlx::query_as(
        "SELECT channel, correction FROM recon_adjustments
          WHERE day = $1 AND order_no = $2 AND refund_no = $3 AND kind = $4 LIMIT 1",
    )
    .bind(row.day)
    .bind(&row.order_no)
    .bind(&row.refund_no)
    .bind(&row.kind)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((channel, earlier)) = earlier {
        let label = Correction::parse(&earlier).map_or("更正", Correction::label);
        return Err(ApiError::bad_request(
            "ALREADY_CORRECTED",
            format!("这笔记录已在{}对账中“{label}”过，请先重新对账核实，不能再次更正", channel_label(&channel)),
        ));
    }
    append(conn, &row, caller, ReviewAction::Approve, (None, None, note)).await?;
    // The channel's view becomes the platform's: its amount and status.
    let fen = row.counterpart_fen.or(row.platform_fen).unwrap_or_default();
    // 以渠道为准 on a platform-only entry: the channel never received it, the record is closed.
    let status = match (Class::parse(&row.class) == Some(Class::PlatformOnly), &row.counterpart_status) {
        (true, _) => statements::Status::Closed.as_str().to_owned(),
        (false, Some(status)) => status.clone(),
        (false, None) => statements::Status::Success.as_str().to_owned(),
    };
    sqlx::query(
        "INSERT INTO recon_adjustments (day, channel, item_id, correction, record_channel, kind, order_no, third_party_no,
           refund_no, amount_fen, status, paid_at, requested_by, approved_by, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())",
    )
    .bind(row.day)
    .bind(&row.channel)
    .bind(&row.id)
    .bind(&correction)
    .bind(&row.record_channel)
    .bind(&row.kind)
    .bind(&row.order_no)
    .bind(&row.third_party_no)
    .bind(&row.refund_no)
    .bind(fen)
    .bind(&status)
    .bind(row.at)
    .bind(item.resolved_by.unwrap_or_default())
    .bind(&caller.username)
    .execute(&mut *conn)
    .await?;
    Ok(one(conn, id).await?.1)
}
