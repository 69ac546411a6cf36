//! 原路退款 at a linked counter against the real platform (PostgreSQL, HTTPS, the channels'
//! sandboxes in the platform): a WeChat deposit reversed by its route is refunded by the
//! platform once the reversal reaches it (待退款 at the counter until then, 已退款 after), a
//! payer whose card was closed gets 退款失败 in the counter's status and the platform's failed
//! list; and a pushed refund of a payment the platform never collected, or of more than the
//! payment has left, is refused (`invalid`, nothing kept), while one the ledger rejects leaves
//! no refund behind. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

#[path = "common/attack.rs"]
mod attack;
mod common;

use attack::*;
use common::{Counter, Platform, runtime, text, token_at};
use serde_json::{Value, json};

fn by_code(counter: &Counter, case_no: &str, amount: &str, code: &str) -> Value {
    let tender = format!("微信:{amount}");
    let out = counter.run(&["deposit", case_no, "--as", "cashier", "--tender", &tender, "--auth-code", code]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn status(counter: &Counter, case_no: &str) -> Vec<(String, String, String)> {
    let out = counter.run(&["refund", "status", case_no, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let field = |r: &Value, path: &[&str]| path.iter().fold(r, |v, k| &v[*k]).as_str().unwrap_or_default().to_owned();
    list.iter().map(|r| (field(r, &["amount"]), field(r, &["state", "label"]), field(r, &["message"]))).collect()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_linked_counters_reversal_is_refunded_by_the_platform_which_checks_every_refund() {
    let mut platform = Platform::start("refund_platform", 4);
    platform.serve_env = vec![
        ("PLATFORM_PAY_POLL_MS".into(), "20".into()),
        ("PLATFORM_PAY_TIMEOUT_MS".into(), "300".into()),
        ("PLATFORM_REFUND_WINDOWS".into(), "wechat=none,alipay=30,card=180,sscard=none".into()),
    ];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口退款");
    counter.drain("cashier");
    let case_no = common::case_numbers(&platform).remove(0);
    let paid = by_code(&counter, &case_no, "300.00", "134567890123450071");
    let closed = by_code(&counter, &case_no, "100.00", "134567890123459994");
    let spare = by_code(&counter, &case_no, "50.00", "134567890123450073");
    let by_cash = counter.deposit("cashier", &case_no, "现金:20.00");
    assert!(by_cash.status.success(), "{}", text(&by_cash.stderr));
    let by_cash: Value = serde_json::from_slice(&by_cash.stdout).unwrap();
    counter.drain("cashier");
    let transaction = paid["tenders"][0]["reference"].as_str().unwrap().to_owned();
    // The platform's contracts reach the counter at login: it checks refunds by the same windows.
    let windows = counter.sqlite("SELECT value FROM settings WHERE key = 'refund_windows'");
    assert_eq!(windows.trim(), "wechat=none,alipay=30,card=180,sscard=none");

    let reverse = |receipt: &Value| {
        let receipt_no = receipt["receipt_no"].as_str().unwrap();
        let out = counter.run(&["reverse", &case_no, receipt_no, "--as", "cashier", "--reason", "患者要求退回"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let reversal = reverse(&paid);
    assert_eq!(reversal["tenders"][0]["reference"].as_str(), Some(transaction.as_str()), "{reversal}");
    // Not yet at the platform: asked for, not refunded.
    assert_eq!(status(&counter, &case_no), [("300.00".into(), "待退款".into(), String::new())]);
    let envelope = newest_envelope(&counter);
    counter.drain("cashier");
    reverse(&closed);
    counter.drain("cashier");
    let now = status(&counter, &case_no);
    assert_eq!(now[0].0, "300.00");
    assert_eq!(now[0].1, "已退款", "{now:?}");
    assert_eq!((now[1].0.as_str(), now[1].1.as_str()), ("100.00", "退款失败"), "{now:?}");
    assert!(now[1].2.contains("卡已注销"), "{now:?}");
    let kept = platform.sql(&format!(
        "SELECT r.amount_fen, r.record_no, string_agg(e.state, ',' ORDER BY e.id) FROM channel_refunds r
         JOIN channel_refund_events e ON e.refund_no = r.refund_no WHERE r.transaction_id = '{transaction}'
         GROUP BY r.amount_fen, r.record_no"
    ));
    assert_eq!(kept.trim(), format!("30000|{}|processing,refunded", reversal["receipt_no"].as_str().unwrap()));

    let c = platform.client();
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "supervisor").await;
        let (code, failed) = c.raw(reqwest::Method::GET, "/api/v1/pay/refunds", Some(&finance), None).await.unwrap();
        assert_eq!(code, 200, "{failed}");
        assert_eq!(failed.as_array().map(Vec::len), Some(1), "the failed refund is listed: {failed}");
        assert_eq!(failed[0]["state"], "failed");

        // Forged reversals: none kept, each named.
        let cashier = token_at(&c, &counter, "cashier").await;
        let device = device_of(&counter);
        let used = envelope["records"][0]["receipt_no"].as_str().unwrap().to_owned();
        let forged = |n: i64, reference: Value| {
            let mut forged = forged_deposit(&envelope, &bump(&used, 100 + n), None);
            forged["records"][0]["tenders"][0]["reference"] = reference;
            forged
        };
        let before = footprint(&platform);
        let refunds = || platform.sql("SELECT count(*) FROM channel_refunds");
        let counted = refunds();
        for (n, reference, code) in [
            (1, json!("4200000000000000000000009999"), "CHANNEL_REFUND_UNKNOWN"),
            (2, Value::Null, "CHANNEL_REFUND_UNKNOWN"),
            (3, json!(transaction), "CHANNEL_REFUND_EXCEEDS"),
        ] {
            refused(push(&c, &cashier, &device, &forged(n, reference)).await, code, code);
        }
        // A WeChat payment sent back to Alipay.
        let mut elsewhere = forged(5, json!(transaction));
        elsewhere["records"][0]["tenders"][0]["tender"] = json!("alipay");
        refused(push(&c, &cashier, &device, &elsewhere).await, "CHANNEL_REFUND_MISMATCH", "another channel");
        assert_eq!(footprint(&platform), before, "a refused refund wrote something");
        // A refund of a real payment the ledger rejects (the cash deposit sent back to WeChat):
        // rejected, and no refund left behind to be paid.
        let mut wrong = forged(4, json!(spare["tenders"][0]["reference"]));
        wrong["records"][0]["reverses"] = json!(
            platform
                .sql(&format!(
                    "SELECT record->>'key' FROM journal WHERE record->>'receipt_no' = '{}'",
                    by_cash["receipt_no"].as_str().unwrap()
                ))
                .trim()
        );
        wrong["records"][0]["amount"] = json!("-20.00");
        wrong["records"][0]["tenders"][0]["amount"] = json!("-20.00");
        let answer = push(&c, &cashier, &device, &wrong).await;
        assert_eq!(answer.0, "rejected", "{answer:?}");
        assert_eq!(refunds(), counted, "a rejected operation asks no refund");
    });

    // 改退现金: the supervisor pays the failed refund in cash at the counter; the platform takes
    // it once, and it leaves the failed list.
    let failed_no = platform.sql("SELECT refund_no FROM channel_refunds WHERE amount_fen = 10000").trim().to_owned();
    let cash = |who: &str| {
        counter.run(&["refund", "cash", &case_no, &failed_no, "--reason", "卡已注销，现金退回", "--as", who])
    };
    let out = cash("cashier");
    assert!(!out.status.success() && text(&out.stderr).contains("FORBIDDEN"), "{}", text(&out.stderr));
    // The supervisor has no receipt numbers at this counter yet: said so, nothing written.
    let out = cash("supervisor");
    assert!(!out.status.success() && text(&out.stderr).contains("NUMBERS_EXHAUSTED"), "{}", text(&out.stderr));
    counter.drain("supervisor"); // the supervisor's receipt numbers at this counter
    let out = cash("supervisor");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let paid: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (paid["amount"].as_str(), paid["tenders"][0]["tender"]["code"].as_str()),
        (Some("-100.00"), Some("cash"))
    );
    counter.drain("supervisor");
    let taken = platform.sql(&format!("SELECT count(*) FROM channel_order_uses WHERE transaction_id = '{failed_no}'"));
    assert_eq!(taken.trim(), "1", "the platform took the payout");
    let out = cash("supervisor");
    assert!(!out.status.success() && text(&out.stderr).contains("已改退"), "{}", text(&out.stderr));
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "supervisor").await;
        let (_, failed) = c.raw(reqwest::Method::GET, "/api/v1/pay/refunds", Some(&finance), None).await.unwrap();
        assert_eq!(failed.as_array().map(Vec::len), Some(0), "{failed}");
    });
    transfer_refund(&platform, &counter, &case_no, &envelope, &by_cash);
    seeded_deposit_goes_back(&platform, &counter);
}

/// A WeChat deposit of the demo hospital the platform was seeded with goes back by its route
/// like one taken today: the seed recorded it as a paid order, and the sandbox learned it.
fn seeded_deposit_goes_back(platform: &Platform, counter: &Counter) {
    let found = platform.sql(
        "SELECT o.case_no || '|' || o.order_no || '|' || o.amount_fen FROM channel_orders o
         WHERE o.device_id IS NULL AND o.tender = 'wechat' AND o.case_no <> (SELECT min(case_no) FROM channel_orders)
         ORDER BY o.order_no LIMIT 1",
    );
    let parts: Vec<&str> = found.trim().split('|').collect();
    assert_eq!(parts.len(), 3, "the demo's second patient paid by WeChat: {found}");
    // The demo's order number is `{receipt}-{line}`.
    let (case_no, receipt_no) = (parts[0], parts[1].rsplit_once('-').unwrap().0);
    let out = counter.run(&["reverse", case_no, receipt_no, "--as", "cashier", "--reason", "患者要求退回"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let reversal: Value = serde_json::from_slice(&out.stdout).unwrap();
    let routes = reversal["tenders"].as_array().unwrap();
    assert!(routes.iter().any(|t| t["tender"]["code"] == "wechat"), "by its route: {reversal}");
    counter.drain("cashier");
    let amount = format!("{}.00", parts[2].parse::<i64>().unwrap() / 100);
    let now = status(counter, case_no);
    assert!(now.iter().any(|s| s.0 == amount && s.1 == "已退款"), "{now:?}");
}

/// 转账退款: another refund fails; forged pushes that bring its money back or pay it out by
/// transfer without a supervisor, or transfer an ordinary deposit's money, are refused; the
/// supervisor's transfer is taken, the account kept masked.
fn transfer_refund(platform: &Platform, counter: &Counter, case_no: &str, template: &Value, cash: &Value) {
    by_code(counter, case_no, "80.00", "134567890123419994");
    counter.drain("cashier");
    let receipt_no =
        platform.sql("SELECT record->>'receipt_no' FROM journal WHERE record->'tenders'->0->>'amount' = '80.00'");
    let out = counter.run(&["reverse", case_no, receipt_no.trim(), "--as", "cashier", "--reason", "患者要求退回"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    counter.drain("cashier");
    let failed_no = platform.sql("SELECT refund_no FROM channel_refunds WHERE amount_fen = 8000").trim().to_owned();
    assert!(status(counter, case_no).iter().any(|s| s.0 == "80.00" && s.1 == "退款失败"));
    let c = platform.client();
    let device = device_of(counter);
    let supervisor_name =
        platform.sql("SELECT display_name FROM users WHERE username = 'supervisor'").trim().to_owned();
    let first = first_of_block(platform, &device, "supervisor");
    runtime().block_on(async {
        let cashier = token_at(&c, counter, "cashier").await;
        let supervisor = token_at(&c, counter, "supervisor").await;
        let used = template["records"][0]["receipt_no"].as_str().unwrap().to_owned();
        let before = footprint(platform);
        // The cashier brings the failed refund's money back to pay it out: a supervisor's act.
        let mut back = forged_deposit(template, &bump(&used, 120), None);
        let record = &mut back["records"][0];
        record["deposit_kind"] = json!("deposit");
        record["reverses"] = Value::Null;
        record["amount"] = json!("80.00");
        record["tenders"] = json!([{"tender": "wechat", "amount": "80.00", "reference": failed_no}]);
        refused(push(&c, &cashier, &device, &back).await, "REFUND_IN_CASH_FORBIDDEN", "returned by a cashier");
        // The cashier pays the cash deposit out by transfer.
        let cash_key = platform.sql(&format!(
            "SELECT record->>'key' FROM journal WHERE record->>'receipt_no' = '{}'",
            cash["receipt_no"].as_str().unwrap()
        ));
        let mut out = forged_deposit(template, &bump(&used, 121), None);
        let record = &mut out["records"][0];
        record["reverses"] = json!(cash_key.trim());
        record["amount"] = json!("-20.00");
        record["tenders"] =
            json!([{"tender": "transfer", "amount": "-20.00", "reference": "中国银行 张三 6222*******0123"}]);
        refused(push(&c, &cashier, &device, &out).await, "TRANSFER_FORBIDDEN", "a cashier's transfer");
        // Even a supervisor transfers only a failed refund's money.
        let mut theirs = forged_deposit(&out, &bump(&first, 40), Some("supervisor"));
        theirs["records"][0]["cashier"] = json!(supervisor_name);
        refused(push(&c, &supervisor, &device, &theirs).await, "TRANSFER_NOT_FOR_REFUND", "an ordinary deposit");
        assert_eq!(footprint(platform), before, "a refused transfer wrote something");
    });
    let transfer = |who: &str| {
        counter.run(&[
            "refund",
            "transfer",
            case_no,
            &failed_no,
            "--bank",
            "中国建设银行",
            "--holder",
            "王五",
            "--account",
            "6217 0000 1234 5678 901",
            "--reason",
            "微信零钱已注销",
            "--as",
            who,
        ])
    };
    let out = transfer("cashier");
    assert!(!out.status.success() && text(&out.stderr).contains("FORBIDDEN"), "{}", text(&out.stderr));
    let out = transfer("supervisor");
    assert!(out.status.success(), "{}", text(&out.stderr));
    counter.drain("supervisor");
    let kept = platform.sql(
        "SELECT t->>'reference' FROM journal, jsonb_array_elements(record->'tenders') t WHERE t->>'tender' = 'transfer'",
    );
    assert_eq!(kept.trim(), "中国建设银行 王五 6217***********8901", "only the masked account reaches the platform");
    let taken = platform.sql(&format!("SELECT count(*) FROM channel_order_uses WHERE transaction_id = '{failed_no}'"));
    assert_eq!(taken.trim(), "1", "the platform took the transfer");
}
