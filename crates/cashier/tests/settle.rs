//! `cashier deposit`, `cashier settle` and `cashier fee-list-pdf` as scripts call them, and a
//! crash test: the settling process is killed at random moments, and afterwards the
//! admission is either fully settled or not at all.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;

fn cashier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cashier")).args(args).output().expect("the cashier binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn seed(dir: &TempDir) -> String {
    let db = dir.path().join("demo.db").to_str().unwrap().to_owned();
    let out =
        cashier(&["demo", "seed", "--db", &db, "--patients", "150", "--seed", "9", "--now", "2026-11-25 09:00:00"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

/// Case numbers of admissions whose fees have been audited (ready for discharge).
fn audited(db: &str) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = store::Store::open(std::path::Path::new(db), store::OpenMode::MustExist).await.unwrap();
        let mut conn = store.conn().await.unwrap();
        let mut out = Vec::new();
        for case_no in store::patients::case_numbers(&mut conn).await.unwrap() {
            let summary = store::patients::by_case_no(&mut conn, &domain::CaseNo::parse(&case_no).unwrap())
                .await
                .unwrap()
                .unwrap();
            if summary.state == domain::AdmissionState::FeesAudited {
                out.push(case_no);
            }
        }
        out
    })
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn deposit_trial_settle_and_refusals_from_the_command_line() {
    let dir = TempDir::new().unwrap();
    let db = seed(&dir);
    let case_no = audited(&db).remove(0);
    let receipt = json(&cashier(&[
        "deposit",
        "--db",
        &db,
        &case_no,
        "--tender",
        "现金:500.00",
        "--tender",
        "wechat:300",
        "--auth-code",
        "134567890123456789",
        "--cash-received",
        "600",
    ]));
    assert!(receipt["tenders"][1]["reference"].as_str().is_some_and(|t| t.starts_with("4200")), "{receipt}");
    assert_eq!((receipt["amount"].as_str(), receipt["change"].as_str()), (Some("800.00"), Some("100.00")));
    assert_eq!(receipt["amount_words"], "捌佰元整");
    for (args, message) in [
        (vec!["--tender", "现金:0"], "大于零"),
        (vec!["--tender", "现金:-5"], "大于零"),
        (vec!["--tender", "现金:1.001"], "两位小数"),
        (vec!["--tender", "现金:10000001"], "上限"),
        (vec!["--tender", "比特币:5"], "未知的支付方式"),
        (vec!["--tender", "现金500"], "格式应为"),
        (vec!["--tender", "现金:100", "--cash-received", "50"], "少于"),
    ] {
        let mut full = vec!["deposit", "--db", &db, &case_no];
        full.extend(args.iter().copied());
        let out = cashier(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains(message), "{args:?}: {}", text(&out.stderr));
    }
    let trial = json(&cashier(&["settle", "--db", &db, &case_no, "--trial"]));
    assert!(trial["version"].as_str().unwrap().starts_with("v1."));
    let due = trial["due"].as_str().unwrap().to_owned();
    let pdf = dir.path().join("settlement.pdf");
    let args: Vec<String> = if due.starts_with('-') || due == "0.00" {
        vec![]
    } else {
        let out =
            cashier(&["settle", "--db", &db, &case_no, "--tender", "银行卡:0.01", "--ref", "AB123456:123456789012"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("不符"), "{}", text(&out.stderr));
        vec!["--tender".into(), format!("银行卡:{due}"), "--ref".into(), "AB123456:123456789012".into()]
    };
    let mut full: Vec<&str> = vec!["settle", "--db", &db, &case_no, "--pdf", pdf.to_str().unwrap()];
    full.extend(args.iter().map(String::as_str));
    let settled = json(&cashier(&full));
    assert_eq!(settled["due"].as_str(), Some(due.as_str()));
    let pdf_text = pdftotext(&pdf);
    assert!(
        pdf_text.contains("出院结算单") && pdf_text.contains(settled["settlement_no"].as_str().unwrap()),
        "{pdf_text}"
    );
    let out = cashier(&["settle", "--db", &db, &case_no]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("不能重复结算"), "{}", text(&out.stderr));
    let out = cashier(&["deposit", "--db", &db, &case_no, "--tender", "现金:1"]);
    assert!(text(&out.stderr).contains("不能再交预交金"), "{}", text(&out.stderr));

    let list = dir.path().join("list.pdf");
    let out = cashier(&["fee-list-pdf", "--db", &db, &case_no, list.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(pdftotext(&list).contains("住院费用清单"));
}

#[test]
fn an_unaudited_account_cannot_be_settled() {
    let dir = TempDir::new().unwrap();
    let db = seed(&dir);
    let out = cashier(&["patient", "find", "--db", &db, "zs"]);
    let zhang: serde_json::Value = serde_json::from_str(text(&out.stdout).lines().next().unwrap()).unwrap();
    if zhang["state"]["code"] == "in_hospital" {
        let out = cashier(&["settle", "--db", &db, zhang["case_no"].as_str().unwrap(), "--trial"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("费用尚未审核通过"), "{}", text(&out.stderr));
    }
}

/// Kills `cashier settle` at increasing moments (the pause holds it inside the transaction
/// for the first trials), then checks the admission is settled completely or not at all.
#[test]
#[cfg_attr(not(feature = "fault-injection"), ignore = "needs the pause switch: --features fault-injection")]
fn a_settlement_killed_at_any_moment_is_whole_or_absent() {
    let dir = TempDir::new().unwrap();
    let db = seed(&dir);
    let candidates = audited(&db);
    assert!(candidates.len() >= 3, "the demo has audited patients");
    let mut settled_whole = 0;
    let mut left_untouched = 0;
    for (trial, case_no) in candidates.iter().enumerate().take(8) {
        let trial_json = json(&cashier(&["settle", "--db", &db, case_no, "--trial"]));
        let due = trial_json["due"].as_str().unwrap().to_owned();
        let mut command = Command::new(env!("CARGO_BIN_EXE_cashier"));
        command.args(["settle", "--db", &db, case_no]);
        if !due.starts_with('-') && due != "0.00" {
            command.args(["--tender", &format!("现金:{due}")]);
        }
        let pause_ms = if trial < 2 { 2_000 } else { 0 };
        command.env("CASHIER_PAUSE_BEFORE_COMMIT_MS", pause_ms.to_string()).stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = command.spawn().unwrap();
        let kill_after = if trial < 2 { 900 } else { 40 * (u64::try_from(trial).unwrap()) };
        std::thread::sleep(Duration::from_millis(kill_after));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // After the crash: either a settlement with state 已结算 and balance zero, or nothing.
        let after = cashier(&["settle", "--db", &db, case_no, "--trial"]);
        if after.status.success() {
            let again: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
            assert_eq!(again["version"], trial_json["version"], "nothing of the settlement was written");
            left_untouched += 1;
        } else {
            assert!(text(&after.stderr).contains("不能重复结算"), "{}", text(&after.stderr));
            let found = cashier(&["patient", "find", "--db", &db, case_no]);
            assert!(text(&found.stdout).contains("\"settled\""));
            settled_whole += 1;
        }
    }
    assert!(left_untouched >= 2, "the kills inside the transaction left nothing behind");
    eprintln!("crash trials: {settled_whole} settled whole, {left_untouched} untouched");
}

fn pdftotext(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext is installed");
    text(&out.stdout)
}
