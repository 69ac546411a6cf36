//! Insurance at a linked counter: the adapter that passes each call to the platform, which holds
//! the connection to insurance and keeps its answers (the register every pushed settlement's
//! insurance figures are re-derived from). It acts with the token of the user logged in last.

use std::sync::Arc;

use app::insurance::{BoxFuture, Claim, ClaimStatus, InsuranceBackend, InsuranceError, InsuranceSettlement};
use uuid::Uuid;
use wire::insurance::{ReverseBody, SettleBody, ShareAnswer, StatusAnswer};

use crate::client::ClientError;
use crate::session::Session;

#[derive(Debug)]
pub struct PlatformInsurance {
    pub session: Arc<Session>,
}

impl PlatformInsurance {
    fn token(&self) -> Result<String, InsuranceError> {
        self.session.current_token().ok_or_else(|| InsuranceError::Unavailable("未登录平台，请重新登录".into()))
    }
}

/// What a platform that does not answer means for a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Silence {
    /// Nothing was committed, or repeating it is harmless: insurance is unavailable.
    Harmless,
    /// A settlement may have reached insurance: its outcome is unknown (asked later by its key).
    MayHaveArrived,
}

/// A refusal or silence of the platform as insurance's own answer.
fn answer(error: ClientError, silence: Silence) -> InsuranceError {
    match error {
        ClientError::Refused { body, .. } => match body.code.as_str() {
            "INSURANCE_OUTCOME_UNKNOWN" => InsuranceError::Unknown,
            "INSURANCE_UNAVAILABLE" => InsuranceError::Unavailable(body.message),
            _ => InsuranceError::Refused(body.message),
        },
        ClientError::Unreachable(_) if silence == Silence::MayHaveArrived => InsuranceError::Unknown,
        other => InsuranceError::Unavailable(other.to_string()),
    }
}

impl InsuranceBackend for PlatformInsurance {
    fn pre_settle<'a>(&'a self, claim: &'a Claim) -> BoxFuture<'a, Result<domain::InsuranceShare, InsuranceError>> {
        Box::pin(async move {
            let token = self.token()?;
            let body = wire::insurance::claim_body(claim);
            let client = &self.session.client;
            let answer: ShareAnswer = client
                .send(client.post("/api/v1/insurance/pre-settle", Some(&token), &body))
                .await
                .map_err(|e| answer(e, Silence::Harmless))?;
            Ok(wire::insurance::share(&answer))
        })
    }

    fn settle<'a>(&'a self, key: Uuid, claim: &'a Claim) -> BoxFuture<'a, Result<InsuranceSettlement, InsuranceError>> {
        Box::pin(async move {
            let token = self.token()?;
            let body = SettleBody { key, claim: wire::insurance::claim_body(claim) };
            let client = &self.session.client;
            let answer: ShareAnswer = client
                .send(client.post("/api/v1/insurance/settle", Some(&token), &body))
                .await
                .map_err(|e| answer(e, Silence::MayHaveArrived))?;
            wire::insurance::settlement(&answer).ok_or(InsuranceError::Unknown)
        })
    }

    fn reverse<'a>(&'a self, key: Uuid, reference: &'a str) -> BoxFuture<'a, Result<(), InsuranceError>> {
        Box::pin(async move {
            let token = self.token()?;
            let body = ReverseBody { key, reference: reference.to_owned() };
            let client = &self.session.client;
            let _: StatusAnswer = client
                .send(client.post("/api/v1/insurance/reverse", Some(&token), &body))
                .await
                .map_err(|e| answer(e, Silence::Harmless))?;
            Ok(())
        })
    }

    fn query(&self, key: Uuid) -> BoxFuture<'_, Result<ClaimStatus, InsuranceError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let url = format!("{}/api/v1/insurance/claims/{key}", client.base);
            let answer: StatusAnswer =
                client.send(client.http.get(url).bearer_auth(token)).await.map_err(|e| answer(e, Silence::Harmless))?;
            Ok(wire::insurance::status(&answer))
        })
    }
}
