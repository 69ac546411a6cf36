//! Settlement recall (结算召回) and discharge recall (出院召回), approved by a supervisor: done
//! by new rows (the recall, a transfer into the deposit ledger, admission events, the blood
//! waiver's cancellation), never by deleting anything.

use contract::cashier::{RecallOutcome, RecallRequest};
use contract::{Tag, Yuan};
use domain::{DepositEntry, DepositKind, Permission, Recall, RecallKind};
use store::intents::IntentKind;
use store::receipts::Series;
use store::settlements;

use crate::approval::Asked;
use crate::intents::Asking;
use crate::views::state_tag;
use crate::{App, AppError, Operator, input};

impl App {
    pub async fn recall(&self, operator: &Operator, request: &RecallRequest) -> Result<RecallOutcome, AppError> {
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let kind = RecallKind::from_code(request.kind.trim()).ok_or_else(|| {
            AppError::invalid(
                "RECALL_KIND_UNKNOWN",
                format!("召回类型应为 settlement 或 discharge：“{}”", request.kind.trim()),
                "kind",
            )
        })?;
        let reason = input::reason(&request.reason, "请填写召回原因")?;
        let case_no = input::case_no(&request.case_no)?;
        let now = self.clock.now();

        let mut conn = self.store.conn().await?;
        if let Some(settlement_id) = settlements::recall_by_key(&mut conn, key).await? {
            drop(conn);
            // Done before (a repeated request): the approver's password still has to be right.
            let approver = self.approve(&request.approval).await?;
            return self.recalled(&request.case_no, settlement_id, kind, &approver.display_name).await;
        }
        drop(conn);
        let (summary, account) = self.load_account(&request.case_no).await?;
        let plan =
            account.plan_recall(kind, request.settlement_no.as_deref(), &reason, now, self.discharge_recall_days)?;
        let settlement = account
            .settlements
            .iter()
            .find(|s| s.id == plan.settlement_id)
            .cloned()
            .ok_or_else(|| AppError::internal("召回计划指向不存在的结算"))?;
        if let Some(paper) = self.valid_paper_of(plan.settlement_id).await? {
            return Err(AppError::Rule {
                code: "INVOICE_PAPER_VALID",
                message: format!(
                    "结算 {} 的电子票据已换开纸质票据 {paper}，须先作废该纸质票据（作废纸质）才能召回冲红",
                    settlement.settlement_no
                ),
            });
        }
        if settlement.insurance_ref.is_some() {
            self.require_online("召回医保结算")?;
        }
        let asked = Asked {
            key,
            admission_id: summary.admission.id,
            settlement: plan.settlement_id,
            amount: plan.transfer,
            needs_platform: settlement.insurance_ref.is_some(),
        };
        let approver = self.approval(operator, &request.approval, &asked).await?;
        // A waiver granted at the settlement is cancelled at the blood platform first (a repeat
        // is a no-op there), so its millilitres are back before the recall is recorded.
        let mut conn = self.store.conn().await?;
        let waiver = store::waivers::of_settlement(&mut conn, plan.settlement_id).await?;
        drop(conn);
        // At a linked counter the platform cancels the grant itself when the recall arrives.
        if let Some(waiver) = waiver.as_ref().filter(|w| w.cancelled_at.is_none() && self.link.is_none()) {
            let platform = self.blood_platform.as_ref().ok_or_else(|| AppError::Rule {
                code: "BLOOD_PLATFORM_UNAVAILABLE",
                message: "本结算含用血减免，本柜台无法连接用血直报平台撤销，请在原结算柜台召回".into(),
            })?;
            platform.cancel(waiver.key, now).await?;
        }
        if let Some(reference) = &settlement.insurance_ref {
            // The intent first: a reversal whose recall never commits locally is finished (and
            // shown) at the next start instead of being forgotten.
            let claim = format!("召回结算 {}（{}）：撤销医保 {reference}", settlement.settlement_no, case_no);
            let asking = Asking {
                key,
                admission_id: summary.admission.id,
                kind: IntentKind::Reverse,
                reference: Some(reference),
                claim,
            };
            self.open_intent(&asking).await?;
            if let Err(e) = self.insurance.reverse(key, reference).await {
                if !matches!(e, crate::insurance::InsuranceError::Unknown) {
                    // Insurance said no: nothing was reversed, so this recall did not happen and
                    // the next start must not reverse the claim behind the cashier's back.
                    let detail = format!("召回未进行：医保撤销未成功（{}）", e.code());
                    self.append_outcome(key, store::intents::Outcome::Done, &detail).await?;
                }
                return Err(e.into());
            }
        }

        let mut op = self.begin_op(operator, key, &case_no).await?;
        op.now = now; // the moment the recall window was checked against
        op.approval = approver.proof.clone();
        if op.account.version != account.version {
            return Err(AppError::Rule {
                code: "ACCOUNT_CHANGED", message: "账户刚发生变化，请重新召回".into()
            });
        }
        let recall =
            Recall { at: now, by: operator.display_name.clone(), approved_by: approver.display_name.clone(), reason };
        op.append_recall(plan.settlement_id, kind, &recall, &approver.username).await?;
        if waiver.is_some() {
            let cancel_key = op.part_key();
            store::waivers::cancel(op.conn(), cancel_key, plan.settlement_id, now).await?;
        }
        if settlement.insurance_ref.is_some() {
            op.close_intent().await?;
        }
        if !plan.transfer.is_zero() {
            let number = op.take_number(Series::Deposit).await?;
            let entry = DepositEntry {
                id: 0,
                receipt_no: number.text.clone(),
                kind: DepositKind::RecallTransfer { settlement: plan.settlement_id },
                amount: plan.transfer,
                tenders: plan.transfer_tenders.clone(),
                at: now,
                cashier: operator.display_name.clone(),
                reason: None,
            };
            let transfer_key = op.part_key();
            op.append_deposit(transfer_key, &entry, &number).await?;
        }
        for event in &plan.events {
            let event_key = op.part_key();
            op.append_event(event_key, *event, Some(&recall.reason)).await?;
        }
        op.commit().await?;
        tracing::info!(settlement = %settlement.settlement_no, approved_by = %approver.username, kind = kind.code(), "recalled");
        // Its invoice is reversed (冲红) now; if the fiscal platform does not take it, later.
        let mut conn = self.store.conn().await?;
        let settlement_key = store::invoices::settlement_key(&mut conn, plan.settlement_id).await?;
        drop(conn);
        self.invoice_settlement(settlement_key).await;
        self.recalled(&request.case_no, plan.settlement_id, kind, &approver.display_name).await
    }

    async fn recalled(
        &self,
        case_no: &str,
        settlement_id: i64,
        kind: RecallKind,
        approver: &str,
    ) -> Result<RecallOutcome, AppError> {
        let (_, account) = self.load_account(case_no).await?;
        let settlement = account
            .settlements
            .iter()
            .find(|s| s.id == settlement_id)
            .ok_or_else(|| AppError::internal("召回后的结算读取失败"))?;
        Ok(RecallOutcome {
            settlement_no: settlement.settlement_no.clone(),
            kind: Tag::new(kind.code(), kind.label()),
            transfer: Yuan(settlement.net_payments()),
            balance: Yuan(account.balance()),
            state: state_tag(account.state),
            approved_by: settlement
                .recall
                .as_ref()
                .map(|r| r.approved_by.clone())
                .unwrap_or_else(|| approver.to_owned()),
        })
    }
}
