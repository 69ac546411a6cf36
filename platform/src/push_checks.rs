//! What the platform re-decides about a pushed operation before the ledger sees it, whatever the
//! counter already checked: who may do each record (per record kind, not per route), that
//! nobody approves their own recall, and that each receipt and settlement number comes from a
//! block the platform handed this device and cashier and was not used before; that the operation
//! and every actor in its records is the user whose token pushes; that its stated times are
//! neither ahead of the platform's clock nor older than a device may have been offline; that a
//! WeChat or Alipay collection names a transaction the platform collected (`payments`). A refusal is
//! answered `invalid` with its code (nothing is kept): a counter keeping the rules never sends
//! such an operation, so there is nothing for a supervisor to resolve.

use chrono::{Duration, NaiveDateTime};
use domain::{AdmissionEvent, Permission, Role};
use sqlx::PgConnection;
use uuid::Uuid;
use wire::{Envelope, Record, codes};

use crate::error::ApiResult;

/// Why an operation is refused: a stable code and a zh-CN sentence.
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: String) -> ApiResult<Option<Refusal>> {
    Ok(Some(Refusal { code, message }))
}

/// The permission a record needs (records only the HIS writes are refused by the fold).
pub fn needs(record: &Record) -> Option<Permission> {
    match record {
        Record::Deposit(_)
        | Record::Settlement(_)
        | Record::Recall(_)
        | Record::BloodRegistration(_)
        | Record::ReceiptVoid(_) => Some(Permission::HandleMoney),
        Record::BloodReview(_) => Some(Permission::ReviewBloodWaiver),
        Record::FeeEvent(_) => Some(Permission::AuditFees),
        Record::AdmissionEvent(r) => match AdmissionEvent::from_code(&r.event) {
            Some(AdmissionEvent::AuditPassed | AdmissionEvent::AuditReturned) => Some(Permission::AuditFees),
            _ => Some(Permission::HandleMoney),
        },
        Record::Admission(_) | Record::Fee(_) | Record::BloodApproval(_) | Record::Invoice(_) => None,
    }
}

/// The user whose token pushes, as the platform's session knows them.
#[derive(Clone, Debug)]
pub struct Pusher {
    pub role: Option<Role>,
    pub username: String,
    pub display_name: String,
}

/// The platform's time when the operation arrived, and how far a stated time may stray from it.
#[derive(Clone, Copy, Debug)]
pub struct Times {
    pub now: NaiveDateTime,
    /// Ahead of `now` (clocks of counters drift).
    pub skew: Duration,
    /// Behind `now` (a counter's longest offline stretch).
    pub offline: Duration,
}

/// All checks of one operation, in the admission's transaction (the admission row is locked).
pub async fn check(
    conn: &mut PgConnection,
    device_id: Uuid,
    pusher: &Pusher,
    times: Times,
    envelope: &Envelope,
) -> ApiResult<Option<Refusal>> {
    if let Some(refusal) = permissions(conn, pusher.role, envelope).await? {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = identity(pusher, envelope) {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = stated_times(conn, device_id, times, envelope).await? {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = numbers(conn, device_id, envelope).await? {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = crate::paid_otherwise::check_transfers(conn, pusher, envelope).await? {
        return Ok(Some(refusal));
    }
    // Last: it marks the channel's transactions used by this operation.
    crate::payments::check_pushed(conn, pusher, envelope).await
}

/// The person a record says did it (a display name, as printed); `None` for HIS-only records.
fn actor(record: &Record) -> Option<&str> {
    match record {
        Record::Deposit(r) => Some(&r.cashier),
        Record::Settlement(r) => Some(&r.cashier),
        Record::Recall(r) => Some(&r.by),
        Record::ReceiptVoid(r) => Some(&r.by),
        Record::FeeEvent(r) => Some(&r.actor),
        Record::AdmissionEvent(r) => Some(&r.actor),
        // These name a username, checked in `identity`.
        Record::BloodRegistration(_) | Record::BloodReview(_) => None,
        Record::Admission(_) | Record::Fee(_) | Record::BloodApproval(_) | Record::Invoice(_) => None,
    }
}

/// The username a record says did it, for records that name one.
fn actor_username(record: &Record) -> Option<&str> {
    match record {
        Record::BloodRegistration(r) => Some(&r.clerk),
        Record::BloodReview(r) => Some(&r.reviewer),
        _ => None,
    }
}

/// The operation is the pusher's own: the envelope names the pusher's username and every
/// record's actor is the pusher's display name (a recall's approver is checked by role).
fn identity(pusher: &Pusher, envelope: &Envelope) -> Option<Refusal> {
    if envelope.cashier != pusher.username {
        return Some(Refusal {
            code: codes::NOT_THE_CALLER,
            message: format!("操作人“{}”不是登录上传的用户“{}”，操作未入账", envelope.cashier, pusher.username),
        });
    }
    let other = envelope.records.iter().find_map(|r| {
        actor(r)
            .filter(|a| *a != pusher.display_name)
            .or_else(|| actor_username(r).filter(|a| *a != pusher.username))
            .map(|a| (r, a))
    });
    other.map(|(record, actor)| Refusal {
        code: codes::NOT_THE_CALLER,
        message: format!(
            "{} 记录的经办人“{actor}”不是登录上传的用户“{}”，操作未入账",
            record.kind(),
            pusher.display_name
        ),
    })
}

/// The times an operation states: the envelope's and each record's own.
fn stated(envelope: &Envelope) -> impl Iterator<Item = NaiveDateTime> + '_ {
    let records = envelope.records.iter().filter_map(|record| match record {
        Record::Deposit(r) => Some(r.at),
        Record::Settlement(r) => Some(r.at),
        Record::Recall(r) => Some(r.at),
        Record::FeeEvent(r) => Some(r.at),
        Record::AdmissionEvent(r) => Some(r.at),
        Record::BloodRegistration(r) => Some(r.at),
        Record::BloodReview(r) => Some(r.at),
        Record::ReceiptVoid(r) => Some(r.at),
        Record::Admission(_) | Record::Fee(_) | Record::BloodApproval(_) | Record::Invoice(_) => None,
    });
    std::iter::once(envelope.at).chain(records)
}

/// Each stated time lies between the earliest a device can have made it — not before the
/// device was registered (less the skew), not longer ago than the longest offline stretch — and
/// the platform's clock plus the skew.
async fn stated_times(
    conn: &mut PgConnection,
    device_id: Uuid,
    times: Times,
    envelope: &Envelope,
) -> ApiResult<Option<Refusal>> {
    let latest = times.now + times.skew;
    if let Some(at) = stated(envelope).find(|at| *at > latest) {
        return refuse(
            codes::TIME_IN_FUTURE,
            format!(
                "操作时间 {at} 晚于平台时间 {}（允许误差 {} 秒），请校准本机时钟",
                times.now,
                times.skew.num_seconds()
            ),
        );
    }
    let registered: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT registered_at FROM devices WHERE id = $1")
            .bind(device_id)
            .fetch_optional(&mut *conn)
            .await?;
    // Registration is a real instant: read in local time, not moved by a trial's clock shift.
    let registered =
        registered.map(|r| chrono::SubsecRound::trunc_subsecs(r.with_timezone(&chrono::Local).naive_local(), 0));
    let earliest = registered.map_or(times.now - times.offline, |r| (r - times.skew).max(times.now - times.offline));
    if let Some(at) = stated(envelope).find(|at| *at < earliest) {
        return refuse(
            codes::TIME_TOO_OLD,
            format!("操作时间 {at} 早于本设备可能离线记账的最早时间 {earliest}，操作未入账"),
        );
    }
    Ok(None)
}

/// Both the user who pushes and the user the operation names (as the platform knows them, not
/// as the envelope says) must hold each record's permission; a recall's approver is not its maker.
async fn permissions(conn: &mut PgConnection, caller: Option<Role>, envelope: &Envelope) -> ApiResult<Option<Refusal>> {
    let actor: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE username = $1")
        .bind(&envelope.cashier)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(actor) = actor.as_deref().and_then(Role::from_code) else {
        return refuse(codes::FORBIDDEN, format!("平台上没有用户“{}”，操作未入账", envelope.cashier));
    };
    for record in &envelope.records {
        let Some(permission) = needs(record) else { continue };
        for (who, role) in [("上传者", caller), ("操作人", Some(actor))] {
            if !role.is_some_and(|r| r.may(permission)) {
                let role = role.map_or("未知角色", Role::label);
                return refuse(
                    codes::FORBIDDEN,
                    format!("{who}（{role}）无权{}：{} 记录未入账", permission.label(), record.kind()),
                );
            }
        }
        if let Record::Recall(recall) = record
            && recall.approver == envelope.cashier
        {
            return refuse(codes::SELF_APPROVAL, format!("召回不能由操作人“{}”自己授权", envelope.cashier));
        }
    }
    Ok(None)
}

/// A number's series, letters and sequence as `store::receipts::next` prints them:
/// letters + the cashier's prefix + an 8-digit sequence.
fn parse_number<'a>(number: &'a str, prefix: &str) -> Option<(&'static str, i64)> {
    let (series, rest) = if let Some(rest) = number.strip_prefix("YJ") {
        ("deposit", rest)
    } else {
        ("settlement", number.strip_prefix("JS")?)
    };
    let digits: &'a str = rest.strip_prefix(prefix)?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((series, digits.parse().ok()?))
}

/// Each deposit receipt and settlement number lies in a block allocated to this device and the
/// operation's cashier, and the journal does not hold it yet.
async fn numbers(conn: &mut PgConnection, device_id: Uuid, envelope: &Envelope) -> ApiResult<Option<Refusal>> {
    let mut prefix: Option<String> = None;
    for record in &envelope.records {
        let (number, expected) = match record {
            Record::Deposit(r) => (&r.receipt_no, "deposit"),
            Record::ReceiptVoid(r) => (&r.new_no, "deposit"),
            Record::Settlement(r) => (&r.settlement_no, "settlement"),
            _ => continue,
        };
        if prefix.is_none() {
            prefix = sqlx::query_scalar("SELECT receipt_prefix FROM users WHERE username = $1")
                .bind(&envelope.cashier)
                .fetch_optional(&mut *conn)
                .await?;
        }
        let parsed = prefix.as_deref().and_then(|p| parse_number(number, p)).filter(|(s, _)| *s == expected);
        let allocated =
            match parsed {
                Some((series, seq)) => sqlx::query_scalar::<_, bool>(
                    "SELECT EXISTS (SELECT 1 FROM receipt_ranges WHERE device_id = $1 AND cashier = $2 AND series = $3
                                AND $4 BETWEEN first_seq AND last_seq)",
                )
                .bind(device_id)
                .bind(&envelope.cashier)
                .bind(series)
                .bind(seq)
                .fetch_one(&mut *conn)
                .await?,
                None => false,
            };
        if !allocated {
            return refuse(
                codes::NUMBER_NOT_ALLOCATED,
                format!("票号 {number} 不在平台分配给本设备和收费员“{}”的号段内", envelope.cashier),
            );
        }
        // Two admissions' operations run side by side: one number is checked by one at a time.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('number:' || $1))").bind(number).execute(&mut *conn).await?;
        let used: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM journal WHERE kind IN ('deposit', 'settlement', 'receipt_void')
                            AND COALESCE(record->>'receipt_no', record->>'settlement_no', record->>'new_no') = $1)",
        )
        .bind(number)
        .fetch_one(&mut *conn)
        .await?;
        if used {
            return refuse(codes::NUMBER_USED, format!("票号 {number} 在平台上已经用过，操作未入账"));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;
    use wire::{Envelope, codes};

    use super::{Pusher, identity, parse_number};

    fn event(cashier: &str, actor: &str) -> Envelope {
        serde_json::from_value(json!({"key": Uuid::from_u128(1), "admission_id": Uuid::from_u128(2),
            "cashier": cashier, "at": "2026-01-01T09:00:00", "records": [{"kind": "admission_event",
            "key": Uuid::from_u128(3), "admission_id": Uuid::from_u128(2), "event": "discharged",
            "at": "2026-01-01T09:00:00", "actor": actor, "reason": null}]}))
        .unwrap()
    }

    #[test]
    fn an_operation_is_the_pushers_own_by_username_and_display_name() {
        let pusher = Pusher { role: None, username: "cashier".into(), display_name: "王丽".into() };
        assert!(identity(&pusher, &event("cashier", "王丽")).is_none());
        let named = identity(&pusher, &event("cashier2", "王丽")).map(|r| r.code);
        assert_eq!(named, Some(codes::NOT_THE_CALLER));
        let acted = identity(&pusher, &event("cashier", "赵敏")).map(|r| r.code);
        assert_eq!(acted, Some(codes::NOT_THE_CALLER));
    }

    #[test]
    fn numbers_parse_as_the_counter_prints_them() {
        assert_eq!(parse_number("YJ0700000012", "07"), Some(("deposit", 12)));
        assert_eq!(parse_number("JS0700000001", "07"), Some(("settlement", 1)));
        assert_eq!(parse_number("YJ0800000012", "07"), None);
        assert_eq!(parse_number("YJ070000012", "07"), None);
        assert_eq!(parse_number("DCL0700000012", "07"), None);
        assert_eq!(parse_number("YJ07000000-1", "07"), None);
    }
}
