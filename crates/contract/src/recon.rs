//! Reconciliation review (对账复核) as finance sees it: the day's batches per channel with their
//! status and figures, the discrepancies of a day with their cause and state, and the requests
//! that assign a cause, resolve an entry or decide a correction. The platform's JSON API and the
//! desktop's commands carry these same types.
//!
//! Platform endpoints (bearer token; finance, supervisor or admin):
//! - `GET  /api/v1/recon/batches?day=YYYY-MM-DD` → `Vec<ReconBatch>`
//! - `POST /api/v1/recon/runs` [`RunReconciliation`] → `Vec<ReconBatch>` (queued; runs in the
//!   background, poll the batches for `progress`)
//! - `GET  /api/v1/recon/items?day=…[&channel=…&class=…&kind=…&cause=…&state=…]` → `Vec<ReconItem>`
//! - `POST /api/v1/recon/items/{id}/cause` [`AssignCause`] → `ReconItem`
//! - `POST /api/v1/recon/items/{id}/resolve` [`ResolveItem`] → `ReconItem`
//! - `POST /api/v1/recon/items/{id}/decide` [`DecideCorrection`] → `ReconItem` (supervisor only)
//! - `POST /api/v1/recon/statements?day=…&channel=…&name=…` (the file's bytes) → [`ImportedStatement`]
//! - `GET  /api/v1/recon/statements/{id}` → the original file's bytes
//! - `GET  /api/v1/recon/report?day=…&channel=…&format=xlsx|pdf` → a finished batch's result
//!   and single-sided detail reports as one file
//!
//! The label tables below are built from the vocabularies' one home: the engine's enums
//! ([`Counterpart`], [`Class`], [`Provider`], [`CauseKind`], `statements::Kind`) and the
//! review's ([`ItemState`], [`Correction`] in [`review`]).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::{Tag, Yuan};

mod review;

pub use reconcile::{Cause, CauseKind, Class, Counterpart, Provider};
pub use review::{Correction, ItemState, Refusal, ReviewAction};

/// `(code, label)` of each of an array of vocabulary values with `const fn code/label`.
macro_rules! table_of {
    ($all:expr) => {{
        let all = $all;
        let mut table = [("", ""); $all.len()];
        let mut i = 0;
        while i < table.len() {
            table[i] = (all[i].code(), all[i].label());
            i += 1;
        }
        table
    }};
}

/// The batch channels, in the order the review shows them: four channels and platform ↔ HIS
/// (which also covers cash). From [`Counterpart::ALL`].
pub static BATCH_CHANNELS: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| Counterpart::ALL.iter().map(|c| (c.code(), c.label())).collect());

/// Discrepancy classes an item can have. From [`Class::ITEMS`].
pub const ITEM_CLASSES: [(&str, &str); 5] = table_of!(Class::ITEMS);

/// Cause categories (DOMAIN.md): provider, then kind. A cause code is `provider/kind`. From
/// [`Provider::ALL`] and [`CauseKind::ALL`].
pub const CAUSE_PROVIDERS: [(&str, &str); 7] = table_of!(Provider::ALL);
pub const CAUSE_KINDS: [(&str, &str); 4] = table_of!(CauseKind::ALL);

/// Corrections 以渠道为准 can make. From [`Correction::ALL`].
pub const CORRECTIONS: [(&str, &str); 4] = table_of!(Correction::ALL);

/// The label of a cause code `provider/kind`, e.g. `平台-微信 / 支付`; `None` if unknown.
pub fn cause_label(code: &str) -> Option<String> {
    Cause::parse(code).map(Cause::label)
}

/// One day's reconciliation of one channel (or platform ↔ HIS).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconBatch {
    /// `YYYY-MM-DD`, the day reconciled.
    pub day: String,
    /// `wechat`, `alipay`, `unionpay`, `insurance` or `his`, with its label.
    pub channel: Tag,
    /// `queued` 排队中, `waiting` 等待对账单, `running` 对账中, `done` 已完成, `failed` 失败.
    pub status: Tag,
    /// Why it waits or failed, in words (e.g. “微信对账单 10:00 后可下载”).
    pub note: Option<String>,
    /// 0–100 while running.
    pub progress: u8,
    pub attempts: i32,
    pub matched: u64,
    pub matched_amount: Yuan,
    pub platform_only: u64,
    pub platform_only_amount: Yuan,
    pub counterpart_only: u64,
    pub counterpart_only_amount: Yuan,
    pub amount_mismatch: u64,
    pub status_mismatch: u64,
    pub fee_mismatch: u64,
    pub cross_day_deferred: u64,
    /// Discrepancies not handled yet.
    pub open_items: u64,
    /// The stored statement and platform ledger this result came from (download by id).
    pub statement_id: Option<i64>,
    pub ledger_id: Option<i64>,
    /// `YYYY-MM-DD HH:MM:SS`, local time.
    pub finished_at: Option<String>,
    /// Final after T+2 (until then cross-day entries may still change it).
    pub is_final: bool,
}

/// Starts a run for a day (finance, from the app).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunReconciliation {
    pub day: String,
    /// Batch channel codes; empty = all.
    #[serde(default)]
    pub channels: Vec<String>,
}

/// Which items to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFilter {
    pub day: String,
    pub channel: Option<String>,
    /// An [`ITEM_CLASSES`] code.
    pub class: Option<String>,
    /// `payment` or `refund`.
    pub kind: Option<String>,
    /// A cause code `provider/kind`.
    pub cause: Option<String>,
    /// `open`, `handled`, `awaiting_approval`, `corrected`, `rejected`.
    pub state: Option<String>,
}

/// One discrepancy or single-sided entry of a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconItem {
    /// Stable across re-runs of the day (resolutions stay attached).
    pub id: String,
    pub day: String,
    pub channel: Tag,
    pub class: Tag,
    /// 平台多出 (`platform`) or HIS/渠道多出 (`counterpart`); pairs: `both`.
    pub side: String,
    /// `payment` 支付 or `refund` 退款.
    pub kind: Tag,
    /// The record's channel (`cash`… for HIS batches).
    pub record_channel: String,
    pub order_no: String,
    pub third_party_no: String,
    pub refund_no: String,
    pub platform_amount: Option<Yuan>,
    pub counterpart_amount: Option<Yuan>,
    /// Counterpart − platform, net money in (长款 > 0, 短款 < 0).
    pub difference: Option<Yuan>,
    /// `长款` / `短款` for amount mismatches.
    pub direction: Option<String>,
    pub platform_status: Option<String>,
    pub counterpart_status: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    /// The cause as assigned (or as the engine judged it until someone assigns one).
    pub cause: Tag,
    /// `open` 待处理, `handled` 已处理（以平台为准）, `awaiting_approval` 待主管审批,
    /// `corrected` 已更正（以渠道为准）, `rejected` 更正被驳回.
    pub state: Tag,
    /// The last resolution's basis, correction and reason, who asked and who decided.
    pub correction: Option<Tag>,
    pub reason: Option<String>,
    pub resolved_by: Option<String>,
    pub approved_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignCause {
    /// `provider/kind`, see [`CAUSE_PROVIDERS`] and [`CAUSE_KINDS`].
    pub cause: String,
}

/// 以平台为准 (`basis: platform`, marked handled with the reason) or 以渠道为准 (`basis:
/// channel`, a correction that waits for a supervisor's approval).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveItem {
    pub basis: String,
    pub reason: String,
    /// With `channel`: a [`CORRECTIONS`] code.
    pub correction: Option<String>,
}

/// A supervisor approves or rejects a requested correction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecideCorrection {
    pub approve: bool,
    pub note: String,
}

/// A statement stored on the platform (uploaded, or fetched by the nightly run).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedStatement {
    pub id: i64,
    pub day: String,
    pub channel: String,
    pub name: String,
    pub format: String,
    pub rows: u64,
    /// SHA-256 of the file.
    pub fingerprint: String,
    /// `true` when this exact file was stored before (nothing was added).
    pub duplicate: bool,
}

/// Where the desktop saved an export or an original statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    pub path: String,
    pub rows: u64,
}

/// Entry kinds an item can have. From `statements::Kind`.
pub static ITEM_KINDS: LazyLock<Vec<(&str, &str)>> = LazyLock::new(|| {
    [statements::Kind::Payment, statements::Kind::Refund].iter().map(|k| (k.as_str(), k.label())).collect()
});

/// The states of an item, in the order the review lists them. From [`ItemState::ALL`].
pub const ITEM_STATES: [(&str, &str); 5] = table_of!(ItemState::ALL);

/// Batch statuses that will not move without another run: the polling of a run stops when every
/// batch is in one of them.
pub const SETTLED_BATCH_STATUSES: [&str; 3] = ["done", "failed", "waiting"];

/// The label of `code` in one of the tables above (`BATCH_CHANNELS`, `ITEM_CLASSES`…).
pub fn label_of(table: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, label)| *label)
}

/// Every cause code `provider/kind` with its label, providers in order, then kinds.
pub fn all_causes() -> Vec<(String, String)> {
    Cause::all().map(|c| (c.code(), c.label())).collect()
}

/// Which side has the entry, in words: 平台多出, 渠道多出 (HIS多出 for the platform ↔ HIS batch),
/// 双方 for a pair that disagrees.
pub fn side_label(side: &str, channel: &str) -> &'static str {
    match (side, channel) {
        ("platform", _) => "平台多出",
        ("counterpart", "his") => "HIS多出",
        ("counterpart", _) => "渠道多出",
        ("both", _) => "双方不符",
        _ => "",
    }
}

/// An item is settled when someone handled it or a correction waits for or got its approval; an
/// open item or a rejected correction still needs handling ([`ItemState::needs_handling`]).
pub fn needs_handling(state: &str) -> bool {
    ItemState::parse(state).is_some_and(ItemState::needs_handling)
}

/// `true` for a day written `YYYY-MM-DD` with a real month and day.
pub fn is_day(text: &str) -> bool {
    parse_day(text).is_some()
}

/// The day before `day` (`YYYY-MM-DD`), e.g. the day a morning's review looks at.
pub fn day_before(day: &str) -> Option<String> {
    let (year, month, date) = parse_day(day)?;
    let (year, month, date) = match (month, date) {
        (1, 1) => (year - 1, 12, 31),
        (_, 1) => (year, month - 1, days_in_month(year, month - 1)),
        _ => (year, month, date - 1),
    };
    Some(format!("{year:04}-{month:02}-{date:02}"))
}

fn parse_day(text: &str) -> Option<(i32, u32, u32)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let (month, date) = (number(5..7)?, number(8..10)?);
    ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&date)).then_some((year, month, date))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The filter in words for an export's heading, e.g. `渠道：微信；类别：全部；…`.
pub fn describe_filter(filter: &ItemFilter) -> String {
    let part = |name: &str, value: &Option<String>, label: &dyn Fn(&str) -> Option<String>| {
        let shown = match value.as_deref() {
            None | Some("") => "全部".to_owned(),
            Some(code) => label(code).unwrap_or_else(|| code.to_owned()),
        };
        format!("{name}：{shown}")
    };
    let table = |t: &'static [(&'static str, &'static str)]| move |c: &str| label_of(t, c).map(str::to_owned);
    [
        part("渠道", &filter.channel, &table(&BATCH_CHANNELS)),
        part("类别", &filter.class, &table(&ITEM_CLASSES)),
        part("类型", &filter.kind, &table(&ITEM_KINDS)),
        part("原因", &filter.cause, &cause_label),
        part("状态", &filter.state, &table(&ITEM_STATES)),
    ]
    .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_before_crosses_months_years_and_leap_days() {
        assert_eq!(day_before("2024-03-01").as_deref(), Some("2024-02-29"));
        assert_eq!(day_before("2023-03-01").as_deref(), Some("2023-02-28"));
        assert_eq!(day_before("2025-01-01").as_deref(), Some("2024-12-31"));
        assert_eq!(day_before("2025-05-01").as_deref(), Some("2025-04-30"));
        assert_eq!(day_before("2025-05-17").as_deref(), Some("2025-05-16"));
        assert_eq!(day_before("2025-02-30"), None);
        assert!(!is_day("2025-5-17"));
        assert!(!is_day("../../etc"));
        assert!(!is_day("2025-13-01"));
    }

    #[test]
    fn causes_and_filters_read_in_words() {
        let causes = all_causes();
        assert_eq!(causes.len(), CAUSE_PROVIDERS.len() * CAUSE_KINDS.len());
        assert!(causes.iter().all(|(code, label)| cause_label(code).as_deref() == Some(label.as_str())));
        let filter = ItemFilter {
            day: "2025-05-16".into(),
            channel: Some("wechat".into()),
            cause: Some("platform_wechat/refund".into()),
            ..ItemFilter::default()
        };
        assert_eq!(describe_filter(&filter), "渠道：微信；类别：全部；类型：全部；原因：平台-微信 / 退款；状态：全部");
        assert_eq!(side_label("counterpart", "his"), "HIS多出");
        assert_eq!(side_label("counterpart", "wechat"), "渠道多出");
    }

    #[test]
    fn every_table_code_round_trips_to_a_unique_non_empty_label() {
        let tables: [(&str, &[(&str, &str)]); 7] = [
            ("BATCH_CHANNELS", &*BATCH_CHANNELS),
            ("ITEM_CLASSES", &ITEM_CLASSES),
            ("CAUSE_PROVIDERS", &CAUSE_PROVIDERS),
            ("CAUSE_KINDS", &CAUSE_KINDS),
            ("CORRECTIONS", &CORRECTIONS),
            ("ITEM_KINDS", &*ITEM_KINDS),
            ("ITEM_STATES", &ITEM_STATES),
        ];
        for (name, table) in tables {
            let mut codes = std::collections::HashSet::new();
            let mut labels = std::collections::HashSet::new();
            for (code, label) in table {
                assert!(!code.is_empty() && !label.is_empty(), "{name}: {code:?} {label:?}");
                assert!(codes.insert(*code) && labels.insert(*label), "{name}: {code} or {label} twice");
                assert_eq!(label_of(table, code), Some(*label), "{name}: {code}");
            }
        }
        let batches: Vec<_> = BATCH_CHANNELS.iter().map(|(c, _)| Counterpart::parse(c)).collect();
        assert_eq!(batches, Counterpart::ALL.map(Some));
        assert_eq!(ITEM_CLASSES.map(|(c, _)| Class::parse(c)), Class::ITEMS.map(Some));
        assert_eq!(CAUSE_PROVIDERS.map(|(c, _)| Provider::parse(c)), Provider::ALL.map(Some));
        assert_eq!(CAUSE_KINDS.map(|(c, _)| CauseKind::parse(c)), CauseKind::ALL.map(Some));
        assert_eq!(CORRECTIONS.map(|(c, _)| Correction::parse(c)), Correction::ALL.map(Some));
        assert_eq!(ITEM_STATES.map(|(c, _)| ItemState::parse(c)), ItemState::ALL.map(Some));
        assert_eq!(label_of(&BATCH_CHANNELS, "his"), Some("HIS"));
        assert_eq!(label_of(&ITEM_KINDS, "refund"), Some("退款"));
        assert_eq!(cause_label("device_third_party_deposit/upload").as_deref(), Some("设备-第三方预交金 / 上传"));
        assert!(needs_handling("rejected") && !needs_handling("corrected") && !needs_handling("nonsense"));
    }
}
