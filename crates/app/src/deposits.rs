//! Taking a deposit (交预交金), reversing one (冲红), and voiding a spoiled receipt to print it
//! again under a new number.

use contract::cashier::{DepositReceipt, DepositRequest, ReversalRequest, VoidReceiptRequest};
use contract::{PrintOutcome, Tag, Yuan};
use domain::{DepositEntry, DepositKind, Money, Permission};
use store::receipts::{self, Numbered, Series};
use store::{deposits, journal, patients};

use crate::views::tender_view;
use crate::{App, AppError, Operator, input, outbox};

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
        let tenders = input::tenders(&request.tenders)?;
        let cash_received = input::optional_amount(request.cash_received.as_deref(), "cash_received")?;
        let now = self.clock.now();
        let mut tx = self.store.begin_immediate().await?;
        let summary = patients::by_case_no(&mut tx, &case_no).await?.ok_or_else(|| not_found(&case_no))?;
        if let Some((id, admission, fen)) = deposits::by_key(&mut tx, key).await? {
            let total: Money = tenders.iter().map(|t| t.amount).sum();
            return self.replayed(&mut tx, id, &admission, fen, total, &summary.admission).await;
        }
        if tenders.iter().any(|t| {
            matches!(t.tender, domain::Tender::WeChat | domain::Tender::Alipay | domain::Tender::SocialSecurityCard)
        }) {
            self.require_online("使用微信、支付宝或社保卡收款（可用现金、支票、银行卡）")?;
        }
        let account = journal::load_account(&mut tx, summary.admission.id).await?;
        let tendered = account.check_new_deposit(&tenders, cash_received)?;
        let (receipt_no, seq) =
            receipts::next(&mut tx, &operator.username, &operator.receipt_prefix, Series::Deposit, self.numbering())
                .await?;
        let entry = DepositEntry {
            id: 0,
            receipt_no: receipt_no.clone(),
            kind: DepositKind::Deposit,
            amount: tendered.total,
            tenders: tendered.lines.clone(),
            at: now,
            cashier: operator.display_name.clone(),
        };
        let id = deposits::append_deposit(&mut tx, summary.admission.id, key, &entry).await?;
        receipts::record(&mut tx, &receipt_no, &operator.username, Series::Deposit, seq, now, Numbered::Deposit(id))
            .await?;
        let record = outbox::deposit_record(&mut tx, summary.admission.id, key, &entry).await?;
        self.queue(&mut tx, key, summary.admission.id, &operator.username, now, vec![record]).await?;
        self.pause_before_commit().await;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(%receipt_no, case_no = %case_no, amount = %entry.amount, "deposit taken");
        Ok(receipt_view(&summary.admission, &entry, tendered.change))
    }

    /// Reverses (all or, for cash, part of) a deposit back by its original route or in cash.
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
        if request.reason.trim().is_empty() {
            return Err(AppError::invalid("REASON_REQUIRED", "请填写冲红原因", "reason"));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin_immediate().await?;
        let summary = patients::by_case_no(&mut tx, &case_no).await?.ok_or_else(|| not_found(&case_no))?;
        if let Some((id, admission, fen)) = deposits::by_key(&mut tx, key).await? {
            return self.replayed(&mut tx, id, &admission, fen, -amount, &summary.admission).await;
        }
        let (deposit_id, voided) = receipts::deposit_of(&mut tx, request.receipt_no.trim())
            .await?
            .or(deposit_by_original_receipt(&mut tx, summary.admission.id, request.receipt_no.trim()).await?)
            .ok_or_else(|| AppError::Rule {
                code: "DEPOSIT_NOT_FOUND",
                message: format!("该患者没有收据号为 {} 的预交金", request.receipt_no.trim()),
            })?;
        if voided {
            return Err(AppError::Rule {
                code: "RECEIPT_VOIDED",
                message: "该收据已作废，请使用重打后的新收据号".into(),
            });
        }
        if routes.iter().any(|t| t.tender != domain::Tender::Cash) {
            self.require_online("原路退款（可改用现金退回）")?;
        }
        let account = journal::load_account(&mut tx, summary.admission.id).await?;
        let lines = account.plan_reversal(deposit_id, amount, &routes, now)?;
        let (receipt_no, seq) =
            receipts::next(&mut tx, &operator.username, &operator.receipt_prefix, Series::Deposit, self.numbering())
                .await?;
        let entry = DepositEntry {
            id: 0,
            receipt_no: receipt_no.clone(),
            kind: DepositKind::Reversal { of: deposit_id },
            amount: -amount,
            tenders: lines,
            at: now,
            cashier: operator.display_name.clone(),
        };
        let id = deposits::append_deposit(&mut tx, summary.admission.id, key, &entry).await?;
        receipts::record(&mut tx, &receipt_no, &operator.username, Series::Deposit, seq, now, Numbered::Deposit(id))
            .await?;
        let record = outbox::deposit_record(&mut tx, summary.admission.id, key, &entry).await?;
        self.queue(&mut tx, key, summary.admission.id, &operator.username, now, vec![record]).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(%receipt_no, reverses = deposit_id, reason = %request.reason.trim(), "deposit reversed");
        Ok(receipt_view(&summary.admission, &entry, Money::ZERO))
    }

    /// Voids a spoiled receipt (作废) and numbers the deposit anew; the old number stays taken.
    pub async fn void_receipt(
        &self,
        operator: &Operator,
        request: &VoidReceiptRequest,
    ) -> Result<DepositReceipt, AppError> {
        operator.require(Permission::HandleMoney)?;
        let case_no = input::case_no(&request.case_no)?;
        if request.reason.trim().is_empty() {
            return Err(AppError::invalid("REASON_REQUIRED", "请填写作废原因", "reason"));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin_immediate().await?;
        let summary = patients::by_case_no(&mut tx, &case_no).await?.ok_or_else(|| not_found(&case_no))?;
        let account = journal::load_account(&mut tx, summary.admission.id).await?;
        let entry =
            account.deposits.iter().find(|d| d.receipt_no == request.receipt_no.trim()).cloned().ok_or_else(|| {
                AppError::Rule { code: "RECEIPT_NOT_FOUND", message: "该患者没有这张有效收据".into() }
            })?;
        if receipts::deposit_of(&mut tx, &entry.receipt_no).await?.is_none() {
            return Err(AppError::Rule {
                code: "RECEIPT_UNTRACKED",
                message: "该收据号不在本机登记范围内，不能作废".into(),
            });
        }
        receipts::void(&mut tx, &entry.receipt_no, now, &operator.username, request.reason.trim()).await?;
        let (receipt_no, seq) =
            receipts::next(&mut tx, &operator.username, &operator.receipt_prefix, Series::Deposit, self.numbering())
                .await?;
        receipts::record(
            &mut tx,
            &receipt_no,
            &operator.username,
            Series::Deposit,
            seq,
            now,
            Numbered::Deposit(entry.id),
        )
        .await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        let reissued = DepositEntry { receipt_no, ..entry };
        Ok(receipt_view(&summary.admission, &reissued, Money::ZERO))
    }

    /// A retried operation: the same key gives back what it recorded the first time, and a
    /// different amount under the same key is refused instead of applied.
    async fn replayed(
        &self,
        conn: &mut store::SqliteConnection,
        id: i64,
        admission: &str,
        stored_fen: i64,
        requested: Money,
        current: &domain::Admission,
    ) -> Result<DepositReceipt, AppError> {
        if admission != current.id.to_string() || stored_fen != requested.fen() {
            return Err(AppError::Rule {
                code: "KEY_REUSED",
                message: "同一操作编号已用于另一笔不同的预交金，本次未入账；请重新打开窗口".into(),
            });
        }
        let account = journal::load_account(conn, current.id).await?;
        let entry = account
            .deposits
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| AppError::Io("replayed deposit vanished".into()))?;
        Ok(receipt_view(current, &entry, Money::ZERO))
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
        let model = crate::statement::receipt_model(self, &summary.admission, entry, &operator.display_name);
        let pdf = tokio::task::spawn_blocking(move || reports::render_receipt(&model))
            .await
            .map_err(|e| AppError::Io(e.to_string()))??;
        self.printing.deliver(&format!("预交金收据-{}.pdf", entry.receipt_no), &pdf).await
    }
}

async fn deposit_by_original_receipt(
    conn: &mut store::SqliteConnection,
    admission: uuid::Uuid,
    receipt_no: &str,
) -> Result<Option<(i64, bool)>, AppError> {
    let account = journal::load_account(conn, admission).await?;
    Ok(account.deposits.iter().find(|d| d.receipt_no == receipt_no).map(|d| (d.id, false)))
}

fn not_found(case_no: &domain::CaseNo) -> AppError {
    AppError::NotFound(format!("未找到病案号为 {case_no} 的住院患者"))
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
        print: None,
    }
}
