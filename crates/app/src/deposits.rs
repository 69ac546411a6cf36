//! Taking a deposit (交预交金), reversing one (冲红), and voiding a spoiled receipt to print it
//! again under a new number.

use contract::cashier::{DepositReceipt, DepositRequest, ReversalRequest, TenderInput, VoidReceiptRequest};
use contract::{PrintOutcome, Tag, Yuan};
use domain::{DepositEntry, DepositKind, Money, Permission};
use store::deposits;
use store::receipts::{self, Series};

use crate::counter_settings::PrintKind;
use crate::views::tender_view;
use crate::{App, AppError, Operator, input};

impl App {
    /// Records a deposit in one or more tenders and issues its receipt number. A retry with the
    /// same key returns the first receipt; the same key with another amount is refused.
    pub async fn take_deposit(
        &self,
        operator: &Operator,
        request: &DepositRequest,
    ) -> Result<DepositReceipt, AppError> {
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let case_no = input::case_no(&request.case_no)?;
        let mut tenders = input::tenders(&request.tenders)?;
        let cash_received = input::optional_amount(request.cash_received.as_deref(), "cash_received")?;
        let codes = if self.pay_desk.is_some() { crate::pay_desk::codes_of(&request.tenders)? } else { Vec::new() };
        if tenders.iter().any(|t| t.tender.collects_through_platform()) {
            self.require_online("使用微信、支付宝或社保卡收款（可用现金、支票、银行卡）")?;
        }
        // The payer's codes are collected first, outside the write (the payer may take 30 s),
        // once the deposit would be taken; a retry of the operation finds its orders paid.
        let collected = if codes.is_empty() {
            Default::default()
        } else {
            let mut conn = self.store.conn().await?;
            let done = deposits::by_key(&mut conn, key).await?.is_some();
            drop(conn);
            if done {
                Default::default()
            } else {
                let (_, account) = self.load_account(&request.case_no).await?;
                account.check_new_deposit(&tenders, cash_received)?;
                self.collect_codes(key, &mut tenders, &codes, &request.case_no, "住院预交金").await?
            }
        };
        match self.write_deposit(operator, key, &case_no, &tenders, cash_received).await {
            Ok(receipt) => Ok(receipt),
            Err(e) => {
                self.give_back(collected).await;
                Err(e)
            }
        }
    }

    async fn write_deposit(
        &self,
        operator: &Operator,
        key: uuid::Uuid,
        case_no: &domain::CaseNo,
        tenders: &[domain::TenderLine],
        cash_received: Option<Money>,
    ) -> Result<DepositReceipt, AppError> {
        let mut op = self.begin_op(operator, key, case_no).await?;
        if let Some(earlier) = deposits::by_key(op.conn(), key).await? {
            let total: Money = tenders.iter().map(|t| t.amount).sum();
            return replayed(&op.account, earlier, total, &op.summary.admission);
        }
        let tendered = op.account.check_new_deposit(tenders, cash_received)?;
        let number = op.take_number(Series::Deposit).await?;
        let entry = DepositEntry {
            id: 0,
            receipt_no: number.text.clone(),
            kind: DepositKind::Deposit,
            amount: tendered.total,
            tenders: tendered.lines,
            at: op.now,
            cashier: operator.display_name.clone(),
            reason: None,
        };
        op.append_deposit(key, &entry, &number).await?;
        let admission = op.summary.admission.clone();
        op.commit().await?;
        tracing::info!(receipt_no = %entry.receipt_no, case_no = %case_no, amount = %entry.amount, "deposit taken");
        Ok(receipt_view(&admission, &entry, tendered.change))
    }

    /// Reverses (all or, for cash, part of) a deposit back by its original route or in cash,
    /// keeping the reason (冲红原因) with the reversal.
    pub async fn reverse_deposit(
        &self,
        operator: &Operator,
        request: &ReversalRequest,
    ) -> Result<DepositReceipt, AppError> {
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let case_no = input::case_no(&request.case_no)?;
        let amount = domain::PaymentAmount::parse(&request.amount)
            .map_err(|e| AppError::invalid(e.code(), format!("冲红金额：{e}"), "amount"))?
            .money();
        let routes = input::tenders(&request.tenders)?;
        if routes.iter().any(|l| l.tender == domain::Tender::Transfer) {
            return Err(AppError::Rule {
                code: "TRANSFER_ONLY_FOR_FAILED_REFUND",
                message: "转账退款只用于原路退款失败的款项，请由主管在“原路退款”中办理".into(),
            });
        }
        let reason = input::reason(&request.reason, "请填写冲红原因")?;
        let receipt_no = request.receipt_no.trim();
        let mut op = self.begin_op(operator, key, &case_no).await?;
        if let Some(earlier) = deposits::by_key(op.conn(), key).await? {
            return replayed(&op.account, earlier, -amount, &op.summary.admission);
        }
        let deposit_id = match receipts::deposit_of(op.conn(), receipt_no).await? {
            Some((_, true)) => {
                return Err(AppError::Rule {
                    code: "RECEIPT_VOIDED",
                    message: "该收据已作废，请使用重打后的新收据号".into(),
                });
            }
            Some((id, false)) => id,
            None => op.account.deposits.iter().find(|d| d.receipt_no == receipt_no).map(|d| d.id).ok_or_else(|| {
                AppError::Rule {
                    code: "DEPOSIT_NOT_FOUND",
                    message: format!("该患者没有收据号为 {receipt_no} 的预交金"),
                }
            })?,
        };
        if routes.iter().any(|t| t.tender.refunds_through_platform()) {
            self.require_online("原路退款（可改用现金退回）")?;
        }
        let lines = op.account.plan_reversal(deposit_id, amount, &routes, op.now)?;
        let number = op.take_number(Series::Deposit).await?;
        let entry = DepositEntry {
            id: 0,
            receipt_no: number.text.clone(),
            kind: DepositKind::Reversal { of: deposit_id },
            amount: -amount,
            tenders: lines,
            at: op.now,
            cashier: operator.display_name.clone(),
            reason: Some(reason),
        };
        op.append_deposit(key, &entry, &number).await?;
        let admission = op.summary.admission.clone();
        op.commit().await?;
        tracing::info!(receipt_no = %entry.receipt_no, reverses = deposit_id, "deposit reversed");
        self.send_refunds(key).await;
        Ok(receipt_view(&admission, &entry, Money::ZERO))
    }

    /// The reversal of the deposit `receipt_no` a cashier gets without choosing: all that is
    /// left of it, by its own routes, or in cash when `to_cash`. (amount, tenders)
    pub async fn reversal_by_route(
        &self,
        case_no: &str,
        receipt_no: &str,
        to_cash: bool,
    ) -> Result<(String, Vec<TenderInput>), AppError> {
        let (_, account) = self.load_account(case_no).await?;
        let deposit =
            account.deposits.iter().find(|d| d.receipt_no == receipt_no.trim()).ok_or_else(|| AppError::Rule {
                code: "DEPOSIT_NOT_FOUND",
                message: format!("该患者没有收据号为 {} 的预交金", receipt_no.trim()),
            })?;
        let lines = account.reversal_routes(deposit.id, to_cash);
        if lines.is_empty() {
            return Err(AppError::Rule {
                code: "DEPOSIT_NOT_REVERSIBLE",
                message: format!("收据 {} 的预交金已冲红、已用于结算或患者已结算，不能冲红", deposit.receipt_no),
            });
        }
        let amount: Money = lines.iter().map(|l| l.amount).sum();
        let tenders = lines.iter().map(|l| TenderInput::new(l.tender.code(), l.amount.to_string())).collect();
        Ok((amount.to_string(), tenders))
    }

    /// Voids a spoiled receipt (作废) and numbers the deposit anew; the old number stays taken.
    pub async fn void_receipt(
        &self,
        operator: &Operator,
        request: &VoidReceiptRequest,
    ) -> Result<DepositReceipt, AppError> {
        operator.require(Permission::HandleMoney)?;
        let case_no = input::case_no(&request.case_no)?;
        let reason = input::reason(&request.reason, "请填写作废原因")?;
        let mut op = self.begin_op(operator, self.clock.key(), &case_no).await?;
        let receipt_no = request.receipt_no.trim();
        let entry = op.account.deposits.iter().find(|d| d.receipt_no == receipt_no).cloned().ok_or_else(|| {
            AppError::Rule { code: "RECEIPT_NOT_FOUND", message: "该患者没有这张有效收据".into() }
        })?;
        if receipts::deposit_of(op.conn(), &entry.receipt_no).await?.is_none() {
            return Err(AppError::Rule {
                code: "RECEIPT_UNTRACKED",
                message: "该收据号不在本机登记范围内，不能作废".into(),
            });
        }
        let number = op.take_number(Series::Deposit).await?;
        op.renumber_deposit(entry.id, &entry.receipt_no, &number, &reason).await?;
        let admission = op.summary.admission.clone();
        op.commit().await?;
        let reissued = DepositEntry { receipt_no: number.text, ..entry };
        Ok(receipt_view(&admission, &reissued, Money::ZERO))
    }

    /// Prints (or saves) the receipt of a deposit or reversal.
    pub async fn print_deposit_receipt(
        &self,
        operator: &Operator,
        case_no: &str,
        receipt_no: &str,
    ) -> Result<PrintOutcome, AppError> {
        let (summary, account) = self.load_account(case_no).await?;
        let entry = account.deposits.iter().find(|d| d.receipt_no == receipt_no.trim()).ok_or_else(|| {
            AppError::Rule { code: "RECEIPT_NOT_FOUND", message: format!("找不到收据 {receipt_no}") }
        })?;
        let copy = self.log_print(operator, crate::reprints::Document::Receipt, &entry.receipt_no, None).await?;
        let mut model = crate::statement::receipt_model(self, &summary.admission, entry, &operator.display_name);
        model.title.push_str(&crate::reprints::reprint_mark(copy));
        let offset = self.paper_offset(PrintKind::Receipt).await?;
        let pdf = tokio::task::spawn_blocking(move || reports::render_receipt_at(&model, offset))
            .await
            .map_err(AppError::internal)??;
        self.deliver(PrintKind::Receipt, &format!("预交金收据-{}.pdf", entry.receipt_no), &pdf).await
    }
}

/// A retried operation: the same key gives back what it recorded the first time, and a
/// different amount (or admission) under the same key is refused instead of applied.
fn replayed(
    account: &domain::InpatientAccount,
    (id, admission, stored_fen): (i64, String, i64),
    requested: Money,
    current: &domain::Admission,
) -> Result<DepositReceipt, AppError> {
    let reused = || AppError::Rule {
        code: "KEY_REUSED",
        message: "同一操作编号已用于另一笔不同的预交金，本次未入账；请重新打开窗口".into(),
    };
    if admission != current.id.to_string() || stored_fen != requested.fen() {
        return Err(reused());
    }
    let entry = account.deposits.iter().find(|d| d.id == id).ok_or_else(reused)?;
    Ok(receipt_view(current, entry, Money::ZERO))
}

pub(crate) fn receipt_view(admission: &domain::Admission, entry: &DepositEntry, change: Money) -> DepositReceipt {
    DepositReceipt {
        receipt_no: entry.receipt_no.clone(),
        case_no: admission.case_no.to_string(),
        patient_name: admission.patient.name.to_string(),
        kind: Tag::new(entry.kind.code(), entry.kind.label()),
        amount: Yuan(entry.amount),
        amount_words: entry.amount.words(),
        tenders: entry.tenders.iter().map(tender_view).collect(),
        change: Yuan(change),
        at: entry.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        cashier: entry.cashier.clone(),
        reason: entry.reason.clone(),
        print: None,
    }
}
