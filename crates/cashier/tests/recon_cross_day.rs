//! The cross-day set through the platform's batches: a WeChat payment the platform recorded at
//! 23:59:30 that WeChat booked at 00:00:20 the next day is not reported on day T (it waits),
//! is matched on T+1, and re-running either day changes nothing — it is reported on neither
//! day as single-sided, and counted once. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::time::{Duration, Instant};

use common::{PASSWORD, Platform};
use reqwest::Method;
use serde_json::{Value, json};
use sync::Client;
use wire::api::LoginRequest;

const T: &str = "2024-06-01";
const NEXT: &str = "2024-06-02";
const ORDER: &str = "XD20240601001";

/// A WeChat ALL bill of `rows` (time, WeChat no., order no., yuan), with its summary.
fn bill(rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut text = String::from(
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n",
    );
    for (at, wx, order, yuan) in rows {
        text.push_str(&format!(
            "`{at},`wx2421b1c4370ec43b,`1900000109,`,`,`{wx},`{order},`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`CMB_CREDIT,`CNY,`{yuan},`0.00,`0,`0,`0.00,`0.00,`,`,`住院预交金,`,`0.60000,`0.60%,`{yuan},`0.00,`\n"
        ));
    }
    let total = if rows.is_empty() { "0.00" } else { rows[0].3 };
    let fees = if rows.is_empty() { "0.00000" } else { "0.60000" };
    text.push_str("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n");
    text.push_str(&format!("`{},`{total},`0.00,`0.00,`{fees},`{total},`0.00\n", rows.len()));
    text.into_bytes()
}

async fn call(client: &Client, method: Method, path: &str, token: &str, body: Option<Vec<u8>>) -> (u16, Value) {
    client.raw(method, path, Some(token), body).await.unwrap()
}

/// Runs `day`'s WeChat batch and answers it once done.
async fn run(client: &Client, token: &str, day: &str) -> Value {
    let request = serde_json::to_vec(&json!({"day": day, "channels": ["wechat"]})).unwrap();
    let (status, body) = call(client, Method::POST, "/api/v1/recon/runs", token, Some(request)).await;
    assert_eq!(status, 200, "{body}");
    let started = Instant::now();
    loop {
        let (_, body) = call(client, Method::GET, &format!("/api/v1/recon/batches?day={day}"), token, None).await;
        let batch = body.as_array().unwrap().iter().find(|b| b["channel"]["code"] == "wechat").unwrap().clone();
        if batch["status"]["code"] == "done" {
            return batch;
        }
        assert!(!matches!(batch["status"]["code"].as_str(), Some("failed" | "waiting")), "{batch}");
        assert!(started.elapsed() < Duration::from_secs(60), "{batch}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn counts(batch: &Value) -> Vec<i64> {
    ["matched", "platform_only", "counterpart_only", "cross_day_deferred"]
        .iter()
        .map(|k| batch[*k].as_i64().unwrap())
        .collect()
}

#[test]
#[ignore = "needs CASHIER_TEST_PG (scripts/test.sh starts PostgreSQL)"]
fn a_payment_across_midnight_is_reported_on_neither_day() {
    let platform = Platform::start("crossday", 10);
    // The platform's record: a WeChat deposit at 23:59:30 on T (as a counter would push it).
    let template: Value =
        serde_json::from_str(&platform.sql("SELECT record FROM journal WHERE kind = 'deposit' LIMIT 1")).unwrap();
    let mut record = template.clone();
    record["key"] = json!(uuid::Uuid::now_v7());
    record["receipt_no"] = json!(ORDER);
    record["at"] = json!(format!("{T}T23:59:30"));
    record["amount"] = json!("100.00");
    record["reverses"] = Value::Null;
    record["settlement"] = Value::Null;
    record["tenders"] = json!([{"tender": "wechat", "amount": "100.00", "reference": "4200000000202406010001"}]);
    platform.sql(&format!(
        "INSERT INTO journal (key, admission_id, ward_code, kind, record)
         SELECT '{}', admission_id, ward_code, 'deposit', $j${}$j$::jsonb FROM journal WHERE key = '{}'",
        record["key"].as_str().unwrap(),
        record,
        template["key"].as_str().unwrap()
    ));
    let client =
        Client::new(&platform.https(), &std::fs::read(platform.ca()).unwrap(), Duration::from_secs(30)).unwrap();
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let login = LoginRequest {
            username: "finance".into(),
            password: PASSWORD.into(),
            device_id: None,
            device_secret: None,
        };
        let token = client.log_in(&login).await.unwrap().token;
        // WeChat booked it just after midnight: T's bill is empty, T+1's has it.
        for (day, rows) in
            [(T, vec![]), (NEXT, vec![("2024-06-02 00:00:20", "4200000000202406010001", ORDER, "100.00")])]
        {
            let path = format!("/api/v1/recon/statements?day={day}&channel=wechat&name=wechat-{day}.csv");
            let (status, body) = call(&client, Method::POST, &path, &token, Some(bill(&rows))).await;
            assert_eq!(status, 200, "{body}");
        }
        let first_t = run(&client, &token, T).await;
        assert_eq!(counts(&first_t), vec![0, 0, 0, 1], "T: the late payment waits for T+1 ({first_t})");
        let first_next = run(&client, &token, NEXT).await;
        assert_eq!(counts(&first_next), vec![1, 0, 0, 0], "T+1: matched with the carried record ({first_next})");
        // Again, in order: the same answers; nothing doubled, nothing reported.
        assert_eq!(counts(&run(&client, &token, T).await), counts(&first_t));
        assert_eq!(counts(&run(&client, &token, NEXT).await), counts(&first_next));
        for day in [T, NEXT] {
            let (_, items) = call(&client, Method::GET, &format!("/api/v1/recon/items?day={day}"), &token, None).await;
            assert_eq!(items.as_array().unwrap().len(), 0, "{day}: {items}");
        }
    });
}
