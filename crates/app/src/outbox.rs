//! Turning a use case's rows into the envelope the platform will receive, and queueing it in the
//! same transaction (only on a counter linked to a platform).

use std::collections::HashMap;

use domain::{AdmissionEvent, DepositEntry, FeeEvent, Recall, RecallKind, Settlement};
use store::SqliteConnection;
use store::keys::{self, Keyed};
use uuid::Uuid;
use wire::convert;
use wire::records::{AdmissionEventRecord, FeeEventRecord, RecallRecord};
use wire::{Envelope, Record};

use crate::{App, AppError};

fn parse_key(text: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(text).map_err(|_| AppError::internal(format!("本机记录的编号无法读取：{text}")))
}

async fn key_of(conn: &mut SqliteConnection, table: Keyed, id: i64) -> Result<Option<Uuid>, AppError> {
    keys::key_of(conn, table, id).await?.map(|k| parse_key(&k)).transpose()
}

pub async fn deposit_record(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    entry: &DepositEntry,
) -> Result<Record, AppError> {
    let referenced = match entry.kind {
        domain::DepositKind::Deposit => None,
        domain::DepositKind::Reversal { of } => key_of(conn, Keyed::Deposits, of).await?,
        domain::DepositKind::RecallTransfer { settlement } => key_of(conn, Keyed::Settlements, settlement).await?,
    };
    Ok(Record::Deposit(convert::deposit_record(admission, key, entry, |_| referenced)))
}

pub async fn settlement_record(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    settlement: &Settlement,
    trial_version: &str,
) -> Result<Record, AppError> {
    let mut known: HashMap<i64, Uuid> = HashMap::new();
    for (id, k) in keys::fee_keys(conn, &admission.to_string()).await? {
        known.insert(id, parse_key(&k)?);
    }
    for payment in &settlement.payments {
        if let Some(deposit) = payment.deposit_id
            && let Some(k) = key_of(conn, Keyed::Deposits, deposit).await?
        {
            // Deposit ids and fee ids come from different tables: keep them apart.
            known.insert(-deposit, k);
        }
    }
    let mut record =
        convert::settlement_record(admission, key, settlement, trial_version, |id| known.get(&id).copied());
    for (payment, local) in record.payments.iter_mut().zip(&settlement.payments) {
        payment.deposit = local.deposit_id.and_then(|d| known.get(&-d).copied());
    }
    Ok(Record::Settlement(record))
}

pub fn event_record(
    admission: Uuid,
    key: Uuid,
    event: AdmissionEvent,
    at: chrono::NaiveDateTime,
    actor: &str,
    reason: Option<&str>,
) -> Record {
    Record::AdmissionEvent(AdmissionEventRecord {
        key,
        admission_id: admission,
        event: event.code().to_owned(),
        at,
        actor: actor.to_owned(),
        reason: reason.map(str::to_owned),
    })
}

/// Who decided what on which fee line, and why.
pub struct FeeDecision<'a> {
    pub fee_id: i64,
    pub event: FeeEvent,
    pub at: chrono::NaiveDateTime,
    pub actor: &'a str,
    pub reason: Option<&'a str>,
}

pub async fn fee_event_record(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    decision: FeeDecision<'_>,
) -> Result<Record, AppError> {
    let fee_key =
        key_of(conn, Keyed::Fees, decision.fee_id).await?.ok_or_else(|| AppError::internal("费用明细缺少记录编号"))?;
    Ok(Record::FeeEvent(FeeEventRecord {
        key,
        admission_id: admission,
        fee_key,
        event: decision.event.code().to_owned(),
        at: decision.at,
        actor: decision.actor.to_owned(),
        reason: decision.reason.map(str::to_owned),
    }))
}

pub async fn recall_record(
    conn: &mut SqliteConnection,
    admission: Uuid,
    key: Uuid,
    settlement_id: i64,
    kind: RecallKind,
    recall: &Recall,
    approver: &str,
) -> Result<Record, AppError> {
    let settlement =
        key_of(conn, Keyed::Settlements, settlement_id).await?.ok_or_else(|| AppError::internal("结算缺少记录编号"))?;
    Ok(Record::Recall(RecallRecord {
        key,
        admission_id: admission,
        settlement,
        recall_kind: kind.code().to_owned(),
        at: recall.at,
        by: recall.by.clone(),
        approved_by: recall.approved_by.clone(),
        approver: approver.to_owned(),
        reason: recall.reason.clone(),
    }))
}

impl App {
    /// Queues an operation for the platform in the caller's transaction (a counter without a
    /// platform queues nothing).
    pub(crate) async fn queue(&self, conn: &mut SqliteConnection, envelope: &Envelope) -> Result<(), AppError> {
        if self.link.is_none() {
            return Ok(());
        }
        let json = serde_json::to_string(envelope).map_err(AppError::internal)?;
        let (key, admission) = (envelope.key.to_string(), envelope.admission_id.to_string());
        store::outbox::append(conn, &key, &admission, &envelope.cashier, envelope.at, &json).await?;
        Ok(())
    }

    /// Refuses what needs the platform or a channel while the link is down.
    pub(crate) fn require_online(&self, what: &str) -> Result<(), AppError> {
        match &self.link {
            Some(link) if !link.is_online() => Err(AppError::Rule {
                code: "OFFLINE",
                message: format!("离线状态下不能{what}，请联网后重试"),
            }),
            _ => Ok(()),
        }
    }
}

/// The record of a blood-waiver registration.
pub fn registration_record(new: &store::registrations::NewRegistration<'_>) -> Record {
    use wire::records::{BloodRegistrationRecord, CertificateRecord, MaterialRecord};
    Record::BloodRegistration(BloodRegistrationRecord {
        key: new.key,
        admission_id: new.admission,
        donor: new.form.donor.code().to_owned(),
        donor_name: new.form.donor_name.as_str().to_owned(),
        donor_id: new.form.donor_id.as_str().to_owned(),
        gold_award: new.form.gold_award,
        pledge: new.form.pledge,
        certificates: new
            .form
            .donations
            .iter()
            .map(|d| CertificateRecord {
                certificate_no: d.certificate_no.clone(),
                donated_on: d.donated_on,
                volume_ml: d.volume_ml,
                donation_kind: d.kind.code().to_owned(),
            })
            .collect(),
        materials: new
            .materials
            .iter()
            .map(|m| MaterialRecord {
                item: m.item.code().to_owned(),
                sha256: m.sha256.clone(),
                media_type: m.media_type.clone(),
                bytes: u64::try_from(m.bytes).unwrap_or(0),
            })
            .collect(),
        clerk: new.by.to_owned(),
        at: new.at,
    })
}
