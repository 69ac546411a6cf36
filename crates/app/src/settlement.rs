//! Trial and settlement (试算 / 出院结算 / 中途结算): the figures, insurance and the blood
//! waiver through their adapters, and the commit that happens exactly once per key, whole or not at all.

use contract::Tag;
use contract::cashier::{SettleRequest, SettlementView, TrialRequest, TrialView};
use domain::{AccountVersion, AdmissionEvent, InpatientAccount, Money, Permission, Settlement, SettlementKind, Trial};
use store::intents::IntentKind;
use store::patients::AdmissionSummary;
use store::receipts::Series;
use store::settlements;
use uuid::Uuid;

use crate::blood_deduction::BloodAsk;
use crate::insurance::Claim;
use crate::intents::Asking;
use crate::views::{invoice_tag, settlement_view, trial_view};
use crate::{App, AppError, Operator, input};

/// The message every stale settlement gets, word for word.
pub const STALE: &str = "费用发生改变，请重新试算";

fn stale() -> AppError {
    AppError::Rule { code: "TRIAL_STALE", message: STALE.to_owned() }
}

impl App {
    /// 试算: computes the settlement without committing anything.
    pub async fn trial(&self, operator: &Operator, request: &TrialRequest) -> Result<TrialView, AppError> {
        operator.require(Permission::HandleMoney)?;
        let kind = input::settlement_kind(&request.kind)?;
        let (summary, account) = self.load_account(&request.case_no).await?;
        let (trial, _, blood) = self.compute_trial(&summary, &account, kind).await?;
        let mut view = trial_view(&summary.admission, &account, &trial, self.clock.now());
        view.blood_ml = blood.as_ref().map_or(0, |ask| ask.estimate.ml);
        view.blood_offline = blood.is_some_and(|ask| ask.offline);
        Ok(view)
    }

    /// 结算: commits the trial the cashier confirmed. Refused if anything changed since the
    /// trial; a repeated key returns the settlement it already made.
    pub async fn settle(&self, operator: &Operator, request: &SettleRequest) -> Result<SettlementView, AppError> {
        operator.require(Permission::HandleMoney)?;
        let key = input::key(&request.key)?;
        let kind = input::settlement_kind(&request.kind)?;
        let seen: AccountVersion = request.version.parse().map_err(|()| stale())?;
        let expected_due = input::signed_amount(&request.expected_due, "expected_due")?;
        let tenders = input::tenders(&request.tenders)?;
        let cash_received = input::optional_amount(request.cash_received.as_deref(), "cash_received")?;
        // A 补缴 by WeChat or Alipay carries the payer's code (a refund goes back by its route).
        let codes = if self.pay_desk.is_some() && expected_due.is_positive() {
            crate::pay_desk::codes_of(&request.tenders)?
        } else {
            Vec::new()
        };
        let now = self.clock.now();

        if let Some(view) = self.settled_under(key, &request.case_no).await? {
            return Ok(view);
        }
        let (summary, account) = self.load_account(&request.case_no).await?;
        if account.version != seen {
            return Err(stale());
        }
        let (trial, claim, blood) = self.compute_trial(&summary, &account, kind).await?;
        if trial.figures.due != expected_due {
            return Err(stale());
        }
        let (mut payments, change) = trial.payments(&account, &tenders, cash_received, now)?;
        if payments.iter().any(|p| p.line.amount.is_positive() && p.line.tender.collects_through_platform()) {
            self.require_online("使用微信、支付宝或社保卡收款（可用现金、支票、银行卡）")?;
        }
        if payments.iter().any(|p| p.line.amount.is_negative() && p.line.tender.refunds_through_platform()) {
            self.require_online("原路退款（可改用现金退款）")?;
        }
        if claim.is_some() {
            self.require_online("进行医保结算")?;
        }

        // The blood waiver is granted first, then insurance settles, each under the settlement's
        // key; whatever fails after the grant cancels it again.
        let granted = match &blood {
            Some(ask) => Some(self.grant_blood(key, ask).await?),
            None => None,
        };
        let insurance_ref = match self.settle_insurance(key, claim, &trial, &summary, &request.case_no).await {
            Ok(reference) => reference,
            Err(e) => {
                if granted.is_some() {
                    self.cancel_blood(key).await;
                }
                return Err(e);
            }
        };

        // The payer's money last, once insurance and the blood platform agreed.
        let mut lines: Vec<domain::TenderLine> = payments.iter().map(|p| p.line.clone()).collect();
        let collected = match self.collect_codes(key, &mut lines, &codes, &request.case_no, "住院结算").await {
            Ok(collected) => collected,
            Err(e) => {
                if granted.is_some() {
                    self.cancel_blood(key).await;
                }
                if let Some(reference) = &insurance_ref {
                    self.reverse_insurance(key, reference, "患者付款未成功").await?;
                }
                return Err(e);
            }
        };
        for (payment, line) in payments.iter_mut().zip(lines) {
            payment.line = line;
        }

        let case_no = input::case_no(&request.case_no)?;
        let mut op = self.begin_op(operator, key, &case_no).await?;
        op.now = now; // the moment the refund windows were checked against
        if settlements::by_key(op.conn(), key).await?.is_some() {
            drop(op);
            return self
                .settled_under(key, &request.case_no)
                .await?
                .ok_or_else(|| AppError::internal("结算记录读取失败"));
        }
        if op.account.version != seen {
            drop(op);
            self.give_back(collected).await;
            if granted.is_some() {
                self.cancel_blood(key).await;
            }
            if let Some(reference) = &insurance_ref {
                // The claim went through but the account moved on: undo it so nothing is left
                // half-done (a failed reversal stays on record and is retried).
                self.reverse_insurance(key, reference, "试算后账户发生变化").await?;
            }
            return Err(stale());
        }
        let number = op.take_number(Series::Settlement).await?;
        let mut settlement = Settlement {
            id: 0,
            settlement_no: number.text.clone(),
            kind,
            fee_ids: trial.draft.fee_ids.clone(),
            figures: trial.figures,
            payments,
            at: op.now,
            cashier: operator.display_name.clone(),
            place: self.place,
            insurance_ref,
            recall: None,
        };
        settlement.id = op.append_settlement(&settlement, &request.version, &number).await?;
        if let Some((claim, answer)) = &granted {
            let waiver = store::waivers::NewWaiver {
                key, // the business number the blood platform knows it by
                admission: op.admission_id(),
                settlement_id: settlement.id,
                reference: &answer.reference,
                amount: answer.amount,
                ml: answer.ml,
                uses: &answer.uses,
                products: &crate::blood_deduction::products_paid(claim, answer),
                at: op.now,
            };
            op.append_waiver(&waiver, blood.as_ref().is_some_and(|ask| ask.offline)).await?;
        }
        if settlement.insurance_ref.is_some() {
            op.close_intent().await?;
        }
        if kind == SettlementKind::Discharge {
            let event_key = op.part_key();
            op.append_event(event_key, AdmissionEvent::Settled, None).await?;
        }
        let admission = op.summary.admission.clone();
        op.commit().await?;
        tracing::info!(settlement_no = %settlement.settlement_no, case_no = %case_no, due = %settlement.figures.due, "settled");
        self.send_refunds(key).await;
        self.invoice_settlement(key).await;
        let mut view = settlement_view(&admission, &settlement, change);
        view.invoice_status = invoice_tag(self.invoice_state(key).await?);
        Ok(view)
    }

    /// Insurance commits under the settlement's key, after its intent is written: a retry gets
    /// the same answer, and a crash before the local commit is repaired at the next start.
    async fn settle_insurance(
        &self,
        key: Uuid,
        claim: Option<Claim>,
        trial: &Trial,
        summary: &AdmissionSummary,
        case_no: &str,
    ) -> Result<Option<String>, AppError> {
        let reference = match claim {
            Some(claim) => {
                let claimed = format!(
                    "{} 医保结算 {}：基金 {}，个人账户 {}",
                    claim.insurance.code(),
                    case_no.trim(),
                    trial.figures.insurance_fund,
                    trial.figures.personal_account
                );
                let asking = Asking {
                    key,
                    admission_id: summary.admission.id,
                    kind: IntentKind::Settle,
                    reference: None,
                    claim: claimed,
                };
                self.open_intent(&asking).await?;
                let settled = self.insurance.settle(key, &claim).await?;
                let share = (settled.share.fund, settled.share.personal_account);
                if share != (trial.figures.insurance_fund, trial.figures.personal_account) {
                    self.reverse_insurance(key, &settled.reference, "医保结算金额与试算不一致").await?;
                    return Err(AppError::Rule {
                        code: "INSURANCE_CHANGED",
                        message: format!("医保结算金额与试算不一致，{STALE}"),
                    });
                }
                Some(settled.reference)
            }
            None => None,
        };
        Ok(reference)
    }

    /// The settlement already made under `key`, as a view.
    async fn settled_under(&self, key: Uuid, case_no: &str) -> Result<Option<SettlementView>, AppError> {
        let mut conn = self.store.conn().await?;
        let Some((id, _)) = settlements::by_key(&mut conn, key).await? else { return Ok(None) };
        drop(conn);
        let (summary, account) = self.load_account(case_no).await?;
        let settlement = account.settlements.iter().find(|s| s.id == id).ok_or_else(|| AppError::Rule {
            code: "KEY_REUSED",
            message: "同一操作编号已用于另一位患者的结算，本次未结算；请重新打开结算窗口".into(),
        })?;
        let mut view = settlement_view(&summary.admission, settlement, Money::ZERO);
        view.invoice_status = invoice_tag(self.invoice_state(key).await?);
        Ok(Some(view))
    }

    /// The trial's figures, asking insurance for its share when the patient is insured.
    async fn compute_trial(
        &self,
        summary: &AdmissionSummary,
        account: &InpatientAccount,
        kind: SettlementKind,
    ) -> Result<(Trial, Option<Claim>, Option<BloodAsk>), AppError> {
        let mut draft = account.draft_settlement(kind)?;
        let blood = self.blood_estimate(summary, account, &draft).await?;
        if let Some(ask) = &blood {
            draft.blood_available += ask.estimate.amount;
        }
        let admission = &summary.admission;
        if !admission.insurance.is_insured() || draft.categories.is_empty() {
            return Ok((draft.trial(domain::InsuranceShare::default()), None, blood));
        }
        let mut conn = self.store.conn().await?;
        let year = chrono::Datelike::year(&self.clock.now());
        let paid_this_year = settlements::insurance_paid_in_year(&mut conn, admission.patient.id, year).await?;
        drop(conn);
        let claim = Claim {
            admission_id: admission.id,
            kind,
            insurance: admission.insurance,
            person: admission.patient.person_id(),
            categories: draft.categories.clone(),
            paid_this_year,
        };
        let share = self.insurance.pre_settle(&claim).await?;
        Ok((draft.trial(share), Some(claim), blood))
    }
}

/// Shown in trials and on the statement: what the due means for the patient.
pub fn due_label(due: Money) -> &'static str {
    if due.is_positive() {
        "应补缴"
    } else if due.is_negative() {
        "应退款"
    } else {
        "已结清"
    }
}

pub fn kind_tag(kind: SettlementKind) -> Tag {
    Tag::new(kind.code(), kind.label())
}
