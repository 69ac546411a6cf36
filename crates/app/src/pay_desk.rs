//! Where a WeChat or Alipay tender's money is collected: the payer's code (付款码) goes to the
//! channel under an order number made from the operation's key, so a retry of the operation
//! asks about the same order and never pays twice. A stand-alone counter runs the channels'
//! sandbox in-process ([`ChannelDesk`]); a linked counter's desk is the platform's (which holds
//! the merchant credentials). The money is collected before the deposit or settlement is
//! written, outside its transaction (the payer may take 30 s); if the record then cannot be
//! written, the orders are cancelled (撤销 gives the money back).

use std::fmt::Debug;
use std::sync::Arc;

use channels::{CodeOrder, Patience, PayChannel, RefundOrder, RefundState, collect};
use domain::account::pay_code::PayCode;
use domain::{Money, Tender, TenderLine};
use uuid::Uuid;

use crate::paper::BoxFuture;
use crate::{App, AppError};

/// The channels' side of a code payment.
pub trait PayDesk: Debug + Send + Sync {
    /// Collects `order` for the admission `case_no`; the channel's transaction number (微信订单号
    /// / 支付宝交易号).
    fn collect<'a>(&'a self, order: &'a CodeOrder, case_no: &'a str) -> BoxFuture<'a, Result<String, AppError>>;
    /// 撤销 an order this counter collected but could not record.
    fn cancel<'a>(&'a self, tender: Tender, order_no: &'a str) -> BoxFuture<'a, Result<(), AppError>>;
    /// Asks for a refund by the original route (or about it, when asked before): where it stands.
    fn refund<'a>(&'a self, refund: &'a RefundOrder) -> BoxFuture<'a, Result<RefundState, AppError>>;
    /// The admission's refunds other counters asked for, as the platform knows them (a
    /// stand-alone counter has no others).
    fn refunds_of<'a>(&'a self, _case_no: &'a str) -> BoxFuture<'a, Result<Vec<wire::pay::RefundStatus>, AppError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// Every counter's refunds that failed and were not paid another way, as the platform lists
    /// them (a stand-alone counter has only its own, which it keeps).
    fn failed_refunds(&self) -> BoxFuture<'_, Result<Vec<wire::pay::RefundStatus>, AppError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// The channels in this process (a stand-alone counter: the sandboxes).
#[derive(Debug)]
pub struct ChannelDesk {
    pub channels: Vec<Arc<dyn PayChannel>>,
    pub patience: Patience,
}

impl ChannelDesk {
    /// The WeChat and Alipay sandboxes on the counter's `clock`, their registers kept in `dir`
    /// (so they outlive the process), asking every `every` for up to `timeout`.
    pub fn sandboxes_in(dir: &std::path::Path, clock: crate::Clock, patience: Patience) -> Result<ChannelDesk, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
        let mut channels: Vec<Arc<dyn PayChannel>> = Vec::new();
        for tender in [Tender::WeChat, Tender::Alipay] {
            let file = dir.join(format!("{}.json", tender.code()));
            let on_clock: channels::sandbox::Clock = Arc::new(move || clock.now());
            let sandbox =
                channels::sandbox::SandboxChannel::keeping(tender, std::time::Duration::ZERO, file, on_clock)?;
            channels.push(Arc::new(sandbox));
        }
        Ok(ChannelDesk { channels, patience })
    }

    fn channel(&self, tender: Tender) -> Result<&Arc<dyn PayChannel>, AppError> {
        self.channels
            .iter()
            .find(|c| c.tender() == tender)
            .ok_or_else(|| AppError::Refused(format!("本机未开通{}收款", tender.label())))
    }
}

impl PayDesk for ChannelDesk {
    fn collect<'a>(&'a self, order: &'a CodeOrder, _case_no: &'a str) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(async move {
            let channel = self.channel(order.tender)?;
            collect(channel.as_ref(), order, self.patience)
                .await
                .map_err(|e| AppError::Rule { code: e.code(), message: e.to_string() })
        })
    }

    fn cancel<'a>(&'a self, tender: Tender, order_no: &'a str) -> BoxFuture<'a, Result<(), AppError>> {
        Box::pin(
            async move { self.channel(tender)?.cancel(order_no).await.map_err(|e| AppError::Refused(e.to_string())) },
        )
    }

    fn refund<'a>(&'a self, refund: &'a RefundOrder) -> BoxFuture<'a, Result<RefundState, AppError>> {
        Box::pin(async move {
            let channel = self.channel(refund.tender)?;
            channels::refund::refund(channel.as_ref(), refund).await.map_err(|e| AppError::Refused(e.to_string()))
        })
    }
}

/// The merchant order number (商户订单号, 32 characters) of `tender`'s payment by `code` in
/// the operation `key`: the same on every retry with that code, so it never pays twice; a new
/// code (the payer's first was refused, or expired) is a new order, as the channels require.
pub fn order_no(key: Uuid, tender: Tender, code: &str) -> String {
    let key = key.simple().to_string();
    let suffix = match tender {
        Tender::Alipay => "zf",
        _ => "wx",
    };
    let of_code = code.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)) & 0x00ff_ffff;
    format!("{}{of_code:06x}{suffix}", &key[..24])
}

/// Code payments collected for one operation, to be given back if it is not written.
#[derive(Debug, Default)]
pub(crate) struct Collected(Vec<(Tender, String)>);

impl App {
    /// Collects the code tenders among `lines` (their codes in `codes`), setting each line's
    /// reference to the channel's transaction number. On a refusal the orders already paid are
    /// cancelled and nothing is kept.
    pub(crate) async fn collect_codes(
        &self,
        key: Uuid,
        lines: &mut [TenderLine],
        codes: &[(Tender, PayCode)],
        case_no: &str,
        subject: &str,
    ) -> Result<Collected, AppError> {
        let mut collected = Collected::default();
        if codes.is_empty() {
            return Ok(collected);
        }
        let Some(desk) = &self.pay_desk else { return Ok(collected) };
        for line in lines.iter_mut().filter(|l| PayCode::scanned_for(l.tender)) {
            let Some((_, code)) = codes.iter().find(|(t, _)| *t == line.tender) else { continue };
            let order = CodeOrder {
                order_no: order_no(key, line.tender, code.as_str()),
                tender: line.tender,
                amount: line.amount,
                auth_code: code.as_str().to_owned(),
                subject: subject.to_owned(),
            };
            match desk.collect(&order, case_no).await {
                Ok(transaction_id) => {
                    tracing::info!(order = %order.order_no, tender = line.tender.code(), "code payment collected");
                    line.reference = Some(transaction_id);
                    collected.0.push((line.tender, order.order_no));
                }
                Err(e) => {
                    self.give_back(collected).await;
                    return Err(e);
                }
            }
        }
        Ok(collected)
    }

    /// Cancels the code payments of an operation that was not written.
    pub(crate) async fn give_back(&self, collected: Collected) {
        let Some(desk) = &self.pay_desk else { return };
        for (tender, order_no) in collected.0 {
            match desk.cancel(tender, &order_no).await {
                Ok(()) => tracing::warn!(order = %order_no, "code payment given back: its operation was not written"),
                Err(e) => tracing::error!(order = %order_no, error = %e, "code payment not given back"),
            }
        }
    }
}

/// The codes scanned for the WeChat and Alipay tenders of `inputs`, checked for their channel's
/// shape (a stand-alone or linked counter refuses a wrong one before asking anyone).
pub fn codes_of(inputs: &[contract::cashier::TenderInput]) -> Result<Vec<(Tender, PayCode)>, AppError> {
    let mut out = Vec::new();
    for input in inputs {
        let Ok(tender) = Tender::parse(&input.tender) else { continue };
        if !PayCode::scanned_for(tender) || Money::parse(&input.amount).is_ok_and(|m| m.is_negative()) {
            if input.auth_code.as_deref().is_some_and(|c| !c.trim().is_empty()) {
                return Err(AppError::invalid(
                    "PAY_CODE_UNEXPECTED",
                    format!("{}不用付款码", tender.label()),
                    "tenders",
                ));
            }
            continue;
        }
        let code = PayCode::parse(tender, input.auth_code.as_deref())
            .map_err(|e| AppError::invalid(e.code(), e.to_string(), "tenders"))?;
        out.push((tender, code));
    }
    Ok(out)
}
