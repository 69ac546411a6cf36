//! 待处理 through the real desktop app at a counter linked to the real platform: a cash deposit
//! taken for a patient the platform already settled (as a counter that was offline would push
//! it) is refused there; the supervisor opens 待处理 and finds it — the patient, what it was,
//! the money it took, why it was refused — and keeps the money as the admission's deposit with
//! a note (转为预交金); the platform writes that deposit and audits the resolution.
//! Needs `CASHIER_TEST_PG` and the platform binary as well as the desktop app (scripts/test.sh).

#[path = "../../crates/cashier/tests/common/attack.rs"]
mod attack;
#[path = "../../crates/cashier/tests/common/mod.rs"]
mod common;

use attack::{bump, newest_envelope, push};
use common::{Counter, Platform, runtime, text, token_at};
use e2e::Desktop;
use serde_json::json;
use thirtyfour::By;

#[test]
#[ignore = "needs the built desktop app, PostgreSQL and the platform: run scripts/test.sh"]
fn a_refused_deposit_is_kept_as_a_deposit_by_the_supervisor_on_the_pending_screen() {
    let platform = Platform::start("desktop_pending", 20);
    let counter = Counter::register(&platform, &platform.https(), "一楼收费窗口2");
    counter.drain("cashier");
    // One patient settled; a cash deposit of another, pushed: the template of the forged push.
    let settled = counter.ready_self_pay().remove(0);
    let out = counter.settle("cashier", &settled);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let other = common::case_numbers(&platform).into_iter().find(|c| *c != settled).unwrap();
    let out = counter.deposit("cashier", &other, "现金:20.00");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let template = newest_envelope(&counter);
    counter.drain("cashier");
    // ¥300.00 in cash for the settled patient, as a counter offline since before the settlement
    // would push it: refused, to the pending list.
    let admission = platform.sql(&format!("SELECT id FROM admissions WHERE case_no = '{settled}'")).trim().to_owned();
    let mut late = template.clone();
    late["key"] = json!(uuid::Uuid::now_v7());
    late["admission_id"] = json!(admission);
    let record = &mut late["records"][0];
    record["key"] = json!(uuid::Uuid::now_v7());
    record["admission_id"] = json!(admission);
    record["receipt_no"] = json!(bump(template["records"][0]["receipt_no"].as_str().unwrap(), 30));
    record["amount"] = json!("300.00");
    record["tenders"] = json!([{"tender": "cash", "amount": "300.00", "reference": null}]);
    let c = platform.client();
    let answer = runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        push(&c, &cashier, &attack::device_of(&counter), &late).await
    });
    assert_eq!(answer.0, "rejected", "{answer:?}");
    let key = late["key"].as_str().unwrap().to_owned();

    // The platform and the counter are driven from this thread; the desktop on its own runtime.
    tokio::runtime::Runtime::new().unwrap().block_on(supervisor_keeps_it(&counter, &settled, &key));

    let resolved =
        platform.sql(&format!("SELECT action || '|' || resolved_by FROM pending_resolutions WHERE key = '{key}'"));
    assert_eq!(resolved.trim(), "deposit|supervisor");
    let kept = platform.sql(&format!(
        "SELECT record->>'amount' FROM journal WHERE record->>'receipt_no' = 'DCL{}'",
        key.replace('-', "")
    ));
    assert_eq!(kept.trim(), "300.00", "the platform wrote the deposit");
    let audited = platform.sql("SELECT count(*) FROM audit_log WHERE action = 'pending.resolve'");
    assert_eq!(audited.trim(), "1");
}

/// The supervisor finds the refused deposit on 待处理 and keeps it as a deposit.
async fn supervisor_keeps_it(counter: &Counter, settled: &str, key: &str) {
    let desktop = Desktop::start_with(counter.dir.path(), &[("CASHIER_DEMO", "0")]).await;
    desktop.log_in("supervisor").await;
    desktop.click_id("pending-open").await;
    let row = format!("#refused-ops tr[data-key='{key}']");
    let shown = desktop.wait_css(&row, |t| t.contains(settled)).await;
    assert!(shown.contains("预交金") && shown.contains("现金 ¥300.00") && shown.contains("待处理"), "{shown}");
    desktop.screenshot("pending-refused.png").await;
    let note = desktop.driver().find(By::Css(format!("{row} .resolve-note"))).await.unwrap();
    note.send_keys("患者同意留作下次住院预交金").await.unwrap();
    desktop.driver().find(By::Css(format!("{row} .resolve-deposit"))).await.unwrap().click().await.unwrap();
    let done = desktop.wait_css(&format!("{row} .refused-state"), |t| t == "已转预交金").await;
    assert_eq!(done, "已转预交金");
    desktop.screenshot("pending-resolved.png").await;
    desktop.quit().await;
}
