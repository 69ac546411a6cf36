//! The `cashier` command line as scripts and checks call it: real files, real exit codes.

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

fn cashier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cashier")).args(args).output().expect("the cashier binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn seed(dir: &TempDir) -> String {
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap().to_owned();
    let out =
        cashier(&["demo", "seed", "--db", &db, "--patients", "30", "--seed", "5", "--now", "2026-11-25 09:00:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("30 位住院患者"), "{}", stdout(&out));
    db
}

#[test]
fn words_prints_the_capital_form_and_refuses_bad_amounts() {
    for (amount, words) in [
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("1000", "壹仟元整"),
        ("100.05", "壹佰元零伍分"),
        ("-12.5", "负壹拾贰元伍角"),
    ] {
        let out = cashier(&["words", amount]);
        assert!(out.status.success(), "{amount}: {}", stderr(&out));
        assert_eq!(stdout(&out).trim(), words);
    }
    for (bad, message) in [("1.234", "最多两位小数"), ("12a", "格式不正确"), ("99999999999999999", "超出范围")]
    {
        let out = cashier(&["words", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains(message), "{bad}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn seed_refuses_to_overwrite_and_find_prints_json_lines() {
    let dir = TempDir::new().unwrap();
    let db = seed(&dir);
    let before = std::fs::read(&db).unwrap();
    let out = cashier(&["demo", "seed", "--db", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("不会覆盖"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let out = cashier(&["patient", "find", "--db", &db, "zs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let hits: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(hits.iter().any(|h| h["name"] == "张三"));
    let case_no = hits.iter().find(|h| h["name"] == "张三").unwrap()["case_no"].as_str().unwrap().to_owned();

    let out = cashier(&["patient", "find", "--db", &db, &format!("ZY{case_no}")]);
    assert_eq!(stdout(&out).lines().count(), 1);

    let out = cashier(&["patient", "find", "--db", &db, ""]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("请输入"), "{}", stderr(&out));
    let out = cashier(&["patient", "find", "--db", &db, "110105194912310021"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("校验位"), "{}", stderr(&out));
}

#[test]
fn a_missing_or_corrupt_database_is_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("none.db");
    let out = cashier(&["patient", "find", "--db", missing.to_str().unwrap(), "zs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("找不到本地数据库"), "{}", stderr(&out));
    assert!(!missing.exists(), "nothing invented outside demo mode");

    let corrupt = dir.path().join("bad.db");
    std::fs::write(&corrupt, vec![0x5a; 4096]).unwrap();
    let out = cashier(&["patient", "find", "--db", corrupt.to_str().unwrap(), "zs"]);
    assert!(stderr(&out).contains("已损坏"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&corrupt).unwrap(), vec![0x5a; 4096]);
}

#[test]
fn the_statement_pdf_has_extractable_chinese_and_the_capital_total() {
    let dir = TempDir::new().unwrap();
    let db = seed(&dir);
    let out = cashier(&["patient", "find", "--db", &db, "张三"]);
    let hit: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let case_no = hit["case_no"].as_str().unwrap();
    let pdf = dir.path().join("statement.pdf");
    let out = cashier(&["statement-pdf", "--db", &db, case_no, pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdftotext(&pdf);
    for expected in ["住院费用清单", "张三", case_no, "费用合计", "预交金合计", "小计"] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    // The fee total in figures and in 大写, as the store computes it.
    let total_line = text.lines().find(|l| l.contains("费用合计：")).expect("a total line");
    let figure = total_line.split_whitespace().find(|w| w.starts_with('¥')).expect("amount").replace([',', '¥'], "");
    let words = cashier(&["words", &figure]);
    assert!(total_line.contains(stdout(&words).trim()), "{total_line}");

    let out = cashier(&["statement-pdf", "--db", &db, "9999999999", pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("未找到"), "{}", stderr(&out));
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn device_register_refuses_a_plain_http_platform_before_creating_anything() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("counter.db");
    for url in ["http://127.0.0.1:8443", "HTTP://platform.example", "ftp://x", "https://", "127.0.0.1:8443"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cashier"))
            .args(["device", "register", "--db", db.to_str().unwrap(), "--platform", url])
            .args(["--ca", "ca.pem", "--name", "窗口1", "--admin", "admin"])
            .env("CASHIER_ADMIN_PASSWORD", "demo1234")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("平台地址必须以 https:// 开头"), "{url}: {}", stderr(&out));
        assert!(stderr(&out).contains("PLATFORM_NOT_HTTPS"), "{url}: {}", stderr(&out));
    }
    assert!(!db.exists(), "nothing is created for a refused address");
}

#[test]
fn passwords_are_never_taken_from_arguments() {
    let dir = TempDir::new().unwrap();
    let db = seed(&dir);
    for args in [
        vec!["sync", "--db", &db, "--as", "cashier", "--password", "demo1234"],
        vec!["pending", "list", "--db", &db, "--as", "supervisor", "--password", "demo1234"],
        vec!["device", "register", "--db", &db, "--platform", "https://127.0.0.1:1", "--ca", "ca.pem"],
    ] {
        let mut args = args;
        if args[0] == "device" {
            args.extend(["--name", "窗口1", "--admin", "admin", "--admin-password", "demo1234"]);
        }
        let out = cashier(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("unexpected argument"), "{args:?}: {}", stderr(&out));
    }
}
