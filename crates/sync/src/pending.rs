//! 待处理 at a linked counter: the operations the platform refused, and a supervisor's
//! resolution of one, asked with the token of the user logged in last.

use std::sync::Arc;

use app::AppError;
use app::paper::BoxFuture;
use app::pending_desk::PendingDesk;
use uuid::Uuid;
use wire::api::{PendingItem, ResolvePending};

use crate::client::ClientError;
use crate::session::Session;

#[derive(Debug)]
pub struct PlatformPending {
    pub session: Arc<Session>,
}

fn refused(error: ClientError) -> AppError {
    match error {
        ClientError::Refused { body, .. } if body.code == wire::codes::FORBIDDEN => AppError::Refused(body.message),
        ClientError::Refused { body, .. } if body.code == wire::codes::NOT_FOUND => AppError::NotFound(body.message),
        ClientError::Refused { body, .. } => AppError::Rule { code: "PENDING_REFUSED", message: body.message },
        other => AppError::Rule { code: "PLATFORM_UNREACHABLE", message: format!("无法连接平台：{other}") },
    }
}

impl PlatformPending {
    fn token(&self) -> Result<String, AppError> {
        self.session.current_token().ok_or_else(|| AppError::Refused("未登录平台，请重新登录".into()))
    }
}

impl PendingDesk for PlatformPending {
    fn refused(&self) -> BoxFuture<'_, Result<Vec<PendingItem>, AppError>> {
        Box::pin(async move { self.session.client.pending(&self.token()?).await.map_err(refused) })
    }

    fn resolve<'a>(&'a self, key: Uuid, request: &'a ResolvePending) -> BoxFuture<'a, Result<PendingItem, AppError>> {
        Box::pin(async move { self.session.client.resolve(&self.token()?, key, request).await.map_err(refused) })
    }
}
