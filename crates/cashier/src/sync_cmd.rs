//! `cashier device register` and `cashier sync`: linking a counter's database to a platform and
//! running sync rounds from the command line (operations, scripts, fault tests).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use app::{App, AppConfig, AppError, Operator};
use clap::Subcommand;
use contract::session::LoginRequest;
use sync::session::{self, TokenStore};
use sync::{Session, Syncer};

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Registers this database's counter with a platform (creates the database if missing). The
    /// administrator's password comes from `CASHIER_ADMIN_PASSWORD`, or is asked on the terminal.
    Register {
        #[arg(long)]
        db: PathBuf,
        /// `https://host:port` (a plain `http://` address is refused).
        #[arg(long)]
        platform: String,
        /// The CA certificate the platform's certificate must chain to (pinned).
        #[arg(long)]
        ca: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "counter")]
        place: String,
        /// Ward codes served, comma-separated; empty for all.
        #[arg(long, default_value = "")]
        wards: String,
        #[arg(long)]
        admin: String,
    },
}

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Io(e.to_string())
}

/// Opens a database; when it is registered with a platform, linked, so its operations go to the
/// outbox (the command line assumes the platform can be reached).
pub async fn open(db: &Path, pause: Option<Duration>) -> Result<App, AppError> {
    Ok(open_counter(db, pause).await?.app)
}

/// Opens the counter for `username`'s settlement: a counter linked to a platform asks insurance
/// through the platform, so the user logs in there first when `CASHIER_PASSWORD` holds their
/// password (online if the platform answers, against the local cache otherwise); without it,
/// and at a stand-alone counter, the console's user is taken as named.
pub async fn open_for_settlement(
    db: &Path,
    username: &str,
    pause: Option<Duration>,
) -> Result<(App, Operator), AppError> {
    let counter = open_counter(db, pause).await?;
    let password = std::env::var("CASHIER_PASSWORD").ok().filter(|p| !p.is_empty());
    let operator = match (&counter.session, password) {
        (Some(session), Some(password)) => {
            let request = LoginRequest { username: username.to_owned(), password };
            session.log_in(&counter.app, &request).await?.0
        }
        _ => counter.app.console_operator(username).await?,
    };
    Ok((counter.app, operator))
}

async fn open_counter(db: &Path, pause: Option<Duration>) -> Result<sync::counter::Counter, AppError> {
    let mut config = AppConfig::new(db.to_owned());
    config.pause_before_commit = pause;
    sync::counter::open(config, true, TokenStore::memory()).await
}

/// The session of a registered database.
fn session_of(counter: &sync::counter::Counter) -> Result<Arc<Session>, AppError> {
    counter.session.clone().ok_or_else(|| AppError::Refused("本机尚未在平台登记（cashier device register）".into()))
}

pub async fn register(command: DeviceCommand) -> Result<(), AppError> {
    let DeviceCommand::Register { db, platform, ca, name, place, wards, admin } = command;
    // Refused before the password is asked: tokens and passwords never travel in clear.
    sync::client::require_https(&platform)
        .map_err(|message| AppError::invalid(sync::client::NOT_HTTPS, message, "platform"))?;
    let admin_password = crate::password::read("CASHIER_ADMIN_PASSWORD", &format!("平台管理员 {admin} 的密码："))?;
    let wards: Vec<String> = wards.split(',').map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    let asked = sync::counter::Registration {
        url: &platform,
        ca: &ca,
        admin: (&admin, &admin_password),
        name: &name,
        place: &place,
        wards,
    };
    let device = sync::counter::register(&db, &asked).await?;
    println!("{}", serde_json::json!({ "device_id": device }));
    Ok(())
}

/// The platform's trouble as the command line reports it: unreachable (retry later) or refused.
fn platform_error(e: sync::ClientError) -> AppError {
    match e {
        sync::ClientError::Local(local) => AppError::Store(local),
        e if e.is_unreachable() => AppError::Rule { code: "PLATFORM_UNREACHABLE", message: e.to_string() },
        e => AppError::Rule { code: "PLATFORM_REFUSED", message: e.to_string() },
    }
}

/// Logs in online and runs `rounds` sync rounds; prints what they did as JSON.
pub async fn sync(
    db: &Path,
    username: &str,
    password: &str,
    rounds: u32,
    reserve: Option<i64>,
    pause: Option<Duration>,
) -> Result<(), AppError> {
    let counter = open_counter(db, pause).await?;
    let session = session_of(&counter)?;
    let app = counter.app;
    let (operator, mode) =
        session.log_in(&app, &LoginRequest { username: username.to_owned(), password: password.to_owned() }).await?;
    if let session::LoginMode::Offline(reason) = mode {
        return Err(AppError::Rule { code: "PLATFORM_UNREACHABLE", message: format!("无法连接平台：{reason}") });
    }
    if let Some(numbers) = reserve {
        session.top_up_ranges(&app, &operator.username, numbers, numbers).await.map_err(io)?;
    }
    let link = app.link().cloned().unwrap_or_default();
    let syncer = Syncer::new(app.clone(), session, link);
    syncer.set_user(Some(operator.username));
    let mut total = sync::syncer::Round::default();
    for _ in 0..rounds.max(1) {
        let round = syncer.round().await.map_err(platform_error)?;
        total.pulled += round.pulled;
        total.push_time += round.push_time;
        total.pull_time += round.pull_time;
        total.pushed.sent += round.pushed.sent;
        total.pushed.applied += round.pushed.applied;
        total.pushed.duplicate += round.pushed.duplicate;
        total.pushed.rejected += round.pushed.rejected;
        total.pushed.invalid += round.pushed.invalid;
        total.pushed.failed += round.pushed.failed;
        total.uploaded.chunks_sent += round.uploaded.chunks_sent;
        total.uploaded.completed += round.uploaded.completed;
        total.uploaded.missing += round.uploaded.missing;
    }
    let status = app.link_status().await?;
    println!(
        "{}",
        serde_json::json!({
            "sent": total.pushed.sent, "applied": total.pushed.applied, "duplicate": total.pushed.duplicate,
            "rejected": total.pushed.rejected, "invalid": total.pushed.invalid, "failed_now": total.pushed.failed,
            "pulled": total.pulled, "waiting": status.waiting, "refused": status.refused, "failed": status.failed,
            "push_ms": total.push_time.as_millis(), "pull_ms": total.pull_time.as_millis(),
            "material_chunks_sent": total.uploaded.chunks_sent, "materials_uploaded": total.uploaded.completed,
            "materials_missing": total.uploaded.missing,
        })
    );
    Ok(())
}

#[derive(Subcommand)]
pub enum PendingCommand {
    /// Lists the operations the platform refused (待处理), open ones first, as JSON.
    List {
        #[arg(long)]
        db: PathBuf,
        #[arg(long = "as")]
        username: String,
    },
    /// Resolves one (supervisor): `refund` (money given back) or `deposit` (kept as a deposit).
    Resolve {
        #[arg(long)]
        db: PathBuf,
        key: uuid::Uuid,
        #[arg(long)]
        action: String,
        #[arg(long)]
        note: String,
        #[arg(long = "as")]
        username: String,
    },
}

/// The pending list, from the platform (it decides; the counter only shows and asks). The
/// password comes from `CASHIER_PASSWORD`, or is asked on the terminal.
pub async fn pending(command: PendingCommand) -> Result<(), AppError> {
    let (db, username) = match &command {
        PendingCommand::List { db, username } | PendingCommand::Resolve { db, username, .. } => (db, username),
    };
    let password = crate::password::read("CASHIER_PASSWORD", &format!("{username} 的密码："))?;
    let counter = open_counter(db, None).await?;
    let session = session_of(&counter)?;
    let app = counter.app;
    let request = LoginRequest { username: username.clone(), password };
    if let (_, session::LoginMode::Offline(reason)) = session.log_in(&app, &request).await? {
        return Err(AppError::Rule { code: "PLATFORM_UNREACHABLE", message: format!("无法连接平台：{reason}") });
    }
    let token = session.token(username).ok_or_else(|| AppError::Refused("请重新登录".into()))?;
    let shown = match command {
        PendingCommand::List { .. } => {
            serde_json::to_value(session.client.pending(&token).await.map_err(platform_error)?).map_err(io)?
        }
        PendingCommand::Resolve { key, action, note, .. } => {
            let request = wire::api::ResolvePending { action, note };
            serde_json::to_value(session.client.resolve(&token, key, &request).await.map_err(platform_error)?)
                .map_err(io)?
        }
    };
    println!("{shown}");
    Ok(())
}
