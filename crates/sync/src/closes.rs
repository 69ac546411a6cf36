//! The day's end at a linked counter: the close goes to the platform, which checks it against its
//! own journal and keeps it, before the counter writes it; so does a cancellation. Finance's
//! hand-ins are the platform's alone (finance collects at any counter), and the hospital's
//! reports are made after pulling the feed to its end, with the platform's closes. It acts with
//! the token of the user logged in last.

use std::sync::Arc;

use app::AppError;
use app::close_desk::CloseDesk;
use app::paper::BoxFuture;
use uuid::Uuid;
use wire::close::{
    CancelClose, CloseAccepted, CloseStatement, CloseWaiting, ClosedTakings, HandInRecord, HandInStatement, MyClose,
    ReverseHandIn,
};

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
        "CLOSE_COLLECTED",
        "CLOSE_CANCELLED",
        "HAND_IN_NO_CLOSE",
        "HAND_IN_OWN_CLOSE",
        "HAND_IN_MIXED_CASHIERS",
        "HAND_IN_REASON_REQUIRED",
        "HAND_IN_COUNT_MISMATCH",
        "HAND_IN_REVERSED",
        "DENOMINATION_UNKNOWN",
        "AMOUNT_NEGATIVE",
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

    fn mine(&self) -> BoxFuture<'_, Result<Vec<MyClose>, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            client.send(client.get("/api/v1/closes/mine", &token)).await.map_err(refused)
        })
    }

    fn waiting(&self) -> BoxFuture<'_, Result<Vec<CloseWaiting>, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            client.send(client.get("/api/v1/closes/waiting", &token)).await.map_err(refused)
        })
    }

    fn hand_in<'a>(&'a self, statement: &'a HandInStatement) -> BoxFuture<'a, Result<HandInRecord, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            client.send(client.post("/api/v1/hand-ins", Some(&token), statement)).await.map_err(refused)
        })
    }

    fn reverse_hand_in<'a>(&'a self, request: &'a ReverseHandIn) -> BoxFuture<'a, Result<HandInRecord, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            client.send(client.post("/api/v1/hand-ins/reverse", Some(&token), request)).await.map_err(refused)
        })
    }

    fn hand_in_by_no<'a>(&'a self, hand_in_no: &'a str) -> BoxFuture<'a, Result<HandInRecord, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let request = client.get("/api/v1/hand-ins", &token).query(&[("hand_in_no", hand_in_no)]);
            client.send(request).await.map_err(refused)
        })
    }

    fn closed_between(
        &self,
        from: chrono::NaiveDateTime,
        until: chrono::NaiveDateTime,
    ) -> BoxFuture<'_, Result<Vec<ClosedTakings>, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let format = "%Y-%m-%dT%H:%M:%S";
            let (from, until) = (from.format(format).to_string(), until.format(format).to_string());
            let request = client.get("/api/v1/closes", &token).query(&[("from", from), ("until", until)]);
            client.send(request).await.map_err(refused)
        })
    }

    fn catch_up<'a>(&'a self, store: &'a store::Store) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            crate::pull::pull_all(store, &self.session.client, &token, self.session.device, 1_000)
                .await
                .map_err(refused)?;
            Ok(())
        })
    }
}
