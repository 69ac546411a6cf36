//! Paper at the window: the cashier's stock of pre-numbered paper (领用, 核销), paper copies of
//! e-invoices (换开纸质, 重新换开) on the next number of that stock, and voiding a paper copy —
//! the window's own or a kiosk's (作废, with a reason). The fiscal platform learns each copy
//! and each void first ([`PaperDesk`]: the counter's own adapter when stand-alone, the platform
//! when linked — which records it and sends it to every counter); then it is kept here.

use std::sync::Arc;

use contract::invoice::{PaperCopyOutcome, PaperCopyRequest, PaperVoided, StockRequest, StockView, VoidPaperRequest};
use domain::Permission;
use domain::invoice::InvoiceState;
use domain::paper::{PaperError, PaperKind, PaperRange, check_new_range};
pub use fiscal::BoxFuture;
use fiscal::FiscalPlatform;
use store::invoices::{self, InvoiceEvent};
use uuid::Uuid;

use crate::{App, AppError, Operator, input};

/// Where paper copies are registered with the fiscal platform.
pub trait PaperDesk: std::fmt::Debug + Send + Sync {
    fn print<'a>(&'a self, settlement_key: Uuid, paper_no: &'a str) -> BoxFuture<'a, Result<(), AppError>>;
    fn void<'a>(&'a self, paper_no: &'a str, reason: &'a str) -> BoxFuture<'a, Result<(), AppError>>;
}

/// A stand-alone counter's desk: its own fiscal adapter.
#[derive(Debug)]
pub struct OwnFiscal(pub Arc<dyn FiscalPlatform>);

fn fiscal_error(e: fiscal::FiscalError) -> AppError {
    match e {
        fiscal::FiscalError::Refused { code, message } => AppError::Rule { code, message },
        other => AppError::Refused(other.to_string()),
    }
}

impl PaperDesk for OwnFiscal {
    fn print<'a>(&'a self, settlement_key: Uuid, paper_no: &'a str) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move { self.0.print_paper(settlement_key, paper_no).await.map_err(fiscal_error) })
    }
    fn void<'a>(&'a self, paper_no: &'a str, reason: &'a str) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move { self.0.void_paper(paper_no, reason).await.map_err(fiscal_error) })
    }
}

fn paper_error(e: PaperError) -> AppError {
    AppError::Rule { code: e.code(), message: e.to_string() }
}

fn kind_of(text: &str) -> Result<PaperKind, AppError> {
    PaperKind::from_code(text.trim()).ok_or_else(|| {
        AppError::invalid("PAPER_KIND_UNKNOWN", format!("票据种类应为 invoice 或 receipt：“{}”", text.trim()), "kind")
    })
}

fn range_of(request: &StockRequest) -> Result<PaperRange, AppError> {
    let prefix = request.prefix.trim();
    if prefix.chars().any(char::is_whitespace) || prefix.chars().count() > 8 {
        return Err(AppError::invalid("PAPER_PREFIX_INVALID", format!("号码前缀无效：“{prefix}”"), "prefix"));
    }
    if !(1..=18).contains(&request.width) {
        return Err(AppError::invalid("PAPER_RANGE_INVALID", "号码位数应在 1 到 18 之间", "width"));
    }
    Ok(PaperRange {
        kind: kind_of(&request.kind)?,
        prefix: prefix.to_owned(),
        first: request.from,
        last: request.to,
        width: request.width,
    })
}

impl App {
    /// 领用: the operator receives a range of paper; overlapping any range received at this
    /// counter is refused.
    pub async fn receive_stock(&self, operator: &Operator, request: &StockRequest) -> Result<StockView, AppError> {
        operator.require(Permission::HandleMoney)?;
        let range = range_of(request)?;
        let mut tx = self.store.begin_immediate().await?;
        let existing = store::paper::all_ranges(&mut tx).await?;
        check_new_range(&existing, &range).map_err(paper_error)?;
        store::paper::receive(
            &mut tx,
            self.clock.key(),
            &operator.username,
            &range,
            &operator.display_name,
            self.clock.now(),
        )
        .await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(range = %range, holder = %operator.username, "paper received");
        self.stock(operator, range.kind).await
    }

    /// 核销: lost or damaged numbers of the operator's stock, with a reason; a used number is
    /// refused (its copy is voided instead).
    pub async fn write_off_stock(&self, operator: &Operator, request: &StockRequest) -> Result<StockView, AppError> {
        operator.require(Permission::HandleMoney)?;
        let range = range_of(request)?;
        let reason = request.reason.clone().unwrap_or_default();
        let mut tx = self.store.begin_immediate().await?;
        let stock = store::paper::stock(&mut tx, &operator.username, range.kind).await?;
        stock.check_write_off(&range, &reason).map_err(paper_error)?;
        let numbers: Vec<String> = (range.first..=range.last).map(|n| range.text(n)).collect();
        store::paper::write_off(
            &mut tx,
            self.clock.key(),
            range.kind,
            &operator.username,
            &numbers,
            &reason,
            &operator.display_name,
            self.clock.now(),
        )
        .await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(range = %range, reason = %reason.trim(), "paper written off");
        self.stock(operator, range.kind).await
    }

    /// The operator's paper of `kind`.
    pub async fn stock(&self, operator: &Operator, kind: PaperKind) -> Result<StockView, AppError> {
        let mut conn = self.store.conn().await?;
        let stock = store::paper::stock(&mut conn, &operator.username, kind).await?;
        let held: std::collections::HashSet<String> =
            stock.ranges.iter().flat_map(|r| (r.first..=r.last).map(|n| r.text(n))).collect();
        Ok(StockView {
            kind: kind.code().to_owned(),
            kind_label: kind.label().to_owned(),
            ranges: stock.ranges.iter().map(ToString::to_string).collect(),
            next: stock.next(kind).ok(),
            left: stock.left(kind),
            written_off: stock.written_off.iter().filter(|n| held.contains(*n)).count() as u64,
        })
    }

    /// 换开纸质 / 重新换开.
    pub async fn print_paper(
        &self,
        operator: &Operator,
        request: &PaperCopyRequest,
    ) -> Result<PaperCopyOutcome, AppError> {
        operator.require(Permission::HandleMoney)?;
        let desk = self.paper_desk()?;
        let (summary, _) = self.load_account(&request.case_no).await?;
        let mut conn = self.store.conn().await?;
        let rows = invoices::for_admission(&mut conn, summary.admission.id).await?;
        let wanted = request.settlement_no.as_deref().map(str::trim);
        let row = rows
            .iter()
            .rev()
            .find(|r| wanted.is_none_or(|no| r.settlement_no == no) && r.state == InvoiceState::Issued)
            .ok_or_else(|| AppError::Rule {
                code: "INVOICE_NOT_ISSUED",
                message: match wanted {
                    Some(no) => format!("结算 {no} 没有已开具且未冲红的电子票据，不能换开纸质票据"),
                    None => "该患者没有已开具且未冲红的电子票据，不能换开纸质票据".to_owned(),
                },
            })?;
        let issued = row.issued.clone().ok_or_else(|| AppError::internal("已开具的票据缺少票据号"))?;
        let valid =
            invoices::paper_copies(&mut conn, row.settlement_key).await?.into_iter().find(|c| c.voided.is_none());
        let stock = store::paper::stock(&mut conn, &operator.username, PaperKind::Invoice).await?;
        drop(conn);
        if valid.is_some() && !request.reissue {
            let valid = valid.map(|c| c.paper_no).unwrap_or_default();
            return Err(AppError::Rule {
                code: "PAPER_VALID",
                message: format!(
                    "票据 {} 已换开纸质票据 {valid}；如需重打请选择“重新换开”（将作废 {valid}）",
                    issued.number
                ),
            });
        }
        let paper_no = stock.next(PaperKind::Invoice).map_err(paper_error)?;
        let voided = match valid {
            Some(copy) => {
                self.void_copy(desk.as_ref(), operator, &copy.paper_no, copy.settlement_key, "重新换开").await?;
                Some(copy.paper_no)
            }
            None => None,
        };
        desk.print(row.settlement_key, &paper_no).await?;
        let event = InvoiceEvent::PaperPrinted {
            paper_no: paper_no.clone(),
            by: operator.display_name.clone(),
            place: self.place.code().to_owned(),
        };
        let mut conn = self.store.conn().await?;
        invoices::append(&mut conn, self.clock.key(), row.settlement_key, &event, self.clock.now()).await?;
        tracing::info!(paper_no = %paper_no, invoice = %issued.number, "paper copy printed");
        Ok(PaperCopyOutcome { paper_no, invoice_no: issued.number, settlement_no: row.settlement_no.clone(), voided })
    }

    /// 作废 a paper copy by its number (a window's or a kiosk's).
    pub async fn void_paper(&self, operator: &Operator, request: &VoidPaperRequest) -> Result<PaperVoided, AppError> {
        operator.require(Permission::HandleMoney)?;
        let paper_no = request.paper_no.trim();
        let reason = input::reason(&request.reason, "请填写作废原因")?;
        let mut conn = self.store.conn().await?;
        let copy = invoices::paper_copy_by_no(&mut conn, paper_no).await?.ok_or_else(|| AppError::Rule {
            code: "PAPER_UNKNOWN",
            message: format!("纸质票据号 {paper_no} 没有换开过票据，无法作废（请核对号码）"),
        })?;
        if let Some((by, _, at)) = &copy.voided {
            return Err(AppError::Rule {
                code: "PAPER_ALREADY_VOID",
                message: format!("纸质票据 {paper_no} 已于 {} 由 {by} 作废", at.format("%Y-%m-%d %H:%M")),
            });
        }
        let invoice = invoices::for_settlement(&mut conn, copy.settlement_key).await?;
        drop(conn);
        let desk = self.paper_desk()?;
        self.void_copy(desk.as_ref(), operator, paper_no, copy.settlement_key, &reason).await?;
        Ok(PaperVoided {
            paper_no: paper_no.to_owned(),
            invoice_no: invoice.and_then(|i| i.issued).map(|i| i.number).unwrap_or_default(),
            printed_by: copy.printed_by,
            kiosk: copy.place == domain::Place::Kiosk.code(),
        })
    }

    async fn void_copy(
        &self,
        desk: &dyn PaperDesk,
        operator: &Operator,
        paper_no: &str,
        settlement_key: Uuid,
        reason: &str,
    ) -> Result<(), AppError> {
        desk.void(paper_no, reason).await?;
        let event = InvoiceEvent::PaperVoided {
            paper_no: paper_no.to_owned(),
            reason: reason.to_owned(),
            by: operator.display_name.clone(),
            place: self.place.code().to_owned(),
        };
        let mut conn = self.store.conn().await?;
        invoices::append(&mut conn, self.clock.key(), settlement_key, &event, self.clock.now()).await?;
        tracing::info!(paper_no, reason, by = %operator.username, "paper copy voided");
        Ok(())
    }

    fn paper_desk(&self) -> Result<Arc<dyn PaperDesk>, AppError> {
        if self.link.is_some() {
            self.require_online("换开或作废纸质票据")?;
        }
        self.paper_desk
            .clone()
            .ok_or_else(|| AppError::Refused("本机未连接财政电子票据平台，不能换开或作废纸质票据".into()))
    }

    /// The valid paper copy of the settlement `settlement_id`, if any (a recall waits for it to
    /// be voided).
    pub(crate) async fn valid_paper_of(&self, settlement_id: i64) -> Result<Option<String>, AppError> {
        let mut conn = self.store.conn().await?;
        let key = invoices::settlement_key(&mut conn, settlement_id).await?;
        Ok(invoices::paper_copies(&mut conn, key).await?.into_iter().find(|c| c.voided.is_none()).map(|c| c.paper_no))
    }
}
