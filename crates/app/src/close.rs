//! The cashier's close (收费员日结 / 轧帐): the preview, the close itself, its cancellation
//! (取消日结) and reading it back. The close takes every record of the cashier no close in force
//! holds, up to the cut-off; one made before the start that arrived late (a record synced from
//! another counter) is 补入. The figures are the domain's (`domain::close`), kept with the close
//! as reported and never recomputed.

use chrono::NaiveDateTime;
use contract::close::{CancelCloseRequest, CloseRequest, CloseView};
use domain::Permission;
use domain::close::CloseRecord;
use store::closes::{self, MemberKind, OpenRecords, Whose};

use crate::close_view::{self, Counted};
use crate::{App, AppError, Operator, input};

/// A close worked out but not written.
struct Plan {
    view: CloseView,
    from: NaiveDateTime,
    until: NaiveDateTime,
    members: Vec<(MemberKind, i64, bool)>,
    cash_fen: i64,
    cheque_fen: i64,
}

impl App {
    /// 日结预览: what a close up to the cut-off would hold; nothing is written.
    pub async fn preview_close(&self, operator: &Operator, request: &CloseRequest) -> Result<CloseView, AppError> {
        operator.require(Permission::HandleMoney)?;
        Ok(self.plan_close(operator, request).await?.view)
    }

    /// 日结: closes the operator's records up to the cut-off (default now). A repeated request
    /// (same key) answers the close it made.
    pub async fn close_day(&self, operator: &Operator, request: &CloseRequest) -> Result<CloseView, AppError> {
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let mut conn = self.store.conn().await?;
        if let Some(done) = closes::by_key(&mut conn, key).await? {
            return close_view::stored(&done);
        }
        drop(conn);
        let plan = self.plan_close(operator, request).await?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        // Written in one transaction with the check that nothing else closed these records.
        let latest = closes::of_cashier(&mut tx, &operator.username).await?;
        if latest.iter().filter(|c| c.cancelled.is_none()).any(|c| c.until > plan.until) {
            return Err(AppError::Rule {
                code: "CLOSE_CHANGED", message: "刚有新的日结，请重新预览".into()
            });
        }
        let seq = closes::made_on_day(&mut tx, &operator.username, now).await? + 1;
        let close_no = format!("RJ{}-{}-{seq:02}", now.format("%Y%m%d"), operator.username);
        let mut view = plan.view;
        view.close_no = Some(close_no.clone());
        view.made_at = Some(store_time(now));
        view.status = "closed".into();
        view.status_label = "已日结".into();
        // A linked counter's close goes to the platform first: refused there, nothing is written.
        self.report_close(operator, key, &view, &plan.members, plan.from, plan.until).await?;
        let report = serde_json::to_string(&view).map_err(AppError::internal)?;
        let new = closes::NewClose {
            key,
            close_no: &close_no,
            whose: Whose { username: &operator.username, name: &operator.display_name },
            from: plan.from,
            until: plan.until,
            made_at: now,
            cash_fen: plan.cash_fen,
            cheque_fen: plan.cheque_fen,
            report: &report,
            members: &plan.members,
        };
        closes::append(&mut tx, &new).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(%close_no, cashier = %operator.username, records = plan.members.len(), "closed");
        Ok(view)
    }

    /// 取消日结: only the operator's latest close in force, and only before finance collected it.
    pub async fn cancel_close(&self, operator: &Operator, request: &CancelCloseRequest) -> Result<CloseView, AppError> {
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let close_no = request.close_no.trim();
        let mut tx = self.store.begin().await?;
        if let Some(id) = closes::cancellation_by_key(&mut tx, key).await? {
            let done = closes::of_cashier(&mut tx, &operator.username).await?.into_iter().find(|c| c.id == id);
            return close_view::stored(&done.ok_or_else(|| AppError::internal("取消记录指向不存在的日结"))?);
        }
        let close = closes::by_no(&mut tx, close_no)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有日结单号为 {close_no} 的日结")))?;
        if close.cashier != operator.username {
            return Err(AppError::Rule {
                code: "CLOSE_NOT_OWN",
                message: format!("日结 {close_no} 是 {} 的，只能取消本人的日结", close.cashier_name),
            });
        }
        if close.cancelled.is_some() {
            return Err(AppError::Rule { code: "CLOSE_CANCELLED", message: format!("日结 {close_no} 已取消") });
        }
        if let Some(hand_in) = &close.collected_by {
            return Err(AppError::Rule {
                code: "CLOSE_COLLECTED",
                message: format!("日结 {close_no} 已由财务缴款确认（{hand_in}），不能取消"),
            });
        }
        let mine = closes::of_cashier(&mut tx, &operator.username).await?;
        if let Some(latest) = mine.iter().rev().find(|c| c.cancelled.is_none())
            && latest.id != close.id
        {
            return Err(AppError::Rule {
                code: "CLOSE_NOT_LATEST",
                message: format!("只能取消最近一次日结（{}），{close_no} 不是最近一次", latest.close_no),
            });
        }
        let now = self.clock.now();
        self.report_cancel(key, close_no).await?;
        closes::cancel(&mut tx, key, close.id, &operator.username, now).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(%close_no, "close cancelled");
        let mut conn = self.store.conn().await?;
        let cancelled = closes::by_no(&mut conn, close_no).await?.ok_or_else(|| AppError::internal("日结消失"))?;
        close_view::stored(&cancelled)
    }

    /// The operator's closes, newest first.
    pub async fn my_closes(&self, operator: &Operator) -> Result<Vec<CloseView>, AppError> {
        operator.require(Permission::HandleMoney)?;
        let mut conn = self.store.conn().await?;
        let rows = closes::of_cashier(&mut conn, &operator.username).await?;
        drop(conn);
        let mut views: Vec<CloseView> = rows.iter().rev().map(close_view::stored).collect::<Result<_, _>>()?;
        self.mark_collected_at_platform(&mut views).await;
        Ok(views)
    }

    /// At a linked counter finance collects at the platform: its standing hand-ins mark the
    /// operator's closes here (read when online; offline the counter shows what it knows).
    async fn mark_collected_at_platform(&self, views: &mut [CloseView]) {
        let Some(desk) = &self.close_desk else { return };
        if self.link.as_ref().is_some_and(|l| !l.is_online()) {
            return;
        }
        match desk.mine().await {
            Ok(held) => {
                for view in views.iter_mut().filter(|v| v.status == "closed") {
                    let hand_in = held.iter().find(|h| Some(&h.close_no) == view.close_no.as_ref());
                    if let Some(hand_in_no) = hand_in.and_then(|h| h.hand_in_no.as_deref()) {
                        close_view::collected(view, hand_in_no);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "the platform's hand-ins could not be read"),
        }
    }

    /// One close by its number: its cashier's, or anyone's for finance.
    pub async fn close_by_no(&self, operator: &Operator, close_no: &str) -> Result<CloseView, AppError> {
        let mut conn = self.store.conn().await?;
        let close = closes::by_no(&mut conn, close_no.trim())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有日结单号为 {} 的日结", close_no.trim())))?;
        drop(conn);
        let mut view = close_view::stored(&close)?;
        if close.cashier != operator.username {
            operator.require(Permission::CollectHandIn)?;
        } else {
            self.mark_collected_at_platform(std::slice::from_mut(&mut view)).await;
        }
        Ok(view)
    }

    async fn plan_close(&self, operator: &Operator, request: &CloseRequest) -> Result<Plan, AppError> {
        if let Some(cashier) = request.cashier.as_deref().map(str::trim).filter(|c| !c.is_empty())
            && cashier != operator.username
            && cashier != operator.display_name
        {
            return Err(AppError::invalid(
                "CLOSE_NOT_OWN",
                format!("只能对本人的记录日结，不能为 {cashier} 日结"),
                "cashier",
            ));
        }
        let now = self.clock.now();
        let until = match request.until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => now,
            Some(text) => NaiveDateTime::parse_from_str(text, store_format()).map_err(|_| {
                AppError::invalid(
                    "CLOSE_UNTIL_MALFORMED",
                    format!("截止时间格式应为 YYYY-MM-DD HH:MM:SS：“{text}”"),
                    "until",
                )
            })?,
        };
        if until > now {
            return Err(AppError::invalid(
                "CLOSE_UNTIL_FUTURE",
                format!("截止时间 {} 晚于当前时间 {}，不能为将来日结", store_time(until), store_time(now)),
                "until",
            ));
        }
        let mut conn = self.store.conn().await?;
        let previous =
            closes::of_cashier(&mut conn, &operator.username).await?.into_iter().rev().find(|c| c.cancelled.is_none());
        if let Some(previous) = &previous
            && until < previous.until
        {
            return Err(AppError::invalid(
                "CLOSE_UNTIL_BEFORE_PREVIOUS",
                format!(
                    "截止时间 {} 早于上次日结（{}）的截止时间 {}",
                    store_time(until),
                    previous.close_no,
                    store_time(previous.until)
                ),
                "until",
            ));
        }
        let whose = Whose { username: &operator.username, name: &operator.display_name };
        let open = closes::open_records(&mut conn, whose, until).await?;
        let all = closes::all_records(&mut conn, whose, until).await?;
        let earlier: Vec<CloseView> = closes::of_cashier(&mut conn, &operator.username)
            .await?
            .iter()
            .filter(|c| c.cancelled.is_none())
            .map(close_view::stored)
            .collect::<Result<_, _>>()?;
        drop(conn);
        if open.is_empty() {
            return Err(AppError::Rule {
                code: "CLOSE_EMPTY",
                message: format!("截至 {} 没有需要日结的记录", store_time(until)),
            });
        }
        let from = match &previous {
            Some(previous) => previous.until,
            None => earliest(&open).unwrap_or(until).min(until),
        };
        let late_before = previous.as_ref().map(|p| p.until);
        let counted = count(&open, late_before);
        counted.figures.check().map_err(AppError::internal)?;
        let mut view = close_view::of(operator, from, until, &counted);
        let adds_up = close_view::adds_up(&earlier, &counted.figures, &count(&all, None).figures);
        if !adds_up.holds {
            return Err(AppError::internal(&adds_up.text));
        }
        view.identities.push(adds_up);
        Ok(Plan {
            from,
            until,
            cash_fen: counted.figures.cash_to_hand_in().fen(),
            cheque_fen: counted.figures.tender(domain::Tender::Cheque).net().fen(),
            members: counted.members,
            view,
        })
    }
}

fn store_format() -> &'static str {
    "%Y-%m-%d %H:%M:%S"
}

pub(crate) fn store_time(at: NaiveDateTime) -> String {
    at.format(store_format()).to_string()
}

fn earliest(open: &OpenRecords) -> Option<NaiveDateTime> {
    let times = open
        .deposits
        .iter()
        .map(|d| d.at)
        .chain(open.settlements.iter().map(|s| s.at))
        .chain(open.recalls.iter().map(|r| r.at))
        .chain(open.voids.iter().map(|v| v.at))
        .chain(open.invoice_events.iter().map(|e| e.at));
    times.min()
}

/// Counts the open records into the close's figures, numbers and members. A record made before
/// `late_before` (the previous close's cut-off) is late (补入).
fn count(open: &OpenRecords, late_before: Option<NaiveDateTime>) -> Counted {
    let late = |at: NaiveDateTime| late_before.is_some_and(|b| at < b);
    let mut counted = Counted::default();
    for d in &open.deposits {
        let record = if d.kind == "reversal" {
            let positive =
                d.tenders.iter().map(|t| domain::TenderLine { amount: t.amount.abs(), ..t.clone() }).collect();
            CloseRecord::DepositReversed(positive)
        } else {
            CloseRecord::DepositReceived(d.tenders.clone())
        };
        counted.figures.add(&record);
        counted.receipts += 1;
        counted.numbers.push(d.receipt_no.clone());
        for t in d.tenders.iter().filter(|t| t.tender == domain::Tender::Cheque) {
            counted.cheque(t, &d.receipt_no);
        }
        counted.member(MemberKind::Deposit, d.id, late(d.at), "预交金", &d.receipt_no, d.at);
    }
    for s in &open.settlements {
        counted.figures.add(&CloseRecord::Settlement {
            figures: s.figures,
            insurance: s.insurance,
            payments: s.payments.clone(),
        });
        counted.settlements += 1;
        counted.numbers.push(s.settlement_no.clone());
        for t in s.payments.iter().filter(|t| t.tender == domain::Tender::Cheque) {
            counted.cheque(t, &s.settlement_no);
        }
        counted.member(MemberKind::Settlement, s.id, late(s.at), "结算", &s.settlement_no, s.at);
    }
    for r in &open.recalls {
        counted.figures.add(&CloseRecord::Recall {
            figures: r.figures,
            insurance: r.insurance,
            payments: r.payments.clone(),
        });
        counted.recalls += 1;
        counted.member(MemberKind::Recall, r.id, late(r.at), "召回", &r.settlement_no, r.at);
    }
    for v in &open.voids {
        counted.voided.push(v.voided_no.clone());
        if let Some(new_no) = &v.new_no {
            counted.numbers.push(new_no.clone());
        }
        counted.member(v.kind, v.id, late(v.at), "收据作废", &v.voided_no, v.at);
    }
    for e in &open.invoice_events {
        match e.kind.as_str() {
            "issued" => counted.invoices_issued += 1,
            "reversed" => counted.invoices_reversed += 1,
            "paper_printed" => counted.paper.push(e.number.clone()),
            _ => {
                counted.paper_voided += 1;
                counted.voided.push(e.number.clone());
            }
        }
        counted.member(MemberKind::InvoiceEvent, e.id, late(e.at), "票据", &e.number, e.at);
    }
    counted
}
