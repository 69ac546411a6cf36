//! A registration's scanned pages on their way to the platform, over real HTTPS against the
//! real platform on PostgreSQL: 20 MB cut off mid-way resumes without sending a finished chunk
//! again; a chunk damaged, out of range, of the wrong length or naming a file it is not part of
//! changes nothing. Run by `scripts/test.sh` (needs `CASHIER_TEST_PG`).

mod blood_support;
mod common;

use blood_support::*;
use common::proxy::Proxy;
use common::{Counter, Platform, runtime, text, token};
use serde_json::Value;

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
    register_spouse_with(&counter, &case_no, "ZJ2024000999", &pages);

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
