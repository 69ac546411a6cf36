//! Opening a counter's database: stand-alone, or — when it was registered with a platform
//! (`cashier device register`) — linked, with the session that talks to that platform.

use std::sync::Arc;
use std::time::Duration;

use app::link::Link;
use app::{App, AppConfig, AppError};
use store::settings;

use crate::approval::PlatformApprovals;
use crate::client::Client;
use crate::insurance::PlatformInsurance;
use crate::session::{self, Session, TokenStore};

pub use store::settings::{PLATFORM_CA, PLATFORM_URL};

/// A counter opened for work.
pub struct Counter {
    pub app: App,
    /// `None` for a stand-alone counter.
    pub session: Option<Arc<Session>>,
}

/// Opens the database of `config`; a registered one is reopened linked, its link starting as
/// `online` says (the sync loop corrects it at its first round), tokens kept in `tokens`.
pub async fn open(mut config: AppConfig, online: bool, tokens: TokenStore) -> Result<Counter, AppError> {
    let app = App::open(config.clone()).await?;
    let Some(device) = session::device_of(&app).await? else { return Ok(Counter { app, session: None }) };
    let mut conn = app.store().conn().await?;
    let url = settings::get(&mut conn, PLATFORM_URL).await?.ok_or_else(|| AppError::Refused("缺少平台地址".into()))?;
    let ca =
        settings::get(&mut conn, PLATFORM_CA).await?.ok_or_else(|| AppError::Refused("缺少平台 CA 证书".into()))?;
    drop(conn);
    let ca = std::fs::read(&ca).map_err(|e| AppError::Io(format!("无法读取平台 CA 证书 {ca}：{e}")))?;
    let client = Client::new(&url, &ca, Duration::from_secs(30)).map_err(|e| AppError::Io(e.to_string()))?;
    app.store().close().await;
    let link = Arc::new(Link::default());
    link.set_online(online, app.clock().now(), None);
    let secret = crate::device_secret::load(&config.db_path, device);
    let session = Arc::new(Session::new(client, device, tokens).proven(secret));
    config.demo = false;
    config.link = Some(link);
    // Insurance goes through the platform, which keeps insurance's answers and checks every
    // pushed settlement against them.
    config.insurance = Arc::new(PlatformInsurance { session: session.clone() });
    // So does the blood waiver: the platform holds the blood platform's connection and register.
    config.blood_platform = Some(Arc::new(crate::blood::PlatformBlood { session: session.clone() }));
    // Paper copies and their voids too: the platform registers them with the fiscal platform.
    config.paper_desk = Some(Arc::new(crate::paper::PlatformPaper { session: session.clone() }));
    // Approvals are tokens the platform issues once the approver's password checked out there.
    config.approvals = Some(Arc::new(PlatformApprovals { session: session.clone() }));
    // Closes too: the platform keeps every cashier's closes and checks each against its journal.
    config.close_desk = Some(Arc::new(crate::closes::PlatformCloses { session: session.clone() }));
    // WeChat and Alipay codes too: the platform holds the merchant credentials.
    config.pay_desk = Some(Arc::new(crate::pay::PlatformPay { session: session.clone() }));
    // 待处理 too: the operations the platform refused are the platform's.
    config.pending_desk = Some(Arc::new(crate::pending::PlatformPending { session: session.clone() }));
    let app = App::open(config).await?;
    Ok(Counter { app, session: Some(session) })
}

/// What registering a counter with its platform needs: where the platform is (https only) and
/// the CA its certificate chains to, an administrator of the platform (who it checks there), and
/// the counter as the platform will list it.
pub struct Registration<'a> {
    pub url: &'a str,
    pub ca: &'a std::path::Path,
    pub admin: (&'a str, &'a str),
    pub name: &'a str,
    pub place: &'a str,
    pub wards: Vec<String>,
}

/// Registers the counter whose database is `db` (created if missing) with its platform, and
/// remembers the address and the CA for the next start; the device id. The command line's
/// `device register` and the window's first start both come here.
pub async fn register(db: &std::path::Path, asked: &Registration<'_>) -> Result<uuid::Uuid, AppError> {
    // Before anything is created or sent: tokens and passwords never travel in clear.
    crate::client::require_https(asked.url)
        .map_err(|message| AppError::invalid(crate::client::NOT_HTTPS, message, "platform"))?;
    let io = |e: String| AppError::Io(e);
    let ca_bytes = std::fs::read(asked.ca).map_err(|e| io(format!("无法读取 CA 证书 {}：{e}", asked.ca.display())))?;
    let ca_path = std::fs::canonicalize(asked.ca).map_err(|e| io(e.to_string()))?;
    let client = Client::new(asked.url, &ca_bytes, Duration::from_secs(30)).map_err(|e| io(e.to_string()))?;
    let fresh = !db.exists();
    let mut config = AppConfig::new(db.to_owned());
    config.link = Some(Arc::new(Link::default()));
    let app = App::open(config).await?;
    let registered =
        session::register_device(&app, db, &client, asked.admin, asked.name, asked.place, asked.wards.clone()).await;
    let device = match registered {
        Ok(device) => device,
        Err(e) => {
            // A database made only for this attempt goes again: left behind, the next start
            // would open an empty stand-alone counter nobody can log in to.
            app.store().close().await;
            if fresh {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
            }
            return Err(io(e.to_string()));
        }
    };
    let mut conn = app.store().conn().await?;
    settings::set(&mut conn, PLATFORM_URL, asked.url).await?;
    settings::set(&mut conn, PLATFORM_CA, &ca_path.display().to_string()).await?;
    drop(conn);
    app.store().close().await;
    Ok(device)
}
