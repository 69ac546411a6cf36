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
    // Its reimbursement form waits for a settlement that deducted the waiver.
    let form_pdf = dir.path().join("form.pdf");
    let form = cashier(&["blood", "form", "--db", &db, &id, form_pdf.to_str().unwrap()]);
    assert_eq!(form.status.code(), Some(2), "{}", text(&form.stderr));
    assert!(text(&form.stderr).contains("尚未在结算中减免"), "{}", text(&form.stderr));
    assert!(!form_pdf.exists());
}

#[test]
fn the_pledge_is_printed_for_a_claim_that_can_be_made_and_reads_back() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let out = cashier(&["demo", "seed", "--db", &db, "--patients", "3", "--seed", "4", "--now", "2026-11-25 09:00:00"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let case_no = first_case(&db);
    let pdf = dir.path().join("pledge.pdf");
    let pledge = |donor: &str, donor_id: &str| {
        cashier(&[
            "blood",
            "pledge",
            "--db",
            &db,
            &case_no,
            "--donor",
            donor,
            "--donor-name",
            "王秀英",
            "--donor-id",
            donor_id,
            "--certificate",
            "ZJ7001:2023-06-01:300",
            pdf.to_str().unwrap(),
        ])
    };
    let printed = json(&pledge("spouse", "11010519491231002X"));
    assert_eq!(printed["pages"], 1, "{printed}");
    let read = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().unwrap();
    let read = text(&read.stdout);
    for expected in ["用血报销承诺书", "王秀英", "配偶", "ZJ7001", "300 毫升", &case_no, "承诺人签字"]
    {
        assert!(read.contains(expected), "{expected} missing from\n{read}");
    }
    std::fs::remove_file(&pdf).unwrap();
    let refused = pledge("spouse", "110105194912310021");
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("身份证号"), "{}", text(&refused.stderr));
    assert!(!pdf.exists(), "nothing printed for a refused claim");
}

/// A SANE configuration folder holding only the `test` backend, with `extra` lines in its
/// test.conf (the fault the device should show).
fn sane_config(dir: &TempDir, extra: &str) -> String {
    let config = dir.path().join(format!("sane-{}", extra.len()));
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("dll.conf"), "test\n").unwrap();
    std::fs::write(config.join("test.conf"), format!("number_of_devices 1\n{extra}\n")).unwrap();
    config.display().to_string()
}

fn scan_with(config: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cashier"))
        .env("SANE_CONFIG_DIR", config)
        .args(["blood", "scan"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_page_is_scanned_through_sane_and_a_jam_or_an_absent_scanner_is_said() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("page.jpg");
    let config = sane_config(&dir, "");
    let scanned =
        json(&scan_with(&config, &["--device", "test:0", "--resolution", "100", "--out", out.to_str().unwrap()]));
    assert_eq!(scanned["media_type"], "image/jpeg", "{scanned}");
    let page = image::open(&out).unwrap();
    assert!(page.width() > 300 && page.height() > 300, "the whole bed at 100 dpi: {}×{}", page.width(), page.height());
    assert_eq!(scanned["width"], page.width(), "{scanned}");

    let jammed = sane_config(&dir, "read-status-code \"SANE_STATUS_JAMMED\"");
    let out2 = dir.path().join("jam.jpg");
    let refused = scan_with(&jammed, &["--device", "test:0", "--resolution", "50", "--out", out2.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("卡纸"), "{}", text(&refused.stderr));
    assert!(!out2.exists(), "a jammed scan writes nothing");

    let absent = scan_with(&config, &["--device", "genesys:libusb:001:009", "--out", out2.to_str().unwrap()]);
    assert_eq!(absent.status.code(), Some(2), "{}", text(&absent.stderr));
    assert!(text(&absent.stderr).contains("未找到扫描仪"), "{}", text(&absent.stderr));
}

#[test]
fn the_document_cameras_next_shot_is_taken_from_its_folder() {
    let dir = TempDir::new().unwrap();
    let shots = dir.path().join("shots");
    std::fs::create_dir_all(&shots).unwrap();
    let out = dir.path().join("taken.png");
    let child = Command::new(env!("CARGO_BIN_EXE_cashier"))
        .args(["blood", "scan", "--folder", shots.to_str().unwrap(), "--wait", "20", "--rotate", "90"])
        .args(["--out", out.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The command arms the folder as it starts; the camera saves a moment later.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let shot = scan(&dir, "shot.png");
    std::fs::rename(&shot, shots.join("IMG_0001.png")).unwrap();
    let taken = json(&child.wait_with_output().unwrap());
    assert_eq!(taken["media_type"], "image/png", "{taken}");
    // Turned a quarter clockwise: 320×240 becomes 240×320, the top-left pixel now top-right.
    let (shot, taken) =
        (image::open(shots.join("IMG_0001.png")).unwrap().to_rgb8(), image::open(&out).unwrap().to_rgb8());
    assert_eq!((taken.width(), taken.height()), (240, 320));
    assert_eq!(taken.get_pixel(239, 0), shot.get_pixel(0, 0));
}
