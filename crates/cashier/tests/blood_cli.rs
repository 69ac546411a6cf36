//! `cashier blood register | review | list` as scripts call them, on a seeded demo database and
//! real image files: the JSON keys the issue names, a refusal's zh-CN message and exit status.

use std::process::{Command, Output};

use image::{ImageFormat, Rgb, RgbImage};
use tempfile::TempDir;

fn cashier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cashier")).args(args).output().expect("the cashier binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn scan(dir: &TempDir, name: &str) -> String {
    let img = RgbImage::from_fn(320, 240, |x, y| Rgb([(x % 250) as u8, (y % 250) as u8, 90]));
    let path = dir.path().join(name);
    img.save_with_format(&path, ImageFormat::Png).unwrap();
    path.display().to_string()
}

/// The demo's first case number.
fn first_case(db: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = store::Store::open(std::path::Path::new(db), store::OpenMode::MustExist).await.unwrap();
        let mut conn = store.conn().await.unwrap();
        store::patients::case_numbers(&mut conn).await.unwrap().remove(0)
    })
}

#[test]
fn register_review_and_list_from_the_command_line() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let out = cashier(&["demo", "seed", "--db", &db, "--patients", "5", "--seed", "3", "--now", "2026-11-25 09:00:00"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let case_no = first_case(&db);
    let (donor_id, cert) = (scan(&dir, "id.png"), scan(&dir, "cert.png"));
    let register = |donor: &str, extra: &[&str]| {
        let id_scan = format!("donor_id={donor_id}");
        let cert_scan = format!("certificate={cert}");
        let mut args = vec![
            "blood",
            "register",
            "--db",
            &db,
            &case_no,
            "--donor",
            donor,
            "--donor-name",
            "李建国",
            "--donor-id",
            "11010519491231002X",
            "--certificate",
            "ZJ0001:2024-05-01:200",
            "--certificate",
            "ZJ0002:2025-03-01:200:whole",
            "--scan",
            &id_scan,
            "--scan",
            &cert_scan,
        ];
        args.extend_from_slice(extra);
        cashier(&args)
    };
    // The donor themself, 400 ml of whole blood in total: free for life.
    let registered = json(&register("self", &[]));
    assert_eq!(registered["status"], "submitted");
    assert!(registered["entitled_ml"].is_null() && registered["remaining_ml"].is_null(), "{registered}");
    assert!(registered["rule"].as_str().unwrap().contains("终身免费用血"), "{registered}");
    let id = registered["registration"].as_i64().unwrap().to_string();
    // A sibling is refused without the gold award, with a message and exit status 2… and
    // without the proof of the relationship even with it.
    let refused = register("sibling", &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("兄弟姐妹"), "{}", text(&refused.stderr));
    let refused = register("sibling", &["--gold"]);
    assert!(text(&refused.stderr).contains("缺少材料"), "{}", text(&refused.stderr));

    // Review: not by the clerk, then by the supervisor.
    let own = cashier(&["blood", "review", "--db", &db, &id, "--approve", "--as", "cashier"]);
    assert!(!own.status.success());
    let approved = json(&cashier(&["blood", "review", "--db", &db, &id, "--approve", "--as", "supervisor"]));
    assert_eq!(approved["status"]["code"], "approved");
    let listed = json(&cashier(&["blood", "list", "--db", &db, &case_no, "--json"]));
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["certificates"].as_array().unwrap().len(), 2);
}
