//! Applying records from the platform's change feed to the local cache, idempotently: a record
//! already present (by its key) is skipped, references are resolved from keys to local ids.

use std::collections::HashMap;

use domain::{AdmissionEvent, FeeEvent, RecallKind};
use store::SqliteConnection;
use store::keys::{self, Keyed};
use uuid::Uuid;
use wire::Record;
use wire::convert;

use crate::client::ClientError;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("平台记录无法读取：{0}")]
    Record(String),
}

impl From<convert::ConvertError> for ApplyError {
    fn from(e: convert::ConvertError) -> ApplyError {
        ApplyError::Record(e.to_string())
    }
}

impl From<ApplyError> for ClientError {
    fn from(e: ApplyError) -> ClientError {
        ClientError::Garbled(e.to_string())
    }
}

async fn known(conn: &mut SqliteConnection, table: Keyed, key: Uuid) -> Result<Option<i64>, ApplyError> {
    Ok(keys::id_of(conn, table, &key.to_string()).await?)
}

fn missing(what: &str, key: Uuid) -> ApplyError {
    ApplyError::Record(format!("{what} {key} 尚未同步到本机"))
}

/// Applies one record; returns whether anything was written.
pub async fn apply(conn: &mut SqliteConnection, record: &Record) -> Result<bool, ApplyError> {
    match record {
        Record::Admission(r) => {
            let admission = convert::admission(r)?;
            if store::patients::by_case_no(conn, &admission.case_no).await?.is_some() {
                return Ok(false);
            }
            store::patients::insert_ward_if_missing(conn, &admission.ward).await?;
            store::patients::insert_admission(conn, &admission).await?;
        }
        Record::Fee(r) => {
            if known(conn, Keyed::Fees, r.key).await?.is_some() {
                return Ok(false);
            }
            store::journal::append_fee(conn, r.admission_id, r.key, &convert::fee_line(r, 0)?).await?;
        }
        Record::FeeEvent(r) => {
            if known(conn, Keyed::FeeEvents, r.key).await?.is_some() {
                return Ok(false);
            }
            let fee = known(conn, Keyed::Fees, r.fee_key).await?.ok_or_else(|| missing("费用", r.fee_key))?;
            let event = FeeEvent::from_code(&r.event).ok_or_else(|| ApplyError::Record(r.event.clone()))?;
            store::journal::append_fee_event(conn, fee, r.key, event, r.at, &r.actor, r.reason.as_deref()).await?;
        }
        Record::AdmissionEvent(r) => {
            if known(conn, Keyed::AdmissionEvents, r.key).await?.is_some() {
                return Ok(false);
            }
            let event = AdmissionEvent::from_code(&r.event).ok_or_else(|| ApplyError::Record(r.event.clone()))?;
            store::journal::append_event(conn, r.admission_id, r.key, event, r.at, &r.actor, r.reason.as_deref())
                .await?;
        }
        Record::Deposit(r) => {
            if known(conn, Keyed::Deposits, r.key).await?.is_some() {
                return Ok(false);
            }
            let mut ids = HashMap::new();
            if let Some(of) = r.reverses {
                ids.insert(of, known(conn, Keyed::Deposits, of).await?.ok_or_else(|| missing("预交金", of))?);
            }
            if let Some(s) = r.settlement {
                ids.insert(s, known(conn, Keyed::Settlements, s).await?.ok_or_else(|| missing("结算", s))?);
            }
            let entry = convert::deposit_entry(r, 0, |k| ids.get(&k).copied())?;
            store::journal::append_deposit(conn, r.admission_id, r.key, &entry).await?;
        }
        Record::Settlement(r) => {
            if known(conn, Keyed::Settlements, r.key).await?.is_some() {
                return Ok(false);
            }
            let mut ids = HashMap::new();
            for (id, key) in keys::fee_keys(conn, &r.admission_id.to_string()).await? {
                if let Ok(key) = Uuid::parse_str(&key) {
                    ids.insert(key, id);
                }
            }
            for deposit in r.payments.iter().filter_map(|p| p.deposit) {
                ids.insert(
                    deposit,
                    known(conn, Keyed::Deposits, deposit).await?.ok_or_else(|| missing("预交金", deposit))?,
                );
            }
            let settlement = convert::settlement(r, 0, |k| ids.get(&k).copied())?;
            let id = store::settlements::append_settlement(conn, r.admission_id, r.key, &settlement, &r.trial_version)
                .await?;
            if let Some(waiver) = &r.blood_waiver {
                let uses: Vec<(String, u32)> = waiver.uses.iter().map(|u| (u.certificate_no.clone(), u.ml)).collect();
                let kept = store::waivers::NewWaiver {
                    key: r.key,
                    admission: r.admission_id,
                    settlement_id: id,
                    reference: &waiver.reference,
                    amount: waiver.amount.money(),
                    ml: waiver.ml,
                    uses: &uses,
                    products: &[],
                    at: r.at,
                };
                store::waivers::append_waiver(conn, &kept).await?;
            }
        }
        Record::Recall(r) => {
            if known(conn, Keyed::Recalls, r.key).await?.is_some() {
                return Ok(false);
            }
            let settlement =
                known(conn, Keyed::Settlements, r.settlement).await?.ok_or_else(|| missing("结算", r.settlement))?;
            let kind = RecallKind::from_code(&r.recall_kind).unwrap_or(RecallKind::Settlement);
            let recall = domain::Recall {
                at: r.at,
                by: r.by.clone(),
                approved_by: r.approved_by.clone(),
                reason: r.reason.clone(),
            };
            store::settlements::append_recall(conn, settlement, r.key, kind, &recall).await?;
            // The waiver's millilitres go back with it (under the recall's key).
            store::waivers::cancel(conn, r.key, settlement, r.at).await?;
        }
        Record::BloodApproval(r) => {
            if known(conn, Keyed::Blood, r.key).await?.is_some() {
                return Ok(false);
            }
            store::blood::append(conn, r.admission_id, r.key, &convert::blood(r)).await?;
        }
        Record::BloodRegistration(r) => {
            if store::registrations::id_by_key(conn, r.key).await?.is_some() {
                return Ok(false);
            }
            let form = convert::registration_form(r)?;
            let entitlement = domain::blood::entitlement(
                &domain::blood::BloodPolicy::default(),
                form.donor,
                form.gold_award,
                &form.donations,
                r.at.date(),
            )
            .map_err(|e| ApplyError::Record(e.to_string()))?;
            let materials = r
                .materials
                .iter()
                .map(|m| store::registrations::StoredMaterial {
                    item: domain::blood::Material::from_code(&m.item).unwrap_or(domain::blood::Material::DonorId),
                    sha256: m.sha256.clone(),
                    media_type: m.media_type.clone(),
                    bytes: i64::try_from(m.bytes).unwrap_or(i64::MAX),
                })
                .collect::<Vec<_>>();
            let new = store::registrations::NewRegistration {
                admission: r.admission_id,
                key: r.key,
                form: &form,
                entitlement: &entitlement,
                materials: &materials,
                by: &r.clerk,
                at: r.at,
            };
            store::registrations::append(conn, &new).await?;
        }
        Record::Invoice(r) => return invoice(conn, r).await,
        Record::ReceiptVoid(r) => {
            let deposit = known(conn, Keyed::Deposits, r.deposit).await?.ok_or_else(|| missing("预交金", r.deposit))?;
            let key = r.key.to_string();
            return Ok(store::receipts::append_pulled_void(
                conn,
                &key,
                deposit,
                &r.voided_no,
                &r.new_no,
                &r.reason,
                &r.by,
                r.at,
            )
            .await?);
        }
        Record::BloodReview(r) => {
            if store::registrations::review_known(conn, r.key).await? {
                return Ok(false);
            }
            let id = store::registrations::id_by_key(conn, r.registration)
                .await?
                .ok_or_else(|| missing("献血证报销登记", r.registration))?;
            let decision = if r.approve {
                domain::blood::Decision::Approve
            } else {
                domain::blood::Decision::Return { reason: r.reason.clone().unwrap_or_default() }
            };
            store::registrations::append_review(conn, id, r.key, &decision, &r.reviewer, r.at).await?;
        }
    }
    Ok(true)
}

/// The platform's answer about a settlement's invoice, kept under the platform's key.
async fn invoice(conn: &mut SqliteConnection, r: &wire::records::InvoiceRecord) -> Result<bool, ApplyError> {
    use store::invoices::{InvoiceEvent, IssuedInvoice};
    let malformed = || ApplyError::Record(format!("电子票据记录 {} 不完整", r.key));
    let event = match r.event.as_str() {
        "issued" => InvoiceEvent::Issued(IssuedInvoice {
            code: r.code.clone().ok_or_else(malformed)?,
            number: r.number.clone().ok_or_else(malformed)?,
            check_code: r.check_code.clone().unwrap_or_default(),
            qr: r.qr.clone().unwrap_or_default(),
            seal: r.seal.clone().ok_or_else(malformed)?,
            amount: r.amount.ok_or_else(malformed)?.money(),
        }),
        "failed" => InvoiceEvent::Failed { message: r.message.clone().unwrap_or_default() },
        "reversed" => InvoiceEvent::Reversed {
            red_code: r.red_code.clone().ok_or_else(malformed)?,
            red_number: r.red_number.clone().ok_or_else(malformed)?,
            reason: r.message.clone().unwrap_or_default(),
        },
        "paper_printed" => InvoiceEvent::PaperPrinted {
            paper_no: r.paper_no.clone().ok_or_else(malformed)?,
            by: r.by.clone().ok_or_else(malformed)?,
            place: r.place.clone().unwrap_or_default(),
        },
        "paper_voided" => InvoiceEvent::PaperVoided {
            paper_no: r.paper_no.clone().ok_or_else(malformed)?,
            reason: r.message.clone().unwrap_or_default(),
            by: r.by.clone().ok_or_else(malformed)?,
            place: r.place.clone().unwrap_or_default(),
        },
        other => return Err(ApplyError::Record(format!("未知的电子票据事件：{other}"))),
    };
    Ok(store::invoices::append(conn, r.key, r.settlement, &event, r.at).await?)
}
