//! How `platform serve` holds the payment channels: the merchant keys their notifications are
//! signed with, the refund windows of the hospital's contracts, where the sandboxes keep their registers (so they outlive a restart, as the
//! services' do), and where and how patiently the sandboxes announce payments made in the
//! hospital's app (the platform's own notify URL, over HTTPS).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::sandbox_pay::Notifier;
use channels::sandbox::SandboxChannel;
use domain::Tender;
use domain::account::refund_windows::RefundWindows;

use crate::{AppState, MerchantKeys};

#[derive(Debug, clap::Args)]
pub struct ChannelConfig {
    /// WeChat Pay's merchant key (商户密钥, APIv2) notifications are signed with.
    #[arg(long, env = "PLATFORM_WECHAT_KEY", default_value = "sandbox-wechat-merchant-key", hide_env_values = true)]
    pub wechat_key: String,
    /// Alipay's key notifications are checked with (the sandbox signs with HMAC-SHA256).
    #[arg(long, env = "PLATFORM_ALIPAY_KEY", default_value = "sandbox-alipay-merchant-key", hide_env_values = true)]
    pub alipay_key: String,
    /// A folder where the sandbox channels keep their registers (`wechat.json`, `alipay.json`);
    /// without it they live in memory.
    #[arg(long, env = "PLATFORM_CHANNEL_REGISTER")]
    pub channel_register: Option<PathBuf>,
    /// The notify URL the sandboxes announce app payments to (default: this server's own,
    /// `https://localhost:PORT/channels/v1/notify`).
    #[arg(long, env = "PLATFORM_NOTIFY_URL")]
    pub notify_url: Option<String>,
    /// The CA the notify URL's certificate is checked with (default: `ca.pem` beside `--cert`).
    #[arg(long, env = "PLATFORM_NOTIFY_CA")]
    pub notify_ca: Option<PathBuf>,
    /// The channels' refund windows under the hospital's contracts, in days after payment
    /// (`none`: no limit); counters take them at login.
    #[arg(long, env = "PLATFORM_REFUND_WINDOWS", default_value = "wechat=365,alipay=90,card=180,sscard=365")]
    pub refund_windows: String,
    /// How many announcements of an app payment that cannot be credited (the case unknown, the
    /// admission settled) are answered "not yet" before it is refunded by its route.
    #[arg(long, env = "PLATFORM_MOBILE_CREDIT_ATTEMPTS", default_value_t = 3)]
    pub mobile_credit_attempts: u32,
    /// The waits before each announcement, in ms (WeChat's own: 15 s, 15 s, 30 s, 3 min, …).
    #[arg(
        long,
        env = "PLATFORM_NOTIFY_RETRY_MS",
        value_delimiter = ',',
        default_value = "0,15000,15000,30000,180000,600000"
    )]
    pub notify_retry_ms: Vec<u64>,
}

impl ChannelConfig {
    /// Sets `state`'s channels, keys and notifier (after its clock).
    pub async fn apply(&self, state: &mut AppState, listen: SocketAddr, cert: &Path) -> anyhow::Result<()> {
        state.merchant_keys = MerchantKeys { wechat: self.wechat_key.clone(), alipay: self.alipay_key.clone() };
        state.refund_windows = RefundWindows::parse(&self.refund_windows)?;
        state.mobile_credit_attempts = self.mobile_credit_attempts.max(1);
        // The sandboxes keep the platform's time (trials may shift it), in memory or on file.
        let mut sandboxes = Vec::new();
        for tender in [Tender::WeChat, Tender::Alipay] {
            let sandbox = match &self.channel_register {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    let file = dir.join(format!("{}.json", tender.code()));
                    SandboxChannel::keeping(tender, Duration::ZERO, file, state.clock().of_channels())
                        .map_err(anyhow::Error::msg)?
                }
                None => SandboxChannel::new(tender, Duration::ZERO, state.clock().of_channels()),
            };
            sandboxes.push(Arc::new(sandbox));
        }
        remember_what_was_paid(&state.pool, &sandboxes).await?;
        state.channels = sandboxes.iter().map(|s| s.clone() as Arc<dyn channels::PayChannel>).collect();
        state.sandboxes = sandboxes;
        let url = self
            .notify_url
            .clone()
            .unwrap_or_else(|| format!("https://localhost:{}/channels/v1/notify", listen.port()));
        let ca = self.notify_ca.clone().unwrap_or_else(|| cert.with_file_name("ca.pem"));
        match std::fs::read(&ca) {
            Ok(pem) => {
                let schedule = self.notify_retry_ms.iter().map(|ms| Duration::from_millis(*ms)).collect();
                state.notifier = Some(Arc::new(Notifier::new(&url, &pem, schedule).map_err(anyhow::Error::msg)?));
            }
            Err(e) => eprintln!("沙箱渠道的通知地址证书 {} 无法读取（{e}）：移动支付通知不可用", ca.display()),
        }
        Ok(())
    }
}

/// A channel knows every payment it ever took: the sandboxes (in memory, or on file since some
/// later day) learn the paid orders the platform recorded — the demo's seeded ones included —
/// so any of them can still go back by its route.
async fn remember_what_was_paid(pool: &sqlx::PgPool, sandboxes: &[Arc<SandboxChannel>]) -> anyhow::Result<()> {
    let paid: Vec<(String, String, String, i64, chrono::NaiveDateTime)> = sqlx::query_as(
        "SELECT o.order_no, o.tender, e.transaction_id, o.amount_fen, e.at
         FROM channel_orders o JOIN channel_order_events e ON e.order_no = o.order_no AND e.outcome = 'paid'
         WHERE NOT EXISTS (SELECT 1 FROM channel_order_events c WHERE c.order_no = o.order_no AND c.outcome = 'cancelled')
         ORDER BY e.at",
    )
    .fetch_all(pool)
    .await?;
    for sandbox in sandboxes {
        let tender = channels::PayChannel::tender(sandbox.as_ref());
        let history = paid.iter().filter(|p| p.1 == tender.code()).filter_map(|(order_no, _, transaction, fen, at)| {
            Some((order_no.clone(), transaction.clone(), domain::Money::from_fen(*fen).ok()?, *at))
        });
        let learned = sandbox.remember_paid(history).map_err(anyhow::Error::msg)?;
        if learned > 0 {
            tracing::info!(tender = tender.code(), learned, "the sandbox channel learned the payments recorded here");
        }
    }
    Ok(())
}
