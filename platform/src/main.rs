//! `platform`: run the platform server, migrate its database, seed the demo hospital, add users,
//! make development certificates, and verify the audit chain.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDateTime;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "platform", about = "统一支付结算平台（参考实现）")]
struct Cli {
    /// PostgreSQL URL (or DATABASE_URL).
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the API over TLS.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        #[arg(long)]
        cert: PathBuf,
        #[arg(long)]
        key: PathBuf,
        /// Token lifetime in hours.
        #[arg(long, default_value_t = 12)]
        session_hours: i64,
        /// Largest request body accepted, in KiB; larger ones get `BODY_TOO_LARGE`.
        #[arg(long, env = "PLATFORM_BODY_LIMIT_KB", default_value_t = 8 * 1024)]
        body_limit_kb: usize,
    },
    /// Applies the migrations.
    Migrate,
    /// Creates a user.
    UserAdd {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        #[arg(long)]
        role: String,
        #[arg(long, env = "PLATFORM_USER_PASSWORD")]
        password: String,
        #[arg(long, default_value = "")]
        receipt_prefix: String,
    },
    /// Seeds the demo hospital (users with password demo1234, admissions, fees, deposits).
    DemoSeed {
        #[arg(long, default_value_t = 300)]
        patients: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// `YYYY-MM-DD HH:MM:SS`; default now.
        #[arg(long)]
        now: Option<String>,
    },
    /// Writes a development CA and server certificate into DIR.
    DevCert { out: PathBuf },
    /// The audit log's hash chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walks the chain; names the first broken row (exit 1 if any).
    Verify,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：{e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = || {
        cli.database_url.clone().ok_or_else(|| anyhow::anyhow!("请用 --database-url 或 DATABASE_URL 指定 PostgreSQL"))
    };
    match cli.command {
        Command::DevCert { out } => {
            platform::tls::write_dev_certificates(&out)?;
            println!("已生成开发证书：{}", out.display());
        }
        Command::Migrate => {
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
        }
        Command::UserAdd { username, display_name, role, password, receipt_prefix } => {
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            platform::auth::create_user(&pool, &username, &display_name, &role, &password, &receipt_prefix).await?;
        }
        Command::DemoSeed { patients, seed, now } => {
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            let now = match now {
                Some(text) => NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S")?,
                None => chrono::Local::now().naive_local(),
            };
            let count = platform::demo_seed::seed(&pool, seed, patients, now).await?;
            println!("已导入演示医院：{count} 位住院患者");
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let pool = platform::db::connect(&url()?).await?;
            let v = platform::audit::verify(&pool).await?;
            match v.first_broken {
                None => println!("审计日志完整：{} 行，哈希链无断裂", v.rows),
                Some((id, reason)) => {
                    println!("审计日志第 {id} 行起断裂：{reason}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Serve { listen, cert, key, session_hours, body_limit_kb } => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            let mut state = platform::AppState::new(pool);
            state.session_hours = session_hours;
            state.body_limit = body_limit_kb * 1024;
            let app = platform::routes::router(state);
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key).await?;
            eprintln!("platform listening on https://{listen}");
            axum_server::bind_rustls(listen, tls).serve(app.into_make_service()).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
