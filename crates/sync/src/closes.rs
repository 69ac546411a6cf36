//! 日结 at a linked counter: the close goes to the platform, which checks it against its own
//! journal and keeps it, before the counter writes it; so does a cancellation. It acts with the
//! token of the user logged in last.

use std::sync::Arc;

use app::AppError;
use app::close_desk::CloseDesk;
use app::paper::BoxFuture;
use uuid::Uuid;
use wire::close::{CancelClose, CloseAccepted, CloseStatement};

use crate::client::ClientError;
use crate::session::Session;

#[derive(Debug)]
pub struct PlatformCloses {
    pub session: Arc<Session>,
}

/// The platform's refusal codes for closes, as the counter passes them on.
fn known(code: &str) -> &'static str {
    [
        "CLOSE_OVERLAP",
        "CLOSE_RECORD_UNKNOWN",
        "CLOSE_RECORD_CLOSED",
        "CLOSE_RECORDS_MISSING",
        "CLOSE_FIGURES_MISMATCH",
        "CLOSE_NO_TAKEN",
        "CLOSE_NOT_LATEST",
        "CLOSE_UNTIL_FUTURE",
        wire::codes::KEY_CONFLICT,
        wire::codes::NOT_FOUND,
        wire::codes::FORBIDDEN,
    ]
    .into_iter()
    .find(|known| *known == code)
    .unwrap_or("CLOSE_REFUSED")
}

fn refused(error: ClientError) -> AppError {
    match error {
        ClientError::Refused { body, .. } => AppError::Rule { code: known(&body.code), message: body.message },
        other => AppError::Refused(format!("无法连接平台：{other}")),
    }
}

impl PlatformCloses {
    fn token(&self) -> Result<String, AppError> {
        self.session.current_token().ok_or_else(|| AppError::Refused("未登录平台，请重新登录".into()))
    }
}

impl CloseDesk for PlatformCloses {
    fn report<'a>(&'a self, statement: &'a CloseStatement) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let _: CloseAccepted =
                client.send(client.post("/api/v1/closes", Some(&token), statement)).await.map_err(refused)?;
            Ok(())
        })
    }

    fn cancel<'a>(&'a self, key: Uuid, close_no: &'a str) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let body = CancelClose { key, close_no: close_no.to_owned() };
            let _: CancelClose =
                client.send(client.post("/api/v1/closes/cancel", Some(&token), &body)).await.map_err(refused)?;
            Ok(())
        })
    }
}
