//! The order of the detail lists: sorted by their numbers, so that a day gives the same lists
//! however its records came.

use crate::outcome::{Deferred, Discrepancy, SingleSided};
use crate::record::Entry;

/// Sorts the detail lists by their numbers, so that the same day's data gives the same lists
/// in whatever order its records came.
pub(crate) fn sort(
    platform_only: &mut [SingleSided],
    counterpart_only: &mut [SingleSided],
    deferred: &mut [Deferred],
    discrepancies: &mut [Discrepancy],
) {
    fn key(e: &Entry) -> (statements::Kind, &str, &str, &str, statements::Channel) {
        (e.kind, e.order_no.as_str(), e.refund_no.as_str(), e.third_party_no.as_str(), e.channel)
    }
    platform_only.sort_by(|a, b| (key(&a.entry), &a.entry, a.day).cmp(&(key(&b.entry), &b.entry, b.day)));
    counterpart_only.sort_by(|a, b| (key(&a.entry), &a.entry, a.day).cmp(&(key(&b.entry), &b.entry, b.day)));
    deferred.sort_by(|a, b| (a.side, key(&a.entry), &a.entry, a.day).cmp(&(b.side, key(&b.entry), &b.entry, b.day)));
    discrepancies.sort_by(|a, b| {
        (key(&a.platform), &a.platform, &a.counterpart).cmp(&(key(&b.platform), &b.platform, &b.counterpart))
    });
}
