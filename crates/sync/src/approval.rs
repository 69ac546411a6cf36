//! Approval tokens at a linked counter: the adapter that asks the platform for a token with the
//! approver's credentials, under the session of the cashier logged in (whose device the token
//! is then bound to). A platform that does not answer lets the counter check offline; a refusal
//! is shown with the platform's code.

use std::sync::Arc;

use app::approval::{ApprovalDesk, DeskError};
use app::insurance::BoxFuture;
use wire::approval::{ApprovalAsk, ApprovalGrant};
use wire::codes;

use crate::client::ClientError;
use crate::session::Session;

#[derive(Debug)]
pub struct PlatformApprovals {
    pub session: Arc<Session>,
}

/// The platform's refusal codes an approval can meet, as the app's static codes.
fn known(code: &str) -> &'static str {
    [
        codes::SELF_APPROVAL,
        codes::LOGIN_FAILED,
        codes::LOGIN_THROTTLED,
        codes::USER_DISABLED,
        codes::FORBIDDEN,
        codes::DEVICE_NOT_PROVEN,
        codes::NOT_FOUND,
        codes::MALFORMED,
    ]
    .into_iter()
    .find(|known| *known == code)
    .unwrap_or("APPROVAL_REFUSED")
}

impl ApprovalDesk for PlatformApprovals {
    fn grant<'a>(&'a self, ask: &'a ApprovalAsk) -> BoxFuture<'a, Result<ApprovalGrant, DeskError>> {
        Box::pin(async move {
            let token = self.session.current_token().ok_or_else(|| DeskError::Refused {
                code: codes::UNAUTHENTICATED,
                message: "未登录平台，请重新登录".into(),
            })?;
            let client = &self.session.client;
            client.send(client.post("/api/v1/approvals", Some(&token), ask)).await.map_err(|e| match e {
                ClientError::Refused { body, .. } => {
                    DeskError::Refused { code: known(&body.code), message: body.message }
                }
                ClientError::Unreachable(why) => DeskError::Unreachable(why),
                other => DeskError::Refused { code: "APPROVAL_REFUSED", message: other.to_string() },
            })
        })
    }
}
