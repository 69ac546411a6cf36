//! The blood waiver at a linked counter: the adapter that passes each call to the platform,
//! which holds the connection to the blood platform, reads the products from its own ledger and
//! keeps every grant (the register a pushed settlement's waiver is checked against). It acts with
//! the token of the user logged in last.

use std::sync::Arc;

use blood_platform::{
    BloodError, BloodPlatform, BoxFuture, Registered, Registration, StatementLine, WaiverAnswer, WaiverClaim,
};
use chrono::NaiveDateTime;
use uuid::Uuid;
use wire::blood::{CancelBody, ForwardAnswer, QueryAnswer, WaiverAnswerBody, WaiverBody};

use crate::client::ClientError;
use crate::session::Session;

#[derive(Debug)]
pub struct PlatformBlood {
    pub session: Arc<Session>,
}

impl PlatformBlood {
    fn token(&self) -> Result<String, BloodError> {
        self.session.current_token().ok_or_else(|| BloodError::Unavailable("未登录平台，请重新登录".into()))
    }
}

/// A refusal or silence of the platform as the blood platform's own answer. `may_have_arrived`:
/// a waiver may have been granted (its outcome is unknown, asked again by its key).
fn answer(error: ClientError, may_have_arrived: bool) -> BloodError {
    match error {
        ClientError::Refused { body, .. } => match body.code.as_str() {
            "BLOOD_PLATFORM_OUTCOME_UNKNOWN" => BloodError::Unknown,
            "BLOOD_PLATFORM_UNAVAILABLE" => BloodError::Unavailable(body.message),
            _ => BloodError::Refused { code: "BLOOD_PLATFORM_REFUSED", message: body.message },
        },
        ClientError::Unreachable(_) if may_have_arrived => BloodError::Unknown,
        other => BloodError::Unavailable(other.to_string()),
    }
}

fn body(claim: &WaiverClaim) -> WaiverBody {
    WaiverBody { key: claim.business_no, admission_id: claim.admission_id, fee_keys: claim.fee_keys.clone() }
}

impl BloodPlatform for PlatformBlood {
    fn register<'a>(&'a self, registration: &'a Registration) -> BoxFuture<'a, Result<Registered, BloodError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let path = format!("/api/v1/blood/registrations/{}/forward", registration.business_no);
            let answer: ForwardAnswer = client
                .send(client.post(&path, Some(&token), &serde_json::json!({})))
                .await
                .map_err(|e| answer(e, false))?;
            Ok(wire::blood::registered(&answer))
        })
    }

    fn estimate<'a>(&'a self, claim: &'a WaiverClaim) -> BoxFuture<'a, Result<WaiverAnswer, BloodError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let answer: WaiverAnswerBody = client
                .send(client.post("/api/v1/blood/estimate", Some(&token), &body(claim)))
                .await
                .map_err(|e| answer(e, false))?;
            Ok(wire::blood::waiver(&answer))
        })
    }

    fn waive<'a>(&'a self, claim: &'a WaiverClaim) -> BoxFuture<'a, Result<WaiverAnswer, BloodError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let answer: WaiverAnswerBody = client
                .send(client.post("/api/v1/blood/waive", Some(&token), &body(claim)))
                .await
                .map_err(|e| answer(e, true))?;
            Ok(wire::blood::waiver(&answer))
        })
    }

    fn query(&self, business_no: Uuid) -> BoxFuture<'_, Result<Option<WaiverAnswer>, BloodError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let url = format!("{}/api/v1/blood/waivers/{business_no}", client.base);
            let answer: QueryAnswer =
                client.send(client.http.get(url).bearer_auth(token)).await.map_err(|e| answer(e, false))?;
            Ok(answer.waiver.as_ref().map(wire::blood::waiver))
        })
    }

    fn cancel(&self, business_no: Uuid, _at: NaiveDateTime) -> BoxFuture<'_, Result<(), BloodError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            // Only a grant whose settlement never reached the journal is cancelled on the
            // counter's word; a recalled one the platform cancels when the recall arrives.
            let cancel = CancelBody { key: business_no, settlement: business_no };
            let url = format!("{}/api/v1/blood/cancel", client.base);
            let request = client.http.post(url).bearer_auth(token).json(&cancel);
            let response = request.send().await.map_err(|e| BloodError::Unavailable(e.to_string()))?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(BloodError::Refused {
                    code: "BLOOD_CANCEL_REFUSED",
                    message: format!("平台拒绝撤销（{}）", response.status()),
                })
            }
        })
    }

    fn statement(&self, year: i32, month: u32) -> BoxFuture<'_, Result<Vec<StatementLine>, BloodError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let url = format!("{}/api/v1/blood/statement?year={year}&month={month}", client.base);
            let lines: Vec<wire::blood::StatementLineBody> =
                client.send(client.http.get(url).bearer_auth(token)).await.map_err(|e| answer(e, false))?;
            Ok(lines.iter().map(wire::blood::statement_line).collect())
        })
    }
}
