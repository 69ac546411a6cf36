//! The e-invoice at the platform, over real HTTPS against the real platform on PostgreSQL with
//! its sandbox fiscal platform: a linked counter's settlement is invoiced as soon as the platform
//! applies it, sealed, and the invoice reaches the counter through the feed; an offline
//! settlement is invoiced when it syncs; a recall reverses it (冲红); an unreachable fiscal
//! platform leaves it on the pending list until a retry, with one invoice in the end; a counter
//! cannot push an invoice of its own. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::time::{Duration, Instant};

use common::proxy::Proxy;
use common::{Counter, Platform, runtime, text, token_at};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// The counter's invoices of `case_no` (`cashier invoice show`).
fn invoices(counter: &Counter, case_no: &str) -> Vec<Value> {
    let out = counter.run(&["invoice", "show", case_no, "--json"]);
    assert!(out.status.success(), "invoice show: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Syncs `counter` until its invoice of `case_no` (the newest) is in state `status`.
fn until_status(counter: &Counter, case_no: &str, status: &str) -> Vec<Value> {
    let start = Instant::now();
    loop {
        counter.drain("cashier");
        let seen = invoices(counter, case_no);
        if seen.last().is_some_and(|i| i["status"] == status) {
            return seen;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no {status} invoice for {case_no}: {seen:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn recall(counter: &Counter, case_no: &str) {
    let out = counter
        .command(&[
            "recall",
            case_no,
            "--kind",
            "settlement",
            "--reason",
            "收费项目录入错误",
            "--approver",
            "supervisor",
        ])
        .env("CASHIER_APPROVER_PASSWORD", common::PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "recall: {}", text(&out.stderr));
}

/// The sandbox's public key, as a hospital configures it.
fn seal_key() -> ed25519_dalek::VerifyingKey {
    fiscal::seal::signing_key(fiscal::DEMO_SEAL_SECRET).verifying_key()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_settlement_is_invoiced_by_the_platform_and_a_recall_reverses_it() {
    let platform = Platform::start("inv_issue", 40);
    let proxy = Proxy::start(platform.port);
    let counter = Counter::register(&platform, &proxy.url(), "窗口票");
    counter.drain("cashier");
    let ready = counter.ready_self_pay();
    let (online, offline) = (&ready[0], &ready[1]);

    let out = counter.settle("cashier", online);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let settled: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(settled["invoice_status"]["code"], "pending", "a linked counter waits for the platform's invoice");
    let shown = until_status(&counter, online, "issued");
    let invoice = &shown[0];
    assert_eq!(invoice["settlement_no"], settled["settlement_no"]);
    assert_eq!(invoice["amount"], settled["fees"]);
    assert_eq!(invoice["code"].as_str().unwrap().len(), 8);
    // The seal the counter keeps verifies with the fiscal platform's public key.
    let row = counter.sqlite(&format!(
        "SELECT settlement_key, code, number, check_code, qr, seal, amount_fen, e.at FROM invoice_events e
         JOIN settlements s ON s.idempotency_key = e.settlement_key WHERE s.settlement_no = '{}' AND e.kind = 'issued'",
        settled["settlement_no"].as_str().unwrap()
    ));
    let f: Vec<&str> = row.trim().split('|').collect();
    let issued = fiscal::Issued {
        bus_no: f[0].parse().unwrap(),
        code: f[1].into(),
        number: f[2].into(),
        check_code: f[3].into(),
        qr: f[4].into(),
        seal: f[5].into(),
        total: domain::Money::from_fen(f[6].parse().unwrap()).unwrap(),
        issued_at: settled_at(&platform, f[0]),
    };
    assert!(fiscal::seal::verify(&seal_key(), &issued), "the seal verifies: {row}");

    // Cut off: the settlement waits in the outbox, and is invoiced once it syncs.
    proxy.cut();
    let out = counter.settle("cashier", offline);
    assert!(out.status.success(), "offline settle: {}", text(&out.stderr));
    assert_eq!(invoices(&counter, offline)[0]["status"], "pending");
    proxy.restore();
    until_status(&counter, offline, "issued");

    // A recall reverses the invoice; the next settlement gets a new one.
    recall(&counter, online);
    let reversed = until_status(&counter, online, "reversed");
    assert!(reversed[0]["red_number"].is_string());
    let out = counter.settle("cashier", online);
    assert!(out.status.success(), "settle again: {}", text(&out.stderr));
    let both = until_status(&counter, online, "issued");
    let states: Vec<&str> = both.iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["reversed", "issued"]);
    assert_eq!(
        platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'issued'").trim(),
        "3",
        "three settlements, three invoices"
    );
}

/// The time the platform's sandbox stamped on the invoice of settlement `key` (its busDateTime:
/// the settlement's own time).
fn settled_at(platform: &Platform, key: &str) -> chrono::NaiveDateTime {
    let record: Value = serde_json::from_str(
        platform.sql(&format!("SELECT record FROM journal WHERE kind = 'settlement' AND key = '{key}'")).trim(),
    )
    .unwrap();
    chrono::NaiveDateTime::parse_from_str(record["at"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%.f").unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn an_unreachable_fiscal_platform_is_retried_and_invoices_once() {
    let mut platform = Platform::start("inv_fault", 12);
    platform.serve_env =
        vec![("CASHIER_FISCAL_FAULT".into(), "unavailable".into()), ("PLATFORM_INVOICE_RETRY_SECS".into(), "1".into())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口票F");
    counter.drain("cashier");
    let case_no = counter.ready_self_pay().remove(0);
    let out = counter.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let failed = until_status(&counter, &case_no, "failed");
    assert!(failed[0]["failure"].as_str().unwrap().contains("FISCAL_UNAVAILABLE"), "{failed:?}");
    // On the platform's pending list, for finance.
    let c = platform.client();
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let (status, list) = c.raw(Method::GET, "/api/v1/invoices/unfinished", Some(&finance), None).await.unwrap();
        assert_eq!(status, 200, "{list}");
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["reverse"], false);
        let cashier = token_at(&c, &counter, "cashier").await;
        let (status, _) = c.raw(Method::GET, "/api/v1/invoices/unfinished", Some(&cashier), None).await.unwrap();
        assert_eq!(status, 403, "a cashier does not see the list");
    });

    // The fiscal platform is back, and loses the first answer of each call: still one invoice.
    platform.serve_env =
        vec![("CASHIER_FISCAL_FAULT".into(), "lose-answer".into()), ("PLATFORM_INVOICE_RETRY_SECS".into(), "1".into())];
    platform.restart();
    until_status(&counter, &case_no, "issued");
    assert_eq!(platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'issued'").trim(), "1");
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let (_, list) = c.raw(Method::GET, "/api/v1/invoices/unfinished", Some(&finance), None).await.unwrap();
        assert_eq!(list, json!([]));
    });
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_counter_cannot_push_an_invoice() {
    let platform = Platform::start("inv_attack", 12);
    let counter = Counter::register(&platform, &platform.https(), "窗口票A");
    counter.drain("cashier");
    let case_no = counter.ready_self_pay().remove(0);
    let out = counter.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    counter.drain("cashier");
    let settlement: Value =
        serde_json::from_str(platform.sql("SELECT record FROM journal WHERE kind = 'settlement' LIMIT 1").trim())
            .unwrap();
    let device = counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let forged = json!({
        "key": Uuid::now_v7(),
        "admission_id": settlement["admission_id"],
        "cashier": "cashier",
        "at": settlement["at"],
        "records": [{
            "kind": "invoice", "key": Uuid::now_v7(), "admission_id": settlement["admission_id"],
            "settlement": settlement["key"], "event": "reversed", "code": null, "number": null,
            "check_code": null, "qr": null, "seal": null, "amount": null, "message": "伪造的冲红",
            "red_code": "33012602", "red_number": "0000009999", "at": settlement["at"]
        }]
    });
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [forged]})).unwrap();
        let (status, answer) = c.raw(Method::POST, "/api/v1/sync/push", Some(&cashier), Some(body)).await.unwrap();
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["results"][0]["outcome"], "invalid", "{answer}");
        assert_eq!(answer["results"][0]["code"], "FORBIDDEN", "{answer}");
    });
    assert_eq!(platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'reversed'").trim(), "0");
    assert_eq!(platform.sql("SELECT count(*) FROM journal WHERE record->>'message' = '伪造的冲红'").trim(), "0");
}

/// `platform sandbox-kiosk ARGS…` against `platform`'s database and fiscal register.
fn kiosk(platform: &Platform, register: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(common::platform_bin())
        .arg("sandbox-kiosk")
        .args(args)
        .env("DATABASE_URL", &platform.url)
        .env("PLATFORM_FISCAL_REGISTER", register)
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_kiosk_paper_copy_is_voided_at_the_window_and_reported() {
    let mut platform = Platform::start("inv_kiosk", 40);
    let register = platform.certs.path().join("fiscal.jsonl");
    platform.serve_env = vec![("PLATFORM_FISCAL_REGISTER".into(), register.display().to_string())];
    platform.restart();
    let a = Counter::register(&platform, &platform.https(), "窗口票K");
    let b = Counter::register(&platform, &platform.https(), "窗口票L");
    a.drain("cashier");
    b.drain("cashier");
    let ready = a.ready_self_pay();
    let (at_kiosk, at_window) = (&ready[0], &ready[1]);
    for case_no in [at_kiosk, at_window] {
        let out = a.settle("cashier", case_no);
        assert!(out.status.success(), "settle: {}", text(&out.stderr));
    }
    let invoice = until_status(&a, at_kiosk, "issued").remove(0);
    until_status(&a, at_window, "issued");

    // The kiosk prints the patient's invoice on its own paper.
    let out = kiosk(&platform, &register, &["print", invoice["number"].as_str().unwrap(), "--kiosk", "自助机1"]);
    assert!(!out.status.success(), "a kiosk without paper cannot print");
    assert!(text(&out.stderr).contains("PAPER_NO_STOCK"), "{}", text(&out.stderr));
    let out =
        kiosk(&platform, &register, &["receive", "--kiosk", "自助机1", "--prefix", "KS", "--from", "1", "--to", "100"]);
    assert!(out.status.success(), "receive: {}", text(&out.stderr));
    let out = kiosk(
        &platform,
        &register,
        &["receive", "--kiosk", "自助机2", "--prefix", "KS", "--from", "100", "--to", "200"],
    );
    assert!(!out.status.success() && text(&out.stderr).contains("重叠"), "{}", text(&out.stderr));
    let out = kiosk(&platform, &register, &["print", invoice["number"].as_str().unwrap(), "--kiosk", "自助机1"]);
    assert!(out.status.success(), "kiosk print: {}", text(&out.stderr));

    // Counter B learns it through the feed; the recall waits for the paper copy to be voided.
    b.drain("cashier");
    let shown = invoices(&b, at_kiosk);
    assert_eq!(shown[0]["paper"], json!([{"number": "KS00000001", "status": "valid", "printed_by": "自助机1"}]));
    let refused = b
        .command(&["recall", at_kiosk, "--kind", "settlement", "--reason", "退费", "--approver", "supervisor"])
        .env("CASHIER_APPROVER_PASSWORD", common::PASSWORD)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("KS00000001"), "{}", text(&refused.stderr));
    let void = b.run(&["invoice", "void-paper", "KS00000001", "--reason", "患者要求退费"]);
    assert!(void.status.success(), "void: {}", text(&void.stderr));
    let voided: Value = serde_json::from_slice(&void.stdout).unwrap();
    assert_eq!((voided["kiosk"].as_bool(), voided["printed_by"].as_str()), (Some(true), Some("自助机1")));
    let again = b.run(&["invoice", "void-paper", "KS00000001", "--reason", "再次"]);
    assert!(text(&again.stderr).contains("PAPER_ALREADY_VOID"), "{}", text(&again.stderr));
    assert_eq!(
        platform.sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.paper_void'").trim(),
        "1",
        "the void is audited at the platform"
    );
    recall(&b, at_kiosk);
    until_status(&b, at_kiosk, "reversed");

    // A window's own paper copy at a linked counter goes through the platform.
    let out = a.run(&["stock", "receive", "--kind", "invoice", "--prefix", "CK", "--from", "1", "--to", "20"]);
    assert!(out.status.success(), "stock: {}", text(&out.stderr));
    let out = a.run(&["invoice", "paper", at_window]);
    assert!(out.status.success(), "paper: {}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["paper_no"], "CK00000001");
    b.drain("cashier");
    assert_eq!(invoices(&b, at_window)[0]["paper"][0]["number"], "CK00000001");

    // The kiosk report at counter A: one kiosk copy, voided; the window's copy is not in it.
    a.drain("cashier");
    let day = platform.sql("SELECT to_char(at, 'YYYY-MM-DD') FROM invoice_events WHERE kind = 'paper_printed' LIMIT 1");
    let out = a.run(&["report", "kiosk-invoices", "--date", day.trim(), "--json"]);
    assert!(out.status.success(), "report: {}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["count"].as_u64(), report["voided"].as_u64()), (Some(0), Some(1)), "{report}");
    assert_eq!(report["kiosks"][0]["kiosk"], "自助机1");
    assert_eq!(report["kiosks"][0]["lines"][0]["void_reason"], "患者要求退费");
    assert_eq!(report["kiosks"][0]["lines"][0]["invoice_no"], invoice["number"]);
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_receipt_void_reaches_the_platform_and_every_counter() {
    let platform = Platform::start("rcpt_void", 12);
    let a = Counter::register(&platform, &platform.https(), "窗口作废A");
    let b = Counter::register(&platform, &platform.https(), "窗口作废B");
    a.drain("cashier");
    b.drain("cashier");
    let case_no = common::case_numbers(&platform).remove(0);
    let out = a.deposit("cashier", &case_no, "现金:500.00");
    assert!(out.status.success(), "deposit: {}", text(&out.stderr));
    let deposit: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = deposit["receipt_no"].as_str().unwrap().to_owned();
    a.drain("cashier");

    let refused = a.run(&["void-receipt", &case_no, &first]);
    assert!(text(&refused.stderr).contains("REASON_REQUIRED"), "{}", text(&refused.stderr));
    let out = a.run(&["void-receipt", &case_no, &first, "--reason", "打印卡纸"]);
    assert!(out.status.success(), "void: {}", text(&out.stderr));
    let reissued: Value = serde_json::from_slice(&out.stdout).unwrap();
    let second = reissued["receipt_no"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    a.drain("cashier");
    let held = platform
        .sql("SELECT record->>'voided_no' || ' ' || (record->>'new_no') FROM journal WHERE kind = 'receipt_void'");
    assert_eq!(held.trim(), format!("{first} {second}"));

    // Counter B shows the deposit under its new number.
    b.drain("cashier");
    assert_eq!(
        b.sqlite("SELECT voided_no || ' ' || new_no FROM pulled_receipt_voids").trim(),
        format!("{first} {second}")
    );
    // Counter A does not take its own void twice.
    assert_eq!(a.sqlite("SELECT count(*) FROM pulled_receipt_voids").trim(), "0");

    // Forged: voiding a number that is no longer the deposit's, or renumbering outside the blocks.
    let envelope: Value = serde_json::from_str(
        platform
            .sql(
                "SELECT envelope FROM operations o JOIN journal j ON j.operation = o.key WHERE j.kind = 'receipt_void'",
            )
            .trim(),
    )
    .unwrap();
    let device = a.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &a, "cashier").await;
        let push = |envelope: Value| {
            let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [envelope]})).unwrap();
            let c = &c;
            let cashier = &cashier;
            async move {
                let (status, answer) =
                    c.raw(Method::POST, "/api/v1/sync/push", Some(cashier), Some(body)).await.unwrap();
                assert_eq!(status, 200, "{answer}");
                answer["results"][0].clone()
            }
        };
        let mut stale = envelope.clone();
        stale["key"] = json!(Uuid::now_v7());
        stale["records"][0]["key"] = json!(Uuid::now_v7());
        let result = push(stale.clone()).await;
        assert_eq!(result["code"], "NUMBER_USED", "the new number was used already: {result}");
        stale["records"][0]["new_no"] = json!("YJ9999999999");
        let result = push(stale).await;
        assert_eq!(result["code"], "NUMBER_NOT_ALLOCATED", "{result}");
    });
}

/// An invoice the fiscal platform issues for a business number the platform never saw (as if a
/// lost settlement had been invoiced), written to the sandbox's register the server shares.
fn fiscal_only_invoice(register: &std::path::Path) -> Uuid {
    use domain::invoice::{InvoiceAmounts, PayChannel};
    let sandbox = std::sync::Arc::new(fiscal::SandboxFiscal::demo_on_file(register, Duration::ZERO).unwrap());
    let total = domain::Money::parse("88.00").unwrap();
    let bus_no = Uuid::now_v7();
    let request = fiscal::InvoiceRequest {
        bus_no,
        settlement_no: "JSX".into(),
        payer: "外来".into(),
        resident_id: String::new(),
        case_no: "X".into(),
        admitted_on: chrono::Local::now().date_naive(),
        discharged_on: None,
        at: chrono::Local::now().naive_local(),
        place: "收费窗口".into(),
        hospital: "演示".into(),
        cashier: "某人".into(),
        amounts: InvoiceAmounts {
            total,
            charges: vec![(domain::FeeCategory::Drug, total)],
            channels: vec![(PayChannel::Tender(domain::Tender::Cash), total)],
            insurance_fund: domain::Money::ZERO,
            personal_account: domain::Money::ZERO,
            self_paid: total,
            deposits_used: domain::Money::ZERO,
        },
    };
    runtime().block_on(async { fiscal::FiscalPlatform::issue(&sandbox.adapter(), &request).await.unwrap() });
    bus_no
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn the_days_invoice_check_finds_and_fixes_both_sides() {
    let mut platform = Platform::start("inv_check", 40);
    let register = platform.certs.path().join("fiscal.jsonl");
    platform.serve_env = vec![("PLATFORM_FISCAL_REGISTER".into(), register.display().to_string())];
    platform.restart();
    let counter = Counter::register(&platform, &platform.https(), "窗口对票");
    counter.drain("cashier");
    let ready = counter.ready_self_pay();
    for case_no in &ready[..2] {
        let out = counter.settle("cashier", case_no);
        assert!(out.status.success(), "settle: {}", text(&out.stderr));
    }
    until_status(&counter, &ready[0], "issued");
    until_status(&counter, &ready[1], "issued");
    recall(&counter, &ready[1]);
    until_status(&counter, &ready[1], "reversed");
    let stray = fiscal_only_invoice(&register);
    let day = platform.sql("SELECT to_char(max(at), 'YYYY-MM-DD') FROM invoice_events").trim().to_owned();

    let c = platform.client();
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let path = format!("/api/v1/invoices/check?day={day}");
        let (status, check) = c.raw(Method::GET, &path, Some(&finance), None).await.unwrap();
        assert_eq!(status, 200, "{check}");
        // Two issued and one reversed: 1 on the platform; the fiscal platform also has the stray.
        assert_eq!((check["platform_count"].as_i64(), check["fiscal_count"].as_i64()), (Some(1), Some(2)), "{check}");
        let differences = check["differences"].as_array().unwrap();
        assert_eq!(differences.len(), 1, "{check}");
        assert_eq!(
            (
                differences[0]["side"].as_str(),
                differences[0]["fix"].as_str(),
                differences[0]["line"]["bus_no"].as_str()
            ),
            (Some("fiscal_only"), Some("reverse"), Some(stray.to_string().as_str()))
        );
        let cashier = token_at(&c, &counter, "cashier").await;
        let (status, _) = c.raw(Method::GET, &path, Some(&cashier), None).await.unwrap();
        assert_eq!(status, 403, "a cashier does not check the day");
        let fix = serde_json::to_vec(&json!({"day": day, "bus_no": stray})).unwrap();
        let (status, after) =
            c.raw(Method::POST, "/api/v1/invoices/check/fix", Some(&finance), Some(fix)).await.unwrap();
        assert_eq!(status, 200, "{after}");
        assert_eq!(after["differences"], json!([]), "the stray is reversed at the fiscal platform: {after}");
        assert_eq!(after["fiscal_count"], 1);
    });
    assert_eq!(platform.sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.check_reverse'").trim(), "1");

    // The fiscal platform loses its register: the platform's invoices show as its own only, and
    // the fix issues them again there — the platform's record is unchanged.
    let lost = platform.certs.path().join("fiscal-lost.jsonl");
    platform.serve_env = vec![("PLATFORM_FISCAL_REGISTER".into(), lost.display().to_string())];
    platform.restart();
    runtime().block_on(async {
        let finance = token_at(&c, &counter, "finance").await;
        let (_, check) =
            c.raw(Method::GET, &format!("/api/v1/invoices/check?day={day}"), Some(&finance), None).await.unwrap();
        let fixes: Vec<&str> =
            check["differences"].as_array().unwrap().iter().map(|d| d["fix"].as_str().unwrap()).collect();
        assert_eq!(fixes, ["reissue", "reissue", "reverse"], "{check}");
        let first = check["differences"][0]["line"]["bus_no"].clone();
        let fix = serde_json::to_vec(&json!({"day": day, "bus_no": first})).unwrap();
        let (status, after) =
            c.raw(Method::POST, "/api/v1/invoices/check/fix", Some(&finance), Some(fix)).await.unwrap();
        assert_eq!(status, 200, "{after}");
        assert_eq!(after["differences"].as_array().unwrap().len(), 2, "{after}");
    });
    assert_eq!(platform.sql("SELECT count(*) FROM invoice_events WHERE kind = 'issued'").trim(), "2");
}
