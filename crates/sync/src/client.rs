//! HTTPS to the platform. The TLS configuration trusts only the CA given (the platform's own or
//! the hospital's), so a counter talks to its platform and nothing else.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;
use uuid::Uuid;
use wire::ErrorBody;
use wire::api::{
    ChangesAnswer, DeviceAnswer, LoginAnswer, LoginRequest, PendingItem, PushAnswer, PushBatch, RangeAnswer,
    RangeRequest, RegisterDevice, ResolvePending,
};

#[derive(Debug, Error)]
pub enum ClientError {
    /// No answer: network down, platform stopped, TLS broken. Stay offline and retry.
    #[error("无法连接平台：{0}")]
    Unreachable(String),
    /// The platform answered with an error.
    #[error("{}（{}）", .body.message, .body.code)]
    Refused { status: u16, body: ErrorBody },
    #[error("平台应答无法读取：{0}")]
    Garbled(String),
    #[error("平台证书无效：{0}")]
    Certificate(String),
    /// The counter's own database failed (busy, full, a row that cannot be read): nothing to do
    /// with the platform.
    #[error("本机数据库：{0}")]
    Local(#[from] store::StoreError),
    /// The device was registered but its secret could not be kept (no keyring, no writable
    /// folder): register it again once that is fixed.
    #[error("无法保存平台发给本机的设备密钥：{0}")]
    SecretNotKept(String),
}

impl ClientError {
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ClientError::Unreachable(_))
    }
    /// The session is gone (expired or revoked): log in again.
    pub fn needs_login(&self) -> bool {
        matches!(self, ClientError::Refused { status: 401, .. })
    }
    pub fn code(&self) -> &str {
        match self {
            ClientError::Unreachable(_) => "PLATFORM_UNREACHABLE",
            ClientError::Refused { body, .. } => &body.code,
            ClientError::Garbled(_) => "PLATFORM_GARBLED",
            ClientError::Certificate(_) => "PLATFORM_CERTIFICATE",
            ClientError::Local(store::StoreError::Busy) => "DB_LOCKED",
            ClientError::Local(_) => "LOCAL_STORE",
            ClientError::SecretNotKept(_) => "DEVICE_SECRET_NOT_KEPT",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
}

impl Client {
    /// A client for the platform at `base` (`https://host:port`) trusting the CA in `ca_pem`.
    /// Any other scheme is refused before anything is sent (`PLATFORM_NOT_HTTPS`).
    pub fn new(base: &str, ca_pem: &[u8], timeout: Duration) -> Result<Client, ClientError> {
        // This crate's own tests talk to a canned plain-HTTP server on the loopback.
        if !(cfg!(test) && base.starts_with("http://127.0.0.1:")) {
            require_https(base)
                .map_err(|message| ClientError::Refused { status: 0, body: ErrorBody::new(NOT_HTTPS, message) })?;
        }
        let mut roots = rustls::RootCertStore::empty();
        for cert in pem_certificates(ca_pem)? {
            roots.add(cert).map_err(|e| ClientError::Certificate(e.to_string()))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::Certificate(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            // Not even a redirect may leave TLS.
            .https_only(!cfg!(test))
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(3))
            .build()
            .map_err(|e| ClientError::Certificate(e.to_string()))?;
        Ok(Client { base: base.trim_end_matches('/').to_owned(), http })
    }

    /// The platform's address (`https://host:port`).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The HTTP client pinned to the platform's CA (for calls this crate has no wrapper for).
    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T, ClientError> {
        let response = request.send().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        if status == StatusCode::OK {
            return serde_json::from_slice(&bytes).map_err(|e| ClientError::Garbled(e.to_string()));
        }
        Err(refusal(status, &bytes))
    }

    pub(crate) fn post<B: Serialize>(&self, path: &str, token: Option<&str>, body: &B) -> reqwest::RequestBuilder {
        let request = self.http.post(format!("{}{path}", self.base)).json(body);
        match token {
            Some(t) => request.bearer_auth(t),
            None => request,
        }
    }

    pub(crate) fn get(&self, path_and_query: &str, token: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path_and_query}", self.base)).bearer_auth(token)
    }

    /// Sends raw bytes to `path` and returns the status and the JSON answer, whatever they are:
    /// for diagnostics and for the tests that check what the platform refuses.
    pub async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<(u16, serde_json::Value), ClientError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(bytes) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes);
        }
        let response = request.send().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)))
    }

    /// The platform's program version (`/version`, asked without a login).
    pub async fn version(&self) -> Result<String, ClientError> {
        self.plain("/version").await
    }

    /// The platform's `/health` answer (`ok`), asked without a login.
    pub async fn health(&self) -> Result<String, ClientError> {
        self.plain("/health").await
    }

    async fn plain(&self, path: &str) -> Result<String, ClientError> {
        let unreachable = |e: reqwest::Error| ClientError::Unreachable(e.to_string());
        let answer = self.http.get(format!("{}{path}", self.base)).send().await.map_err(unreachable)?;
        answer.text().await.map_err(unreachable)
    }

    pub async fn log_in(&self, request: &LoginRequest) -> Result<LoginAnswer, ClientError> {
        self.send(self.post("/api/v1/auth/login", None, request)).await
    }

    pub async fn register_device(&self, token: &str, request: &RegisterDevice) -> Result<DeviceAnswer, ClientError> {
        self.send(self.post("/api/v1/devices", Some(token), request)).await
    }

    pub async fn allocate_range(&self, token: &str, request: &RangeRequest) -> Result<RangeAnswer, ClientError> {
        self.send(self.post(&format!("/api/v1/devices/{}/ranges", request.device_id), Some(token), request)).await
    }

    pub async fn push(&self, token: &str, batch: &PushBatch) -> Result<PushAnswer, ClientError> {
        self.send(self.post("/api/v1/sync/push", Some(token), batch)).await
    }

    pub async fn changes(
        &self,
        token: &str,
        device: Uuid,
        after: i64,
        limit: i64,
    ) -> Result<ChangesAnswer, ClientError> {
        let url = format!("{}/api/v1/sync/changes?device_id={device}&after={after}&limit={limit}", self.base);
        self.send(self.http.get(url).bearer_auth(token)).await
    }

    pub async fn pending(&self, token: &str) -> Result<Vec<PendingItem>, ClientError> {
        self.send(self.http.get(format!("{}/api/v1/pending", self.base)).bearer_auth(token)).await
    }

    pub async fn resolve(&self, token: &str, key: Uuid, request: &ResolvePending) -> Result<PendingItem, ClientError> {
        self.send(self.post(&format!("/api/v1/pending/{key}/resolve"), Some(token), request)).await
    }
}

/// The code of a platform address that is not `https://` (refused by the counter itself).
pub const NOT_HTTPS: &str = "PLATFORM_NOT_HTTPS";

/// A platform address must be `https://host[:port]`: tokens and passwords never cross the
/// network in clear. The refusal in zh-CN.
pub fn require_https(base: &str) -> Result<(), String> {
    let host = base.get(..8).filter(|scheme| scheme.eq_ignore_ascii_case("https://")).map(|_| &base[8..]);
    match host {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(()),
        _ => Err(format!("平台地址必须以 https:// 开头（不接受未加密的 http:// 等地址）：{base}")),
    }
}

/// The platform's answer to a request it refused: its error body, or the HTTP status in words.
pub(crate) fn refusal(status: StatusCode, bytes: &[u8]) -> ClientError {
    let body = serde_json::from_slice::<ErrorBody>(bytes)
        .unwrap_or_else(|_| ErrorBody::new("HTTP_ERROR", format!("平台返回 {status}")));
    ClientError::Refused { status: status.as_u16(), body }
}

/// The certificates of a PEM file.
fn pem_certificates(bytes: &[u8]) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, ClientError> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClientError::Certificate(e.to_string()))
}
