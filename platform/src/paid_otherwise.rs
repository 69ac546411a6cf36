//! A refund the channel could not make (退款失败), paid another way by a supervisor at a linked
//! counter: its money comes back onto the deposits under the refund's number (`returned`), and
//! is paid out in cash (改退现金) or by the hospital's bank to an account the patient designates
//! (转账退款, `check_transfers`). The platform takes the returned money only from a supervisor,
//! of that refund's tender and amount, once; and a transfer only from a supervisor, only as the
//! reversal of such returned money in the same operation — never as a collection, never as a
//! cashier's ordinary reversal.

use domain::Tender;
use sqlx::PgConnection;
use wire::{Envelope, Record};

use crate::error::ApiResult;
use crate::push_checks::{Pusher, Refusal};

/// What a deposit line naming a refund number is.
pub enum Returned {
    /// A failed refund's money, taken (marked used by this operation's record).
    Taken,
    Refused(Refusal),
    /// Not a failed refund's number: an ordinary collection, checked as one.
    NotARefund,
}

/// The tender and amount (fen) of refund `refund_no` if its last known state is 退款失败.
async fn failed(conn: &mut PgConnection, refund_no: &str) -> ApiResult<Option<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT r.tender, r.amount_fen FROM channel_refunds r WHERE r.refund_no = $1
           AND (SELECT e.state FROM channel_refund_events e WHERE e.refund_no = r.refund_no AND e.state <> 'unavailable'
                ORDER BY e.id DESC LIMIT 1) = 'failed'",
    )
    .bind(refund_no)
    .fetch_optional(&mut *conn)
    .await?)
}

fn may_resolve(pusher: &Pusher) -> bool {
    pusher.role.is_some_and(|r| r.may(domain::Permission::ResolvePending))
}

/// A deposit line naming a refund that failed brings its money back to be paid another way:
/// only a supervisor's, of that refund's tender and amount, once.
pub async fn returned(
    conn: &mut PgConnection,
    pusher: &Pusher,
    tender: &str,
    fen: i64,
    refund_no: &str,
    record_key: uuid::Uuid,
) -> ApiResult<Returned> {
    let Some((refund_tender, refund_fen)) = failed(conn, refund_no).await? else { return Ok(Returned::NotARefund) };
    let refused = |code: &'static str, message: String| Ok(Returned::Refused(Refusal { code, message }));
    if !may_resolve(pusher) {
        return refused("REFUND_IN_CASH_FORBIDDEN", format!("退款单 {refund_no} 改退现金或转账退款须由主管办理"));
    }
    if refund_tender != tender || refund_fen != fen {
        return refused("CHANNEL_PAYMENT_MISMATCH", format!("退回的款项与退款单 {refund_no} 的支付方式或金额不符"));
    }
    let taken = sqlx::query(
        "INSERT INTO channel_order_uses (transaction_id, record_key) VALUES ($1, $2) ON CONFLICT (transaction_id) DO NOTHING",
    )
    .bind(refund_no)
    .bind(record_key)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if taken == 0 {
        return refused("CHANNEL_PAYMENT_USED", format!("退款单 {refund_no} 已改退，不能重复办理"));
    }
    Ok(Returned::Taken)
}

/// Every transfer line of a pushed operation pays out a failed refund's returned money: a
/// supervisor's reversal of a deposit in the same operation whose every line names a refund
/// that failed.
pub async fn check_transfers(
    conn: &mut PgConnection,
    pusher: &Pusher,
    envelope: &Envelope,
) -> ApiResult<Option<Refusal>> {
    let transfer = Tender::Transfer.code();
    let refuse = |code: &'static str, message: &str| Ok(Some(Refusal { code, message: message.to_owned() }));
    for record in &envelope.records {
        let in_settlement = matches!(record, Record::Settlement(s) if s.payments.iter().any(|p| p.tender == transfer));
        if in_settlement {
            return refuse("TRANSFER_NOT_FOR_REFUND", "结算不能以转账收付，转账只用于原路退款失败的款项");
        }
        let Record::Deposit(d) = record else { continue };
        if !d.tenders.iter().any(|t| t.tender == transfer) {
            continue;
        }
        if !may_resolve(pusher) {
            return refuse("TRANSFER_FORBIDDEN", "转账退款须由主管办理");
        }
        let returned = d.reverses.and_then(|of| {
            envelope.records.iter().find_map(|r| match r {
                Record::Deposit(o) if o.key == of && o.deposit_kind == "deposit" => Some(o),
                _ => None,
            })
        });
        let Some(returned) = returned.filter(|_| d.deposit_kind == "reversal") else {
            return refuse("TRANSFER_NOT_FOR_REFUND", "转账只用于原路退款失败的款项（须与退回的款项在同一操作中）");
        };
        for line in &returned.tenders {
            let named = match line.reference.as_deref() {
                Some(refund_no) => failed(conn, refund_no).await?.is_some(),
                None => false,
            };
            if !named {
                return refuse("TRANSFER_NOT_FOR_REFUND", "转账只用于原路退款失败的款项");
            }
        }
    }
    Ok(None)
}
