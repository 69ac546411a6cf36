//! The engine on hand-made days: every class, 长款/短款, causes, fees, cross-day carry-over,
//! duplicates, and a run from the statement fixtures.

use chrono::{NaiveDate, NaiveDateTime};
use domain::Money;
use reconcile::{
    CauseKind, Class, Config, Counterpart, CounterpartFile, Direction, Entry, RecordTable, Side, reconcile,
    reconcile_files,
};
use statements::{Channel, Fee, Kind, Status};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

fn at(d: u32, hms: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("2024-03-{d:02} {hms}"), "%Y-%m-%d %H:%M:%S").unwrap()
}

fn entry(channel: Channel, kind: Kind, order: &str, refund: &str, yuan: &str, when: NaiveDateTime) -> Entry {
    Entry {
        channel,
        kind,
        status: Status::Success,
        order_no: order.to_owned(),
        third_party_no: format!("T{order}"),
        refund_no: refund.to_owned(),
        amount: Money::parse(yuan).unwrap(),
        fee: None,
        at: when,
    }
}

fn pay(order: &str, yuan: &str) -> Entry {
    entry(Channel::Wechat, Kind::Payment, order, "", yuan, at(1, "10:00:00"))
}

fn with_fee(mut e: Entry, units: i64) -> Entry {
    e.fee = Some(Fee::from_units(units));
    e
}

#[test]
fn every_class_on_one_day() {
    let mut closed = pay("P7", "9.00");
    closed.status = Status::Closed;
    let mut pending = pay("P4", "50.00");
    pending.status = Status::Pending;
    let platform = vec![
        pay("P1", "100.00"),
        pay("P2", "200.00"),
        pay("P3", "300.00"),
        pending,
        pay("P5", "20.00"),
        entry(Channel::Wechat, Kind::Refund, "P1", "R1", "10.00", at(1, "12:00:00")),
        entry(Channel::Cash, Kind::Payment, "C1", "", "5.00", at(1, "09:00:00")),
        closed,
        entry(Channel::Wechat, Kind::Payment, "P8", "", "1.00", at(1, "23:58:00")),
    ];
    let statement = vec![
        with_fee(pay("P1", "100.00"), 60_000),
        with_fee(pay("P2", "201.00"), 120_600),
        with_fee(pay("P3", "300.00"), 180_000),
        with_fee(pay("P4", "50.00"), 30_000),
        with_fee(pay("P6", "66.00"), 39_600),
        with_fee(entry(Channel::Wechat, Kind::Refund, "P1", "R1", "10.00", at(1, "12:00:01")), -6_000),
        with_fee(entry(Channel::Wechat, Kind::Payment, "P9", "", "2.00", at(1, "23:59:30")), 1_200),
    ];
    let mut config = Config::for_channel(day(1), Channel::Wechat);
    config.fee_rate_ppm = Some(6_000);
    let mut statement = statement;
    statement[2].fee = Some(Fee::from_units(190_000));
    let result = reconcile(&config, &platform, &statement, &[]).unwrap();
    use Class::*;
    assert_eq!(
        result.platform_classes,
        [Matched, AmountMismatch, FeeMismatch, StatusMismatch, PlatformOnly, Matched, OutOfScope, Void, Deferred]
    );
    assert_eq!(
        result.counterpart_classes,
        [Matched, AmountMismatch, FeeMismatch, StatusMismatch, CounterpartOnly, Matched, Deferred]
    );
    let s = &result.summary;
    assert_eq!((s.matched.count, s.matched.net()), (2, Money::parse("90.00").unwrap()));
    assert_eq!((s.amount_mismatch.count, s.long, s.short), (1, 1, 0));
    assert_eq!(s.amount_difference, Money::parse("1.00").unwrap());
    assert_eq!((s.status_mismatch.count, s.fee_mismatch.count, s.void, s.out_of_scope), (1, 1, 1, 1));
    assert_eq!((s.platform_only.count, s.counterpart_only.count, s.cross_day_deferred.count), (1, 1, 2));
    assert_eq!(s.counterpart_fees, Fee::from_units(60_000 + 120_600 + 190_000 + 30_000 + 39_600 - 6_000 + 1_200));
    let amount = result.discrepancies.iter().find(|d| d.class == AmountMismatch).unwrap();
    assert_eq!((amount.direction, amount.platform.order_no.as_str()), (Some(Direction::Long), "P2"));
    assert_eq!(result.platform_only[0].entry.order_no, "P5");
    assert_eq!(result.platform_only[0].cause.kind, CauseKind::Payment);
    assert_eq!(result.counterpart_only[0].entry.order_no, "P6");
    assert_eq!(result.deferred.len(), 2);
    assert_eq!(s.per_channel.len(), 1, "cash was out of scope: {:?}", s.per_channel);
}

#[test]
fn refunds_short_and_long_and_his_causes() {
    let refund = |yuan: &str| entry(Channel::Unionpay, Kind::Refund, "U1", "UR1", yuan, at(1, "11:00:00"));
    let platform = vec![refund("10.00"), entry(Channel::Cash, Kind::Payment, "C1", "", "5.00", at(1, "09:00:00"))];
    let his = vec![refund("12.00"), entry(Channel::Unionpay, Kind::Payment, "U2", "", "8.00", at(1, "09:30:00"))];
    let result = reconcile(&Config::for_his(day(1)), &platform, &his, &[]).unwrap();
    let d = &result.discrepancies[0];
    assert_eq!((d.class, d.direction), (Class::AmountMismatch, Some(Direction::Short)), "more refunded: 短款");
    assert_eq!(d.difference, Money::parse("-2.00").unwrap());
    assert_eq!(result.platform_only[0].cause.kind, CauseKind::Upload, "platform record never reached the HIS");
    assert_eq!(result.counterpart_only[0].cause.kind, CauseKind::Upload, "terminal never uploaded to the platform");
    assert_eq!(result.counterpart_only[0].cause.provider.label(), "设备-银联");
}

#[test]
fn cross_day_entries_wait_one_day_and_are_reported_once() {
    let config1 = Config::for_channel(day(1), Channel::Wechat);
    let late = entry(Channel::Wechat, Kind::Payment, "P1", "", "10.00", at(1, "23:59:58"));
    let lonely = entry(Channel::Wechat, Kind::Payment, "P2", "", "3.00", at(1, "23:59:59"));
    let early_echo = entry(Channel::Wechat, Kind::Payment, "P1", "", "10.00", at(2, "00:00:02"));
    let statement_late = entry(Channel::Wechat, Kind::Payment, "P3", "", "4.00", at(1, "23:57:00"));
    let day1 = reconcile(&config1, &vec![late, lonely], &vec![statement_late], &[]).unwrap();
    assert_eq!(day1.summary.cross_day_deferred.count, 3);
    assert!(day1.platform_only.is_empty() && day1.counterpart_only.is_empty(), "nothing reported on day 1 yet");

    let config2 = Config::for_channel(day(2), Channel::Wechat);
    let platform2 = vec![entry(Channel::Wechat, Kind::Payment, "P3", "", "4.00", at(2, "00:00:30"))];
    let day2 = reconcile(&config2, &platform2, &vec![early_echo], &day1.deferred).unwrap();
    assert_eq!(day2.counterpart_classes, [Class::Matched], "matched the carried platform record");
    assert_eq!(day2.platform_classes, [Class::Matched], "matched the carried statement record");
    assert_eq!(day2.summary.cross_day_resolved, 2);
    assert_eq!(day2.platform_only.len(), 1, "P2 is final now, dated to its own day");
    assert_eq!((day2.platform_only[0].entry.order_no.as_str(), day2.platform_only[0].day), ("P2", day(1)));
    assert!(day2.deferred.is_empty(), "carried entries are never deferred twice");

    let rerun = reconcile(
        &config2,
        &platform2,
        &vec![entry(Channel::Wechat, Kind::Payment, "P1", "", "10.00", at(2, "00:00:02"))],
        &day1.deferred,
    )
    .unwrap();
    assert_eq!(rerun, day2, "a re-run gives the same result, so it replaces the day's sets");
}

#[test]
fn duplicates_are_refused_or_dropped() {
    let platform = vec![pay("P1", "1.00"), pay("P1", "2.00")];
    let err =
        reconcile(&Config::for_channel(day(1), Channel::Wechat), &platform, &Vec::<Entry>::new(), &[]).unwrap_err();
    assert_eq!(err.code(), "RECONCILE_DUPLICATE_KEY");
    assert!(err.to_string().contains("P1"), "{err}");
    let statement = vec![pay("P1", "1.00"), pay("P1", "1.00")];
    let err = reconcile(&Config::for_channel(day(1), Channel::Wechat), &vec![pay("P1", "1.00")], &statement, &[])
        .unwrap_err();
    assert_eq!(
        err,
        reconcile::ReconcileError::DuplicateKey { side: Side::Counterpart, kind: Kind::Payment, key: "P1".into() }
    );
    let carried = vec![reconcile::Deferred { side: Side::Platform, day: day(1), entry: pay("P1", "1.00") }];
    let result = reconcile(
        &Config::for_channel(day(2), Channel::Wechat),
        &vec![pay("P1", "1.00")],
        &vec![pay("P1", "1.00")],
        &carried,
    )
    .unwrap();
    assert_eq!((result.carried_classes.as_slice(), result.summary.duplicates), (&[Class::Duplicate][..], 1));
}

#[test]
fn terminal_channels_match_by_third_party_no() {
    let mut platform = entry(Channel::Unionpay, Kind::Payment, "TERM-1", "", "7.00", at(1, "08:00:00"));
    platform.third_party_no = "Q123".into();
    let mut statement = entry(Channel::Unionpay, Kind::Payment, "OTHER", "", "7.00", at(1, "08:00:01"));
    statement.third_party_no = "Q123".into();
    let config = Config::for_channel(day(1), Channel::Unionpay);
    assert_eq!(config.counterpart, Counterpart::Channel(Channel::Unionpay));
    let result = reconcile(&config, &vec![platform], &vec![statement], &[]).unwrap();
    assert_eq!(result.summary.matched.count, 1);
}

#[test]
fn streams_statement_fixtures_against_the_ledger() {
    let fixtures = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../statements/tests/fixtures");
    let ledger = std::fs::read(fixtures.join("ledger.csv")).unwrap();
    let bill = std::fs::read(fixtures.join("wechat_all.csv")).unwrap();
    let mut config = Config::for_channel(day(1), Channel::Wechat);
    config.fee_rate_ppm = Some(6_000);
    let run = reconcile_files(
        &config,
        ("ledger.csv", &ledger[..]),
        ("wechat_all.csv", &bill[..], CounterpartFile::Wechat),
        &[],
    )
    .unwrap();
    let result = run.result;
    assert_eq!(run.ledger.totals.rows, 6);
    assert_eq!(result.summary.matched.count, 3, "P1, P2 and the refund R1");
    assert_eq!(result.counterpart_only[0].entry.order_no, "P20240301000003");
    assert_eq!(result.summary.out_of_scope, 3, "cash, alipay, unionpay ledger rows");
    assert_eq!(result.summary.counterpart_fees, Fee::parse("9.00300").unwrap());
    // The same records in memory, the whole ledger first: the same result.
    let mut table = RecordTable::new();
    statements::read_ledger("ledger.csv", &ledger[..], |row| table.push(&reconcile::Record::from_ledger(row)).unwrap())
        .unwrap();
    let mut statement = RecordTable::new();
    statements::read_wechat("wechat_all.csv", &bill[..], |row| {
        statement.push(&reconcile::Record::from_wechat(row)).unwrap();
    })
    .unwrap();
    assert_eq!(reconcile(&config, &table, &statement, &[]).unwrap(), result);
}

#[test]
fn a_key_given_again_after_its_first_record_was_matched_is_refused_at_the_end() {
    let config = Config::for_channel(day(1), Channel::Wechat);
    let mut join = reconcile::Join::new(config, &[]);
    join.counterpart(&pay("P1", "1.00").record()).unwrap();
    join.platform(&pay("P1", "1.00").record()).unwrap();
    // The first P1 is matched and let go; the second waits for a partner that never comes.
    join.platform(&pay("P1", "2.00").record()).unwrap();
    let err = join.finish().unwrap_err();
    assert_eq!(
        err,
        reconcile::ReconcileError::DuplicateKey { side: Side::Platform, kind: Kind::Payment, key: "P1".into() }
    );
}
