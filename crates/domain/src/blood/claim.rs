//! The monthly claim (用血减免月结): the month's waivers as the hospital kept them, matched with
//! the blood platform's monthly statement line by line — a grant by its business number, a
//! cancellation likewise (a recall in the month) — into matched, only ours, only theirs, or
//! amount differs. Pure: both lists come in.

use crate::money::Money;

/// How a line of the month came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimMatch {
    Matched,
    /// Kept at the hospital, missing from the blood platform's statement.
    OursOnly,
    /// On the statement, unknown at the hospital.
    TheirsOnly,
    AmountDiffers,
}

impl ClaimMatch {
    pub const ALL: [ClaimMatch; 4] =
        [ClaimMatch::Matched, ClaimMatch::OursOnly, ClaimMatch::TheirsOnly, ClaimMatch::AmountDiffers];

    pub fn code(self) -> &'static str {
        match self {
            ClaimMatch::Matched => "matched",
            ClaimMatch::OursOnly => "ours_only",
            ClaimMatch::TheirsOnly => "theirs_only",
            ClaimMatch::AmountDiffers => "amount_differs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimMatch::Matched => "一致",
            ClaimMatch::OursOnly => "医院单边",
            ClaimMatch::TheirsOnly => "血站单边",
            ClaimMatch::AmountDiffers => "金额不符",
        }
    }
}

/// One side's line: the business number, whether it is a cancellation, and the signed amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimLine<K> {
    pub business_no: K,
    pub cancellation: bool,
    pub amount: Money,
}

/// Pairs `ours` with `theirs`: each result names our line's index, theirs, and the outcome.
/// Every line of either side appears exactly once.
pub fn match_month<K: PartialEq>(
    ours: &[ClaimLine<K>],
    theirs: &[ClaimLine<K>],
) -> Vec<(Option<usize>, Option<usize>, ClaimMatch)> {
    let mut taken = vec![false; theirs.len()];
    let mut out = Vec::with_capacity(ours.len() + theirs.len());
    for (i, line) in ours.iter().enumerate() {
        let found = theirs
            .iter()
            .enumerate()
            .position(|(j, t)| !taken[j] && t.business_no == line.business_no && t.cancellation == line.cancellation);
        match found {
            Some(j) => {
                taken[j] = true;
                let outcome =
                    if theirs[j].amount == line.amount { ClaimMatch::Matched } else { ClaimMatch::AmountDiffers };
                out.push((Some(i), Some(j), outcome));
            }
            None => out.push((Some(i), None, ClaimMatch::OursOnly)),
        }
    }
    out.extend(taken.iter().enumerate().filter(|(_, t)| !**t).map(|(j, _)| (None, Some(j), ClaimMatch::TheirsOnly)));
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{ClaimLine, ClaimMatch, match_month};
    use crate::money::Money;

    fn line(no: u32, cancellation: bool, fen: i64) -> ClaimLine<u32> {
        ClaimLine { business_no: no, cancellation, amount: Money::from_fen(fen).unwrap() }
    }

    #[test]
    fn lines_pair_by_business_number_and_kind() {
        let ours = [line(1, false, 33_000), line(1, true, -33_000), line(2, false, 10_000), line(3, false, 500)];
        let theirs = [line(2, false, 10_100), line(1, false, 33_000), line(1, true, -33_000), line(4, false, 700)];
        let outcomes: Vec<_> = match_month(&ours, &theirs).into_iter().map(|(_, _, m)| m).collect();
        assert_eq!(
            outcomes,
            vec![
                ClaimMatch::Matched,
                ClaimMatch::Matched,
                ClaimMatch::AmountDiffers,
                ClaimMatch::OursOnly,
                ClaimMatch::TheirsOnly
            ]
        );
    }

    proptest! {
        /// Every line of either side is in exactly one result; matched pairs agree.
        #[test]
        fn every_line_once(ours in prop::collection::vec((0u32..6, any::<bool>(), -500i64..500), 0..8),
                           theirs in prop::collection::vec((0u32..6, any::<bool>(), -500i64..500), 0..8)) {
            let ours: Vec<_> = ours.into_iter().map(|(n, c, f)| line(n, c, f)).collect();
            let theirs: Vec<_> = theirs.into_iter().map(|(n, c, f)| line(n, c, f)).collect();
            let result = match_month(&ours, &theirs);
            for i in 0..ours.len() {
                prop_assert_eq!(result.iter().filter(|(o, _, _)| *o == Some(i)).count(), 1);
            }
            for j in 0..theirs.len() {
                prop_assert_eq!(result.iter().filter(|(_, t, _)| *t == Some(j)).count(), 1);
            }
            for (o, t, m) in &result {
                if let (Some(o), Some(t)) = (o, t) {
                    prop_assert_eq!(ours[*o].business_no, theirs[*t].business_no);
                    prop_assert_eq!(*m == ClaimMatch::Matched, ours[*o].amount == theirs[*t].amount);
                }
            }
        }
    }
}
