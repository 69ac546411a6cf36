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
