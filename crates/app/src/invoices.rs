//! The fiscal e-invoice of each settlement (电子票据). A stand-alone counter asks its own fiscal
//! adapter (the sandbox, in-process) right after a settlement commits, and reverses the invoice
//! (冲红) right after a recall commits; whatever could not be done then is retried by
//! [`App::finish_invoices`] (at start and on demand). A linked counter asks nothing itself: the
//! platform issues and reverses, and its answers arrive through the feed. The settlement never
//! waits on the fiscal platform: its invoice is 待开具 until the answer is kept.

use contract::Yuan;
use contract::invoice::{InvoiceView, PaperCopyView};
use domain::invoice::{InvoiceState, invoice_amounts};
use fiscal::{InvoiceRequest, WriteOff, issue_once, write_off_once};
use store::invoices::{self, InvoiceEvent, InvoiceRow, IssuedInvoice};
use uuid::Uuid;

use crate::{App, AppError};

impl App {
    /// The invoices of an admission's settlements, oldest first.
    pub async fn invoices(&self, case_no: &str) -> Result<Vec<InvoiceView>, AppError> {
        let (summary, _) = self.load_account(case_no).await?;
        let mut conn = self.store.conn().await?;
        let rows = invoices::for_admission(&mut conn, summary.admission.id).await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut view = invoice_view(row);
            view.paper = invoices::paper_copies(&mut conn, row.settlement_key)
                .await?
                .into_iter()
                .map(|c| PaperCopyView {
                    number: c.paper_no,
                    status: if c.voided.is_some() { "void" } else { "valid" }.to_owned(),
                    printed_by: c.printed_by,
                })
                .collect();
            views.push(view);
        }
        Ok(views)
    }

    /// The state of the invoice of the settlement made under `settlement_key` (`None`: it has
    /// none, its fees were not positive).
    pub(crate) async fn invoice_state(&self, settlement_key: Uuid) -> Result<Option<InvoiceState>, AppError> {
        let mut conn = self.store.conn().await?;
        Ok(invoices::for_settlement(&mut conn, settlement_key).await?.map(|row| row.state))
    }

    /// Issues or reverses what is left undone (a retry by hand); answers how many are still
    /// undone. A linked counter has nothing to do (the platform does it).
    pub async fn finish_invoices(&self) -> Result<usize, AppError> {
        self.finish_invoices_with(false).await
    }

    /// The same at start: what the fiscal platform refused waits for its cause to be corrected
    /// and a retry by hand (`domain::invoice::retried_by_itself`).
    pub(crate) async fn finish_invoices_by_itself(&self) -> Result<usize, AppError> {
        self.finish_invoices_with(true).await
    }

    async fn finish_invoices_with(&self, by_itself: bool) -> Result<usize, AppError> {
        if self.fiscal.is_none() {
            return Ok(0);
        }
        let mut conn = self.store.conn().await?;
        let unfinished = invoices::unfinished(&mut conn).await?;
        drop(conn);
        let mut left = 0;
        for row in unfinished {
            if by_itself && row.last_failure.as_deref().is_some_and(|f| !domain::invoice::retried_by_itself(f)) {
                left += 1;
                continue;
            }
            let done =
                if row.issued.is_none() { self.issue_invoice(&row).await } else { self.reverse_invoice(&row).await };
            match done {
                Ok(true) => {}
                Ok(false) => left += 1,
                Err(e) => {
                    tracing::warn!(settlement = %row.settlement_no, error = %e, "invoice not finished");
                    left += 1;
                }
            }
        }
        Ok(left)
    }

    /// After settlement `settlement_key` committed: its invoice, asked now (a stand-alone counter).
    pub(crate) async fn invoice_settlement(&self, settlement_key: Uuid) {
        if self.fiscal.is_none() {
            return;
        }
        let row = match self.store.conn().await {
            Ok(mut conn) => invoices::for_settlement(&mut conn, settlement_key).await,
            Err(e) => Err(e),
        };
        let done = match row {
            Ok(Some(row)) if row.recalled && row.issued.is_some() && row.red.is_none() => {
                self.reverse_invoice(&row).await
            }
            Ok(Some(row)) if row.issued.is_none() && !row.recalled => self.issue_invoice(&row).await,
            Ok(_) => Ok(true),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = done {
            tracing::warn!(%settlement_key, error = %e, "invoice left for a retry");
        }
    }

    /// Asks for `row`'s invoice and keeps the answer; false when it failed (kept as failed).
    async fn issue_invoice(&self, row: &InvoiceRow) -> Result<bool, AppError> {
        let Some(fiscal) = &self.fiscal else { return Ok(false) };
        let mut conn = self.store.conn().await?;
        let case_no = store::patients::case_no_of(&mut conn, row.admission_id).await?;
        drop(conn);
        let (summary, account) = self.load_account(case_no.as_str()).await?;
        let settlement = account
            .settlements
            .iter()
            .find(|s| s.id == row.settlement_id)
            .ok_or_else(|| AppError::internal("待开票的结算读取失败"))?;
        let Some(amounts) = invoice_amounts(&account, settlement).map_err(|e| AppError::internal(e.to_string()))?
        else {
            return Ok(true);
        };
        let place = format!("{}（{}）", self.counter, settlement.place.label());
        let request = InvoiceRequest::of_settlement(
            row.settlement_key,
            &summary.admission,
            settlement,
            amounts,
            place,
            self.hospital.clone(),
        );
        let now = self.clock.now();
        let (event, issued) = match issue_once(fiscal.as_ref(), &request).await {
            Ok(issued) => (
                InvoiceEvent::Issued(IssuedInvoice {
                    code: issued.code,
                    number: issued.number,
                    check_code: issued.check_code,
                    qr: issued.qr,
                    seal: issued.seal,
                    amount: issued.total,
                }),
                true,
            ),
            Err(e) => (InvoiceEvent::Failed { message: format!("{}（{}）", e, e.code()) }, false),
        };
        let mut conn = self.store.conn().await?;
        invoices::append(&mut conn, self.clock.key(), row.settlement_key, &event, now).await?;
        tracing::info!(settlement = %row.settlement_no, issued, "e-invoice asked");
        Ok(issued)
    }

    /// Reverses `row`'s invoice with its recall's reason; false when it failed (kept as failed).
    async fn reverse_invoice(&self, row: &InvoiceRow) -> Result<bool, AppError> {
        let (Some(fiscal), Some(issued)) = (&self.fiscal, &row.issued) else { return Ok(false) };
        let mut conn = self.store.conn().await?;
        let case_no = store::patients::case_no_of(&mut conn, row.admission_id).await?;
        drop(conn);
        let (_, account) = self.load_account(case_no.as_str()).await?;
        let recall = account
            .settlements
            .iter()
            .find(|s| s.id == row.settlement_id)
            .and_then(|s| s.recall.clone())
            .ok_or_else(|| AppError::internal("冲红的结算没有召回记录"))?;
        let write_off = WriteOff {
            bus_no: row.settlement_key,
            code: issued.code.clone(),
            number: issued.number.clone(),
            reason: recall.reason.clone(),
            operator: recall.by.clone(),
            at: recall.at,
        };
        let now = self.clock.now();
        let (event, done) = match write_off_once(fiscal.as_ref(), &write_off).await {
            Ok(red) => {
                (InvoiceEvent::Reversed { red_code: red.code, red_number: red.number, reason: recall.reason }, true)
            }
            Err(e) => (InvoiceEvent::Failed { message: format!("冲红未完成：{}（{}）", e, e.code()) }, false),
        };
        let mut conn = self.store.conn().await?;
        invoices::append(&mut conn, self.clock.key(), row.settlement_key, &event, now).await?;
        Ok(done)
    }
}

fn invoice_view(row: &InvoiceRow) -> InvoiceView {
    let issued = row.issued.as_ref();
    InvoiceView {
        settlement_no: row.settlement_no.clone(),
        number: issued.map(|i| i.number.clone()).unwrap_or_default(),
        code: issued.map(|i| i.code.clone()).unwrap_or_default(),
        check_code: issued.map(|i| i.check_code.clone()).unwrap_or_default(),
        status: row.state.code().to_owned(),
        status_label: row.state.label().to_owned(),
        amount: Yuan(row.fees),
        issued_at: row.issued_at.map(|at| at.format("%Y-%m-%d %H:%M:%S").to_string()),
        red_number: row.red.as_ref().map(|(_, number)| number.clone()),
        failure: row.last_failure.clone(),
        paper: Vec::new(),
    }
}

/// The line a printed settlement statement says about its invoice.
pub(crate) fn invoice_note(row: Option<&InvoiceRow>) -> String {
    let Some(row) = row else { return "电子票据：无需开具".to_owned() };
    match (&row.issued, &row.red, row.state) {
        (Some(i), None, _) => {
            format!("电子票据：已开具 票据代码 {} 票据号码 {} 校验码 {}", i.code, i.number, i.check_code)
        }
        (Some(i), Some((_, red)), _) => format!("电子票据：票据号码 {} 已冲红（红票 {red}）", i.number),
        (None, _, state) => format!("电子票据：{}", state.label()),
    }
}
