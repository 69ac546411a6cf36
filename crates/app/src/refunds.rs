//! Refunds by the original route (原路退款): a deposit reversal or settlement that gives money
//! back to a WeChat or Alipay payment writes each refund with its record (numbered from the
//! operation's key, so asking again is the same refund), and once the record is committed the
//! counter asks its pay desk — the in-process channel at a stand-alone counter, the platform
//! at a linked one (which asks the channel once the record reached it). Every answer is kept;
//! `refund_status` asks again about those not final and shows where each stands.

use channels::{RefundOrder, RefundState};
use contract::Tag;
use contract::account::{PaidOtherwise, RefundView};
use domain::account::refund_progress::RefundProgress;
use domain::{Money, Tender};
use store::SqliteConnection;
use store::refunds::{Refund, RefundNow};
use uuid::Uuid;

use crate::{App, AppError};

/// Writes the refunds `envelope`'s records ask for, in its transaction.
pub(crate) async fn write(conn: &mut SqliteConnection, envelope: &wire::Envelope) -> Result<(), AppError> {
    for line in wire::pay::refund_lines(envelope) {
        let refund = Refund {
            refund_no: line.refund_no,
            op_key: envelope.key,
            admission_id: envelope.admission_id,
            record_no: line.record_no,
            tender: line.tender.code().to_owned(),
            amount_fen: line.amount.fen(),
            transaction_id: line.transaction_id.unwrap_or_default(),
            reason: line.reason,
            at: envelope.at,
        };
        store::refunds::insert(conn, &refund).await?;
    }
    Ok(())
}

/// Marks the failed refunds paid another way since (改退现金, 转账退款): a deposit of this
/// account names them, and its reversal says how.
pub(crate) fn mark_paid_otherwise(views: &mut [RefundView], account: &domain::InpatientAccount) {
    for view in views.iter_mut().filter(|v| v.state.code == RefundProgress::Failed.code()) {
        let returned = account.deposits.iter().find(|d| {
            d.kind == domain::DepositKind::Deposit
                && d.tenders.iter().any(|t| t.reference.as_deref() == Some(view.refund_no.as_str()))
        });
        if let Some(deposit) = returned {
            let paid = account.deposits.iter().find(|d| d.kind == domain::DepositKind::Reversal { of: deposit.id });
            let line = paid.and_then(|p| p.tenders.first());
            let tender = line.map_or(Tender::Cash, |l| l.tender);
            view.paid_otherwise = Some(PaidOtherwise {
                receipt_no: paid.map_or(&deposit.receipt_no, |p| &p.receipt_no).clone(),
                tender: Tag::new(tender.code(), tender.label()),
                payee: line.filter(|l| l.tender == Tender::Transfer).and_then(|l| l.reference.clone()),
            });
        }
    }
}

/// A refund as the screen shows it.
pub(crate) fn refund_view(now: &RefundNow) -> Result<RefundView, AppError> {
    let tender = Tender::parse(&now.refund.tender).map_err(AppError::internal)?;
    let progress = RefundProgress::parse(&now.state).unwrap_or(RefundProgress::Requested);
    Ok(RefundView {
        refund_no: now.refund.refund_no.clone(),
        record_no: now.refund.record_no.clone(),
        tender: Tag::new(tender.code(), tender.label()),
        amount: Money::from_fen(now.refund.amount_fen).map_err(AppError::internal)?.into(),
        transaction_id: now.refund.transaction_id.clone(),
        state: Tag::new(progress.code(), progress.label()),
        refund_id: now.refund_id.clone(),
        message: now.message.clone(),
        at: now.refund.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        paid_otherwise: None,
    })
}

pub(crate) fn status_view(status: &wire::pay::RefundStatus) -> Result<RefundView, AppError> {
    let tender = Tender::parse(&status.tender).map_err(AppError::internal)?;
    let progress = RefundProgress::parse(&status.state).unwrap_or(RefundProgress::Requested);
    Ok(RefundView {
        refund_no: status.refund_no.clone(),
        record_no: status.record_no.clone(),
        tender: Tag::new(tender.code(), tender.label()),
        amount: status.amount,
        transaction_id: status.transaction_id.clone(),
        state: Tag::new(progress.code(), progress.label()),
        refund_id: status.refund_id.clone(),
        message: status.message.clone(),
        at: status.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        paid_otherwise: None,
    })
}

impl App {
    /// Asks the pay desk about every refund of `refunds` not final yet and keeps each new answer.
    async fn ask_about(&self, refunds: Vec<RefundNow>) -> Result<(), AppError> {
        let Some(desk) = &self.pay_desk else { return Ok(()) };
        for now in refunds {
            let progress = RefundProgress::parse(&now.state).unwrap_or(RefundProgress::Requested);
            if progress.is_final() {
                continue;
            }
            let tender = Tender::parse(&now.refund.tender).map_err(AppError::internal)?;
            let order = RefundOrder {
                refund_no: now.refund.refund_no.clone(),
                order_no: String::new(),
                transaction_id: now.refund.transaction_id.clone(),
                tender,
                amount: Money::from_fen(now.refund.amount_fen).map_err(AppError::internal)?,
                reason: now.refund.reason.clone(),
            };
            let answer = match desk.refund(&order).await {
                Ok(answer) => answer,
                Err(e) => {
                    tracing::warn!(refund = %order.refund_no, error = %e, "refund not asked yet; asked again later");
                    continue;
                }
            };
            if answer.progress() == progress {
                continue;
            }
            let (refund_id, message) = match &answer {
                RefundState::Refunded { refund_id } => (Some(refund_id.as_str()), None),
                RefundState::Failed { code, message } if code.is_empty() => (None, Some(message.clone())),
                RefundState::Failed { code, message } => (None, Some(format!("{message}（{code}）"))),
                RefundState::Processing | RefundState::Unknown => (None, None),
            };
            let mut conn = self.store.conn().await?;
            let at = self.clock.now();
            store::refunds::answer(
                &mut conn,
                &order.refund_no,
                answer.progress().code(),
                refund_id,
                message.as_deref(),
                at,
            )
            .await?;
            tracing::info!(refund = %order.refund_no, state = answer.progress().code(), "refund by the original route");
        }
        Ok(())
    }

    /// Asks for the refunds written under the operation `key` (just committed).
    pub(crate) async fn send_refunds(&self, key: Uuid) {
        let refunds = match self.store.conn().await {
            Ok(mut conn) => store::refunds::of_operation(&mut conn, key).await,
            Err(e) => Err(e),
        };
        match refunds {
            Ok(refunds) if refunds.is_empty() => {}
            Ok(refunds) => {
                if let Err(e) = self.ask_about(refunds).await {
                    tracing::warn!(error = %e, "refunds not asked yet; asked again on the next status");
                }
            }
            Err(e) => tracing::warn!(error = %e, "refunds of an operation not read"),
        }
    }

    /// The admission's refunds by the original route, each asked about again if not final;
    /// at a linked counter also those other counters asked for.
    pub async fn refund_status(&self, case_no: &str) -> Result<Vec<RefundView>, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        let mut conn = self.store.conn().await?;
        let mine = store::refunds::of_admission(&mut conn, summary.admission.id).await?;
        drop(conn);
        self.ask_about(mine).await?;
        let mut conn = self.store.conn().await?;
        let mine = store::refunds::of_admission(&mut conn, summary.admission.id).await?;
        drop(conn);
        let mut views: Vec<RefundView> = mine.iter().map(refund_view).collect::<Result<_, _>>()?;
        if let Some(desk) = &self.pay_desk {
            let others = desk.refunds_of(&summary.admission.case_no.to_string()).await?;
            let known: Vec<String> = views.iter().map(|v| v.refund_no.clone()).collect();
            for status in others.iter().filter(|s| !known.contains(&s.refund_no)) {
                views.push(status_view(status)?);
            }
        }
        mark_paid_otherwise(&mut views, &account);
        Ok(views)
    }
}
