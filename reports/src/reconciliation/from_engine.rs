//! From the engine's `DayResult` to the report model: Chinese labels, net amounts (a refund
//! counts negative), causes in words. The renderers only see the model; this is the one place
//! that reads the engine's result (for the `cashier reconcile` command and the platform).

use super::model::{CountAmount, DiscrepancyLine, MismatchFigures, ReconciliationReport, ResultLine, SingleSidedLine};
use domain::Money;
use reconcile::{Class, Counterpart, DayResult, Direction, Discrepancy, Entry, SingleSided, Tally};
use statements::Kind;

/// `平台与微信对账单`, `平台与 HIS`, `平台与现金（HIS 记录）`.
pub fn scope(counterpart: Counterpart) -> String {
    match counterpart {
        Counterpart::His => "平台与 HIS".to_owned(),
        Counterpart::Channel(statements::Channel::Cash) => "平台与现金（HIS 记录）".to_owned(),
        Counterpart::Channel(channel) => format!("平台与{}对账单", channel.label()),
    }
}

/// The report model of a run; `generated_at` is printed as given.
pub fn model(result: &DayResult, generated_at: String) -> ReconciliationReport {
    let s = &result.summary;
    let channels = s
        .per_channel
        .iter()
        .map(|c| ResultLine {
            label: c.channel.label().to_owned(),
            matched: figure(c.matched),
            platform_only: figure(c.platform_only),
            counterpart_only: figure(c.counterpart_only),
            amount_mismatch: figure(c.amount_mismatch),
            status_mismatch: figure(c.status_mismatch),
            fee_mismatch: figure(c.fee_mismatch),
            cross_day_deferred: figure(c.cross_day_deferred),
        })
        .collect();
    let total = ResultLine {
        label: "合计".to_owned(),
        matched: figure(s.matched),
        platform_only: figure(s.platform_only),
        counterpart_only: figure(s.counterpart_only),
        amount_mismatch: figure(s.amount_mismatch),
        status_mismatch: figure(s.status_mismatch),
        fee_mismatch: figure(s.fee_mismatch),
        cross_day_deferred: figure(s.cross_day_deferred),
    };
    let channel_run = matches!(result.counterpart, Counterpart::Channel(_));
    ReconciliationReport {
        day: result.day.format("%Y-%m-%d").to_string(),
        scope: scope(result.counterpart),
        counterpart: if channel_run { "渠道" } else { "HIS" }.to_owned(),
        generated_at,
        channels,
        total,
        figures: MismatchFigures {
            long: s.long,
            short: s.short,
            amount_difference: s.amount_difference,
            cross_day_resolved: s.cross_day_resolved,
            void: s.void,
            out_of_scope: s.out_of_scope,
            channel_fees: channel_run.then(|| s.counterpart_fees.to_money()),
        },
        discrepancies: result.discrepancies.iter().map(discrepancy).collect(),
        platform_extra: result.platform_only.iter().map(single_sided).collect(),
        counterpart_extra: result.counterpart_only.iter().map(single_sided).collect(),
    }
}

fn figure(tally: Tally) -> CountAmount {
    CountAmount { count: tally.count, amount: tally.net() }
}

/// The entry's amount as money in: negative for a refund.
pub fn signed(entry: &Entry) -> Money {
    match entry.kind {
        Kind::Payment => entry.amount,
        Kind::Refund => -entry.amount,
    }
}

pub fn time_text(entry: &Entry) -> String {
    entry.at.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn single_sided(s: &SingleSided) -> SingleSidedLine {
    let e = &s.entry;
    SingleSidedLine {
        channel: e.channel.label().to_owned(),
        kind: e.kind.label().to_owned(),
        status: e.status.label().to_owned(),
        order_no: e.order_no.clone(),
        third_party_no: e.third_party_no.clone(),
        refund_no: e.refund_no.clone(),
        at: time_text(e),
        day: s.day.format("%Y-%m-%d").to_string(),
        amount: signed(e),
        provider: s.cause.provider.label().to_owned(),
        cause: s.cause.kind.label().to_owned(),
    }
}

/// `长款` / `短款` / empty.
pub fn direction_label(direction: Option<Direction>) -> &'static str {
    match direction {
        Some(Direction::Long) => "长款",
        Some(Direction::Short) => "短款",
        None => "",
    }
}

fn discrepancy(d: &Discrepancy) -> DiscrepancyLine {
    let p = &d.platform;
    DiscrepancyLine {
        class: class_label(d.class).to_owned(),
        channel: p.channel.label().to_owned(),
        kind: p.kind.label().to_owned(),
        order_no: p.order_no.clone(),
        third_party_no: if p.third_party_no.is_empty() {
            d.counterpart.third_party_no.clone()
        } else {
            p.third_party_no.clone()
        },
        refund_no: p.refund_no.clone(),
        platform_at: time_text(p),
        platform_status: p.status.label().to_owned(),
        counterpart_status: d.counterpart.status.label().to_owned(),
        platform_amount: signed(p),
        counterpart_amount: signed(&d.counterpart),
        difference: d.difference,
        direction: direction_label(d.direction).to_owned(),
        counterpart_fee: d.counterpart.fee.map(|f| f.to_string()).unwrap_or_default(),
    }
}

/// The class in finance's words (`金额不符` …).
pub fn class_label(class: Class) -> &'static str {
    class.label()
}
