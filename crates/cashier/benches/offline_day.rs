//! The offline day: a counter takes N deposits with the platform unreachable (receipt numbers
//! from its reserved range), then reconnects; prints how long the outbox takes to replay and
//! the pushes per second, and checks the platform ended with every operation exactly once.
//! `cargo bench -p cashier --bench offline_day -- --operations 10000` (needs `CASHIER_TEST_PG`;
//! scripts/test.sh runs it).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Instant;

use app::link::Link;
use app::{App, AppConfig};
use common::{Counter, Platform};
use contract::cashier::{DepositRequest, TenderInput};

fn operations() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--operations")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; there is nothing to list.
    }
    let n = operations();
    let platform = Platform::start("offline_day", 100);
    let counter = Counter::register(&platform, &platform.https(), "离线窗口");
    let reserved = counter.run(&["sync", "--as", "cashier", "--reserve", &n.min(10_000).to_string()]);
    assert!(reserved.status.success(), "{}", common::text(&reserved.stderr));
    let cases = common::case_numbers(&platform);

    // The day, offline: the link is down, every deposit goes to the outbox.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    runtime.block_on(async {
        let link = Arc::new(Link::default());
        link.set_online(false, chrono::Local::now().naive_local(), Some("网络中断".into()));
        let mut config = AppConfig::new(counter.db.clone());
        config.link = Some(link);
        let app = App::open(config).await.unwrap();
        let operator = app.console_operator("cashier").await.unwrap();
        for i in 0..n {
            let request = DepositRequest {
                case_no: cases[i % cases.len()].clone(),
                key: app.operation_key(),
                tenders: vec![if i % 3 == 0 {
                    TenderInput::new("银行卡", "200.00").with_reference(format!("T0000001:{i:012}"))
                } else {
                    TenderInput::new("现金", "100.00")
                }],
                cash_received: None,
            };
            app.take_deposit(&operator, &request).await.unwrap();
        }
        app.store().close().await;
    });
    let offline = started.elapsed();
    let waiting: usize = counter.sqlite("SELECT count(*) FROM outbox").trim().parse().unwrap();
    assert_eq!(waiting, n);

    // Reconnect: one sync drains it all.
    let started = Instant::now();
    let answer = counter.drain("cashier");
    let replay = started.elapsed();
    let applied: usize =
        platform.sql("SELECT count(*) FROM operations WHERE outcome = 'applied'").trim().parse().unwrap();
    assert_eq!(applied, n, "{answer}");
    assert_eq!(counter.ledger(), platform.ledger(), "the counter and the platform agree after the replay");
    println!("  (push {} ms, pull {} ms, the rest is login and process start)", answer["push_ms"], answer["pull_ms"]);
    let per_second = n as u128 * 1000 / replay.as_millis().max(1);
    println!("offline day: {n} deposits taken offline in {} ms", offline.as_millis());
    println!(
        "replay on reconnect: {n} operations in {} ms = {per_second} pushes/s (goal: ≤ 5 s); 0 lost, 0 duplicated",
        replay.as_millis()
    );
    println!("TABLE|offline replay of {n} operations|{} ms|≤ 5000 ms|—|—", replay.as_millis());
}
