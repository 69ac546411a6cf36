//! Payment notifications at scale: N deposits paid in the hospital's app are announced to the
//! platform all at once, each twice (as channels retrying over a slow line do), over HTTPS;
//! prints how long the platform takes to credit them and checks each was credited exactly once.
//! `cargo bench -p cashier --bench notifications -- --notifications 1000` (needs
//! `CASHIER_TEST_PG`; scripts/bench.sh runs it against a release-built platform).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use channels::notify::{Notification, body};
use common::Platform;
use domain::{Money, Tender};

fn count() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--notifications")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; there is nothing to list.
    }
    let n = count();
    let platform = Platform::start("notifications", 100);
    let cases = common::case_numbers(&platform);
    let paid_at = chrono::NaiveDateTime::parse_from_str(common::NOW, "%Y-%m-%d %H:%M:%S").unwrap();
    let bodies: Vec<(Tender, String)> = (0..n)
        .map(|i| {
            let tender = if i % 2 == 0 { Tender::WeChat } else { Tender::Alipay };
            let notification = Notification {
                tender,
                order_no: format!("MB{i:010}"),
                transaction_id: format!("42{i:026}"),
                amount: Money::from_fen(10_000 + i64::try_from(i).unwrap_or(0)).unwrap(),
                case_no: cases[i % cases.len()].clone(),
                paid_at,
            };
            let key =
                if tender == Tender::WeChat { "sandbox-wechat-merchant-key" } else { "sandbox-alipay-merchant-key" };
            (tender, body(&notification, key, "bench").1)
        })
        .collect();
    let client = platform.client();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    let refused = runtime.block_on(async {
        let posts: Vec<_> = bodies
            .iter()
            .chain(bodies.iter())
            .map(|(tender, text)| {
                let client = client.clone();
                let path = format!("/channels/v1/notify/{}", tender.code());
                let text = text.clone().into_bytes();
                tokio::spawn(async move { client.raw(reqwest::Method::POST, &path, None, Some(text)).await })
            })
            .collect();
        let mut refused = 0usize;
        for post in posts {
            if !post.await.unwrap().is_ok_and(|(status, _)| status == 200) {
                refused += 1;
            }
        }
        refused
    });
    let took = started.elapsed();
    let outcome = |o: &str| -> usize {
        platform.sql(&format!("SELECT count(*) FROM mobile_payments WHERE outcome = '{o}'")).trim().parse().unwrap()
    };
    // Payments for admissions the demo has already settled are refunded instead.
    let (credited, refunded) = (outcome("credited"), outcome("refunded"));
    let deposits: usize = platform
        .sql("SELECT count(*) FROM journal WHERE kind = 'deposit' AND record->>'cashier' = '移动支付'")
        .trim()
        .parse()
        .unwrap();
    let duplicates: usize =
        platform.sql("SELECT count(*) FROM channel_notifications WHERE verdict = 'duplicate'").trim().parse().unwrap();
    assert_eq!((refused, credited + refunded, deposits, duplicates), (0, n, credited, n), "each taken exactly once");
    let per_second = (2 * n) as u128 * 1000 / took.as_millis().max(1);
    println!(
        "notifications: {n} app deposits announced twice each, all at once ({} posts): taken in {} ms = {per_second} notifications/s; {credited} credited, {refunded} refunded (settled admissions), {duplicates} duplicates answered, 0 twice",
        2 * n,
        took.as_millis()
    );
}
