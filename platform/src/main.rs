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

// Parsed once per process: the size of `Serve`'s many options does not matter.
#[allow(clippy::large_enum_variant)]
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
        /// Where the sandbox channels publish their statements (`DIR/YYYY-MM-DD/<channel>.*`).
        #[arg(long, env = "PLATFORM_STATEMENTS_DIR", default_value = "statements")]
        statements_dir: PathBuf,
        /// Batch channels the nightly reconciliation opens.
        #[arg(long, value_delimiter = ',', default_value = "wechat,alipay,unionpay,insurance,his")]
        recon_channels: Vec<String>,
        /// Seconds between the reconciliation runner's passes.
        #[arg(long, env = "PLATFORM_RECON_TICK_SECS", default_value_t = 60)]
        recon_tick_secs: u64,
        /// Start the platform's clock (business times, the reconciliation schedule) at this local
        /// time (`YYYY-MM-DD HH:MM:SS`), for trials.
        #[arg(long, env = "PLATFORM_RECON_NOW")]
        recon_now: Option<String>,
        /// How far ahead of the platform's clock a pushed operation's stated time may be.
        #[arg(long, env = "PLATFORM_MAX_CLOCK_SKEW_SECS", default_value_t = 300)]
        max_clock_skew_secs: i64,
        /// How many days behind the platform's clock a pushed operation's stated time may be
        /// (the longest offline stretch of a counter).
        #[arg(long, env = "PLATFORM_MAX_OFFLINE_DAYS", default_value_t = 7)]
        max_offline_days: i64,
        /// How many days after a discharge settlement it can still be recalled (出院召回).
        #[arg(long, env = "PLATFORM_DISCHARGE_RECALL_DAYS", default_value_t = domain::account::recall::DISCHARGE_RECALL_DAYS)]
        discharge_recall_days: u32,
        /// Admissions whose replayed ledgers are cached (the least recently used forgotten first).
        #[arg(long, env = "PLATFORM_LEDGER_CACHE", default_value_t = platform::ledgers::DEFAULT_CAPACITY)]
        ledger_cache: usize,
        /// The sandbox blood platform's register (JSON lines, replayed at start); without it the
        /// register lives in memory.
        #[arg(long, env = "PLATFORM_BLOOD_REGISTER")]
        blood_register: Option<PathBuf>,
        /// The sandbox fiscal platform's register (JSON lines, replayed at start); without it the
        /// register lives in memory.
        #[arg(long, env = "PLATFORM_FISCAL_REGISTER")]
        fiscal_register: Option<PathBuf>,
        /// The hospital's name as invoices carry it (收款单位).
        #[arg(long, env = "PLATFORM_HOSPITAL_NAME", default_value = demo::HOSPITAL_NAME)]
        hospital: String,
        /// Seconds between retries of e-invoices not issued or not reversed yet.
        #[arg(long, env = "PLATFORM_INVOICE_RETRY_SECS", default_value_t = 30)]
        invoice_retry_secs: u64,
        /// How often a code payment asks the channel while the payer confirms (支付中), in ms.
        #[arg(long, env = "PLATFORM_PAY_POLL_MS", default_value_t = 5_000)]
        pay_poll_ms: u64,
        /// How long a code payment waits for the payer before cancelling (撤销), in ms.
        #[arg(long, env = "PLATFORM_PAY_TIMEOUT_MS", default_value_t = 30_000)]
        pay_timeout_ms: u64,
        /// A code payment no record named after this many seconds is given back (撤销 is
        /// allowed for the day).
        #[arg(long, env = "PLATFORM_PAY_ORPHAN_SECS", default_value_t = 6 * 3600)]
        pay_orphan_secs: i64,
        /// Seconds between looks for such payments.
        #[arg(long, env = "PLATFORM_PAY_SWEEP_SECS", default_value_t = 60)]
        pay_sweep_secs: u64,
        #[command(flatten)]
        channels: platform::channel_config::ChannelConfig,
        #[command(flatten)]
        audit: AuditFiles,
        /// Seconds between checks of the audit chain's head (a checkpoint when it moved).
        #[arg(long, env = "PLATFORM_AUDIT_CHECKPOINT_SECS", default_value_t = 5)]
        audit_checkpoint_secs: u64,
    },
    /// The sandbox channels as a patient's phone meets them: `deposit CASE_NO AMOUNT --channel
    /// alipay` pays a deposit in the hospital's app; the channel then announces it to the
    /// platform, which credits the admission.
    SandboxPay {
        #[command(subcommand)]
        command: platform::sandbox_pay::SandboxPayCommand,
    },
    /// Writes what the sandbox channels publish for a day (WeChat bill, HIS export), from the
    /// platform's ledger with a few deliberate differences.
    SandboxBills {
        #[arg(long)]
        day: String,
        #[arg(long, env = "PLATFORM_STATEMENTS_DIR", default_value = "statements")]
        dir: PathBuf,
        /// The sandbox channels' registers (`serve --channel-register`): the WeChat and Alipay
        /// bills list what the channels processed; without it they are written from the ledger.
        #[arg(long, env = "PLATFORM_CHANNEL_REGISTER")]
        channel_register: Option<PathBuf>,
    },
    /// A self-service kiosk as the sandbox plays it: `receive` a range of invoice paper,
    /// `print` an invoice onto its next paper number (registered with the sandbox fiscal
    /// platform whose register `--fiscal-register` names — the same file `serve` uses).
    SandboxKiosk {
        #[command(subcommand)]
        command: KioskCommand,
    },
    /// Applies the migrations.
    Migrate,
    /// Creates a user; the password comes from `PLATFORM_USER_PASSWORD`, or is asked on the
    /// terminal (never an argument, which `ps` and the shell history would keep).
    UserAdd {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        receipt_prefix: String,
    },
    /// Disables a user: their sessions end at once and their logins are refused.
    UserDisable { username: String },
    /// Enables a disabled user again; they log in anew.
    UserEnable { username: String },
    /// Sets a user's password (from `PLATFORM_USER_PASSWORD` or asked on the terminal, like
    /// `user-add`); the user's sessions end.
    UserPassword { username: String },
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
    /// Walks the chain and compares it with the newest signed checkpoint; names the first broken
    /// row and the rows missing at the tail (exit 1 if any).
    Verify {
        #[command(flatten)]
        audit: AuditFiles,
    },
}

/// The audit chain's signed checkpoints, kept outside the database.
#[derive(clap::Args)]
struct AuditFiles {
    /// The key the checkpoints are signed with (created 0600 by `serve` on first use).
    #[arg(long, env = "PLATFORM_AUDIT_KEY_FILE")]
    audit_key: Option<PathBuf>,
    /// The file the checkpoints are appended to.
    #[arg(long, env = "PLATFORM_AUDIT_CHECKPOINT")]
    audit_checkpoint: Option<PathBuf>,
}

impl AuditFiles {
    /// Both paths, or neither.
    fn paths(&self) -> anyhow::Result<Option<(&PathBuf, &PathBuf)>> {
        match (&self.audit_key, &self.audit_checkpoint) {
            (Some(key), Some(file)) => Ok(Some((key, file))),
            (None, None) => Ok(None),
            _ => anyhow::bail!("--audit-key 与 --audit-checkpoint 须同时指定"),
        }
    }
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
        Command::UserAdd { username, display_name, role, receipt_prefix } => {
            let password = user_password(&username)?;
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            platform::auth::create_user(&pool, &username, &display_name, &role, &password, &receipt_prefix).await?;
        }
        Command::UserDisable { username } => {
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            let ended = platform::users::disable(&pool, &username, "platform").await?;
            println!("已停用用户 {username}，结束 {ended} 个登录会话");
        }
        Command::UserEnable { username } => {
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            platform::users::enable(&pool, &username, "platform").await?;
            println!("已重新启用用户 {username}");
        }
        Command::UserPassword { username } => {
            let password = user_password(&username)?;
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            let ended = platform::users::set_password(&pool, &username, &password, "platform", None).await?;
            println!("已修改用户 {username} 的密码，结束 {ended} 个登录会话");
        }
        Command::DemoSeed { patients, seed, now } => {
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            let now = match now {
                Some(text) => NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S")?,
                None => platform::clock::Clock::default().now(),
            };
            let count = platform::demo_seed::seed(&pool, seed, patients, now).await?;
            println!("已导入演示医院：{count} 位住院患者");
        }
        Command::Audit { command: AuditCommand::Verify { audit } } => {
            let pool = platform::db::connect(&url()?).await?;
            let checkpoint = match audit.paths()? {
                Some((key, file)) => {
                    let key = platform::audit::checkpoint::Key::load(key)?;
                    let newest = platform::audit::checkpoint::newest(&key, file)?;
                    Some(newest.ok_or_else(|| anyhow::anyhow!("审计检查点文件 {} 中没有检查点", file.display()))?)
                }
                None => {
                    println!("未指定审计检查点（--audit-key、--audit-checkpoint）：只能查出末行之前的改动和删除");
                    None
                }
            };
            let v = platform::audit::verify_with(&pool, checkpoint.as_ref()).await?;
            if let Some((id, reason)) = &v.first_broken {
                println!("审计日志第 {id} 行起断裂：{reason}");
            }
            if let Some(missing) = &v.checkpoint {
                println!("审计日志与检查点不符：{missing}");
            }
            if !v.ok() {
                return Ok(ExitCode::from(1));
            }
            match checkpoint {
                Some(c) => {
                    println!("审计日志完整：{} 行，哈希链无断裂，包含检查点（{}）的 {} 行", v.rows, c.at, c.rows)
                }
                None => println!("审计日志完整：{} 行，哈希链无断裂", v.rows),
            }
        }
        Command::SandboxKiosk { command } => {
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            let mut state = platform::AppState::new(pool);
            match command {
                KioskCommand::Receive { kiosk, prefix, from, to, width } => {
                    let range = domain::paper::PaperRange {
                        kind: domain::paper::PaperKind::Invoice,
                        prefix,
                        first: from,
                        last: to,
                        width,
                    };
                    platform::kiosk::receive(&state, &kiosk, &range)
                        .await
                        .map_err(|e| anyhow::anyhow!(e.body.message))?;
                    println!("{}", serde_json::json!({ "kiosk": kiosk, "range": range.to_string() }));
                }
                KioskCommand::Print { invoice_no, kiosk, fiscal_register } => {
                    let fiscal = fiscal::SandboxFiscal::demo_on_file(&fiscal_register, std::time::Duration::ZERO)
                        .map_err(|e| anyhow::anyhow!("财政电子票据平台（沙箱）的登记簿无法打开：{e}"))?;
                    state.fiscal = std::sync::Arc::new(std::sync::Arc::new(fiscal).adapter());
                    let record = platform::kiosk::print(&state, &kiosk, &invoice_no)
                        .await
                        .map_err(|e| anyhow::anyhow!("{}（{}）", e.body.message, e.body.code))?;
                    println!("{}", serde_json::to_string(&record)?);
                }
            }
        }
        Command::SandboxPay {
            command: platform::sandbox_pay::SandboxPayCommand::Deposit { case_no, amount, channel, url, ca, twice },
        } => {
            println!("{}", platform::sandbox_pay::deposit(&url, &ca, &case_no, &amount, &channel, twice).await?);
        }
        Command::SandboxBills { day, dir, channel_register } => {
            let day = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")?;
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            let written = platform::recon::sandbox_bills::write(&pool, day, &dir, channel_register.as_deref()).await?;
            println!(
                "已写出 {day} 的沙箱对账单：微信 {} 行，支付宝 {} 行，银联 {} 行，医保 {} 行，HIS {} 行（{}）",
                written.wechat_rows,
                written.alipay_rows,
                written.unionpay_rows,
                written.insurance_rows,
                written.his_rows,
                dir.join(day.to_string()).display()
            );
        }
        Command::Serve {
            listen,
            cert,
            key,
            session_hours,
            body_limit_kb,
            statements_dir,
            recon_channels,
            recon_tick_secs,
            recon_now,
            max_clock_skew_secs,
            max_offline_days,
            discharge_recall_days,
            ledger_cache,
            blood_register,
            fiscal_register,
            hospital,
            invoice_retry_secs,
            pay_poll_ms,
            pay_timeout_ms,
            pay_orphan_secs,
            pay_sweep_secs,
            channels: channel_config,
            audit,
            audit_checkpoint_secs,
        } => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let pool = platform::db::connect(&url()?).await?;
            platform::db::migrate(&pool).await?;
            match audit.paths()? {
                Some((key, file)) => {
                    let key = platform::audit::checkpoint::Key::load_or_create(key)?;
                    let checkpointer = platform::audit::checkpoint::Checkpointer { key, path: file.clone() };
                    let period = std::time::Duration::from_secs(audit_checkpoint_secs.max(1));
                    tokio::spawn(checkpointer.run(pool.clone(), period));
                }
                None => eprintln!("未指定审计检查点（--audit-key、--audit-checkpoint）：审计日志末尾被删除将无法查出"),
            }
            let mut state = platform::AppState::new(pool);
            state.session_hours = session_hours;
            state.body_limit = body_limit_kb * 1024;
            state.max_clock_skew = chrono::Duration::seconds(max_clock_skew_secs.max(0));
            state.max_offline = chrono::Duration::days(max_offline_days.max(0));
            state.discharge_recall_days = discharge_recall_days;
            state.pay_patience = channels::Patience {
                every: std::time::Duration::from_millis(pay_poll_ms.max(1)),
                timeout: std::time::Duration::from_millis(pay_timeout_ms),
            };
            if let Some(path) = &blood_register {
                let sandbox = blood_platform::SandboxBloodPlatform::open(
                    domain::blood::BloodPolicy::default(),
                    std::time::Duration::ZERO,
                    blood_platform::SandboxFault::from_env(),
                    path,
                )
                .map_err(|e| anyhow::anyhow!("用血直报平台（沙箱）的登记簿 {} 无法打开：{e}", path.display()))?;
                state.blood = std::sync::Arc::new(sandbox);
            }
            // The sandbox fiscal platform answers after CASHIER_FISCAL_DELAY_MS (default none).
            let fiscal_delay = std::time::Duration::from_millis(
                std::env::var("CASHIER_FISCAL_DELAY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(0),
            );
            let fiscal = match &fiscal_register {
                Some(path) => fiscal::SandboxFiscal::demo_on_file(path, fiscal_delay).map_err(|e| {
                    anyhow::anyhow!("财政电子票据平台（沙箱）的登记簿 {} 无法打开：{e}", path.display())
                })?,
                None => fiscal::SandboxFiscal::demo(fiscal_delay),
            };
            state.fiscal = std::sync::Arc::new(std::sync::Arc::new(fiscal).adapter());
            state.hospital = hospital;
            state.ledgers = std::sync::Arc::new(platform::ledgers::Ledgers::new(ledger_cache));
            let clock = match recon_now {
                Some(text) => {
                    platform::clock::Clock::starting_at(NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S")?)
                }
                None => platform::clock::Clock::default(),
            };
            state.clock = clock;
            channel_config.apply(&mut state, listen, &cert).await?;
            let runner = std::sync::Arc::new(platform::recon::runner::Runner {
                pool: state.pool.clone(),
                source: std::sync::Arc::new(platform::recon::source::SandboxStatements { dir: statements_dir }),
                clock,
                channels: recon_channels,
                wake: tokio::sync::Notify::new(),
            });
            tokio::spawn(runner.clone().run(std::time::Duration::from_secs(recon_tick_secs.max(1))));
            state.recon = Some(runner);
            let invoice_runner = std::sync::Arc::new(platform::invoices::Runner::default());
            state.invoices = Some(invoice_runner.clone());
            tokio::spawn(invoice_runner.run(state.clone(), std::time::Duration::from_secs(invoice_retry_secs.max(1))));
            tokio::spawn(platform::payments::run_orphan_sweep(
                state.clone(),
                chrono::Duration::seconds(pay_orphan_secs.max(1)),
                std::time::Duration::from_secs(pay_sweep_secs.max(1)),
            ));
            let app = platform::routes::router(state);
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key).await?;
            eprintln!("platform listening on https://{listen}");
            axum_server::bind_rustls(listen, tls).serve(app.into_make_service()).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `PLATFORM_USER_PASSWORD`, or the password typed on the terminal (`/dev/tty`) with echo off.
fn user_password(username: &str) -> anyhow::Result<String> {
    use std::io::{BufRead, Write};
    if let Some(password) = std::env::var("PLATFORM_USER_PASSWORD").ok().filter(|p| !p.is_empty()) {
        return Ok(password);
    }
    let ask = || -> std::io::Result<String> {
        let tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty")?;
        let stty = |flag: &str| std::process::Command::new("stty").arg(flag).stdin(tty.try_clone()?).status();
        if !stty("-echo")?.success() {
            return Err(std::io::Error::other("无法关闭终端回显"));
        }
        write!(&tty, "用户 {username} 的密码：")?;
        (&tty).flush()?;
        let mut line = String::new();
        let read = std::io::BufReader::new(tty.try_clone()?).read_line(&mut line);
        let restored = stty("echo");
        writeln!(&tty)?;
        read?;
        restored?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    };
    ask().map_err(|e| anyhow::anyhow!("请设置环境变量 PLATFORM_USER_PASSWORD，或在终端中输入密码（{e}）"))
}

#[derive(Subcommand)]
enum KioskCommand {
    /// The kiosk receives a range of invoice paper (prefix, numbers, zero padding).
    Receive {
        #[arg(long)]
        kiosk: String,
        #[arg(long)]
        prefix: String,
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: u64,
        #[arg(long, default_value_t = 8)]
        width: usize,
    },
    /// The kiosk prints the e-invoice numbered INVOICE_NO (票据号码) on its next paper number.
    Print {
        invoice_no: String,
        #[arg(long)]
        kiosk: String,
        #[arg(long, env = "PLATFORM_FISCAL_REGISTER")]
        fiscal_register: PathBuf,
    },
}
