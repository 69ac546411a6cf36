//! 改退: a refund by the original route the channel could not make (退款失败) is paid to the
//! patient another way, by a supervisor — in cash from the drawer (改退现金) or by the hospital's
//! bank to an account the patient designates (转账退款) — as two money rows in one operation:
//! the failed refund's money comes back onto the deposits (the channel's tender, its reference
//! the refund number — nothing moved at the channel, and nothing is counted twice), and that is
//! reversed in cash or by transfer (its reference the account, masked), with the reason. The
//! balance is unchanged; the platform accepts it only for a refund it knows failed, once, and a
//! transfer only from a supervisor.

use contract::cashier::{DepositReceipt, RefundOtherwiseRequest};
use domain::account::payee::Payee;
use domain::account::refund_progress::RefundProgress;
use domain::{DepositEntry, DepositKind, Money, Permission, Tender, TenderLine};
use store::deposits;
use store::receipts::Series;

use crate::deposits::receipt_view;
use crate::{App, AppError, Operator, input};

impl App {
    /// Pays the failed refund `refund_no` in cash, or by transfer to `request.payee`; the
    /// reversal's receipt.
    pub async fn refund_otherwise(
        &self,
        operator: &Operator,
        request: &RefundOtherwiseRequest,
    ) -> Result<DepositReceipt, AppError> {
        operator.require(Permission::ResolvePending)?;
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let case_no = input::case_no(&request.case_no)?;
        let payee = match &request.payee {
            Some(p) => Some(Payee::new(&p.bank, &p.holder, &p.account).map_err(|e| {
                let field = if e.code() == "PAYEE_ACCOUNT_INVALID" { "account" } else { "payee" };
                AppError::invalid(e.code(), e.to_string(), field)
            })?),
            None => None,
        };
        let (way, paid_by) = match &payee {
            Some(payee) => (
                "转账退款",
                TenderLine { tender: Tender::Transfer, amount: Money::ZERO, reference: Some(payee.to_string()) },
            ),
            None => ("改退现金", TenderLine { tender: Tender::Cash, amount: Money::ZERO, reference: None }),
        };
        let reason = input::reason(&request.reason, &format!("请填写{way}的原因"))?;
        let refund_no = request.refund_no.trim();
        let mut conn = self.store.conn().await?;
        if let Some((id, _, _)) = deposits::by_key(&mut conn, key).await? {
            drop(conn);
            // A retry: the cash reversal written under this operation.
            let (summary, account) = self.load_account(&request.case_no).await?;
            let reversal = account.deposits.iter().find(|d| d.kind == DepositKind::Reversal { of: id });
            let entry = reversal.ok_or_else(|| AppError::internal("改退记录读取失败"))?;
            return Ok(receipt_view(&summary.admission, entry, Money::ZERO));
        }
        drop(conn);
        let refunds = self.refund_status(&request.case_no).await?;
        let refund = refunds.iter().find(|r| r.refund_no == refund_no).ok_or_else(|| AppError::Rule {
            code: "REFUND_NOT_FOUND",
            message: format!("该患者没有退款单 {refund_no}"),
        })?;
        if refund.state.code != RefundProgress::Failed.code() {
            return Err(AppError::Rule {
                code: "REFUND_NOT_FAILED",
                message: format!("退款单 {refund_no} 为“{}”，只有退款失败的才能改退现金或转账退款", refund.state.label),
            });
        }
        let tender = Tender::parse(&refund.tender.code).map_err(AppError::internal)?;
        let amount = refund.amount.money();
        let mut op = self.begin_op(operator, key, &case_no).await?;
        let returned_before = op.account.deposits.iter().any(|d| {
            d.tenders.iter().any(|t| t.reference.as_deref() == Some(refund_no)) && d.kind == DepositKind::Deposit
        });
        if returned_before {
            return Err(AppError::Rule {
                code: "REFUND_ALREADY_PAID",
                message: format!("退款单 {refund_no} 已改退（现金或转账），不能重复办理"),
            });
        }
        let number = op.take_number(Series::Deposit).await?;
        let mut returned = DepositEntry {
            id: 0,
            receipt_no: number.text.clone(),
            kind: DepositKind::Deposit,
            amount,
            tenders: vec![TenderLine { tender, amount, reference: Some(refund_no.to_owned()) }],
            at: op.now,
            cashier: operator.display_name.clone(),
            reason: Some(format!("{}原路退款失败，款项退回（退款单 {refund_no}）", tender.label())),
        };
        returned.id = op.append_deposit(key, &returned, &number).await?;
        op.account.deposits.push(returned.clone());
        let out = [TenderLine { amount, ..paid_by }];
        let lines = op.account.plan_reversal(returned.id, amount, &out, op.now)?;
        let number = op.take_number(Series::Deposit).await?;
        let paid = DepositEntry {
            id: 0,
            receipt_no: number.text.clone(),
            kind: DepositKind::Reversal { of: returned.id },
            amount: -amount,
            tenders: lines,
            at: op.now,
            cashier: operator.display_name.clone(),
            reason: Some(format!("{way}：{reason}")),
        };
        let part = op.part_key();
        op.append_deposit(part, &paid, &number).await?;
        let admission = op.summary.admission.clone();
        op.commit().await?;
        tracing::info!(refund = %refund_no, receipt_no = %paid.receipt_no, way, "a failed refund paid another way");
        Ok(receipt_view(&admission, &paid, Money::ZERO))
    }
}
