//! The blood waiver at linked counters, against the real platform on PostgreSQL over HTTPS with
//! its sandbox blood platform: a registration and its review travel through the outbox, the
//! scanned pages follow in chunks, the platform forwards the approved registration, the waiver
//! is granted through the platform from the blood products *its* ledger holds, the settlement
//! carrying it is checked against the platform's register and reaches the other counters. A
//! counter cut off from the platform settles with the last confirmed entitlement and the
//! platform re-checks it. Forged records — a clerk approving their own, a waiver nobody granted,
//! a bigger one than granted — are refused. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::process::{Command, Output};

use common::proxy::Proxy;
use common::{Counter, PASSWORD, Platform, runtime, text, token, token_at};
use image::{ImageFormat, Rgb, RgbImage};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// `cashier blood SUB --db THIS.db REST…`
fn blood(counter: &Counter, sub: &str, args: &[&str]) -> Output {
    Command::new(common::cashier_bin())
        .args(["blood", sub, "--db"])
        .arg(&counter.db)
        .args(args)
        .env("CASHIER_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A scanned page (PNG) of about `pixels`² pixels of noise-like content.
fn page(counter: &Counter, name: &str, side: u32) -> String {
    let img = RgbImage::from_fn(side, side, |x, y| {
        let v = x.wrapping_mul(2_654_435_761).wrapping_add(y.wrapping_mul(40_503)) ^ (x * y);
        Rgb([(v & 0xff) as u8, ((v >> 8) & 0xff) as u8, ((v >> 16) & 0xff) as u8])
    });
    let path = counter.dir.path().join(name);
    img.save_with_format(&path, ImageFormat::Png).unwrap();
    path.display().to_string()
}

/// A new self-paying admission from the HIS with two units of red cells (400 ml, ¥440) and
/// drugs, discharge ordered and audited; its case number.
fn transfused_admission(platform: &Platform, case_no: &str) -> (String, Uuid) {
    let mut admission: Value =
        serde_json::from_str(&platform.sql("SELECT record FROM journal WHERE kind = 'admission' ORDER BY seq LIMIT 1"))
            .unwrap();
    admission.as_object_mut().unwrap().remove("kind");
    let admission_id = Uuid::now_v7();
    admission["admission_id"] = json!(admission_id);
    admission["case_no"] = json!(case_no);
    admission["insurance"] = json!("self_pay");
    admission["patient"]["id"] = json!(Uuid::now_v7());
    admission["patient"]["resident_id"] = Value::Null;
    let at = "2026-11-20T09:00:00";
    let fee = |code: &str, name: &str, category: &str, spec: &str, unit: &str, price: &str| {
        json!({"key": Uuid::now_v7(), "admission_id": admission_id, "item_code": code, "item_name": name,
            "category": category, "spec": spec, "unit": unit, "quantity": "1", "unit_price": price,
            "amount": price, "charged_at": at, "department": "血液科", "status": "confirmed"})
    };
    let fees = vec![
        fee("YP0001", "头孢曲松", "drug", "1g", "支", "1000.00"),
        fee("XF0001", "悬浮红细胞", "blood", "1U", "U", "220.00"),
        fee("XF0001", "悬浮红细胞", "blood", "1U", "U", "220.00"),
    ];
    let event = |event: &str, at: &str| {
        json!({"key": Uuid::now_v7(), "admission_id": admission_id, "event": event, "at": at,
            "actor": "HIS", "reason": null})
    };
    let events = vec![event("discharge_ordered", "2026-11-21T09:00:00"), event("audit_passed", "2026-11-21T10:00:00")];
    let body = json!({"admissions": [admission], "fees": fees, "events": events});
    let (status, answer) = runtime().block_on(async {
        let c = platform.client();
        let admin = token(&c, "admin").await;
        c.raw(Method::POST, "/api/v1/his/import", Some(&admin), Some(serde_json::to_vec(&body).unwrap())).await.unwrap()
    });
    assert_eq!(status, 200, "{answer}");
    (case_no.to_owned(), admission_id)
}

/// The patient's spouse, one 150 ml whole-blood donation in 2024: 2 × 150 = 300 ml.
fn register_spouse(counter: &Counter, case_no: &str, certificate: &str) -> Value {
    let id = page(counter, &format!("id-{case_no}.png"), 200);
    let cert = page(counter, &format!("cert-{case_no}.png"), 210);
    let patient = page(counter, &format!("patient-{case_no}.png"), 220);
    let proof = page(counter, &format!("proof-{case_no}.png"), 230);
    let scans: Vec<String> =
        [("donor_id", id), ("certificate", cert), ("patient_id", patient), ("relationship", proof)]
            .iter()
            .map(|(item, path)| format!("{item}={path}"))
            .collect();
    let certificate = format!("{certificate}:2024-05-01:150");
    let mut args = vec![
        case_no,
        "--donor",
        "spouse",
        "--donor-name",
        "李建国",
        "--donor-id",
        "11010519491231002X",
        "--certificate",
        &certificate,
        "--as",
        "cashier",
    ];
    for scan in &scans {
        args.extend(["--scan", scan]);
    }
    json_of(&blood(counter, "register", &args))
}

fn approve(counter: &Counter, registration: &Value) -> Value {
    let id = registration["registration"].to_string();
    json_of(&blood(counter, "review", &[&id, "--approve", "--as", "supervisor"]))
}

fn trial(counter: &Counter, case_no: &str) -> Value {
    let out = counter.run(&["settle", case_no, "--trial", "--as", "cashier"]);
    assert!(out.status.success(), "trial: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn settlement_record(platform: &Platform, admission: Uuid) -> Value {
    let row =
        platform.sql(&format!("SELECT record FROM journal WHERE kind = 'settlement' AND admission_id = '{admission}'"));
    serde_json::from_str(row.trim()).unwrap_or(Value::Null)
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_registration_travels_is_forwarded_and_waives_a_linked_settlement() {
    let platform = Platform::start("blood_linked", 3);
    let a = Counter::register(&platform, &platform.https(), "窗口血A");
    let b = Counter::register(&platform, &platform.https(), "窗口血B");
    let (case_no, admission) = transfused_admission(&platform, "88000001");
    a.drain("cashier");
    a.drain("supervisor");
    b.drain("cashier");

    let registered = register_spouse(&a, &case_no, "ZJ2024000777");
    assert_eq!(registered["status"], "submitted", "{registered}");
    let reviewed = approve(&a, &registered);
    assert_eq!(reviewed["status"]["code"], "approved", "{reviewed}");
    // The clerk's operation goes with the clerk's token, the review with the reviewer's; the
    // four pages follow in chunks.
    let first = a.sync("cashier", 1).unwrap();
    assert_eq!(first["materials_uploaded"], 4, "{first}");
    assert!(first["material_chunks_sent"].as_u64().unwrap() >= 4, "{first}");
    a.drain("supervisor");
    assert_eq!(
        platform.sql("SELECT count(*) FROM journal WHERE kind IN ('blood_registration', 'blood_review')").trim(),
        "2"
    );
    assert_eq!(platform.sql("SELECT count(*) FROM materials WHERE complete_at IS NOT NULL").trim(), "4");
    // Nothing is sent twice: the pages are remembered.
    assert_eq!(a.sync("cashier", 1).unwrap()["material_chunks_sent"], 0);

    // The trial asks through the platform: 300 of the 400 ml, ¥330.00 of the ¥440.00.
    let shown = trial(&a, &case_no);
    assert_eq!(
        (shown["blood_reimbursement"].as_str(), shown["blood_ml"].as_u64()),
        (Some("330.00"), Some(300)),
        "{shown}"
    );
    assert_eq!(shown["blood_offline"], false);
    assert_eq!(platform.sql("SELECT count(*) FROM blood_forwarded").trim(), "1");
    let out = a.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    a.drain("cashier");
    let record = settlement_record(&platform, admission);
    assert_eq!(record["blood_reimbursement"], "330.00", "{record}");
    assert_eq!(
        (record["blood_waiver"]["amount"].as_str(), record["blood_waiver"]["ml"].as_u64()),
        (Some("330.00"), Some(300))
    );
    assert_eq!(
        platform
            .sql(&format!(
                "SELECT amount_fen || '/' || ml FROM blood_grants WHERE key = '{}'",
                record["key"].as_str().unwrap()
            ))
            .trim(),
        "33000/300"
    );

    // Counter B gets the registration, its review and the settlement with its waiver.
    b.drain("cashier");
    assert_eq!(b.sqlite("SELECT count(*) FROM blood_registrations").trim(), "1");
    assert_eq!(b.sqlite("SELECT count(*) FROM blood_reviews").trim(), "1");
    assert_eq!(b.sqlite("SELECT amount_fen || '/' || ml FROM blood_waivers").trim(), "33000/300");
    assert_eq!(a.ledger(), b.ledger(), "both counters hold the same money");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn forged_blood_records_are_refused() {
    let platform = Platform::start("blood_attacks", 3);
    let counter = Counter::register(&platform, &platform.https(), "窗口血F");
    let (case_no, admission) = transfused_admission(&platform, "88000002");
    counter.drain("cashier");
    counter.drain("supervisor");
    let registered = register_spouse(&counter, &case_no, "ZJ2024000888");
    approve(&counter, &registered);
    let queued: Vec<Value> = counter
        .sqlite("SELECT envelope FROM outbox ORDER BY seq")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let review = queued.iter().find(|e| e["records"][0]["kind"] == "blood_review").unwrap().clone();
    let device = counter.sqlite("SELECT value FROM settings WHERE key = 'platform.device_id'").trim().to_owned();
    let c = platform.client();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let supervisor = token_at(&c, &counter, "supervisor").await;
        let push = |token: String, envelope: Value| {
            let c = c.clone();
            let device = device.clone();
            async move {
                let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [envelope]})).unwrap();
                let (status, answer) =
                    c.raw(Method::POST, "/api/v1/sync/push", Some(&token), Some(body)).await.unwrap();
                assert_eq!(status, 200, "{answer}");
                let result = &answer["results"][0];
                (result["outcome"].as_str().unwrap().to_owned(), result["code"].as_str().unwrap_or("").to_owned())
            }
        };
        // A review before its registration reached the platform names what is missing.
        assert_eq!(push(supervisor.clone(), review.clone()).await, ("invalid".into(), "MISSING_IDS".into()));
        // A registration without the relationship's proof or a pledge is refused as such.
        let genuine = queued.iter().find(|e| e["records"][0]["kind"] == "blood_registration").unwrap().clone();
        let mut short = genuine.clone();
        short["key"] = json!(Uuid::now_v7());
        short["records"][0]["key"] = json!(Uuid::now_v7());
        short["records"][0]["materials"].as_array_mut().unwrap().retain(|m| m["item"] != "relationship");
        assert_eq!(push(cashier.clone(), short).await, ("invalid".into(), "BLOOD_MATERIALS_MISSING".into()));
        let mut bad_id = genuine.clone();
        bad_id["key"] = json!(Uuid::now_v7());
        bad_id["records"][0]["key"] = json!(Uuid::now_v7());
        bad_id["records"][0]["donor_id"] = json!("110105194912310021");
        assert_eq!(push(cashier.clone(), bad_id).await.0, "invalid");
        // The genuine registration goes in; the clerk approving it themself is refused, so is a
        // cashier (no permission to review), so is a review pushed under someone else's name.
        assert_eq!(push(cashier.clone(), genuine).await.0, "applied");
        let mut own = review.clone();
        own["key"] = json!(Uuid::now_v7());
        own["cashier"] = json!("cashier");
        own["records"][0]["key"] = own["key"].clone();
        own["records"][0]["reviewer"] = json!("cashier");
        assert_eq!(push(cashier.clone(), own).await, ("invalid".into(), "FORBIDDEN".into()));
        let mut not_mine = review.clone();
        not_mine["records"][0]["reviewer"] = json!("supervisor2");
        assert_eq!(push(supervisor.clone(), not_mine).await, ("invalid".into(), "NOT_THE_CALLER".into()));
        assert_eq!(push(supervisor.clone(), review.clone()).await.0, "applied");
        let mut twice = review.clone();
        twice["key"] = json!(Uuid::now_v7());
        twice["records"][0]["key"] = twice["key"].clone();
        let (outcome, code) = push(supervisor.clone(), twice).await;
        assert_eq!((outcome.as_str(), code.as_str()), ("rejected", "BLOOD_ALREADY_REVIEWED"));
    });
    counter.sync("cashier", 1).unwrap();
    counter.sync("supervisor", 1).unwrap();

    // A settlement whose waiver is bigger than the blood platform grants is refused to the
    // pending list, and the grant the platform asked for it is given back.
    let out = counter.settle("cashier", &case_no);
    assert!(out.status.success(), "settle: {}", text(&out.stderr));
    let settlement: Value =
        serde_json::from_str(counter.sqlite("SELECT envelope FROM outbox ORDER BY seq DESC LIMIT 1").trim()).unwrap();
    runtime().block_on(async {
        let cashier = token_at(&c, &counter, "cashier").await;
        let mut bigger = settlement.clone();
        let forged_key = Uuid::now_v7();
        bigger["key"] = json!(forged_key);
        let record = bigger["records"].as_array_mut().unwrap().iter_mut().find(|r| r["kind"] == "settlement").unwrap();
        record["key"] = json!(forged_key);
        record["blood_waiver"]["amount"] = json!("340.00");
        record["blood_waiver"]["ml"] = json!(310);
        record["blood_reimbursement"] = json!("340.00");
        let due = common::fen(record["due"].as_str().unwrap()) - 1000;
        let yuan = |fen: i64| format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, fen.abs() / 100, fen.abs() % 100);
        record["due"] = json!(yuan(due));
        record["payments"][0]["amount"] = json!(yuan(due));
        let body = serde_json::to_vec(&json!({"device_id": device, "envelopes": [bigger]})).unwrap();
        let (status, answer) = c.raw(Method::POST, "/api/v1/sync/push", Some(&cashier), Some(body)).await.unwrap();
        assert_eq!(status, 200, "{answer}");
        let result = &answer["results"][0];
        assert_eq!(
            (result["outcome"].as_str(), result["code"].as_str()),
            (Some("rejected"), Some("FIGURE_DIFFERS")),
            "{answer}"
        );
        assert!(result["message"].as_str().unwrap().contains("用血减免"), "{answer}");
        let standing = platform
            .sql(&format!("SELECT count(*) FROM blood_grants WHERE key = '{forged_key}' AND cancelled_at IS NULL"));
        assert_eq!(standing.trim(), "0", "a refused settlement's grant is given back");
    });
    // The genuine one goes in.
    counter.drain("cashier");
    assert_eq!(settlement_record(&platform, admission)["blood_waiver"]["amount"], "330.00");
}

/// Chunks of 1 MiB the platform holds of every material: all of a complete one, the received
/// ones of the others.
fn chunks_held(platform: &Platform) -> u64 {
    let complete = platform
        .sql("SELECT COALESCE(SUM(CEIL(bytes / 1048576.0)), 0)::BIGINT FROM materials WHERE complete_at IS NOT NULL");
    let partial = platform.sql("SELECT count(*) FROM material_chunks");
    complete.trim().parse::<u64>().unwrap() + partial.trim().parse::<u64>().unwrap()
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn an_interrupted_upload_of_twenty_megabytes_resumes_without_resending_a_chunk() {
    let platform = Platform::start("blood_upload", 2);
    let proxy = Proxy::start(platform.port);
    let counter = Counter::register(&platform, &proxy.url(), "窗口血U");
    let (case_no, _) = transfused_admission(&platform, "88000003");
    counter.drain("cashier");
    // Four pages of noise, about 5 MB each as PNG: 20 MB to send.
    let pages: Vec<String> = (0..4).map(|i| page(&counter, &format!("big-{i}.png"), 1300 + i)).collect();
    let total_bytes: u64 = pages.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    assert!(total_bytes >= 20_000_000, "{total_bytes} bytes");
    let total_chunks: u64 = pages.iter().map(|p| std::fs::metadata(p).unwrap().len().div_ceil(1 << 20)).sum();
    let items = ["donor_id", "certificate", "patient_id", "relationship"];
    let scans: Vec<String> = items.iter().zip(&pages).map(|(item, path)| format!("{item}={path}")).collect();
    let mut args = vec![
        case_no.as_str(),
        "--donor",
        "spouse",
        "--donor-name",
        "李建国",
        "--donor-id",
        "11010519491231002X",
        "--certificate",
        "ZJ2024000999:2024-05-01:150",
        "--as",
        "cashier",
    ];
    for scan in &scans {
        args.extend(["--scan", scan]);
    }
    json_of(&blood(&counter, "register", &args));

    // The line is slow; it is cut once some chunks arrived.
    proxy.delay(std::time::Duration::from_millis(3));
    let mut sync = counter
        .command(&["sync", "--as", "cashier", "--rounds", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while chunks_held(&platform) < 5 {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            sync.kill().unwrap();
            let out = sync.wait_with_output().unwrap();
            panic!("no chunk arrived: {} {}", text(&out.stdout), text(&out.stderr));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    proxy.cut();
    let status = sync.wait().unwrap();
    assert!(!status.success(), "the cut sync cannot have finished");
    let held = chunks_held(&platform);
    assert!(held >= 5 && held < total_chunks, "{held} of {total_chunks} held after the cut");

    proxy.restore();
    proxy.delay(std::time::Duration::ZERO);
    let resumed = counter.sync("cashier", 1).unwrap();
    assert_eq!(resumed["material_chunks_sent"].as_u64().unwrap(), total_chunks - held, "{resumed}");
    assert_eq!(counter.sqlite("SELECT count(*) FROM materials_uploaded").trim(), "4", "{resumed}");
    for path in &pages {
        let bytes = std::fs::read(path).unwrap();
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        };
        let stored =
            platform.sql(&format!("SELECT encode(sha256(content), 'hex') FROM materials WHERE sha256 = '{sha}'"));
        assert_eq!(stored.trim(), sha, "the platform holds the page whole");
    }
    assert_eq!(platform.sql("SELECT count(*) FROM material_chunks").trim(), "0");
    // Nothing is offered again once the platform holds it whole.
    assert_eq!(counter.sync("cashier", 1).unwrap()["material_chunks_sent"], 0);
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn an_offline_waiver_is_rechecked_by_the_platform() {
    let platform = Platform::start("blood_offline", 2);
    let proxy = Proxy::start(platform.port);
    let a = Counter::register(&platform, &proxy.url(), "窗口血O");
    let b = Counter::register(&platform, &platform.https(), "窗口血P");
    let (first, first_admission) = transfused_admission(&platform, "88000004");
    let (second, second_admission) = transfused_admission(&platform, "88000005");
    a.drain("cashier");
    a.drain("supervisor");
    b.drain("cashier");
    // The same donor's certificate for both stays: 300 ml in all.
    for case_no in [&first, &second] {
        let registered = register_spouse(&a, case_no, "ZJ2024000555");
        approve(&a, &registered);
    }
    a.sync("cashier", 1).unwrap();
    a.drain("supervisor");
    // Online trials forward both registrations and keep what the blood platform said is left.
    assert_eq!(trial(&a, &first)["blood_reimbursement"], "330.00");
    assert_eq!(trial(&a, &second)["blood_reimbursement"], "330.00");

    // Cut off: the trial says it is an estimate from the last confirmed entitlement.
    proxy.cut();
    let shown = trial(&a, &first);
    assert_eq!(
        (shown["blood_reimbursement"].as_str(), shown["blood_offline"].as_bool()),
        (Some("330.00"), Some(true)),
        "{shown}"
    );
    let out = a.settle("cashier", &first);
    assert!(out.status.success(), "offline settle: {}", text(&out.stderr));
    let out = a.settle("cashier", &second);
    assert!(out.status.success(), "offline settle: {}", text(&out.stderr));

    proxy.restore();
    a.sync("cashier", 1).unwrap();
    // The first is granted by the blood platform as estimated; the certificate is then used up,
    // so the second's waiver is refused to the pending list, named.
    let record = settlement_record(&platform, first_admission);
    assert_eq!(record["blood_waiver"]["amount"], "330.00", "{record}");
    assert_eq!(record["blood_waiver"]["offline"], true);
    assert_eq!(settlement_record(&platform, second_admission), Value::Null);
    let refused = platform.sql(&format!(
        "SELECT code || ' ' || message FROM operations WHERE admission_id = '{second_admission}' AND outcome = 'rejected'"
    ));
    assert!(refused.starts_with("FIGURE_DIFFERS") && refused.contains("用血减免"), "{refused}");
    assert_eq!(
        platform
            .sql(&format!(
                "SELECT count(*) FROM blood_grants WHERE admission_id = '{second_admission}' AND cancelled_at IS NULL"
            ))
            .trim(),
        "0"
    );
    // The other counter holds the first waiver, not the refused one.
    b.drain("cashier");
    assert_eq!(b.sqlite("SELECT group_concat(amount_fen) FROM blood_waivers").trim(), "33000");
}

#[test]
#[ignore = "needs PostgreSQL and the platform binary: scripts/test.sh runs it"]
fn a_chunk_that_does_not_fit_changes_nothing() {
    use sha2::Digest;
    let platform = Platform::start("blood_chunks", 1);
    let c = platform.client();
    let sha = |bytes: &[u8]| hex::encode(sha2::Sha256::digest(bytes));
    // Two chunks' worth: 1 MiB + 10 bytes.
    let file: Vec<u8> = (0..(1u32 << 20) + 10).map(|i| (i % 251) as u8).collect();
    let name = sha(&file);
    let (first, second) = file.split_at(1 << 20);
    runtime().block_on(async {
        let cashier = token(&c, "cashier").await;
        let finance = token(&c, "finance").await;
        let put = |token: String, index: u64, bytes: u64, claimed: String, body: Vec<u8>, name: String| {
            let c = c.clone();
            async move {
                let url = format!("{}/api/v1/materials/{name}/chunks/{index}?bytes={bytes}", c_base(&c));
                let response = reqwest_client(&c)
                    .put(url)
                    .bearer_auth(token)
                    .header("x-chunk-sha256", claimed)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let answer: Value = response.json().await.unwrap_or(Value::Null);
                (status, answer["code"].as_str().unwrap_or("").to_owned())
            }
        };
        let total = file.len() as u64;
        let held =
            || platform.sql("SELECT (SELECT count(*) FROM materials) || '/' || (SELECT count(*) FROM material_chunks)");
        // Damaged in transit, out of range, the wrong length, a bad name, a role without the right.
        assert_eq!(
            put(cashier.clone(), 0, total, sha(b"other"), first.to_vec(), name.clone()).await,
            (422, "CHUNK_HASH_MISMATCH".into())
        );
        assert_eq!(
            put(cashier.clone(), 2, total, sha(second), second.to_vec(), name.clone()).await,
            (422, "MATERIAL_INVALID".into())
        );
        assert_eq!(
            put(cashier.clone(), 1, total, sha(&second[..5]), second[..5].to_vec(), name.clone()).await,
            (422, "MATERIAL_INVALID".into())
        );
        assert_eq!(
            put(cashier.clone(), 0, 30 << 20, sha(first), first.to_vec(), name.clone()).await,
            (422, "MATERIAL_INVALID".into())
        );
        assert_eq!(
            put(cashier.clone(), 0, total, sha(first), first.to_vec(), "NOT-A-HASH".into()).await,
            (422, "MATERIAL_INVALID".into())
        );
        assert_eq!(put(finance.clone(), 0, total, sha(first), first.to_vec(), name.clone()).await.0, 403);
        assert_eq!(held(), "0/0", "nothing kept");
        // Chunks whose whole is not the file they name are thrown away.
        let liar = sha(b"a file nobody sends");
        assert_eq!(put(cashier.clone(), 0, total, sha(first), first.to_vec(), liar.clone()).await.0, 200);
        assert_eq!(
            put(cashier.clone(), 1, total, sha(second), second.to_vec(), liar.clone()).await,
            (422, "MATERIAL_HASH_MISMATCH".into())
        );
        assert_eq!(platform.sql(&format!("SELECT count(*) FROM material_chunks WHERE sha256 = '{liar}'")).trim(), "0");
        assert_eq!(
            platform
                .sql(&format!("SELECT count(*) FROM materials WHERE sha256 = '{liar}' AND complete_at IS NOT NULL"))
                .trim(),
            "0"
        );
        // The genuine file, in any order, once; a repeated chunk changes nothing.
        assert_eq!(put(cashier.clone(), 1, total, sha(second), second.to_vec(), name.clone()).await.0, 200);
        assert_eq!(put(cashier.clone(), 1, total, sha(second), second.to_vec(), name.clone()).await.0, 200);
        assert_eq!(put(cashier.clone(), 0, total, sha(first), first.to_vec(), name.clone()).await.0, 200);
        let stored =
            platform.sql(&format!("SELECT encode(sha256(content), 'hex') FROM materials WHERE sha256 = '{name}'"));
        assert_eq!(stored.trim(), name);
    });
}

fn c_base(c: &sync::Client) -> String {
    c.base_url().to_owned()
}

fn reqwest_client(c: &sync::Client) -> reqwest::Client {
    c.http_client().clone()
}
