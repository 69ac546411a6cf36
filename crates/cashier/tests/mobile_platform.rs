//! 移动预交金 against the real platform (PostgreSQL, HTTPS): a deposit paid in the hospital's app
//! (`platform sandbox-pay deposit`) is announced by the sandbox channel to the platform's notify
//! URL, signed; the platform credits the admission (a journal record every counter pulls) and
//! only then answers. The same notification twice is credited once, also when both arrive at
//! the same moment; a notification with a bad signature changes nothing; a payment for a
//! settled admission or an unknown case is answered "not yet" until its third announcement and
//! then refunded by the original route, with the reason. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::process::Command;

use channels::notify::{Notification, body};
use common::{Counter, Platform, platform_bin, runtime, settles_on, text};
use domain::{Money, Tender};
use serde_json::Value;

fn app_pay(platform: &Platform, case_no: &str, amount: &str, channel: &str, twice: bool) -> Value {
    let mut command = Command::new(platform_bin());
    command.args(["sandbox-pay", "deposit", case_no, amount, "--channel", channel, "--url", &platform.https()]);
    command.arg("--ca").arg(platform.ca());
    if twice {
        command.arg("--twice");
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_deposit_paid_in_the_app_is_credited_once_and_one_that_cannot_be_is_refunded() {
    let mut platform = Platform::start("mobile_platform", 10);
    platform.serve_env = vec![("PLATFORM_NOTIFY_RETRY_MS".into(), "0,100,200,400,800".into())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口移动");
    counter.drain("cashier");
    let cases = common::case_numbers(&platform);

    let paid = app_pay(&platform, &cases[0], "300.00", "alipay", false);
    let transaction = paid["transaction_id"].as_str().unwrap().to_owned();
    let credited = format!("SELECT outcome FROM mobile_payments WHERE transaction_id = '{transaction}'");
    settles_on(&platform, &credited, "credited");
    let record = platform.sql(&format!(
        "SELECT record->>'receipt_no', record->'tenders'->0->>'tender', record->'tenders'->0->>'reference', record->>'amount', record->>'cashier'
         FROM journal WHERE kind = 'deposit' AND record->'tenders'->0->>'reference' = '{transaction}'"
    ));
    let order = paid["order_no"].as_str().unwrap();
    assert_eq!(record.trim(), format!("YD{order}|alipay|{transaction}|300.00|移动支付"));

    // Announced twice: one deposit.
    let twice = app_pay(&platform, &cases[1], "120.00", "wechat", true);
    let again = twice["transaction_id"].as_str().unwrap().to_owned();
    let verdicts = format!(
        "SELECT string_agg(verdict, ',' ORDER BY id) FROM channel_notifications WHERE transaction_id = '{again}'"
    );
    settles_on(&platform, &verdicts, "taken,duplicate");
    let deposits = |t: &str| {
        platform.sql(&format!(
            "SELECT count(*) FROM journal WHERE kind = 'deposit' AND record->'tenders'->0->>'reference' = '{t}'"
        ))
    };
    assert_eq!(deposits(&again).trim(), "1");
    // Every counter pulls it.
    counter.drain("cashier");
    let pulled = counter.sqlite("SELECT count(*) FROM deposits WHERE receipt_no LIKE 'YD%'");
    assert_eq!(pulled.trim(), "2");

    // A notification signed with another key, and the same notification announced 20 times at
    // once (as a channel retrying over a slow line would): nothing, then exactly one deposit.
    let c = platform.client();
    let paid_at = chrono::NaiveDateTime::parse_from_str("2026-11-25 09:30:00", "%Y-%m-%d %H:%M:%S").unwrap();
    let forged = Notification {
        tender: Tender::WeChat,
        order_no: "M20261125093000000001".into(),
        transaction_id: "4200000000000000000000777777".into(),
        amount: Money::parse("5000.00").unwrap(),
        case_no: cases[2].clone(),
        paid_at,
    };
    let journal = || platform.sql("SELECT count(*) FROM journal").trim().to_owned();
    let before = journal();
    runtime().block_on(async {
        let (_, text) = body(&forged, "not-the-merchant-key", "n");
        let (status, _) =
            c.raw(reqwest::Method::POST, "/channels/v1/notify/wechat", None, Some(text.into_bytes())).await.unwrap();
        assert_eq!(status, 400);
    });
    assert_eq!(journal(), before, "a bad signature credited something");
    let refused = "SELECT verdict || ':' || code FROM channel_notifications WHERE verdict = 'refused'";
    assert_eq!(platform.sql(refused).trim(), "refused:NOTIFY_SIGNATURE_INVALID");
    runtime().block_on(async {
        let (_, text) = body(&forged, "sandbox-wechat-merchant-key", "n");
        let posts =
            (0..20).map(|_| {
                let c = c.clone();
                let text = text.clone();
                async move {
                    c.raw(reqwest::Method::POST, "/channels/v1/notify/wechat", None, Some(text.into_bytes())).await
                }
            });
        let answers = futures_join(posts).await;
        assert!(answers.iter().all(|a| a.as_ref().is_ok_and(|(s, _)| *s == 200)), "{answers:?}");
    });
    assert_eq!(deposits(&forged.transaction_id).trim(), "1", "credited exactly once");

    // Cannot be credited: answered "not yet" twice (the admission might still arrive), then
    // refunded by the original route on the third announcement, with the reason.
    let settled = counter.ready_self_pay().remove(0);
    let out = counter.settle("cashier", &settled);
    assert!(out.status.success(), "{}", text(&out.stderr));
    counter.drain("cashier");
    for (case_no, said) in [(settled.as_str(), "结算"), ("2099000001", "没有病案号")] {
        let late = app_pay(&platform, case_no, "80.00", "alipay", false);
        let t = late["transaction_id"].as_str().unwrap();
        settles_on(&platform, &format!("SELECT outcome FROM mobile_payments WHERE transaction_id = '{t}'"), "refunded");
        let reason = platform.sql(&format!("SELECT reason FROM mobile_payments WHERE transaction_id = '{t}'"));
        assert!(reason.contains(said), "{case_no}: {reason}");
        assert_eq!(deposits(t).trim(), "0");
        let announced = platform.sql(&format!(
            "SELECT string_agg(verdict || ':' || COALESCE(code, ''), ',' ORDER BY id) FROM channel_notifications WHERE transaction_id = '{t}'"
        ));
        assert!(announced.trim().starts_with("failed:NOT_CREDITABLE,failed:NOT_CREDITABLE,taken:"), "{announced}");
        settles_on(
            &platform,
            &format!(
                "SELECT e.state FROM channel_refunds r JOIN channel_refund_events e ON e.refund_no = r.refund_no
                 WHERE r.transaction_id = '{t}' ORDER BY e.id DESC LIMIT 1"
            ),
            "refunded",
        );
    }
}

/// Runs the futures together on this runtime.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
