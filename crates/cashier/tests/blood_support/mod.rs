//! The blood waiver's test helpers (for `blood_platform` and `blood_materials`): a transfused
//! stay imported from the HIS, a spouse's registration with scanned pages, the `cashier blood`
//! commands, what the platform holds.

#![allow(dead_code)] // each test file uses its own share

use std::process::{Command, Output};

use image::{ImageFormat, Rgb, RgbImage};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{self, Counter, PASSWORD, Platform, runtime, text, token};

/// `cashier blood SUB --db THIS.db REST…`
pub fn blood(counter: &Counter, sub: &str, args: &[&str]) -> Output {
    Command::new(common::cashier_bin())
        .args(["blood", sub, "--db"])
        .arg(&counter.db)
        .args(args)
        .env("CASHIER_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

pub fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A scanned page (PNG) of about `pixels`² pixels of noise-like content.
pub fn page(counter: &Counter, name: &str, side: u32) -> String {
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
pub fn transfused_admission(platform: &Platform, case_no: &str) -> (String, Uuid) {
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

/// The patient's spouse, one 150 ml whole-blood donation in 2024: 2 × 150 = 300 ml, with a
/// small scanned page per checklist item.
pub fn register_spouse(counter: &Counter, case_no: &str, certificate: &str) -> Value {
    let pages: Vec<String> = ["id", "cert", "patient", "proof"]
        .iter()
        .zip(200..)
        .map(|(name, side)| page(counter, &format!("{name}-{case_no}.png"), side))
        .collect();
    register_spouse_with(counter, case_no, certificate, &pages)
}

/// The same registration with `pages` (donor's ID, certificate, patient's ID, proof).
pub fn register_spouse_with(counter: &Counter, case_no: &str, certificate: &str, pages: &[String]) -> Value {
    let items = ["donor_id", "certificate", "patient_id", "relationship"];
    let scans: Vec<String> = items.iter().zip(pages).map(|(item, path)| format!("{item}={path}")).collect();
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

pub fn approve(counter: &Counter, registration: &Value) -> Value {
    let id = registration["registration"].to_string();
    json_of(&blood(counter, "review", &[&id, "--approve", "--as", "supervisor"]))
}

pub fn trial(counter: &Counter, case_no: &str) -> Value {
    let out = counter.run(&["settle", case_no, "--trial", "--as", "cashier"]);
    assert!(out.status.success(), "trial: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn settlement_record(platform: &Platform, admission: Uuid) -> Value {
    let row =
        platform.sql(&format!("SELECT record FROM journal WHERE kind = 'settlement' AND admission_id = '{admission}'"));
    serde_json::from_str(row.trim()).unwrap_or(Value::Null)
}

/// Chunks of 1 MiB the platform holds of every material: all of a complete one, the received
/// ones of the others.
pub fn chunks_held(platform: &Platform) -> u64 {
    let complete = platform
        .sql("SELECT COALESCE(SUM(CEIL(bytes / 1048576.0)), 0)::BIGINT FROM materials WHERE complete_at IS NOT NULL");
    let partial = platform.sql("SELECT count(*) FROM material_chunks");
    complete.trim().parse::<u64>().unwrap() + partial.trim().parse::<u64>().unwrap()
}

pub fn c_base(c: &sync::Client) -> String {
    c.base_url().to_owned()
}

pub fn reqwest_client(c: &sync::Client) -> reqwest::Client {
    c.http_client().clone()
}
