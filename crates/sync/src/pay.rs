//! 付款码收款 at a linked counter: the platform holds the merchant credentials, so the payer's
//! code goes to the platform, which collects through the channel under the counter's order
//! number and keeps the order; an order the counter could not record is cancelled there. It acts
//! with the token of the user logged in last.

use std::sync::Arc;
use std::time::Duration;

use app::AppError;
use app::paper::BoxFuture;
use app::pay_desk::PayDesk;
use channels::{CodeOrder, RefundOrder, RefundState};
use contract::Yuan;
use domain::Tender;
use domain::account::refund_progress::RefundProgress;
use wire::pay::{CancelOrder, CodePaid, CodePayment, RefundAsk, RefundStatus};

use crate::client::ClientError;
use crate::session::Session;

/// Longer than the platform's wait for the payer (30 s) and its cancel.
const COLLECT_TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Debug)]
pub struct PlatformPay {
    pub session: Arc<Session>,
}

/// The platform's refusal codes for code payments, as the counter passes them on.
fn known(code: &str) -> &'static str {
    [
        "PAYMENT_REFUSED",
        "PAYMENT_TIMED_OUT",
        "PAYMENT_UNDECIDED",
        "CHANNEL_UNAVAILABLE",
        "PAY_CODE_MALFORMED",
        "PAY_CODE_OTHER_CHANNEL",
        "PAY_CODE_REQUIRED",
        "ORDER_NO_INVALID",
        "ORDER_RECORDED",
        wire::codes::KEY_CONFLICT,
        wire::codes::NOT_FOUND,
        wire::codes::FORBIDDEN,
    ]
    .into_iter()
    .find(|known| *known == code)
    .unwrap_or("PAYMENT_REFUSED")
}

fn refused(error: ClientError, order_no: &str) -> AppError {
    match error {
        ClientError::Refused { body, .. } => AppError::Rule { code: known(&body.code), message: body.message },
        // Sent, no answer: the payment may have happened. The same operation asks again.
        other => AppError::Rule {
            code: "PAYMENT_UNDECIDED",
            message: format!("收款结果未知（订单 {order_no}：{other}），请稍后重试同一笔操作查询结果，切勿重新收款"),
        },
    }
}

impl PlatformPay {
    fn token(&self) -> Result<String, AppError> {
        self.session.current_token().ok_or_else(|| AppError::Refused("未登录平台，请重新登录".into()))
    }
}

impl PayDesk for PlatformPay {
    fn collect<'a>(&'a self, order: &'a CodeOrder, case_no: &'a str) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let body = CodePayment {
                order_no: order.order_no.clone(),
                tender: order.tender.code().to_owned(),
                amount: Yuan(order.amount),
                auth_code: order.auth_code.clone(),
                case_no: case_no.to_owned(),
                subject: order.subject.clone(),
            };
            let request = client.post("/api/v1/pay/code", Some(&token), &body).timeout(COLLECT_TIMEOUT);
            let paid: CodePaid = client.send(request).await.map_err(|e| refused(e, &order.order_no))?;
            Ok(paid.transaction_id)
        })
    }

    fn cancel<'a>(&'a self, _tender: Tender, order_no: &'a str) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let body = CancelOrder { order_no: order_no.to_owned() };
            let _: CancelOrder = client
                .send(client.post("/api/v1/pay/cancel", Some(&token), &body))
                .await
                .map_err(|e| refused(e, order_no))?;
            Ok(())
        })
    }

    fn refund<'a>(&'a self, refund: &'a RefundOrder) -> BoxFuture<'a, Result<RefundState, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let body = RefundAsk { refund_no: refund.refund_no.clone() };
            let answer: Result<RefundStatus, ClientError> =
                client.send(client.post("/api/v1/pay/refund", Some(&token), &body)).await;
            let status = match answer {
                Ok(status) => status,
                // The record has not reached the platform yet: the refund is asked for there
                // once it does.
                Err(ClientError::Refused { status: 404, .. }) => return Ok(RefundState::Unknown),
                Err(e) => return Err(AppError::Refused(e.to_string())),
            };
            Ok(match RefundProgress::parse(&status.state) {
                Some(RefundProgress::Processing) => RefundState::Processing,
                Some(RefundProgress::Refunded) => {
                    RefundState::Refunded { refund_id: status.refund_id.unwrap_or_default() }
                }
                Some(RefundProgress::Failed) => {
                    RefundState::Failed { code: String::new(), message: status.message.unwrap_or_default() }
                }
                Some(RefundProgress::Requested) | None => RefundState::Unknown,
            })
        })
    }

    fn refunds_of<'a>(&'a self, case_no: &'a str) -> BoxFuture<'a, Result<Vec<RefundStatus>, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            let request = client.get("/api/v1/pay/refunds", &token).query(&[("case_no", case_no)]);
            client.send(request).await.map_err(|e| AppError::Refused(e.to_string()))
        })
    }

    fn failed_refunds(&self) -> BoxFuture<'_, Result<Vec<RefundStatus>, AppError>> {
        Box::pin(async move {
            let token = self.token()?;
            let client = &self.session.client;
            client.send(client.get("/api/v1/pay/refunds", &token)).await.map_err(|e| AppError::Refused(e.to_string()))
        })
    }
}
