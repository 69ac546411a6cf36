//! Uploading the registrations' materials (scanned pages) to the platform, resumably: for each
//! page the platform does not hold whole, ask what it holds and send only the chunks missing,
//! each with its SHA-256; a page it already holds whole (sent before, or by another counter) is
//! recognised and nothing is sent. An interrupted upload continues where it stopped next round.

use app::App;
use sha2::{Digest, Sha256};
use wire::blood::{CHUNK_SHA256_HEADER, MATERIAL_CHUNK_BYTES, MaterialStatus, chunk_count};

use crate::client::{Client, ClientError};

/// What a round uploaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct UploadReport {
    /// Chunks sent in this round.
    pub chunks_sent: u64,
    /// Pages the platform now holds whole (sent now or recognised).
    pub completed: u64,
    /// Pages whose file is missing from the data folder (named in the log).
    pub missing: u64,
}

/// Uploads every page the platform does not hold whole yet.
pub async fn upload_pending(app: &App, client: &Client, token: &str) -> Result<UploadReport, ClientError> {
    let mut report = UploadReport::default();
    let pending = app.materials_to_upload().await.map_err(|e| ClientError::Garbled(e.to_string()))?;
    for (sha256, path) in pending {
        let Some(path) = path else {
            tracing::warn!(%sha256, "a registration's page is missing from the data folder");
            report.missing += 1;
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|e| ClientError::Garbled(format!("{}：{e}", path.display())))?;
        report.chunks_sent += upload(client, token, &sha256, &bytes).await?;
        app.material_uploaded(&sha256).await.map_err(|e| ClientError::Garbled(e.to_string()))?;
        report.completed += 1;
    }
    Ok(report)
}

/// Sends the chunks of `bytes` the platform lacks; returns how many were sent.
pub async fn upload(client: &Client, token: &str, sha256: &str, bytes: &[u8]) -> Result<u64, ClientError> {
    let total = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let held = match status(client, token, sha256).await? {
        Some(status) if status.complete => return Ok(0),
        Some(status) => status.received,
        None => Vec::new(),
    };
    let mut sent = 0;
    for index in (0..chunk_count(total)).filter(|i| !held.contains(i)) {
        let start = usize::try_from(index * MATERIAL_CHUNK_BYTES).unwrap_or(usize::MAX);
        let end = bytes.len().min(start.saturating_add(usize::try_from(MATERIAL_CHUNK_BYTES).unwrap_or(usize::MAX)));
        let chunk = &bytes[start..end];
        let url = format!("{}/api/v1/materials/{sha256}/chunks/{index}?bytes={total}", client.base);
        let request = client
            .http
            .put(url)
            .bearer_auth(token)
            .header(CHUNK_SHA256_HEADER, hex::encode(Sha256::digest(chunk)))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(chunk.to_vec());
        let _: MaterialStatus = client.send(request).await?;
        sent += 1;
    }
    Ok(sent)
}

async fn status(client: &Client, token: &str, sha256: &str) -> Result<Option<MaterialStatus>, ClientError> {
    let url = format!("{}/api/v1/materials/{sha256}", client.base);
    match client.send(client.http.get(url).bearer_auth(token)).await {
        Ok(status) => Ok(Some(status)),
        Err(ClientError::Refused { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
