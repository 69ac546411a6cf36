//! Properties over random days: every record ends in exactly one class and the figures add up
//! to the records; matched amounts agree on both sides; the same day twice (or shuffled) gives
//! the same result, and so does any interleaving of the two sides streamed through the join;
//! cross-day entries are reported exactly once.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use domain::Money;
use proptest::prelude::*;
use reconcile::{Class, Config, DayResult, Entry, Join, Records, Side, reconcile};
use statements::{Channel, Fee, Kind, Status};

#[derive(Clone, Debug)]
struct Order {
    channel: Channel,
    kind: Kind,
    /// 0: both sides, 1: platform only, 2: counterpart only.
    presence: u8,
    fen: i64,
    delta: i64,
    platform_status: Status,
    counterpart_status: Status,
    secs: u32,
    fee_off: bool,
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![8 => Just(Status::Success), 1 => Just(Status::Pending), 1 => Just(Status::Closed)]
}

fn order() -> impl Strategy<Value = Order> {
    (
        prop::sample::select(Channel::ALL.to_vec()),
        prop_oneof![4 => Just(Kind::Payment), 1 => Just(Kind::Refund)],
        prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        1i64..10_000_000,
        prop_oneof![6 => Just(0i64), 1 => -500i64..500],
        status(),
        status(),
        prop_oneof![8 => 0u32..86_400, 2 => 85_800u32..86_400],
        prop::bool::weighted(0.1),
    )
        .prop_map(|(channel, kind, presence, fen, delta, platform_status, counterpart_status, secs, fee_off)| {
            Order { channel, kind, presence, fen, delta, platform_status, counterpart_status, secs, fee_off }
        })
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
}

fn at(secs: u32) -> NaiveDateTime {
    day().and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap())
}

/// The platform and counterpart records of a day of orders; keys from the order's index.
fn sides(orders: &[Order], statement: bool) -> (Vec<Entry>, Vec<Entry>) {
    let mut platform = Vec::new();
    let mut counterpart = Vec::new();
    for (i, o) in orders.iter().enumerate() {
        let channel = if statement { Channel::Wechat } else { o.channel };
        let base = Entry {
            channel,
            kind: o.kind,
            status: o.platform_status,
            order_no: format!("P{i}"),
            third_party_no: format!("T{i}"),
            refund_no: if o.kind == Kind::Refund { format!("R{i}") } else { String::new() },
            amount: Money::from_fen(o.fen).unwrap(),
            fee: None,
            at: at(o.secs),
        };
        if o.presence != 2 {
            // Out-of-scope records of other channels appear on the platform side only.
            platform.push(Entry { channel: if statement && i % 7 == 3 { o.channel } else { channel }, ..base.clone() });
        }
        if o.presence != 1 {
            let sign = if o.kind == Kind::Payment { 1 } else { -1 };
            let fee = sign * (o.fen + o.delta) * 6 + if o.fee_off { 2_000 } else { 0 };
            counterpart.push(Entry {
                status: o.counterpart_status,
                amount: Money::from_fen((o.fen + o.delta).max(0)).unwrap(),
                fee: statement.then_some(Fee::from_units(fee)),
                at: at(o.secs.saturating_add(1).min(86_399)),
                ..base
            });
        }
    }
    (platform, counterpart)
}

fn config(statement: bool) -> Config {
    if statement {
        let mut c = Config::for_channel(day(), Channel::Wechat);
        c.fee_rate_ppm = Some(6_000);
        c
    } else {
        Config::for_his(day())
    }
}

fn signed_sum(entries: &[Entry], classes: &[Class], class: Class) -> i64 {
    entries.iter().zip(classes).filter(|(_, c)| **c == class).map(|(e, _)| e.record().signed_fen()).sum()
}

fn count(classes: &[Class], class: Class) -> u64 {
    classes.iter().filter(|c| **c == class).count() as u64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_record_ends_in_exactly_one_class(orders in prop::collection::vec(order(), 0..80), statement in any::<bool>()) {
        let (platform, counterpart) = sides(&orders, statement);
        let result = reconcile(&config(statement), &platform, &counterpart, &[]).unwrap();
        let (p, c, s) = (&result.platform_classes, &result.counterpart_classes, &result.summary);
        prop_assert_eq!(p.len(), platform.len());
        prop_assert_eq!(c.len(), counterpart.len());
        for class in [Class::Matched, Class::AmountMismatch, Class::StatusMismatch, Class::FeeMismatch] {
            prop_assert_eq!(count(p, class), count(c, class), "a pair is one record on each side: {:?}", class);
        }
        prop_assert_eq!(count(p, Class::Matched), s.matched.count);
        prop_assert_eq!(count(p, Class::AmountMismatch), s.amount_mismatch.count);
        prop_assert_eq!(count(p, Class::StatusMismatch), s.status_mismatch.count);
        prop_assert_eq!(count(p, Class::FeeMismatch), s.fee_mismatch.count);
        prop_assert_eq!(count(p, Class::PlatformOnly), result.platform_only.len() as u64);
        prop_assert_eq!(count(p, Class::PlatformOnly), s.platform_only.count);
        prop_assert_eq!(count(c, Class::CounterpartOnly), result.counterpart_only.len() as u64);
        prop_assert_eq!(count(c, Class::CounterpartOnly), s.counterpart_only.count);
        prop_assert_eq!(count(p, Class::Deferred) + count(c, Class::Deferred), result.deferred.len() as u64);
        prop_assert_eq!(count(p, Class::Void) + count(c, Class::Void), s.void);
        prop_assert_eq!(count(p, Class::OutOfScope) + count(c, Class::OutOfScope), s.out_of_scope);
        prop_assert_eq!(s.amount_mismatch.count, s.long + s.short);
        prop_assert_eq!(
            result.discrepancies.len() as u64,
            s.amount_mismatch.count + s.status_mismatch.count + s.fee_mismatch.count
        );
        let deferred_platform = result.deferred.iter().filter(|d| d.side == Side::Platform).count() as u64;
        prop_assert_eq!(deferred_platform, count(p, Class::Deferred));
    }

    #[test]
    fn matched_amounts_sum_consistently(orders in prop::collection::vec(order(), 0..80), statement in any::<bool>()) {
        let (platform, counterpart) = sides(&orders, statement);
        let result = reconcile(&config(statement), &platform, &counterpart, &[]).unwrap();
        let (p, c, s) = (&result.platform_classes, &result.counterpart_classes, &result.summary);
        let matched = s.matched.net().fen();
        prop_assert_eq!(signed_sum(&platform, p, Class::Matched), matched);
        prop_assert_eq!(signed_sum(&counterpart, c, Class::Matched), matched);
        prop_assert_eq!(signed_sum(&platform, p, Class::PlatformOnly), s.platform_only.net().fen());
        prop_assert_eq!(signed_sum(&counterpart, c, Class::CounterpartOnly), s.counterpart_only.net().fen());
        let deferred = signed_sum(&platform, p, Class::Deferred) + signed_sum(&counterpart, c, Class::Deferred);
        prop_assert_eq!(deferred, s.cross_day_deferred.net().fen());
        let difference = signed_sum(&counterpart, c, Class::AmountMismatch) - signed_sum(&platform, p, Class::AmountMismatch);
        prop_assert_eq!(difference, s.amount_difference.fen());
        let per_channel: i64 = s.per_channel.iter().map(|ch| ch.matched.net().fen()).sum();
        prop_assert_eq!(per_channel, matched);
    }

    #[test]
    fn the_same_day_twice_gives_the_same_result(
        orders in prop::collection::vec(order(), 0..60),
        statement in any::<bool>(),
        rotate in any::<usize>(),
    ) {
        let (platform, counterpart) = sides(&orders, statement);
        let first = reconcile(&config(statement), &platform, &counterpart, &[]).unwrap();
        let second = reconcile(&config(statement), &platform, &counterpart, &[]).unwrap();
        prop_assert_eq!(&first, &second);
        let mut shuffled = counterpart.clone();
        if !shuffled.is_empty() {
            let k = rotate % shuffled.len();
            shuffled.rotate_left(k);
            shuffled.reverse();
        }
        let third = reconcile(&config(statement), &platform, &shuffled, &[]).unwrap();
        prop_assert_eq!(&first.summary, &third.summary);
        prop_assert_eq!(&first.platform_only, &third.platform_only);
        prop_assert_eq!(&first.counterpart_only, &third.counterpart_only);
        prop_assert_eq!(&first.deferred, &third.deferred);
        prop_assert_eq!(&first.discrepancies, &third.discrepancies);
    }

    #[test]
    fn cross_day_entries_are_reported_exactly_once(orders in prop::collection::vec(order(), 0..60), statement in any::<bool>()) {
        let (platform, counterpart) = sides(&orders, statement);
        let day1: DayResult = reconcile(&config(statement), &platform, &counterpart, &[]).unwrap();
        let mut next = config(statement);
        next.day = day().succ_opt().unwrap();
        let day2 = reconcile(&next, &Vec::<Entry>::new(), &Vec::<Entry>::new(), &day1.deferred).unwrap();
        prop_assert!(day2.deferred.is_empty(), "nothing is deferred twice");
        prop_assert_eq!(day2.carried_classes.len(), day1.deferred.len());
        let reported_on_day2 = day2.platform_only.len() + day2.counterpart_only.len();
        prop_assert_eq!(reported_on_day2 as u64 + day2.summary.void, day1.deferred.len() as u64);
        for single in day2.platform_only.iter().chain(&day2.counterpart_only) {
            prop_assert_eq!(single.day, day(), "dated to the day it belongs to");
            prop_assert!(!day1.platform_only.iter().chain(&day1.counterpart_only).any(|s| s.entry == single.entry));
        }
    }

    #[test]
    fn any_interleaving_of_the_two_sides_gives_the_same_result(
        before in prop::collection::vec(order(), 0..40),
        orders in prop::collection::vec(order(), 0..60),
        statement in any::<bool>(),
        picks in prop::collection::vec(any::<bool>(), 1..64),
    ) {
        // Yesterday leaves a cross-day set whose keys today's records share in part.
        let (p0, c0) = sides(&before, statement);
        let yesterday = reconcile(&config(statement), &p0, &c0, &[]).unwrap();
        let mut today = config(statement);
        today.day = day().succ_opt().unwrap();
        let (platform, counterpart) = sides(&orders, statement);
        let in_order = reconcile(&today, &platform, &counterpart, &yesterday.deferred).unwrap();
        let mut join = Join::new(today.clone(), &yesterday.deferred);
        let (mut p, mut c) = (0, 0);
        for pick in picks.iter().cycle() {
            match (p < platform.len(), c < counterpart.len()) {
                (false, false) => break,
                (true, false) => { join.platform(&platform.record(p)).unwrap(); p += 1 }
                (false, true) => { join.counterpart(&counterpart.record(c)).unwrap(); c += 1 }
                (true, true) if *pick => { join.platform(&platform.record(p)).unwrap(); p += 1 }
                (true, true) => { join.counterpart(&counterpart.record(c)).unwrap(); c += 1 }
            }
        }
        prop_assert_eq!(join.finish().unwrap(), in_order);
    }
}
