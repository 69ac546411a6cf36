//! Reconciliation on the real platform over HTTPS with a real PostgreSQL: the sandbox channels
//! publish a day's WeChat bill and HIS export with known differences; a run started by finance
//! finds exactly them, a second run gives the same result, statements import once, originals
//! download byte for byte; finance assigns causes and resolves (以平台为准 / 以渠道为准), a
//! supervisor approves the correction, and the next run no longer reports it. The nightly run
//! waits for each channel's publishing hour, and the watchdog re-runs a failed batch.
//! Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use calamine::Reader;
use common::{Platform, busy_day, platform_bin, runtime, sandbox_bills, text, token};
use reqwest::Method;
use serde_json::{Value, json};
use sync::Client;

/// A request the platform must refuse: method, path, body, status and code.
type Refusal = (Method, String, Option<Vec<u8>>, u16, &'static str);

async fn call(client: &Client, method: Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    client.raw(method, path, Some(token), body.map(|b| serde_json::to_vec(&b).unwrap())).await.unwrap()
}

/// Polls the day's batches until none is queued or running.
async fn settled_batches(client: &Client, token: &str, day: &str) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let (status, body) = call(client, Method::GET, &format!("/api/v1/recon/batches?day={day}"), token, None).await;
        assert_eq!(status, 200, "{body}");
        let batches = body.as_array().unwrap().clone();
        let busy = batches.iter().any(|b| matches!(b["status"]["code"].as_str(), Some("queued" | "running")));
        if !batches.is_empty() && !busy {
            return batches;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "still running: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Polls until `done` holds for the day's batches.
async fn wait_for(client: &Client, token: &str, day: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let batches = settled_batches(client, token, day).await;
        if done(&batches) {
            return batches;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{batches:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn batch<'a>(batches: &'a [Value], channel: &str) -> &'a Value {
    batches.iter().find(|b| b["channel"]["code"] == channel).unwrap_or_else(|| panic!("no {channel} batch"))
}

fn figures(b: &Value) -> Vec<i64> {
    ["matched", "platform_only", "counterpart_only", "amount_mismatch", "status_mismatch", "fee_mismatch"]
        .iter()
        .map(|k| b[*k].as_i64().unwrap())
        .collect()
}

async fn items(client: &Client, token: &str, query: &str) -> Vec<Value> {
    let (status, body) = call(client, Method::GET, &format!("/api/v1/recon/items?{query}"), token, None).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

fn download(platform: &Platform, token: &str, path: &str) -> Vec<u8> {
    let out = Command::new("curl")
        .args(["-sSf", "--cacert"])
        .arg(platform.ca())
        .args(["-H", &format!("Authorization: Bearer {token}")])
        .arg(format!("{}{path}", platform.https()))
        .output()
        .unwrap();
    assert!(out.status.success(), "download {path}: {}", text(&out.stderr));
    out.stdout
}

#[test]
#[ignore = "needs CASHIER_TEST_PG (scripts/test.sh starts PostgreSQL)"]
fn a_day_is_reconciled_reviewed_and_corrected() {
    let platform = Platform::start("recon", 40);
    let day = busy_day(&platform);
    assert!(!day.is_empty(), "the demo has a day with WeChat and cash deposits");
    sandbox_bills(&platform, &day);
    let wechat_payments: i64 = platform
        .sql(&format!(
            "SELECT count(*) FROM journal, jsonb_array_elements(record->'tenders') t WHERE kind = 'deposit'
              AND (record->>'at')::date = '{day}' AND t->>'tender' = 'wechat'"
        ))
        .parse()
        .unwrap();
    let client = platform.client();
    runtime().block_on(async {
        let finance = token(&client, "finance").await;
        let supervisor = token(&client, "supervisor").await;
        let cashier = token(&client, "cashier").await;
        let (status, _) = call(&client, Method::GET, &format!("/api/v1/recon/batches?day={day}"), &cashier, None).await;
        assert_eq!(status, 403, "a cashier does not see reconciliation");
        let (status, body) =
            call(&client, Method::POST, "/api/v1/recon/runs", &finance, Some(json!({"day": "2099-01-01"}))).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("DAY_NOT_OVER")), "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            "/api/v1/recon/runs",
            &finance,
            Some(json!({"day": day, "channels": ["paypal"]})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (400, Some("CHANNEL_UNKNOWN")), "{body}");

        let (status, body) =
            call(&client, Method::POST, "/api/v1/recon/runs", &finance, Some(json!({"day": day}))).await;
        assert_eq!(status, 200, "{body}");
        let first = settled_batches(&client, &finance, &day).await;
        let wechat = batch(&first, "wechat");
        assert_eq!(wechat["status"]["code"], "done", "{wechat}");
        // First payment missing, second ¥1.00 long, one payment the platform never recorded.
        assert_eq!(figures(wechat), vec![wechat_payments - 2, 1, 1, 1, 0, 0], "{wechat}");
        let his = batch(&first, "his");
        assert_eq!(his["status"]["code"], "done", "{his}");
        assert_eq!((his["platform_only"].as_i64(), his["counterpart_only"].as_i64()), (Some(1), Some(1)), "{his}");
        assert_eq!(his["counterpart_only_amount"], "50.00");
        let alipay = batch(&first, "alipay");
        assert_eq!(alipay["status"]["code"], "done", "{alipay}");
        assert_eq!(
            (alipay["platform_only"].as_i64(), alipay["counterpart_only"].as_i64()),
            (Some(0), Some(1)),
            "{alipay}"
        );
        assert_eq!(alipay["counterpart_only_amount"], "120.00");
        let unionpay = batch(&first, "unionpay");
        assert_eq!(unionpay["status"]["code"], "done", "{unionpay}");
        assert_eq!(
            (unionpay["platform_only"].as_i64(), unionpay["counterpart_only"].as_i64()),
            (Some(0), Some(1)),
            "{unionpay}"
        );
        assert_eq!(unionpay["counterpart_only_amount"], "260.00");
        assert_eq!(batch(&first, "insurance")["status"]["code"], "done");

        // The same day again: the same figures and the same items (ids included).
        let ids = |items: &[Value]| items.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        let before = ids(&items(&client, &finance, &format!("day={day}")).await);
        assert_eq!(before.len(), 7, "3 WeChat, 1 Alipay, 1 UnionPay, 2 HIS");
        let (status, _) = call(&client, Method::POST, "/api/v1/recon/runs", &finance, Some(json!({"day": day}))).await;
        assert_eq!(status, 200);
        let second = settled_batches(&client, &finance, &day).await;
        for channel in ["wechat", "his"] {
            assert_eq!(figures(batch(&second, channel)), figures(batch(&first, channel)), "{channel} run twice");
        }
        assert_eq!(ids(&items(&client, &finance, &format!("day={day}")).await), before);
        assert_eq!(platform.sql("SELECT count(*) FROM recon_statements"), "6", "five statements and one ledger export");

        // Originals download byte for byte; the same file uploaded again is recognised.
        let folder = platform.statements.path().join(&day);
        let bill = std::fs::read(folder.join("wechat.csv")).unwrap();
        let statement = |id: &Value| format!("/api/v1/recon/statements/{}", id.as_i64().unwrap());
        assert_eq!(download(&platform, &finance, &statement(&wechat["statement_id"])), bill);
        let ledger = download(&platform, &finance, &statement(&wechat["ledger_id"]));
        assert!(
            text(&ledger)
                .starts_with("platform_order_no,channel,third_party_no,kind,refund_no,amount,status,paid_at\n")
        );
        let upload = format!("/api/v1/recon/statements?day={day}&channel=wechat&name=wechat.csv");
        let (status, body) = client.raw(Method::POST, &upload, Some(&finance), Some(bill.clone())).await.unwrap();
        assert_eq!((status, body["duplicate"].as_bool()), (200, Some(true)), "{body}");
        assert_eq!(body["id"], wechat["statement_id"]);
        let wrong_day = upload.replace(&format!("day={day}"), "day=2024-01-01");
        let (status, body) = client.raw(Method::POST, &wrong_day, Some(&finance), Some(bill.clone())).await.unwrap();
        assert_eq!((status, body["code"].as_str()), (400, Some("STATEMENT_DAY_MISMATCH")), "{body}");
        let cut = &bill[..bill.len() - 40];
        let (status, body) = client.raw(Method::POST, &upload, Some(&finance), Some(cut.to_vec())).await.unwrap();
        assert_eq!(status, 400, "a truncated bill is refused: {body}");
        assert!(body["message"].as_str().unwrap().contains("wechat.csv"), "{body}");
        assert_eq!(platform.sql("SELECT count(*) FROM recon_statements"), "6", "nothing stored twice or half");

        // The batch's reports: the result and both single-sided tabs, as XLSX and as PDF.
        let report = |format: &str| {
            download(&platform, &finance, &format!("/api/v1/recon/report?day={day}&channel=wechat&format={format}"))
        };
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(report("xlsx"))).unwrap();
        assert_eq!(book.sheet_names(), vec!["对账结果", "不符明细", "平台多出", "渠道多出"]);
        let extra = book.worksheet_range("渠道多出").unwrap();
        let cells: Vec<String> = extra.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        assert!(cells.iter().any(|c| c == &format!("SBX{}0001", day.replace('-', ""))), "{cells:?}");
        let pdf = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(pdf.path(), report("pdf")).unwrap();
        let out = Command::new("pdftotext").arg(pdf.path()).arg("-").output().unwrap();
        let words = text(&out.stdout);
        for expected in ["对账结果", "平台多出", "渠道多出", "长款", &day] {
            assert!(words.contains(expected), "{expected} missing from the PDF");
        }
        let (status, body) = call(
            &client,
            Method::GET,
            "/api/v1/recon/report?day=2024-01-01&channel=unionpay&format=pdf",
            &finance,
            None,
        )
        .await;
        assert_eq!(status, 404, "a day not reconciled has no report: {body}");

        // Review: cause, 以平台为准, 以渠道为准 with a supervisor's approval.
        let wechat_items = items(&client, &finance, &format!("day={day}&channel=wechat")).await;
        let by_class = |class: &str| wechat_items.iter().find(|i| i["class"]["code"] == class).unwrap().clone();
        let platform_only = by_class("platform_only");
        let channel_only = by_class("counterpart_only");
        assert_eq!(by_class("amount_mismatch")["direction"], "长款");
        assert_eq!(platform_only["cause"]["code"], "platform_wechat/payment");
        let path =
            |item: &Value, action: &str| format!("/api/v1/recon/items/{}/{action}", item["id"].as_str().unwrap());
        let (status, body) =
            call(&client, Method::POST, &path(&platform_only, "cause"), &finance, Some(json!({"cause": "nonsense"})))
                .await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&platform_only, "cause"),
            &finance,
            Some(json!({"cause": "platform_deposit/payment"})),
        )
        .await;
        assert_eq!((status, body["cause"]["label"].as_str()), (200, Some("平台-预交金 / 支付")), "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&platform_only, "resolve"),
            &finance,
            Some(json!({"basis": "platform", "reason": "  "})),
        )
        .await;
        assert_eq!((status, body["message"].as_str()), (400, Some("请填写处理说明")), "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&platform_only, "resolve"),
            &finance,
            Some(json!({"basis": "platform", "reason": "患者已退款，渠道次日入账"})),
        )
        .await;
        assert_eq!((status, body["state"]["code"].as_str()), (200, Some("handled")), "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&platform_only, "resolve"),
            &finance,
            Some(json!({"basis": "platform", "reason": "again"})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (400, Some("ALREADY_RESOLVED")), "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&channel_only, "resolve"),
            &finance,
            Some(json!({"basis": "channel", "reason": "补录", "correction": "amount"})),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (400, Some("CORRECTION_UNFIT")), "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&channel_only, "resolve"),
            &finance,
            Some(json!({"basis": "channel", "reason": "渠道已收款，平台漏记", "correction": "supplement"})),
        )
        .await;
        assert_eq!((status, body["state"]["code"].as_str()), (200, Some("awaiting_approval")), "{body}");
        let decision = json!({"approve": true, "note": "核对渠道流水无误"});
        let (status, _) =
            call(&client, Method::POST, &path(&channel_only, "decide"), &finance, Some(decision.clone())).await;
        assert_eq!(status, 403, "finance cannot approve its own correction");
        assert_eq!(platform.sql("SELECT count(*) FROM recon_adjustments"), "0");
        let (status, body) =
            call(&client, Method::POST, &path(&channel_only, "decide"), &supervisor, Some(decision.clone())).await;
        assert_eq!((status, body["state"]["code"].as_str()), (200, Some("corrected")), "{body}");
        assert_eq!(body["approved_by"], "supervisor");
        let (status, _) =
            call(&client, Method::POST, &path(&channel_only, "decide"), &supervisor, Some(decision)).await;
        assert_eq!(status, 400, "decided once");
        // The supervisor's session ends when asked (the app does so after each approval).
        let supervisor2 = token(&client, "supervisor").await;
        let (status, _) = call(&client, Method::POST, "/api/v1/auth/logout", &supervisor, None).await;
        assert_eq!(status, 204);
        let batches_path = format!("/api/v1/recon/batches?day={day}");
        let (status, _) = call(&client, Method::GET, &batches_path, &supervisor, None).await;
        assert_eq!(status, 401, "the token is gone");
        assert_eq!(platform.sql("SELECT count(*) FROM recon_adjustments WHERE correction = 'supplement'"), "1");
        let audited =
            platform.sql("SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE action LIKE 'recon_%'");
        assert!(audited.ends_with("recon_cause,recon_handled,recon_request,recon_approve"), "{audited}");

        // The next run takes the supplemented record in: the channel-only entry is matched; the
        // handled platform-only entry is still reported, and still handled.
        let (status, _) = call(
            &client,
            Method::POST,
            "/api/v1/recon/runs",
            &finance,
            Some(json!({"day": day, "channels": ["wechat"]})),
        )
        .await;
        assert_eq!(status, 200);
        let third = settled_batches(&client, &finance, &day).await;
        assert_eq!(figures(batch(&third, "wechat")), vec![wechat_payments - 1, 1, 0, 1, 0, 0]);
        let open = items(&client, &finance, &format!("day={day}&channel=wechat&state=handled")).await;
        assert_eq!(open.len(), 1);
        assert_eq!(open[0]["id"], platform_only["id"]);
        assert_eq!(open[0]["cause"]["code"], "platform_deposit/payment");
        assert_eq!(batch(&third, "wechat")["open_items"], 1, "only the amount mismatch is open");

        // Bad input: a clear code, and nothing written.
        let footprint = || {
            platform.sql(
                "SELECT (SELECT count(*) FROM recon_actions) || '/' || (SELECT count(*) FROM recon_statements) || '/' ||
                        (SELECT count(*) FROM recon_adjustments) || '/' || (SELECT count(*) FROM audit_log)",
            )
        };
        let before = footprint();
        let amount = by_class("amount_mismatch");
        let refusals: [Refusal; 9] = [
            (Method::GET, "/api/v1/recon/items?day=yesterday".into(), None, 400, "MALFORMED_REQUEST"),
            (Method::GET, format!("/api/v1/recon/items?day={day}&colour=red"), None, 400, "MALFORMED_REQUEST"),
            (
                Method::POST,
                "/api/v1/recon/runs".into(),
                Some(br#"{"day":"2026-13-01"}"#.to_vec()),
                400,
                "MALFORMED_REQUEST",
            ),
            (
                Method::POST,
                path(&amount, "resolve"),
                Some(br#"{"basis":"both","reason":"x"}"#.to_vec()),
                400,
                "MALFORMED_REQUEST",
            ),
            (
                Method::POST,
                path(&amount, "resolve"),
                Some(br#"{"basis":"channel","reason":"x"}"#.to_vec()),
                400,
                "MALFORMED_REQUEST",
            ),
            (
                Method::POST,
                "/api/v1/recon/items/0000000000000000/cause".into(),
                Some(br#"{"cause":"platform_wechat/payment"}"#.to_vec()),
                404,
                "NOT_FOUND",
            ),
            (
                Method::POST,
                format!("/api/v1/recon/statements?day={day}&channel=paypal&name=a.csv"),
                Some(bill.clone()),
                400,
                "CHANNEL_UNKNOWN",
            ),
            (
                Method::POST,
                format!("/api/v1/recon/statements?day={day}&channel=wechat&name=../a.csv"),
                Some(bill.clone()),
                400,
                "MALFORMED_REQUEST",
            ),
            (
                Method::GET,
                format!("/api/v1/recon/report?day={day}&channel=wechat&format=doc"),
                None,
                400,
                "FORMAT_UNKNOWN",
            ),
        ];
        for (method, path, body, want, code) in refusals {
            let (status, answer) = client.raw(method, &path, Some(&finance), body).await.unwrap();
            assert_eq!((status, answer["code"].as_str()), (want, Some(code)), "{path}: {answer}");
            assert!(!answer["message"].as_str().unwrap_or_default().is_empty(), "{path}: a message in words");
        }
        assert_eq!(footprint(), before, "refusals write nothing");
        // A supervisor may ask for a correction, but not approve their own; a rejection needs a reason.
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&amount, "resolve"),
            &supervisor2,
            Some(json!({"basis": "channel", "reason": "渠道实收为准", "correction": "amount"})),
        )
        .await;
        assert_eq!((status, body["state"]["code"].as_str()), (200, Some("awaiting_approval")), "{body}");
        let before = footprint();
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&amount, "decide"),
            &supervisor2,
            Some(json!({"approve": false, "note": " "})),
        )
        .await;
        assert_eq!((status, body["message"].as_str()), (400, Some("驳回须填写理由")), "{body}");
        let (status, body) = call(
            &client,
            Method::POST,
            &path(&amount, "decide"),
            &supervisor2,
            Some(json!({"approve": true, "note": "同意"})),
        )
        .await;
        assert_eq!((status, body["message"].as_str()), (403, Some("审批人不能是申请更正的本人")), "{body}");
        assert_eq!(footprint(), before);
    });
    let out =
        Command::new(platform_bin()).args(["audit", "verify"]).env("DATABASE_URL", &platform.url).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
#[ignore = "needs CASHIER_TEST_PG (scripts/test.sh starts PostgreSQL)"]
fn the_nightly_run_waits_for_each_statement_and_the_watchdog_reruns_failures() {
    let mut platform = Platform::start("nightly", 40);
    platform.kill();
    let day = busy_day(&platform);
    sandbox_bills(&platform, &day);
    let folder = platform.statements.path().join(&day);
    std::fs::write(folder.join("insurance.unavailable"), b"").unwrap();
    // UnionPay has not published this day's file.
    std::fs::remove_file(folder.join("unionpay.zm")).unwrap();
    let next = platform.sql(&format!("SELECT (DATE '{day}' + 1)::text"));
    platform.serve_env.push(("PLATFORM_RECON_NOW".into(), format!("{next} 01:30:00")));
    platform.restart();
    let client = platform.client();
    runtime().block_on(async {
        let finance = token(&client, "finance").await;
        let batches = wait_for(&client, &finance, &day, |b| batch(b, "his")["status"]["code"] == "done").await;
        // At 01:30 only the HIS export is out: UnionPay and insurance publish at 06:00, Alipay
        // at 08:00, WeChat at 10:00.
        let note = |b: &[Value], c: &str| batch(b, c)["note"].as_str().unwrap_or_default().to_owned();
        for (channel, hour) in [("unionpay", "06:00"), ("insurance", "06:00"), ("alipay", "08:00"), ("wechat", "10:00")] {
            assert_eq!(batch(&batches, channel)["status"]["code"], "waiting");
            assert!(note(&batches, channel).contains(&format!("{hour} 后可下载")), "{}", note(&batches, channel));
        }
        assert_eq!(platform.sql(&format!("SELECT count(*) FROM recon_batches WHERE day = '{day}'")), "5");

        // 09:00: the insurance interface is down (the batch fails, the watchdog will retry),
        // UnionPay has published nothing for the day, Alipay's bill is read, WeChat's hour has
        // not come.
        platform.serve_env = vec![("PLATFORM_RECON_NOW".into(), format!("{next} 09:00:00"))];
        platform.restart();
        // A fresh connection: the old one went down with the server.
        let client = platform.client();
        let batches = wait_for(&client, &finance, &day, |b| {
            batch(b, "insurance")["status"]["code"] == "failed"
                && batch(b, "alipay")["status"]["code"] == "done"
                && batch(b, "unionpay")["note"].as_str().is_some_and(|n| n.contains("尚未取得"))
        })
        .await;
        assert!(note(&batches, "insurance").contains("自动重试"), "{}", note(&batches, "insurance"));
        assert_eq!(batch(&batches, "insurance")["attempts"], 1);
        assert!(note(&batches, "unionpay").contains("尚未取得"), "{}", note(&batches, "unionpay"));
        assert_eq!(batch(&batches, "alipay")["status"]["code"], "done");
        assert!(note(&batches, "wechat").contains("10:00 后可下载"), "{}", note(&batches, "wechat"));

        // The channel is back; ten minutes pass; the watchdog runs the batch again.
        std::fs::remove_file(folder.join("insurance.unavailable")).unwrap();
        platform.sql(&format!(
            "UPDATE recon_batches SET next_try_at = next_try_at - interval '10 minutes' WHERE day = '{day}' AND channel = 'insurance'"
        ));
        let batches = wait_for(&client, &finance, &day, |b| batch(b, "insurance")["status"]["code"] == "done").await;
        let insurance = batch(&batches, "insurance");
        assert_eq!(insurance["attempts"], 2, "{insurance}");
    });
}
