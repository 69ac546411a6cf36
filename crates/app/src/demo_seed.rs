//! Creating the demo hospital's database (`cashier demo seed`, and demo mode's first start).

use std::path::Path;
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};
use demo::{DemoAdmission, DemoConfig, FeeDetail};
use domain::DepositKind;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::receipts::{self, Numbered, Series};
use store::{OpenMode, Store, blood, journal, patients, settings, users};

use crate::AppError;
use crate::login::hash_password;

#[derive(Clone, Debug)]
pub struct SeedOptions {
    pub seed: u64,
    pub patients: usize,
    pub now: NaiveDateTime,
    pub fees: FeeDetail,
}

impl Default for SeedOptions {
    fn default() -> SeedOptions {
        SeedOptions {
            seed: 2026,
            patients: 300,
            now: NaiveDate::from_ymd_opt(2026, 11, 25).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or_default(),
            fees: FeeDetail::Full,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedReport {
    pub admissions: usize,
    pub fee_lines: usize,
    pub deposits: usize,
    pub millis: u128,
}

/// Creates `path` and fills it with the demo hospital, all in one transaction. Refuses an
/// existing file: seeding never overwrites a database.
pub async fn seed_demo(path: &Path, options: &SeedOptions) -> Result<SeedReport, AppError> {
    if path.exists() {
        return Err(AppError::Refused(format!(
            "文件已存在：{}。演示数据只写入新文件，不会覆盖已有数据库",
            path.display()
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| AppError::Io(format!("无法创建文件夹 {}：{e}", parent.display())))?;
    }
    let started = Instant::now();
    let store = Store::open(path, OpenMode::CreateIfMissing).await?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut tx = store.begin().await?;
    settings::set(&mut tx, settings::HOSPITAL_NAME, demo::HOSPITAL_NAME).await?;
    settings::set(&mut tx, settings::COUNTER_NAME, demo::COUNTER_NAME).await?;
    settings::set(&mut tx, settings::DEMO, "1").await?;
    for user in demo::users() {
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        let record = users::UserRecord {
            username: user.username.to_owned(),
            display_name: user.display_name.to_owned(),
            role: user.role.to_owned(),
            password_hash: hash_password(demo::DEMO_PASSWORD, &salt)?,
            receipt_prefix: user.receipt_prefix.to_owned(),
        };
        users::insert(&mut tx, &record).await?;
    }
    for ward in demo::wards() {
        patients::insert_ward(&mut tx, &ward).await?;
    }
    let config = DemoConfig { seed: options.seed, patients: options.patients, now: options.now, fees: options.fees };
    let mut report = SeedReport { admissions: 0, fee_lines: 0, deposits: 0, millis: 0 };
    let mut paid: Vec<demo::ChannelPayment> = Vec::new();
    for stay in demo::admissions(&config) {
        write_admission(&mut tx, &stay).await?;
        report.admissions += 1;
        report.fee_lines += stay.fees.len();
        report.deposits += stay.deposits.len();
        paid.extend(demo::channel_payments(&stay));
    }
    tx.commit().await.map_err(store::StoreError::from)?;
    store.close().await;
    remember_in_sandboxes(path, paid)?;
    report.millis = started.elapsed().as_millis();
    tracing::info!(?report, path = %path.display(), "demo hospital seeded");
    Ok(report)
}

/// Gives a stand-alone counter's sandbox channels the demo's history, so its WeChat and Alipay
/// deposits can go back by their route.
fn remember_in_sandboxes(path: &Path, paid: Vec<demo::ChannelPayment>) -> Result<(), AppError> {
    let dir = path.parent().unwrap_or(Path::new(".")).join(crate::CHANNEL_SANDBOX_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Io(format!("无法创建 {}：{e}", dir.display())))?;
    for tender in [domain::Tender::WeChat, domain::Tender::Alipay] {
        let file = dir.join(format!("{}.json", tender.code()));
        let clock: channels::sandbox::Clock = std::sync::Arc::new(chrono::NaiveDateTime::default);
        let sandbox = channels::sandbox::SandboxChannel::keeping(tender, std::time::Duration::ZERO, file, clock)
            .map_err(AppError::Io)?;
        let history = paid
            .iter()
            .filter(|p| p.tender == tender)
            .map(|p| (p.order_no.clone(), p.transaction_id.clone(), p.amount, p.at));
        sandbox.remember_paid(history).map_err(AppError::Io)?;
    }
    Ok(())
}

/// Writes one generated or scripted admission with its whole journal.
async fn write_admission(tx: &mut store::SqliteConnection, stay: &DemoAdmission) -> Result<(), AppError> {
    let id = stay.admission.id;
    patients::insert_admission(tx, &stay.admission).await?;
    for event in &stay.events {
        journal::append_event(tx, id, event.key, event.event, event.at, &event.actor, None).await?;
    }
    let fees: Vec<_> = stay.fees.iter().map(|f| (f.key, &f.value)).collect();
    journal::append_fees(tx, id, &fees).await?;
    // Demo reversals name the position of their deposit; map it to the stored id.
    let mut stored_ids = Vec::with_capacity(stay.deposits.len());
    for deposit in &stay.deposits {
        let mut entry = deposit.value.clone();
        if let DepositKind::Reversal { of } = entry.kind {
            let position = usize::try_from(of).map_err(|_| AppError::internal("演示数据冲红位置"))?;
            entry.kind = DepositKind::Reversal { of: stored_ids[position] };
        }
        let deposit_id = journal::append_deposit(tx, id, deposit.key, &entry).await?;
        stored_ids.push(deposit_id);
        if let Some((cashier, seq)) = demo::receipt_owner(&entry.receipt_no) {
            receipts::record(
                tx,
                &entry.receipt_no,
                cashier,
                Series::Deposit,
                seq,
                entry.at,
                Numbered::Deposit(deposit_id),
            )
            .await?;
        }
    }
    for approved in &stay.blood {
        blood::append(tx, id, approved.key, &approved.value).await?;
    }
    Ok(())
}

/// Adds a scripted admission (tests, demonstrations) to an open database.
pub async fn add_admission(app: &crate::App, stay: &DemoAdmission) -> Result<(), AppError> {
    let mut tx = app.store().begin().await?;
    write_admission(&mut tx, stay).await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    Ok(())
}
