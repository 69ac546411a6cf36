//! 缴款确认 and the hospital's reports at linked counters against the real platform (PostgreSQL,
//! HTTPS): a cashier closes at one counter, finance collects at another from the platform's list
//! (the money expected is the platform's, the difference decided there), the cashier can no
//! longer cancel the collected close, a supervisor reverses the hand-in; the daily report at
//! finance's counter holds the other counter's records (the feed pulled to its end) and the
//! platform's closes. The platform refuses, writing nothing, a second collection, one's own
//! close, pieces that do not add up, an unknown face value, a negative count, a difference with
//! no reason and a caller without the permission. Run by `scripts/test.sh` (needs
//! `CASHIER_TEST_PG`).

mod common;

use common::{Counter, Platform, runtime, text, token_at};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// What the platform holds of hand-ins: hand-ins, their closes, reversals.
fn footprint(platform: &Platform) -> String {
    platform
        .sql("SELECT (SELECT count(*) FROM hand_ins) || '/' || (SELECT count(*) FROM hand_in_closes) || '/' || (SELECT count(*) FROM hand_in_reversals)")
        .trim()
        .to_owned()
}

fn yuan(fen: i64) -> String {
    domain::Money::from_fen(fen).unwrap().to_string()
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

async fn post(c: &sync::Client, path: &str, token: &str, body: &Value) -> (u16, Value) {
    c.raw(Method::POST, path, Some(token), Some(serde_json::to_vec(body).unwrap())).await.unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn finance_collects_a_close_made_at_another_counter_through_the_platform() {
    let platform = Platform::start("hand_in_platform", 6);
    let window = Counter::register(&platform, &platform.https(), "住院收费窗口");
    let office = Counter::register(&platform, &platform.https(), "财务室");
    window.drain("cashier");
    let cases = common::case_numbers(&platform);
    let case_no = cases.first().expect("an admission");

    let out = window.deposit("cashier", case_no, "现金:300.00");
    assert!(out.status.success(), "{}", text(&out.stderr));
    window.drain("cashier");
    let out = window.run(&["close", "--as", "cashier", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let close = json_of(&out);
    let close_no = close["close_no"].as_str().unwrap().to_owned();
    let cash = close["cash_to_hand_in"].as_str().unwrap().to_owned();

    // Finance's counter lists the close: it is the platform's, not in finance's own database.
    let out = office.run(&["hand-in", "waiting", "--as", "finance"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let waiting = json_of(&out);
    let listed = waiting.as_array().unwrap().iter().find(|w| w["close_no"] == close_no.as_str()).cloned();
    let listed = listed.unwrap_or_else(|| panic!("{close_no} not in {waiting}"));
    assert_eq!((listed["cashier"].as_str(), listed["cash_to_hand_in"].as_str()), (Some("王丽"), Some(cash.as_str())));
    assert_eq!(office.sqlite("SELECT count(*) FROM closes").trim(), "0");

    // A count that differs, without a reason, is refused by the counter before it asks; the
    // platform refuses it too (below, straight at the API).
    let short = format!("现金:{}", yuan(common::fen(&cash).abs() + 100));
    let out = office.run(&["hand-in", &close_no, "--as", "finance", "--counted", &short]);
    assert!(!out.status.success() && text(&out.stderr).contains("HAND_IN_REASON_REQUIRED"), "{}", text(&out.stderr));
    assert_eq!(footprint(&platform), "0/0/0");

    // Forged hand-ins straight at the platform: each refused, nothing written.
    let statement = |counted: &str, pieces: Value, reason: Value| {
        json!({"key": Uuid::now_v7(), "close_nos": [close_no], "counted_cash": counted, "pieces": pieces,
               "cheques": [], "reason": reason})
    };
    let c = platform.client();
    runtime().block_on(async {
        let finance = token_at(&c, &office, "finance").await;
        let cashier = token_at(&c, &window, "cashier").await;
        let refused = |(status, body): (u16, Value), code: &str, what: &str| {
            assert_eq!(body["code"].as_str(), Some(code), "{what}: {status} {body}");
        };
        refused(
            post(&c, "/api/v1/hand-ins", &finance, &statement("1.00", json!([]), Value::Null)).await,
            "HAND_IN_REASON_REQUIRED",
            "short without a reason",
        );
        refused(
            post(
                &c,
                "/api/v1/hand-ins",
                &finance,
                &statement("5.00", json!([{"face_fen": 100, "count": 1}]), json!("x")),
            )
            .await,
            "HAND_IN_COUNT_MISMATCH",
            "pieces that do not add up",
        );
        refused(
            post(
                &c,
                "/api/v1/hand-ins",
                &finance,
                &statement("2.00", json!([{"face_fen": 200, "count": 1}]), json!("x")),
            )
            .await,
            "DENOMINATION_UNKNOWN",
            "a two-yuan note",
        );
        refused(
            post(&c, "/api/v1/hand-ins", &finance, &statement("-1.00", json!([]), json!("x"))).await,
            "AMOUNT_NEGATIVE",
            "negative",
        );
        refused(
            post(&c, "/api/v1/hand-ins", &cashier, &statement("0.00", json!([]), Value::Null)).await,
            "FORBIDDEN",
            "a cashier collecting",
        );
        let mut unknown = statement("0.00", json!([]), json!("x"));
        unknown["close_nos"] = json!(["RJ-NOPE"]);
        refused(post(&c, "/api/v1/hand-ins", &finance, &unknown).await, "NOT_FOUND", "unknown close");
    });
    assert_eq!(footprint(&platform), "0/0/0", "a refused hand-in writes nothing");

    // Counted by denomination (greedy, largest note first), even: collected at the platform. A
    // close that paid out more than it took (demo history) hands in nothing, with a reason.
    let fen = common::fen(&cash);
    let mut args: Vec<String> = vec!["hand-in".into(), close_no.clone(), "--as".into(), "finance".into()];
    if fen >= 0 && fen % 10 == 0 {
        let mut left = fen;
        for face in domain::hand_in::DENOMINATIONS_FEN {
            if left / face > 0 {
                args.extend(["--denomination".into(), format!("{}:{}", yuan(face), left / face)]);
                left %= face;
            }
        }
    } else {
        args.extend(["--counted".into(), format!("现金:{}", yuan(fen.max(0))), "--reason".into(), "零头另缴".into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = office.run(&args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    let hand_in = json_of(&out);
    if fen >= 0 && fen % 10 == 0 {
        assert_eq!(
            (hand_in["difference_kind"].as_str(), hand_in["counted_cash"].as_str()),
            (Some("even"), Some(cash.as_str()))
        );
    }
    let hand_in_no = hand_in["hand_in_no"].as_str().unwrap().to_owned();
    assert_eq!(footprint(&platform), "1/1/0");
    assert_eq!(office.sqlite("SELECT count(*) FROM hand_ins").trim(), "0", "the hand-in is the platform's");
    let held = platform
        .sql(&format!("SELECT cashier, by_user, expected_cash_fen FROM hand_ins WHERE hand_in_no = '{hand_in_no}'"));
    assert_eq!(held.trim(), format!("cashier|finance|{fen}"));

    // The cashier's counter shows it collected (the platform's hand-in), without a hand-in of its own.
    let out = window.run(&["close", "show", "--as", "cashier", &close_no]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = json_of(&out);
    assert_eq!(
        (shown["status"].as_str(), shown["hand_in_no"].as_str()),
        (Some("collected"), Some(hand_in_no.as_str()))
    );
    assert_eq!(window.sqlite("SELECT count(*) FROM hand_ins").trim(), "0");

    // Collected: not listed, not collected twice, not cancelled by its cashier.
    let out = office.run(&["hand-in", "waiting", "--as", "finance"]);
    assert!(!text(&out.stdout).contains(&close_no), "{}", text(&out.stdout));
    let out = office.run(&["hand-in", &close_no, "--as", "finance", "--counted", "现金:0.00", "--reason", "再缴一次"]);
    assert!(!out.status.success() && text(&out.stderr).contains("CLOSE_COLLECTED"), "{}", text(&out.stderr));
    let out = window.run(&["close", "cancel", "--as", "cashier", &close_no]);
    assert!(!out.status.success() && text(&out.stderr).contains("CLOSE_COLLECTED"), "{}", text(&out.stderr));
    assert_eq!(window.sqlite("SELECT count(*) FROM close_cancellations").trim(), "0");

    // The daily report at finance's counter: the window's deposit came through the feed, and the
    // cashier's closed column is the platform's close.
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let out = office.run(&["report", "daily", "--as", "finance", "--date", &today, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = json_of(&out);
    let wang = report["by_cashier"].as_array().unwrap().iter().find(|c| c["cashier"] == "王丽").cloned();
    let wang = wang.unwrap_or_else(|| panic!("王丽 not in {}", report["by_cashier"]));
    assert_eq!(wang["takings"]["cash"], "300.00", "{wang}");
    assert_eq!(wang["closed"]["total"], close["net"]["total"], "{wang}");
    assert_eq!(report["identity_holds"], true, "{report}");

    // Reversed by a supervisor (finance may not): the close waits again.
    let out = office.run(&["hand-in", "reverse", "--as", "finance", &hand_in_no, "--reason", "点错"]);
    assert!(!out.status.success() && text(&out.stderr).contains("FORBIDDEN"), "{}", text(&out.stderr));
    let out = office.run(&["hand-in", "reverse", "--as", "supervisor", &hand_in_no, "--reason", "清点有误，重新缴款"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(json_of(&out)["reversed"].as_str().unwrap_or_default().contains("清点有误"), "{}", text(&out.stdout));
    assert_eq!(footprint(&platform), "1/1/1");
    let out = office.run(&["hand-in", "waiting", "--as", "finance"]);
    assert!(text(&out.stdout).contains(&close_no), "{}", text(&out.stdout));
    let out = window.run(&["close", "show", "--as", "cashier", &close_no]);
    assert_eq!(json_of(&out)["status"], "closed", "{}", text(&out.stdout));
    let out = office.run(&["hand-in", "reverse", "--as", "supervisor", &hand_in_no, "--reason", "再来一次"]);
    assert!(!out.status.success() && text(&out.stderr).contains("HAND_IN_REVERSED"), "{}", text(&out.stderr));

    // Nobody collects their own close: a supervisor who took money closes and may not collect it.
    window.drain("supervisor");
    let out = window.deposit("supervisor", case_no, "现金:10.00");
    assert!(out.status.success(), "{}", text(&out.stderr));
    window.drain("supervisor");
    let out = window.run(&["close", "--as", "supervisor", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let own = json_of(&out);
    let own_no = own["close_no"].as_str().unwrap();
    let own_cash = format!("现金:{}", own["cash_to_hand_in"].as_str().unwrap());
    let before = footprint(&platform);
    let out = office.run(&["hand-in", own_no, "--as", "supervisor", "--counted", &own_cash, "--reason", "核对"]);
    assert!(!out.status.success() && text(&out.stderr).contains("HAND_IN_OWN_CLOSE"), "{}", text(&out.stderr));
    assert_eq!(footprint(&platform), before);
}
