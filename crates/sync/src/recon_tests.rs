//! Tests of the review's client side: names and paths, what is refused before anything is sent,
//! and the calls against a small canned HTTP server (query encoding, the statement's file name).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use contract::recon::{ItemFilter, ResolveItem};
use uuid::Uuid;

use super::*;
use crate::session::TokenStore;

fn session(base: &str) -> Session {
    let client = Client::new(base, b"", Duration::from_secs(5)).unwrap();
    Session::new(client, Uuid::now_v7(), TokenStore::memory())
}

fn with_token(session: &Session, username: &str) {
    session.tokens.set(&format!("{}:{username}", session.device), "t0ken");
}

/// Answers each connection with the next canned response and reports the request line (and the
/// `Authorization` header) it got.
fn serve(responses: Vec<Vec<u8>>) -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let (mut auth, mut length) = (String::new(), 0usize);
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let lower = line.to_ascii_lowercase();
                if let Some(value) = lower.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if lower.starts_with("authorization:") {
                    auth = line.trim().to_owned();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            stream.write_all(&response).unwrap();
            tx.send((request_line.trim().to_owned(), auth)).unwrap();
        }
    });
    (base, rx)
}

fn answer(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n", body.len())
        .into_bytes();
    out.extend_from_slice(body);
    out
}

#[test]
fn file_names_come_from_the_header_and_stay_in_the_folder() {
    let header = "attachment; filename*=UTF-8''%E5%BE%AE%E4%BF%A1%E5%AF%B9%E8%B4%A6%E5%8D%95-20250516.csv";
    assert_eq!(attachment_name(header).as_deref(), Some("微信对账单-20250516.csv"));
    assert_eq!(attachment_name("attachment; filename=\"ledger.csv\"").as_deref(), Some("ledger.csv"));
    assert_eq!(attachment_name("inline"), None);
    assert_eq!(safe_file_name("../../etc/passwd").as_deref(), Some("passwd"));
    assert_eq!(safe_file_name("..\\a:b.csv").as_deref(), Some("ab.csv"));
    assert_eq!(safe_file_name(".."), None);
    assert_eq!(path_segment("2025-05-16/wechat 1"), "2025-05-16%2Fwechat%201");
}

#[test]
fn a_resolution_needs_a_reason_and_with_channel_basis_a_correction() {
    let ask = |basis: &str, reason: &str, correction: Option<&str>| {
        checked_resolution(&ResolveItem {
            basis: basis.into(),
            reason: reason.into(),
            correction: correction.map(str::to_owned),
        })
    };
    assert_eq!(ask("platform", "  ", None).unwrap_err().message, "请填写处理说明");
    assert_eq!(ask("channel", "渠道已扣款", None).unwrap_err().code, "RECON_CORRECTION_REQUIRED");
    assert_eq!(ask("channel", "渠道已扣款", Some("nonsense")).unwrap_err().code, "RECON_CORRECTION_REQUIRED");
    assert_eq!(ask("platform", " 已核实 ", Some("supplement")).unwrap().correction, None);
    assert_eq!(ask("platform", " 已核实 ", None).unwrap().reason, "已核实");
    assert_eq!(ask("channel", "补录", Some("supplement")).unwrap().correction.as_deref(), Some("supplement"));
    assert_eq!(ask("other", "x", None).unwrap_err().code, "RECON_BAD_BASIS");
}

#[test]
fn only_finance_supervisors_and_administrators_review() {
    assert!(!may_review(Role::Cashier));
    assert!(may_review(Role::Finance) && may_review(Role::Supervisor) && may_review(Role::Admin));
}

#[tokio::test]
async fn without_a_platform_token_or_a_platform_it_says_what_to_do() {
    // Port 9 (discard) is closed here: the connection is refused at once.
    let session = session("http://127.0.0.1:9");
    let review = Review::new(&session, "finance");
    let error = review.batches("2025-05-16").await.unwrap_err();
    assert_eq!((error.code.as_str(), error.message.as_str()), ("NOT_LOGGED_IN", "请重新登录（平台会话已过期）"));
    assert_eq!(review.batches("2025-5-16").await.unwrap_err().code, "RECON_BAD_DAY");
    with_token(&session, "finance");
    let error = review.batches("2025-05-16").await.unwrap_err();
    assert_eq!((error.code.as_str(), error.message.as_str()), (PLATFORM_UNREACHABLE, "无法连接平台，对账需要在线"));
    let decision = DecideCorrection { approve: false, note: String::new() };
    assert_eq!(review.decide("x", "super", "pw", &decision).await.unwrap_err().field.as_deref(), Some("note"));
    assert_eq!(review.decide("x", " ", "pw", &decision).await.unwrap_err().field.as_deref(), Some("supervisor"));
}

#[tokio::test]
async fn items_are_asked_for_with_the_filter_and_errors_keep_the_platforms_words() {
    let refused = r#"{"code":"FORBIDDEN","message":"只有财务、主管或管理员可以对账"}"#.as_bytes();
    let (base, seen) = serve(vec![
        answer("200 OK", "Content-Type: application/json\r\n", b"[]"),
        answer("403 Forbidden", "Content-Type: application/json\r\n", refused),
        answer("401 Unauthorized", "Content-Type: application/json\r\n", br#"{"code":"TOKEN_EXPIRED","message":"x"}"#),
    ]);
    let session = session(&base);
    with_token(&session, "finance");
    let review = Review::new(&session, "finance");
    let filter = ItemFilter {
        day: "2025-05-16".into(),
        channel: Some("wechat".into()),
        cause: Some("platform_wechat/refund".into()),
        state: Some(String::new()),
        ..ItemFilter::default()
    };
    assert!(review.items(&filter).await.unwrap().is_empty());
    let (line, auth) = seen.recv().unwrap();
    assert_eq!(line, "GET /api/v1/recon/items?day=2025-05-16&channel=wechat&cause=platform_wechat%2Frefund HTTP/1.1");
    assert_eq!(auth.to_ascii_lowercase(), "authorization: bearer t0ken");
    let error = review.items(&filter).await.unwrap_err();
    assert_eq!((error.code.as_str(), error.message.as_str()), ("FORBIDDEN", "只有财务、主管或管理员可以对账"));
    assert_eq!(review.batches("2025-05-16").await.unwrap_err().code, "NOT_LOGGED_IN");
}

#[tokio::test]
async fn a_statement_is_saved_under_the_platforms_name() {
    let body = "交易时间,商户订单号,金额\n2025-05-16 09:00:00,P1,12.00\n总交易单数,1\n".as_bytes();
    let header = "Content-Disposition: attachment; filename*=UTF-8''%E5%BE%AE%E4%BF%A1-2025-05-16.csv\r\n";
    let (base, seen) = serve(vec![
        answer("200 OK", header, body),
        answer("404 Not Found", "", r#"{"code":"NOT_FOUND","message":"没有这份对账单"}"#.as_bytes()),
    ]);
    let session = session(&base);
    with_token(&session, "finance");
    let review = Review::new(&session, "finance");
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    let saved = review.download_statement(7, &exports).await.unwrap();
    assert_eq!(seen.recv().unwrap().0, "GET /api/v1/recon/statements/7 HTTP/1.1");
    assert_eq!(saved.path, exports.join("微信-2025-05-16.csv").display().to_string());
    assert_eq!(saved.rows, 3);
    assert_eq!(std::fs::read(&saved.path).unwrap(), body);
    let error = review.download_statement(8, &exports).await.unwrap_err();
    assert_eq!((error.code.as_str(), error.message.as_str()), ("NOT_FOUND", "没有这份对账单"));
    let left: Vec<_> = std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "no temporary file left behind: {left:?}");
}

#[tokio::test]
async fn the_export_holds_what_the_filter_lists() {
    let item = ReconItem {
        id: "2025-05-16/wechat/P1".into(),
        day: "2025-05-16".into(),
        channel: contract::Tag::new("wechat", "微信"),
        class: contract::Tag::new("platform_only", "平台单边"),
        side: "platform".into(),
        kind: contract::Tag::new("payment", "支付"),
        record_channel: "wechat".into(),
        order_no: "P1".into(),
        third_party_no: String::new(),
        refund_no: String::new(),
        platform_amount: Some(contract::Yuan(domain::Money::parse("1234.50").unwrap())),
        counterpart_amount: None,
        difference: None,
        direction: None,
        platform_status: Some("SUCCESS".into()),
        counterpart_status: None,
        at: "2025-05-16 10:00:00".into(),
        cause: contract::Tag::new("platform_wechat/payment", "平台-微信 / 支付"),
        state: contract::Tag::new("open", "待处理"),
        correction: None,
        reason: None,
        resolved_by: None,
        approved_by: None,
    };
    let body = serde_json::to_vec(&vec![item]).unwrap();
    let (base, seen) = serve(vec![answer("200 OK", "Content-Type: application/json\r\n", &body)]);
    let session = session(&base);
    with_token(&session, "finance");
    let dir = tempfile::tempdir().unwrap();
    let filter = ItemFilter { day: "2025-05-16".into(), class: Some("platform_only".into()), ..ItemFilter::default() };
    let saved = Review::new(&session, "finance").export(&filter, dir.path(), &|_| ()).await.unwrap();
    assert_eq!(seen.recv().unwrap().0, "GET /api/v1/recon/items?day=2025-05-16&class=platform_only HTTP/1.1");
    assert_eq!(saved.rows, 1);
    assert_eq!(saved.path, dir.path().join("对账差异-2025-05-16.xlsx").display().to_string());
    assert!(std::fs::read(&saved.path).unwrap().starts_with(b"PK"), "an XLSX (a ZIP)");
}
