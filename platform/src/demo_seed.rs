//! Seeding a platform database with the demo hospital: its users, and every admission of the
//! demo generator with its fee lines, deposits, events and blood approvals as journal records —
//! the same hospital the desktop's demo mode shows.

use chrono::NaiveDateTime;
use demo::{DemoConfig, FeeDetail};
use domain::DepositKind;
use wire::Record;
use wire::convert;
use wire::records::{AdmissionEventRecord, DepositRecord};

use crate::{auth, journal};

pub async fn seed(pool: &sqlx::PgPool, seed: u64, patients: usize, now: NaiveDateTime) -> anyhow::Result<usize> {
    for user in demo::users() {
        auth::create_user(pool, user.username, user.display_name, user.role, demo::DEMO_PASSWORD, user.receipt_prefix)
            .await?;
    }
    let config = DemoConfig { seed, patients, now, fees: FeeDetail::Full };
    let mut count = 0;
    let mut receipt_max: std::collections::HashMap<&'static str, i64> = std::collections::HashMap::new();
    for stay in demo::admissions(&config) {
        let mut tx = pool.begin().await?;
        let admission = convert::admission_record(&stay.admission);
        let ward = admission.ward_code.clone();
        let id = stay.admission.id;
        journal::insert_admission(&mut tx, &admission).await.map_err(|e| anyhow::anyhow!(e.body.message))?;
        let mut records: Vec<Record> = Vec::new();
        for e in &stay.events {
            records.push(Record::AdmissionEvent(AdmissionEventRecord {
                key: e.key,
                admission_id: id,
                event: e.event.code().to_owned(),
                at: e.at,
                actor: e.actor.clone(),
                reason: None,
            }));
        }
        for f in &stay.fees {
            records.push(Record::Fee(convert::fee_record(id, f.key, &f.value)));
        }
        let deposit_keys: Vec<uuid::Uuid> = stay.deposits.iter().map(|d| d.key).collect();
        for d in &stay.deposits {
            let record: DepositRecord = convert::deposit_record(id, d.key, &d.value, |position| {
                usize::try_from(position).ok().and_then(|p| deposit_keys.get(p).copied())
            });
            if let (DepositKind::Deposit | DepositKind::Reversal { .. }, Some((user, seq))) =
                (d.value.kind, demo::receipt_owner(&d.value.receipt_no))
            {
                let max = receipt_max.entry(user).or_insert(0);
                *max = (*max).max(seq);
            }
            records.push(Record::Deposit(record));
        }
        for b in &stay.blood {
            records.push(Record::BloodApproval(convert::blood_record(id, b.key, &b.value)));
        }
        for record in &records {
            journal::insert(&mut tx, id, &ward, record, None, None)
                .await
                .map_err(|e| anyhow::anyhow!(e.body.message))?;
        }
        let case_no = stay.admission.case_no.to_string();
        for paid in demo::channel_payments(&stay) {
            remember_paid(&mut tx, &paid, &case_no).await?;
        }
        tx.commit().await?;
        count += 1;
    }
    // Numbers handed out from now on continue after the demo's own receipts.
    for (user, max) in receipt_max {
        sqlx::query("INSERT INTO receipt_counters (cashier, series, next_seq) VALUES ($1, 'deposit', $2)")
            .bind(user)
            .bind(max + 1)
            .execute(pool)
            .await?;
    }
    Ok(count)
}

/// The demo's WeChat or Alipay deposit as if collected here: the order, its `paid` outcome and
/// its use by the deposit record — so it can be refunded by its route like any other.
async fn remember_paid(tx: &mut sqlx::PgConnection, paid: &demo::ChannelPayment, case_no: &str) -> anyhow::Result<()> {
    let cashier = demo::receipt_owner(&paid.receipt_no).map_or("cashier", |(user, _)| user);
    sqlx::query("INSERT INTO channel_orders (order_no, tender, amount_fen, case_no, cashier, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&paid.order_no)
        .bind(paid.tender.code())
        .bind(paid.amount.fen())
        .bind(case_no)
        .bind(cashier)
        .bind(paid.at)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO channel_order_events (order_no, outcome, transaction_id, at) VALUES ($1, 'paid', $2, $3)")
        .bind(&paid.order_no)
        .bind(&paid.transaction_id)
        .bind(paid.at)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO channel_order_uses (transaction_id, record_key) VALUES ($1, $2)")
        .bind(&paid.transaction_id)
        .bind(paid.deposit_key)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
