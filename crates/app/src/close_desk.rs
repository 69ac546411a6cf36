//! Where a linked counter's day's end goes: the platform, which keeps every cashier's closes,
//! refuses one that overlaps or does not add up from its own journal, re-derives its figures,
//! and keeps finance's hand-ins of them (finance collects at any counter, so the closes waiting
//! and the hand-ins are the platform's). The hospital's reports at a linked counter are made
//! from the platform's records: the counter pulls the feed to its end first, and takes the
//! closes from the platform. A stand-alone counter has no desk; its day's end is its own.

use std::fmt::Debug;

use contract::close::CloseView;
use store::closes::MemberKind;
use uuid::Uuid;
use wire::close::{CloseStatement, CloseWaiting, ClosedTakings, HandInRecord, HandInStatement, MyClose, ReverseHandIn};

use crate::paper::BoxFuture;
use crate::{App, AppError, Operator};

/// The platform's side of 日结.
pub trait CloseDesk: Debug + Send + Sync {
    fn report<'a>(&'a self, statement: &'a CloseStatement) -> BoxFuture<'a, Result<(), AppError>>;
    fn cancel<'a>(&'a self, key: Uuid, close_no: &'a str) -> BoxFuture<'a, Result<(), AppError>>;
    /// The logged-in cashier's closes in force and the hand-in that collected each.
    fn mine(&self) -> BoxFuture<'_, Result<Vec<MyClose>, AppError>>;
    /// Every cashier's closes waiting for collection.
    fn waiting(&self) -> BoxFuture<'_, Result<Vec<CloseWaiting>, AppError>>;
    fn hand_in<'a>(&'a self, statement: &'a HandInStatement) -> BoxFuture<'a, Result<HandInRecord, AppError>>;
    fn reverse_hand_in<'a>(&'a self, request: &'a ReverseHandIn) -> BoxFuture<'a, Result<HandInRecord, AppError>>;
    fn hand_in_by_no<'a>(&'a self, hand_in_no: &'a str) -> BoxFuture<'a, Result<HandInRecord, AppError>>;
    /// The closes in force whose cut-off lies in `[from, until)`.
    fn closed_between(
        &self,
        from: chrono::NaiveDateTime,
        until: chrono::NaiveDateTime,
    ) -> BoxFuture<'_, Result<Vec<ClosedTakings>, AppError>>;
    /// Pulls the platform's feed into `store` up to its end.
    fn catch_up<'a>(&'a self, store: &'a store::Store) -> BoxFuture<'a, Result<(), AppError>>;
}

impl App {
    /// Reports a close to the platform before it is written here; a linked counter closes only
    /// online and once every operation it made reached the platform.
    pub(crate) async fn report_close(
        &self,
        _operator: &Operator,
        key: Uuid,
        view: &CloseView,
        members: &[(MemberKind, i64, bool)],
        from: chrono::NaiveDateTime,
        until: chrono::NaiveDateTime,
    ) -> Result<(), AppError> {
        let Some(desk) = &self.close_desk else { return Ok(()) };
        self.require_online("日结")?;
        let mut conn = self.store.conn().await?;
        let waiting = store::outbox::unacknowledged(&mut conn).await?;
        if waiting > 0 {
            return Err(AppError::Rule {
                code: "CLOSE_SYNC_PENDING",
                message: format!("本机尚有 {waiting} 笔操作未上传平台，请稍候同步完成后再日结"),
            });
        }
        let records = store::closes::record_keys(&mut conn, members).await?;
        drop(conn);
        let statement = CloseStatement {
            key,
            close_no: view.close_no.clone().unwrap_or_default(),
            from,
            until,
            records,
            net: view.net.clone(),
            fees_settled: view.fees_settled,
        };
        desk.report(&statement).await
    }

    /// Tells the platform a close is cancelled, before it is cancelled here.
    pub(crate) async fn report_cancel(&self, key: Uuid, close_no: &str) -> Result<(), AppError> {
        let Some(desk) = &self.close_desk else { return Ok(()) };
        self.require_online("取消日结")?;
        desk.cancel(key, close_no).await
    }
}
