//! Paper copies at a linked counter: 换开 and 作废 go to the platform, which registers them with
//! the fiscal platform, audits them and sends them to every counter. It acts with the token of
//! the user logged in last.

use std::sync::Arc;

use app::AppError;
use app::paper::{BoxFuture, PaperDesk};
use uuid::Uuid;
use wire::api::{PaperRequest, VoidPaperRequest};
use wire::records::InvoiceRecord;

use crate::client::ClientError;
use crate::session::Session;

#[derive(Debug)]
pub struct PlatformPaper {
    pub session: Arc<Session>,
}

/// The platform's refusal codes for paper, as the counter passes them on.
fn known(code: &str) -> &'static str {
    [
        "PAPER_VALID",
        "PAPER_USED",
        "PAPER_ALREADY_VOID",
        "INVOICE_NOT_ISSUED",
        "INVOICE_REVERSED",
        "REASON_REQUIRED",
        "FISCAL_PAPER",
        "FISCAL_PAPER_VALID",
        "FISCAL_NOT_FOUND",
        "FISCAL_UNAVAILABLE",
        "FISCAL_OUTCOME_UNKNOWN",
        wire::codes::NOT_FOUND,
        wire::codes::FORBIDDEN,
    ]
    .into_iter()
    .find(|known| *known == code)
    .unwrap_or("FISCAL_REFUSED")
}

fn refused(error: ClientError) -> AppError {
    match error {
        ClientError::Refused { body, .. } => AppError::Rule { code: known(&body.code), message: body.message },
        other => AppError::Refused(format!("无法连接平台：{other}")),
    }
}

impl PlatformPaper {
    fn token(&self) -> Result<String, AppError> {
        self.session.current_token().ok_or_else(|| AppError::Refused("未登录平台，请重新登录".into()))
    }
}

impl PaperDesk for PlatformPaper {
    fn print<'a>(&'a self, settlement_key: Uuid, paper_no: &'a str) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let body = PaperRequest { settlement_key, paper_no: paper_no.to_owned() };
            let _: InvoiceRecord =
                client.send(client.post("/api/v1/invoices/paper", Some(&token), &body)).await.map_err(refused)?;
            Ok(())
        })
    }

    fn void<'a>(&'a self, paper_no: &'a str, reason: &'a str) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let body = VoidPaperRequest { paper_no: paper_no.to_owned(), reason: reason.to_owned() };
            let _: InvoiceRecord =
                client.send(client.post("/api/v1/invoices/paper/void", Some(&token), &body)).await.map_err(refused)?;
            Ok(())
        })
    }
}
