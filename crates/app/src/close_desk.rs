//! Where a linked counter's closes go: the platform, which keeps every cashier's closes, refuses
//! one that overlaps or does not add up from its own journal, and re-derives its figures. A
//! stand-alone counter has no desk; its closes are its own.

use std::fmt::Debug;

use contract::close::CloseView;
use store::closes::MemberKind;
use uuid::Uuid;
use wire::close::CloseStatement;

use crate::paper::BoxFuture;
use crate::{App, AppError, Operator};

/// The platform's side of 日结.
pub trait CloseDesk: Debug + Send + Sync {
    fn report<'a>(&'a self, statement: &'a CloseStatement) -> BoxFuture<'a, Result<(), AppError>>;
    fn cancel<'a>(&'a self, key: Uuid, close_no: &'a str) -> BoxFuture<'a, Result<(), AppError>>;
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
