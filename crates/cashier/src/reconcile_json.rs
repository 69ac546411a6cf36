//! The JSON of `cashier reconcile --json`: one object with the run's figures (the fields the
//! issue fixes — `matched`, `matched_amount`, `platform_only`, `channel_only`, `amount_mismatch`,
//! `status_mismatch`, `fee_mismatch`, `cross_day_deferred` — plus amounts, per-channel figures,
//! both files' facts) and every single-sided entry with its cause, every mismatched pair and
//! the cross-day set. Counts are numbers, amounts decimal strings, net of refunds.

use reconcile::{Cause, Counterpart, Deferred, Discrepancy, Entry, SingleSided, Tally};
use serde_json::{Value, json};

use crate::reconcile_run::{FileFacts, Run};
use reports::reconciliation::from_engine::{direction_label, scope, signed, time_text};

pub fn run_json(channel: &str, run: &Run) -> Value {
    let result = &run.result;
    let s = &result.summary;
    let channel_run = matches!(result.counterpart, Counterpart::Channel(_));
    let per_channel: Vec<Value> = s
        .per_channel
        .iter()
        .map(|c| {
            json!({
                "channel": c.channel.as_str(),
                "label": c.channel.label(),
                "matched": c.matched.count,
                "matched_amount": net(c.matched),
                "platform_only": c.platform_only.count,
                "platform_only_amount": net(c.platform_only),
                "channel_only": c.counterpart_only.count,
                "channel_only_amount": net(c.counterpart_only),
                "amount_mismatch": c.amount_mismatch.count,
                "status_mismatch": c.status_mismatch.count,
                "fee_mismatch": c.fee_mismatch.count,
                "cross_day_deferred": c.cross_day_deferred.count,
            })
        })
        .collect();
    json!({
        "date": result.day.format("%Y-%m-%d").to_string(),
        "channel": channel,
        "counterpart": if channel_run { "channel" } else { "his" },
        "scope": scope(result.counterpart),
        "platform_file": facts(&run.platform),
        "statement_file": facts(&run.statement),
        "matched": s.matched.count,
        "matched_amount": net(s.matched),
        "matched_payment_amount": s.matched.payment_amount.to_string(),
        "matched_refund_amount": s.matched.refund_amount.to_string(),
        "platform_only": s.platform_only.count,
        "platform_only_amount": net(s.platform_only),
        "channel_only": s.counterpart_only.count,
        "channel_only_amount": net(s.counterpart_only),
        "amount_mismatch": s.amount_mismatch.count,
        "amount_mismatch_amount": net(s.amount_mismatch),
        "long": s.long,
        "short": s.short,
        "amount_difference": s.amount_difference.to_string(),
        "status_mismatch": s.status_mismatch.count,
        "fee_mismatch": s.fee_mismatch.count,
        "cross_day_deferred": s.cross_day_deferred.count,
        "cross_day_deferred_amount": net(s.cross_day_deferred),
        "cross_day_resolved": s.cross_day_resolved,
        "void": s.void,
        "out_of_scope": s.out_of_scope,
        "duplicates": s.duplicates,
        "channel_fees": if channel_run { Value::from(s.counterpart_fees.to_string()) } else { Value::Null },
        "per_channel": per_channel,
        "platform_only_entries": result.platform_only.iter().map(single_sided).collect::<Vec<_>>(),
        "channel_only_entries": result.counterpart_only.iter().map(single_sided).collect::<Vec<_>>(),
        "discrepancies": result.discrepancies.iter().map(discrepancy).collect::<Vec<_>>(),
        "deferred": result.deferred.iter().map(deferred).collect::<Vec<_>>(),
    })
}

fn net(tally: Tally) -> String {
    tally.net().to_string()
}

fn facts(f: &FileFacts) -> Value {
    json!({ "file": f.file, "format": f.format, "rows": f.rows, "fingerprint": f.fingerprint })
}

fn entry(e: &Entry) -> Value {
    json!({
        "channel": e.channel.as_str(),
        "kind": e.kind.as_str(),
        "status": e.status.as_str(),
        "order_no": e.order_no,
        "third_party_no": e.third_party_no,
        "refund_no": e.refund_no,
        "amount": e.amount.to_string(),
        "signed_amount": signed(e).to_string(),
        "fee": e.fee.map(|f| f.to_string()),
        "at": time_text(e),
    })
}

/// `payment`, `refund`, `upload`, `terminal_error`.
fn cause(c: Cause) -> Value {
    json!({
        "provider": c.provider.label(),
        "device": c.provider.is_device(),
        "kind": c.kind.code(),
        "label": format!("{} · {}", c.provider.label(), c.kind.label()),
    })
}

fn single_sided(s: &SingleSided) -> Value {
    let mut value = entry(&s.entry);
    value["day"] = Value::from(s.day.format("%Y-%m-%d").to_string());
    value["cause"] = cause(s.cause);
    value
}

/// `amount_mismatch`, `status_mismatch`, `fee_mismatch`.
fn discrepancy(d: &Discrepancy) -> Value {
    json!({
        "class": d.class.code(),
        "label": d.class.label(),
        "platform": entry(&d.platform),
        "counterpart": entry(&d.counterpart),
        "platform_day": d.platform_day.format("%Y-%m-%d").to_string(),
        "counterpart_day": d.counterpart_day.format("%Y-%m-%d").to_string(),
        "difference": d.difference.to_string(),
        "direction": match d.direction { Some(reconcile::Direction::Long) => "long", Some(reconcile::Direction::Short) => "short", None => "" },
        "direction_label": direction_label(d.direction),
    })
}

fn deferred(d: &Deferred) -> Value {
    let mut value = entry(&d.entry);
    value["side"] = Value::from(match d.side {
        reconcile::Side::Platform => "platform",
        reconcile::Side::Counterpart => "counterpart",
    });
    value["day"] = Value::from(d.day.format("%Y-%m-%d").to_string());
    value
}
