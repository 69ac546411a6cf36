//! The sandbox channels' side of a payment made in the hospital's app: the notifier announces
//! it to the merchant's notify URL over HTTPS, signed with the merchant key, again and again
//! until the merchant answers that it took it — the services' behaviour (WeChat Pay tries 15
//! times over a day; the sandbox's schedule is given) — and `platform sandbox-pay deposit`, the
//! patient's phone, pays through the sandbox's door (`/sandbox/v1/app-pay`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use channels::notify::{Notification, body, taken};

/// Where the notifications go, and how patiently.
#[derive(Clone, Debug)]
pub struct Notifier {
    http: reqwest::Client,
    /// The merchant's notify URL without the channel (`https://host:port/channels/v1/notify`).
    pub url: String,
    /// The waits before each attempt.
    pub schedule: Vec<Duration>,
}

impl Notifier {
    /// A notifier trusting the CA in `ca_pem` (the merchant's server certificate's issuer).
    pub fn new(url: &str, ca_pem: &[u8], schedule: Vec<Duration>) -> Result<Notifier, String> {
        Ok(Notifier { http: https_client(ca_pem)?, url: url.trim_end_matches('/').to_owned(), schedule })
    }

    /// Announces `n` until taken; whether it was.
    pub async fn announce(&self, n: &Notification, key: &str) -> bool {
        let url = format!("{}/{}", self.url, n.tender.code());
        for (attempt, wait) in self.schedule.iter().enumerate() {
            tokio::time::sleep(*wait).await;
            let (content_type, text) = body(n, key, &format!("{}{attempt}", n.transaction_id));
            let sent = self.http.post(&url).header("content-type", content_type).body(text).send().await;
            match sent {
                Ok(answer) => {
                    let said = answer.text().await.unwrap_or_default();
                    if taken(n.tender, &said) {
                        return true;
                    }
                    tracing::info!(transaction = %n.transaction_id, attempt, answer = %said, "notification not taken; announced again later");
                }
                Err(e) => {
                    tracing::info!(transaction = %n.transaction_id, attempt, error = %e, "notification not delivered")
                }
            }
        }
        tracing::warn!(transaction = %n.transaction_id, "notification given up: the merchant never took it");
        false
    }
}

/// An HTTPS-only client trusting the CA in `ca_pem`.
pub fn https_client(ca_pem: &[u8]) -> Result<reqwest::Client, String> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(cert.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .https_only(true)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())
}

/// `platform sandbox-pay deposit`: pays `amount` for `case_no` by `channel` in the app at the
/// platform `url`; the platform's answer (order and transaction numbers) as JSON text.
pub async fn deposit(
    url: &str,
    ca: &Path,
    case_no: &str,
    amount: &str,
    channel: &str,
    twice: bool,
) -> anyhow::Result<String> {
    let pem = std::fs::read(ca).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", ca.display()))?;
    let client = https_client(&pem).map_err(anyhow::Error::msg)?;
    let body = serde_json::json!({ "channel": channel, "case_no": case_no, "amount": amount, "twice": twice });
    let answer = client
        .post(format!("{}/sandbox/v1/app-pay", url.trim_end_matches('/')))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await?;
    let status = answer.status();
    let text = answer.text().await?;
    if !status.is_success() {
        anyhow::bail!("沙箱渠道未收款（{status}）：{text}");
    }
    Ok(text)
}

/// `platform sandbox-pay …`.
#[derive(Debug, clap::Subcommand)]
pub enum SandboxPayCommand {
    /// Pays a deposit for the admission in the hospital's app (prints the order as JSON).
    Deposit {
        case_no: String,
        amount: String,
        /// `wechat` or `alipay`.
        #[arg(long, default_value = "wechat")]
        channel: String,
        /// The platform (`https://host:port`).
        #[arg(long, env = "PLATFORM_URL", default_value = "https://localhost:8443")]
        url: String,
        /// The CA its certificate is checked with.
        #[arg(long, env = "PLATFORM_CA")]
        ca: PathBuf,
        /// The channel announces it twice.
        #[arg(long)]
        twice: bool,
    },
}
