//! A day of money that really moved, reconciled against what the sandbox channels processed
//! (their registers, kept on file by `serve --channel-register`), on the real platform: WeChat
//! and Alipay code payments at a linked counter, a reversal refunded by the original route, a
//! deposit paid in the app and one that could not be credited and was given back. The channels'
//! bills are written from their registers and the day's reconciliation finds exactly the
//! injected faults — the first WeChat payment left out, the second ¥1.00 long, one payment on
//! each bill the platform never took — and nothing else. Run by `scripts/test.sh`.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Counter, Platform, platform_bin, runtime, settles_on, text, token};
use reqwest::Method;
use serde_json::{Value, json};

fn by_code(counter: &Counter, case_no: &str, tender: &str, code: &str) -> Value {
    let out = counter.run(&["deposit", case_no, "--as", "cashier", "--tender", tender, "--auth-code", code]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn platform(args: &[&str], platform: &Platform) -> String {
    let out = Command::new(platform_bin()).args(args).env("DATABASE_URL", &platform.url).output().unwrap();
    assert!(out.status.success(), "platform {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_day_of_channel_money_reconciles_except_the_injected_faults() {
    let registers = tempfile::tempdir().unwrap();
    let register_dir = registers.path().to_str().unwrap().to_owned();
    let mut p = Platform::start("recon_channels", 4);
    p.serve_env = vec![
        ("PLATFORM_CHANNEL_REGISTER".into(), register_dir.clone()),
        ("PLATFORM_NOTIFY_RETRY_MS".into(), "0,100,200,400".into()),
    ];
    p.restart();
    let counter = Counter::register(&p, &p.https(), "窗口对账");
    counter.drain("cashier");
    let cases = common::case_numbers(&p);
    by_code(&counter, &cases[0], "微信:300.00", "134567890123450081");
    by_code(&counter, &cases[0], "微信:200.00", "134567890123450082");
    let back = by_code(&counter, &cases[1], "微信:100.00", "134567890123450083");
    by_code(&counter, &cases[1], "支付宝:150.00", "281234567890123484");
    let out = counter.run(&[
        "reverse",
        &cases[1],
        back["receipt_no"].as_str().unwrap(),
        "--as",
        "cashier",
        "--reason",
        "退回",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    counter.drain("cashier");
    let out = counter.run(&["refund", "status", &cases[1], "--json"]);
    assert!(text(&out.stdout).contains("已退款"), "{}", text(&out.stdout));
    for (case_no, amount) in [(cases[2].as_str(), "80.00"), ("2099000009", "60.00")] {
        let ca = p.ca();
        platform(
            &[
                "sandbox-pay",
                "deposit",
                case_no,
                amount,
                "--channel",
                "alipay",
                "--url",
                &p.https(),
                "--ca",
                ca.to_str().unwrap(),
            ],
            &p,
        );
    }
    settles_on(&p, "SELECT string_agg(outcome, ',' ORDER BY amount_fen) FROM mobile_payments", "refunded,credited");
    settles_on(&p, "SELECT count(*) FROM channel_refund_events WHERE state = 'refunded'", "2");

    // The day is over: its bills, from what the channels processed (and the day before's, which
    // the platform reconciles first).
    let day = chrono::Local::now().date_naive();
    for d in [day - chrono::Duration::days(1), day] {
        let dir = p.statements.path().to_str().unwrap().to_owned();
        platform(&["sandbox-bills", "--day", &d.to_string(), "--dir", &dir, "--channel-register", &register_dir], &p);
    }
    let tomorrow = (day + chrono::Duration::days(1)).and_hms_opt(11, 0, 0).unwrap();
    p.serve_env.push(("PLATFORM_RECON_NOW".into(), tomorrow.format("%Y-%m-%d %H:%M:%S").to_string()));
    p.restart();
    let client = p.client();
    runtime().block_on(async {
        let finance = token(&client, "finance").await;
        let run = json!({"day": day.to_string(), "channels": ["wechat", "alipay"]});
        let (status, body) = client
            .raw(Method::POST, "/api/v1/recon/runs", Some(&finance), Some(serde_json::to_vec(&run).unwrap()))
            .await
            .unwrap();
        assert!(status == 200 || status == 409, "{body}");
        let started = Instant::now();
        let batches = loop {
            let (_, body) = client
                .raw(Method::GET, &format!("/api/v1/recon/batches?day={day}"), Some(&finance), None)
                .await
                .unwrap();
            let batches = body.as_array().cloned().unwrap_or_default();
            let done = |c: &str| batches.iter().any(|b| b["channel"]["code"] == c && b["status"]["code"] == "done");
            if done("wechat") && done("alipay") {
                break batches;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "{body}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        let figures = |c: &str| -> Vec<i64> {
            let b = batches.iter().find(|b| b["channel"]["code"] == c).unwrap();
            ["matched", "platform_only", "counterpart_only", "amount_mismatch", "status_mismatch", "fee_mismatch"]
                .iter()
                .map(|k| b[*k].as_i64().unwrap())
                .collect()
        };
        // WeChat: three payments and a refund processed; the first left out, the second ¥1.00
        // long, one the platform never took — the rest (the third payment, its refund) match.
        assert_eq!(figures("wechat"), vec![2, 1, 1, 1, 0, 0]);
        // Alipay: the code payment, the app's deposit, the one given back and its refund match;
        // the bill's injected payment is the only difference.
        assert_eq!(figures("alipay"), vec![4, 0, 1, 0, 0, 0]);
    });
}
