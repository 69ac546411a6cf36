//! Blood-waiver registrations (migration 0006): the registration with its certificates and the
//! materials attached to its checklist, appended in one transaction; reviews appended after it
//! (the latest decides the status); what each certificate's entitlement paid for. Nothing is
//! updated or deleted.

use chrono::{NaiveDate, NaiveDateTime};
use domain::blood::{
    Decision, Donation, DonationKind, Donor, Entitlement, Material, RegistrationForm, RegistrationStatus,
};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::codec::{coded, date, date_text, time, time_text, uuid};
use crate::error::{Result, StoreError};

/// An image or PDF attached to a checklist item, as stored (content-addressed by its SHA-256).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMaterial {
    pub item: Material,
    pub sha256: String,
    pub media_type: String,
    pub bytes: i64,
}

/// A registration as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub id: i64,
    pub key: Uuid,
    pub admission_id: Uuid,
    pub donor: Donor,
    pub donor_name: String,
    pub donor_id: String,
    pub gold_award: bool,
    pub pledge: bool,
    pub entitled_ml: Option<i64>,
    pub remaining_ml: Option<i64>,
    pub rule: String,
    pub registered_by: String,
    pub registered_at: NaiveDateTime,
    pub status: RegistrationStatus,
    /// The latest review's reviewer and reason (a return's).
    pub reviewed_by: Option<String>,
    pub reason: Option<String>,
    pub certificates: Vec<(String, NaiveDate, i64, DonationKind)>,
    pub materials: Vec<StoredMaterial>,
}

fn ml(value: Option<u32>) -> Option<i64> {
    value.map(i64::from)
}

/// A registration about to be appended: the form as checked, the entitlement it was given, the
/// stored materials, who registered it and when.
pub struct NewRegistration<'a> {
    pub admission: Uuid,
    pub key: Uuid,
    pub form: &'a RegistrationForm,
    pub entitlement: &'a Entitlement,
    pub materials: &'a [StoredMaterial],
    pub by: &'a str,
    pub at: NaiveDateTime,
}

/// Appends a registration with its certificates and materials; returns its id.
pub async fn append(conn: &mut SqliteConnection, new: &NewRegistration<'_>) -> Result<i64> {
    let NewRegistration { admission, key, form, entitlement, materials, by, at } = *new;
    let id = sqlx::query(
        "INSERT INTO blood_registrations (key, admission_id, donor, donor_name, donor_id, gold_award, pledge,
             entitled_ml, remaining_ml, rule, registered_by, registered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .bind(key.to_string())
    .bind(admission.to_string())
    .bind(form.donor.code())
    .bind(form.donor_name.as_str())
    .bind(form.donor_id.as_str())
    .bind(i64::from(form.gold_award))
    .bind(i64::from(form.pledge))
    .bind(ml(entitlement.entitled_ml))
    .bind(ml(entitlement.remaining_ml))
    .bind(&entitlement.rule)
    .bind(by)
    .bind(time_text(at))
    .execute(&mut *conn)
    .await?
    .last_insert_rowid();
    for d in &form.donations {
        sqlx::query(
            "INSERT INTO blood_certificates (registration_id, certificate_no, donated_on, volume_ml, donation_kind)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(id)
        .bind(&d.certificate_no)
        .bind(date_text(d.donated_on))
        .bind(i64::from(d.volume_ml))
        .bind(d.kind.code())
        .execute(&mut *conn)
        .await?;
    }
    for m in materials {
        sqlx::query(
            "INSERT INTO blood_materials (registration_id, item, sha256, media_type, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(id)
        .bind(m.item.code())
        .bind(&m.sha256)
        .bind(&m.media_type)
        .bind(m.bytes)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// The registration recorded under `key`, if any (a repeated submission).
pub async fn id_by_key(conn: &mut SqliteConnection, key: Uuid) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM blood_registrations WHERE key = ?1")
        .bind(key.to_string())
        .fetch_optional(conn)
        .await?)
}

/// Millilitres `certificate_no`'s entitlement has paid for so far (net of recalls).
pub async fn used_ml(conn: &mut SqliteConnection, certificate_no: &str) -> Result<u32> {
    let ml: i64 =
        sqlx::query_scalar("SELECT COALESCE(SUM(ml), 0) FROM blood_certificate_use WHERE certificate_no = ?1")
            .bind(certificate_no)
            .fetch_one(conn)
            .await?;
    u32::try_from(ml.max(0)).map_err(|_| StoreError::BadRow(format!("献血证 {certificate_no} 用量 {ml}")))
}

/// Appends a review of registration `id` under the operation's `key`.
pub async fn append_review(
    conn: &mut SqliteConnection,
    id: i64,
    key: Uuid,
    decision: &Decision,
    reviewer: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let (code, reason) = match decision {
        Decision::Approve => (RegistrationStatus::Approved.code(), None),
        Decision::Return { reason } => (RegistrationStatus::Returned.code(), Some(reason.trim())),
    };
    sqlx::query(
        "INSERT INTO blood_reviews (registration_id, decision, reason, reviewer, at, key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(id)
    .bind(code)
    .bind(reason)
    .bind(reviewer)
    .bind(time_text(at))
    .bind(key.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a review under `key` is kept here.
pub async fn review_known(conn: &mut SqliteConnection, key: Uuid) -> Result<bool> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM blood_reviews WHERE key = ?1)")
        .bind(key.to_string())
        .fetch_one(conn)
        .await?)
}

/// The materials of this counter's registrations the platform does not hold whole yet (by
/// SHA-256, each once, oldest first).
pub async fn materials_to_upload(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT sha256 FROM blood_materials m
         WHERE NOT EXISTS (SELECT 1 FROM materials_uploaded u WHERE u.sha256 = m.sha256)
         GROUP BY sha256 ORDER BY min(id)",
    )
    .fetch_all(conn)
    .await?)
}

/// Remembers that the platform holds the material `sha256` whole.
pub async fn material_uploaded(conn: &mut SqliteConnection, sha256: &str, at: NaiveDateTime) -> Result<()> {
    sqlx::query("INSERT INTO materials_uploaded (sha256, at) VALUES (?1, ?2) ON CONFLICT (sha256) DO NOTHING")
        .bind(sha256)
        .bind(time_text(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// A registration row: id, key, admission, donor, name, resident ID, gold, pledge, entitled,
/// remaining, rule, registered by, at.
type Row = (i64, String, String, String, String, String, i64, i64, Option<i64>, Option<i64>, String, String, String);

/// The registration columns of [`Row`], then `$tail` (a static string, as sqlx wants).
macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT id, key, admission_id, donor, donor_name, donor_id, gold_award, pledge, entitled_ml,
                 remaining_ml, rule, registered_by, registered_at FROM blood_registrations ",
            $tail
        )
    };
}

async fn read(conn: &mut SqliteConnection, row: Row) -> Result<Registration> {
    let (id, key, admission, donor, donor_name, donor_id, gold, pledge, entitled, remaining, rule, by, at) = row;
    let review: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT decision, reason, reviewer FROM blood_reviews WHERE registration_id = ?1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let (status, reason, reviewed_by) = match review {
        Some((decision, reason, reviewer)) => {
            (coded("decision", &decision, RegistrationStatus::from_code)?, reason, Some(reviewer))
        }
        None => (RegistrationStatus::Submitted, None, None),
    };
    let certificates: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT certificate_no, donated_on, volume_ml, donation_kind FROM blood_certificates WHERE registration_id = ?1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let certificates = certificates
        .into_iter()
        .map(|(no, on, volume, kind)| {
            Ok((no, date(&on)?, volume, coded("donation_kind", &kind, DonationKind::from_code)?))
        })
        .collect::<Result<Vec<_>>>()?;
    let materials: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT item, sha256, media_type, bytes FROM blood_materials WHERE registration_id = ?1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let materials = materials
        .into_iter()
        .map(|(item, sha256, media_type, bytes)| {
            Ok(StoredMaterial { item: coded("item", &item, Material::from_code)?, sha256, media_type, bytes })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Registration {
        id,
        key: uuid(&key)?,
        admission_id: uuid(&admission)?,
        donor: coded("donor", &donor, Donor::from_code)?,
        donor_name,
        donor_id,
        gold_award: gold != 0,
        pledge: pledge != 0,
        entitled_ml: entitled,
        remaining_ml: remaining,
        rule,
        registered_by: by,
        registered_at: time(&at)?,
        status,
        reviewed_by,
        reason,
        certificates,
        materials,
    })
}

/// Registration `id`.
pub async fn by_id(conn: &mut SqliteConnection, id: i64) -> Result<Option<Registration>> {
    let row: Option<Row> = sqlx::query_as(select!("WHERE id = ?1")).bind(id).fetch_optional(&mut *conn).await?;
    match row {
        Some(row) => Ok(Some(read(conn, row).await?)),
        None => Ok(None),
    }
}

/// The registrations of an admission, oldest first.
pub async fn of_admission(conn: &mut SqliteConnection, admission: Uuid) -> Result<Vec<Registration>> {
    let rows: Vec<Row> = sqlx::query_as(select!("WHERE admission_id = ?1 ORDER BY id"))
        .bind(admission.to_string())
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(read(conn, row).await?);
    }
    Ok(out)
}

/// The registrations waiting for review (待审核), oldest first.
pub async fn waiting(conn: &mut SqliteConnection) -> Result<Vec<Registration>> {
    let rows: Vec<Row> =
        sqlx::query_as(select!("WHERE id NOT IN (SELECT registration_id FROM blood_reviews) ORDER BY id"))
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(read(conn, row).await?);
    }
    Ok(out)
}

/// `donation` with what its certificate's entitlement paid for so far.
pub async fn with_use(conn: &mut SqliteConnection, mut donation: Donation) -> Result<Donation> {
    donation.used_ml = used_ml(conn, &donation.certificate_no).await?;
    Ok(donation)
}

/// How many registrations, certificates, materials and reviews are kept (for checks that a
/// refusal wrote nothing).
pub async fn counts(conn: &mut SqliteConnection) -> Result<(i64, i64, i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM blood_registrations), (SELECT count(*) FROM blood_certificates),
                (SELECT count(*) FROM blood_materials), (SELECT count(*) FROM blood_reviews)",
    )
    .fetch_one(conn)
    .await?)
}
