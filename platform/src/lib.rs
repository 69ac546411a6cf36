//! The reference platform server (统一支付结算平台) that a hospital or its integrator runs:
//! axum over PostgreSQL. It is the system of record — patients, admissions, fee lines, deposits,
//! settlements, recalls, receipts and the audit log — and the other end of every desktop's sync.
//!
//! Architecture invariants: every endpoint checks the caller's role on the server; the journal,
//! the operations and the audit log are only appended to; a pushed operation is applied in its
//! own transaction and remembered by its key, so a retried or duplicated push changes nothing;
//! conflicts are decided here with the domain's rules (`wire::fold`) and never dropped.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod blood;
pub mod body;
pub mod channel_config;
pub mod clock;
pub mod closes;
pub mod db;
pub mod demo_seed;
pub mod error;
pub mod hand_ins;
pub mod insurance;
pub mod invoice_check;
pub mod invoices;
pub mod journal;
pub mod kiosk;
pub mod ledgers;
pub mod materials;
pub mod mobile;
pub mod openapi;
pub mod paid_otherwise;
pub mod payments;
pub mod push;
pub mod push_checks;
pub mod recon;
pub mod refunds;
pub mod routes;
pub mod sandbox_pay;
pub mod tls;
pub mod users;

use std::sync::Arc;

use sqlx::PgPool;

/// What every request handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub ledgers: Arc<ledgers::Ledgers>,
    /// How long a login token lives.
    pub session_hours: i64,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The reconciliation runner (`None` when the server runs without it, e.g. in tools).
    pub recon: Option<Arc<recon::runner::Runner>>,
    /// The hospital's local time: every business time the platform writes comes from here.
    pub clock: clock::Clock,
    /// How far ahead of [`AppState::clock`] a pushed operation's stated time may be.
    pub max_clock_skew: chrono::Duration,
    /// How far behind the platform's clock a pushed operation's stated time may be (a device's
    /// longest offline stretch).
    pub max_offline: chrono::Duration,
    /// How many days after a discharge settlement it can be recalled, checked at the stated time
    /// and at receipt.
    pub discharge_recall_days: u32,
    /// The insurance back-end every linked counter's insurance call goes through (the sandbox
    /// in this process; its faults from `CASHIER_INSURANCE_FAULT`).
    pub insurance: Arc<dyn ::insurance::InsuranceBackend>,
    /// The blood platform (用血直报平台) every linked counter's waiver goes through (the sandbox
    /// in this process, its register in memory or in `serve --blood-register`'s file; its
    /// faults from `CASHIER_BLOOD_FAULT`).
    pub blood: Arc<dyn ::blood_platform::BloodPlatform>,
    /// The fiscal e-invoice platform (财政电子票据平台) every settlement is invoiced through (the
    /// sandbox in this process, its register in memory or in `serve --fiscal-register`'s file;
    /// its faults from `CASHIER_FISCAL_FAULT`).
    pub fiscal: Arc<dyn ::fiscal::FiscalPlatform>,
    /// The hospital's name as invoices carry it (收款单位).
    pub hospital: String,
    /// Woken when a push applied a settlement or a recall (`None`: no runner, e.g. in tools).
    pub invoices: Option<Arc<invoices::Runner>>,
    /// The payment channels every linked counter's WeChat and Alipay collection goes through (the
    /// sandboxes in this process; their faults from `CASHIER_CHANNEL_FAULT`).
    pub channels: Vec<Arc<dyn ::channels::PayChannel>>,
    /// How a code payment waits for the payer.
    pub pay_patience: ::channels::Patience,
    /// The channels that are sandboxes (all of them here): they also take payments in the
    /// hospital's app and announce them to `notifier`'s URL.
    pub sandboxes: Vec<Arc<::channels::sandbox::SandboxChannel>>,
    /// The sandboxes' notifier (`None`: no notify URL configured, e.g. in tools).
    pub notifier: Option<Arc<sandbox_pay::Notifier>>,
    /// The merchant keys the channels sign notifications with (WeChat, Alipay).
    pub merchant_keys: MerchantKeys,
    /// The channels' refund windows under the hospital's contracts (`serve --refund-windows`);
    /// counters take them at login.
    pub refund_windows: domain::account::refund_windows::RefundWindows,
    /// How many times a mobile payment that cannot be credited is announced before it is
    /// refunded (the admission may yet arrive from the HIS).
    pub mobile_credit_attempts: u32,
}

/// The merchant keys (商户密钥) the channels' notifications are signed with, per merchant
/// contract; the sandboxes sign with the same.
#[derive(Clone, Debug)]
pub struct MerchantKeys {
    pub wechat: String,
    pub alipay: String,
}

impl Default for MerchantKeys {
    fn default() -> MerchantKeys {
        MerchantKeys { wechat: "sandbox-wechat-merchant-key".into(), alipay: "sandbox-alipay-merchant-key".into() }
    }
}

impl AppState {
    /// The hospital's local time (the same clock the reconciliation schedule runs on).
    pub fn clock(&self) -> clock::Clock {
        self.clock
    }

    /// The key `tender`'s channel signs its notifications with.
    pub fn merchant_key(&self, tender: domain::Tender) -> &str {
        match tender {
            domain::Tender::Alipay => &self.merchant_keys.alipay,
            _ => &self.merchant_keys.wechat,
        }
    }

    pub fn new(pool: PgPool) -> AppState {
        let sandboxes: Vec<Arc<::channels::sandbox::SandboxChannel>> = [domain::Tender::WeChat, domain::Tender::Alipay]
            .into_iter()
            .map(|tender| {
                Arc::new(::channels::sandbox::SandboxChannel::new(
                    tender,
                    std::time::Duration::ZERO,
                    clock::Clock::default().of_channels(),
                ))
            })
            .collect();
        AppState {
            pool,
            ledgers: Arc::new(ledgers::Ledgers::default()),
            session_hours: 12,
            body_limit: routes::BODY_LIMIT,
            recon: None,
            clock: clock::Clock::default(),
            max_clock_skew: chrono::Duration::seconds(300),
            max_offline: chrono::Duration::days(7),
            discharge_recall_days: domain::account::recall::DISCHARGE_RECALL_DAYS,
            insurance: Arc::new(::insurance::SandboxInsurance::new(
                std::time::Duration::ZERO,
                ::insurance::SandboxInsurance::fault_from_env(),
            )),
            blood: Arc::new(::blood_platform::SandboxBloodPlatform::new(
                domain::blood::BloodPolicy::default(),
                std::time::Duration::ZERO,
                ::blood_platform::SandboxFault::from_env(),
            )),
            fiscal: Arc::new(Arc::new(::fiscal::SandboxFiscal::demo(std::time::Duration::ZERO)).adapter()),
            hospital: demo::HOSPITAL_NAME.to_owned(),
            invoices: None,
            channels: sandboxes.iter().map(|s| s.clone() as Arc<dyn ::channels::PayChannel>).collect(),
            pay_patience: ::channels::Patience::default(),
            sandboxes,
            notifier: None,
            merchant_keys: MerchantKeys::default(),
            refund_windows: domain::account::refund_windows::RefundWindows::default(),
            mobile_credit_attempts: 3,
        }
    }
}
