//! Crash safety of the calls to insurance. Before the counter asks the back-end to settle or
//! to reverse, it appends an intent (`store::intents`) in its own transaction; the local
//! settlement or recall appends `done` in its own transaction ([`Op::close_intent`]). Whatever
//! is left unfinished — a crash between the call and the local commit, a reversal the back-end
//! did not take — is repaired by [`App::sweep_insurance`] at start: a settlement that has its
//! local row is `done`; one that has none is asked about ([`InsuranceBackend::query`]) and
//! reversed if it went through (`reversed`); a reversal is retried. A reversal that fails is
//! `failed`: counted ([`App::unresolved_insurance`]), logged, retried at the next start and by
//! [`App::retry_insurance`].
//!
//! [`Op::close_intent`]: crate::op::Op::close_intent
//! [`InsuranceBackend::query`]: crate::insurance::InsuranceBackend::query

use store::intents::{self, Intent, IntentKind, NewIntent, Outcome};
use store::settlements;
use uuid::Uuid;

use crate::insurance::{ClaimStatus, InsuranceError};
use crate::{App, AppError};

/// What an intent is about to ask.
pub(crate) struct Asking<'a> {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub kind: IntentKind,
    pub reference: Option<&'a str>,
    pub claim: String,
}

impl App {
    /// Appends the intent before the call, in its own transaction. A retried key finds its
    /// intent: a settlement whose insurance part was reversed (or is being reversed) is refused,
    /// anything else goes on under the same intent.
    pub(crate) async fn open_intent(&self, asking: &Asking<'_>) -> Result<(), AppError> {
        let mut tx = self.store.begin_immediate().await?;
        match intents::by_key(&mut tx, asking.key).await? {
            Some(found) => {
                drop(tx);
                if found.kind != asking.kind {
                    return Err(AppError::Rule {
                        code: "KEY_REUSED",
                        message: "同一操作编号已用于另一项医保操作，本次未执行；请重新打开窗口".into(),
                    });
                }
                let undone = matches!(found.state, Some(Outcome::Reversed | Outcome::Failed));
                if found.kind == IntentKind::Settle && undone {
                    return Err(AppError::Rule {
                        code: "INSURANCE_REVERSED",
                        message: "这笔医保结算已撤销，本次未结算；请重新试算".into(),
                    });
                }
                Ok(())
            }
            None => {
                let at = self.clock.now();
                let (key, admission_id, kind, reference) =
                    (asking.key, asking.admission_id, asking.kind, asking.reference);
                let new = NewIntent { key, admission_id, kind, reference, claim: &asking.claim, at };
                intents::append(&mut tx, &new).await?;
                tx.commit().await.map_err(store::StoreError::from)?;
                Ok(())
            }
        }
    }

    /// Undoes what insurance settled under `key` (its intent's own key): `reversed`, or
    /// `failed` (kept, counted, retried) when the back-end does not take it. Never ignored.
    pub(crate) async fn reverse_insurance(&self, key: Uuid, reference: &str, why: &str) -> Result<bool, AppError> {
        let result = self.insurance.reverse(key, reference).await;
        self.record_reversal(key, reference, why, result).await
    }

    async fn record_reversal(
        &self,
        key: Uuid,
        reference: &str,
        why: &str,
        result: Result<(), InsuranceError>,
    ) -> Result<bool, AppError> {
        let (outcome, detail) = match &result {
            Ok(()) => (Outcome::Reversed, format!("{why}：医保 {reference} 已撤销")),
            Err(e) => (Outcome::Failed, format!("{why}：医保 {reference} 撤销失败（{}）：{e}", e.code())),
        };
        if result.is_err() {
            tracing::warn!(%key, reference, detail, "insurance reversal failed; retried at the next start");
        }
        self.append_outcome(key, outcome, &detail).await?;
        Ok(result.is_ok())
    }

    pub(crate) async fn append_outcome(&self, key: Uuid, outcome: Outcome, detail: &str) -> Result<(), AppError> {
        let mut conn = self.store.conn().await?;
        intents::append_outcome(&mut conn, key, outcome, Some(detail), self.clock.now()).await?;
        Ok(())
    }

    /// Repairs the unresolved intents (`failed_only`: only failed reversals, safe while
    /// operations run) and answers how many are still unresolved. Called by `App::open`.
    pub(crate) async fn sweep_insurance(&self, failed_only: bool) -> Result<usize, AppError> {
        let mut conn = self.store.conn().await?;
        let open = intents::unresolved(&mut conn, failed_only).await?;
        drop(conn);
        for intent in &open {
            self.resolve(intent).await?;
        }
        let left = self.unresolved_insurance().await?;
        if left > 0 {
            tracing::warn!(unresolved = left, "insurance operations unresolved (医保待处理)");
        }
        Ok(left)
    }

    async fn resolve(&self, intent: &Intent) -> Result<(), AppError> {
        let key = intent.key;
        match intent.kind {
            IntentKind::Settle => {
                let mut conn = self.store.conn().await?;
                let local = settlements::by_key(&mut conn, key).await?;
                drop(conn);
                if let Some((_, settlement_no)) = local {
                    return self.append_outcome(key, Outcome::Done, &format!("结算 {settlement_no} 已入账")).await;
                }
                match self.insurance.query(key).await {
                    Ok(ClaimStatus::Settled { reference }) => {
                        self.reverse_insurance(key, &reference, "本地结算未完成").await?;
                        Ok(())
                    }
                    Ok(ClaimStatus::NotSettled) => {
                        self.append_outcome(key, Outcome::Reversed, "本地结算未完成；医保未结算，无需撤销").await
                    }
                    Err(e) => {
                        let detail = format!("本地结算未完成；医保查询失败（{}）：{e}", e.code());
                        tracing::warn!(%key, detail, "insurance query failed; retried at the next start");
                        self.append_outcome(key, Outcome::Failed, &detail).await
                    }
                }
            }
            IntentKind::Reverse => {
                let reference = intent.reference.as_deref().unwrap_or_default();
                if self.reverse_insurance(key, reference, "召回的医保撤销").await? {
                    tracing::warn!(%key, reference, "insurance reversed for a recall that did not commit locally; recall it again");
                }
                Ok(())
            }
        }
    }

    /// Retries the reversals that failed (the status bar's or the support desk's “retry”);
    /// answers how many insurance operations are still unresolved.
    pub async fn retry_insurance(&self) -> Result<usize, AppError> {
        self.sweep_insurance(true).await
    }

    /// Insurance operations not resolved yet: unfinished (in flight, or left by a crash until
    /// the next start), failed reversals, and claims reversed for a recall that never committed
    /// here (recall the settlement again). The status can show it (医保待处理 N 笔).
    pub async fn unresolved_insurance(&self) -> Result<usize, AppError> {
        let mut conn = self.store.conn().await?;
        let open = intents::unresolved(&mut conn, false).await?.len();
        let orphaned = intents::reversed_without_recall(&mut conn).await?;
        Ok(open + usize::try_from(orphaned).unwrap_or(0))
    }

    /// The intent under `key` with its latest outcome (for the support desk and the tests).
    pub async fn insurance_intent(&self, key: Uuid) -> Result<Option<Intent>, AppError> {
        let mut conn = self.store.conn().await?;
        Ok(intents::by_key(&mut conn, key).await?)
    }
}
