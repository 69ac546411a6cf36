//! Resource limits of the platform, attacked through the real upload endpoint over HTTPS with a
//! real PostgreSQL: a zip bomb (one Alipay-style entry of 300 MiB of zeros, deflated to a few
//! hundred KB), the same bomb declaring a small size, and a zip of too many entries are each
//! refused with their named code before anything is inflated past the limits, and nothing is
//! stored. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod common;

use std::io::{Cursor, Write};
use std::time::Duration;

use common::{PASSWORD, Platform};
use reqwest::Method;
use sync::Client;
use wire::api::LoginRequest;

/// A deflated zip of `(name, size)` entries of zeros, written 1 MiB at a time.
fn zeros_zip(entries: &[(&str, usize)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let chunk = vec![0u8; 1 << 20];
    for (name, size) in entries {
        writer.start_file(*name, options).unwrap();
        let mut left = *size;
        while left > 0 {
            let n = left.min(chunk.len());
            writer.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
    }
    writer.finish().unwrap().into_inner()
}

/// Overwrites the uncompressed size the (only) entry's local header and central directory declare.
fn declare_size(zip: &mut [u8], size: u32) {
    for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let at = zip.windows(4).position(|w| w == signature).unwrap() + offset;
        zip[at..at + 4].copy_from_slice(&size.to_le_bytes());
    }
}

#[test]
#[ignore = "needs CASHIER_TEST_PG (scripts/test.sh starts PostgreSQL)"]
fn zip_bombs_and_crowded_zips_are_refused_by_name_and_nothing_is_stored() {
    let platform = Platform::start("limits", 3);
    let detail = "20881234567890123456_20261124_业务明细.csv";
    let bomb = zeros_zip(&[(detail, 300 << 20)]);
    assert!(bomb.len() < 400 << 10, "the bomb fits the body limit: {} bytes", bomb.len());
    let mut liar = bomb.clone();
    declare_size(&mut liar, 1 << 20);
    let names: Vec<String> = (0..40).map(|i| format!("{i}_业务明细.csv")).collect();
    let crowded = zeros_zip(&names.iter().map(|n| (n.as_str(), 10)).collect::<Vec<_>>());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let ca = std::fs::read(platform.ca()).unwrap();
        let client = Client::new(&platform.https(), &ca, Duration::from_secs(60)).unwrap();
        let request = LoginRequest {
            username: "finance".into(),
            password: PASSWORD.into(),
            device_id: None,
            device_secret: None,
        };
        let finance = client.log_in(&request).await.unwrap().token;
        let stored_before = platform.sql("SELECT count(*) FROM recon_statements");
        let upload = "/api/v1/recon/statements?day=2026-11-24&channel=alipay&name=alipay.zip";
        for (what, zip, code) in [
            ("a 300 MiB entry of zeros", bomb, "ARCHIVE_RATIO"),
            ("the bomb declaring 1 MiB", liar, "ARCHIVE_TOO_LARGE"),
            ("40 entries", crowded, "ARCHIVE_TOO_MANY_ENTRIES"),
        ] {
            let (status, body) = client.raw(Method::POST, upload, Some(&finance), Some(zip)).await.unwrap();
            assert_eq!((status, body["code"].as_str()), (400, Some(code)), "{what}: {body}");
            let message = body["message"].as_str().unwrap_or_default();
            assert!(message.contains("alipay.zip") && message.contains("未导入"), "{what}: {message}");
        }
        assert_eq!(platform.sql("SELECT count(*) FROM recon_statements"), stored_before, "nothing stored");
        // The server is still there and answers.
        let (status, _) =
            client.raw(Method::GET, "/api/v1/recon/batches?day=2026-11-24", Some(&finance), None).await.unwrap();
        assert_eq!(status, 200);
    });
}
