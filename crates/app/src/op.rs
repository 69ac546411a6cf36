//! The one write path of the use cases. [`App::begin_op`] opens the write transaction
//! (`BEGIN IMMEDIATE`), finds the admission (or answers NOT_FOUND) and loads its account inside
//! it; the writers of [`Op`] append a row together with its record for the platform and number
//! receipts; [`Op::commit`] queues the operation's envelope and commits — all or nothing. A use
//! case is then its input parsing, a rule call on `op.account`, and a few appends.

use chrono::NaiveDateTime;
use domain::{AdmissionEvent, CaseNo, DepositEntry, FeeEvent, InpatientAccount, Recall, RecallKind, Settlement};
use store::patients::{self, AdmissionSummary};
use store::receipts::{self, Numbered, Series};
use store::{SqliteConnection, StoreError, deposits, journal, settlements};
use uuid::Uuid;
use wire::Record;

use crate::{App, AppError, Operator, outbox};

/// One operation in progress: its key and moment, the admission and its account as the
/// transaction sees them, and the records that will travel to the platform with it.
pub(crate) struct Op<'a> {
    app: &'a App,
    operator: &'a Operator,
    tx: store::Transaction,
    pub key: Uuid,
    pub now: NaiveDateTime,
    pub summary: AdmissionSummary,
    pub account: InpatientAccount,
    /// The proof of a supervisor's approval the envelope carries (a recall's).
    pub approval: Option<wire::approval::ApprovalProof>,
    records: Vec<Record>,
}

/// A receipt or settlement number taken for a row about to be written.
pub(crate) struct Number {
    pub text: String,
    seq: i64,
    series: Series,
}

impl App {
    /// Opens an operation under `key` on the admission `case_no`.
    pub(crate) async fn begin_op<'a>(
        &'a self,
        operator: &'a Operator,
        key: Uuid,
        case_no: &CaseNo,
    ) -> Result<Op<'a>, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin_immediate().await?;
        let summary = patients::by_case_no(&mut tx, case_no).await?.ok_or_else(|| not_found(case_no))?;
        let account = journal::load_account(&mut tx, summary.admission.id).await?;
        Ok(Op { app: self, operator, tx, key, now, summary, account, approval: None, records: Vec::new() })
    }
}

/// The answer for a case number nobody is admitted under.
pub(crate) fn not_found(case_no: &CaseNo) -> AppError {
    AppError::NotFound(format!("未找到病案号为 {case_no} 的住院患者"))
}

impl Op<'_> {
    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }

    pub fn admission_id(&self) -> Uuid {
        self.summary.admission.id
    }

    /// A key for a row that is part of this operation (an admission event, a transfer),
    /// stamped by the app's clock.
    pub fn part_key(&self) -> Uuid {
        self.app.clock.key()
    }

    /// Takes the operator's next number of `series` (gap-free; from the platform's blocks at a
    /// linked counter); it is recorded with the row that carries it.
    pub async fn take_number(&mut self, series: Series) -> Result<Number, AppError> {
        let (text, seq) = receipts::next(
            &mut self.tx,
            &self.operator.username,
            &self.operator.receipt_prefix,
            series,
            self.app.numbering(),
        )
        .await?;
        Ok(Number { text, seq, series })
    }

    async fn record_number(&mut self, number: &Number, what: Numbered) -> Result<(), AppError> {
        let (cashier, now) = (&self.operator.username, self.now);
        receipts::record(&mut self.tx, &number.text, cashier, number.series, number.seq, now, what).await?;
        Ok(())
    }

    /// Appends a deposit, reversal or recall transfer under `key`, records its receipt number,
    /// and adds its record to the envelope. Returns the row's id.
    pub async fn append_deposit(&mut self, key: Uuid, entry: &DepositEntry, number: &Number) -> Result<i64, AppError> {
        let admission = self.admission_id();
        let id = deposits::append_deposit(&mut self.tx, admission, key, entry).await?;
        self.record_number(number, Numbered::Deposit(id)).await?;
        let record = outbox::deposit_record(&mut self.tx, admission, key, entry).await?;
        self.records.push(record);
        Ok(id)
    }

    /// Appends a settlement under the operation's key with its number; returns its id.
    pub async fn append_settlement(
        &mut self,
        settlement: &Settlement,
        trial_version: &str,
        number: &Number,
    ) -> Result<i64, AppError> {
        let (admission, key) = (self.admission_id(), self.key);
        let id = settlements::append_settlement(&mut self.tx, admission, key, settlement, trial_version).await?;
        self.record_number(number, Numbered::Settlement(id)).await?;
        let stored = Settlement { id, ..settlement.clone() };
        let record = outbox::settlement_record(&mut self.tx, admission, key, &stored, trial_version).await?;
        self.records.push(record);
        Ok(id)
    }

    /// Appends an admission event (under its own key when it is part of a larger operation).
    pub async fn append_event(
        &mut self,
        key: Uuid,
        event: AdmissionEvent,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        let (admission, now, actor) = (self.admission_id(), self.now, self.operator.display_name.as_str());
        journal::append_event(&mut self.tx, admission, key, event, now, actor, reason).await?;
        self.records.push(outbox::event_record(admission, key, event, now, actor, reason));
        Ok(())
    }

    /// Appends a fee line's 确费 or 取消 under the operation's key.
    pub async fn append_fee_event(
        &mut self,
        fee_id: i64,
        event: FeeEvent,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        let (admission, key, now) = (self.admission_id(), self.key, self.now);
        let actor = self.operator.display_name.as_str();
        journal::append_fee_event(&mut self.tx, fee_id, key, event, now, actor, reason).await?;
        let decision = outbox::FeeDecision { fee_id, event, at: now, actor, reason };
        let record = outbox::fee_event_record(&mut self.tx, admission, key, decision).await?;
        self.records.push(record);
        Ok(())
    }

    /// Appends a recall of settlement `settlement_id` under the operation's key.
    pub async fn append_recall(
        &mut self,
        settlement_id: i64,
        kind: RecallKind,
        recall: &Recall,
        approver: &str,
    ) -> Result<(), AppError> {
        let (admission, key) = (self.admission_id(), self.key);
        settlements::append_recall(&mut self.tx, settlement_id, key, kind, recall).await?;
        let record = outbox::recall_record(&mut self.tx, admission, key, settlement_id, kind, recall, approver).await?;
        self.records.push(record);
        Ok(())
    }

    /// Appends `done` to the insurance intent under the operation's key: the call to insurance
    /// and this operation commit as one (see `intents.rs`).
    pub async fn close_intent(&mut self) -> Result<(), AppError> {
        let detail = "本地已入账";
        store::intents::append_outcome(&mut self.tx, self.key, store::intents::Outcome::Done, Some(detail), self.now)
            .await?;
        Ok(())
    }

    /// Voids a printed receipt number (作废); the number stays taken.
    async fn void_number(&mut self, receipt_no: &str, reason: &str) -> Result<(), AppError> {
        receipts::void(&mut self.tx, receipt_no, self.now, &self.operator.username, reason).await?;
        Ok(())
    }

    /// Voids receipt `voided_no` of deposit `deposit_id` and records `number` as its new receipt
    /// (作废重打), with the record that tells the platform and every counter.
    pub async fn renumber_deposit(
        &mut self,
        deposit_id: i64,
        voided_no: &str,
        number: &Number,
        reason: &str,
    ) -> Result<(), AppError> {
        self.void_number(voided_no, reason).await?;
        self.record_number(number, Numbered::Deposit(deposit_id)).await?;
        let deposit = store::keys::key_of(&mut self.tx, store::keys::Keyed::Deposits, deposit_id)
            .await?
            .and_then(|k| Uuid::parse_str(&k).ok())
            .ok_or_else(|| AppError::internal("作废收据的预交金没有编号"))?;
        self.records.push(Record::ReceiptVoid(wire::records::ReceiptVoidRecord {
            key: self.key,
            admission_id: self.admission_id(),
            deposit,
            voided_no: voided_no.to_owned(),
            new_no: number.text.clone(),
            reason: reason.to_owned(),
            by: self.operator.display_name.clone(),
            at: self.now,
        }));
        Ok(())
    }

    /// Queues the operation's records for the platform (at a linked counter) and commits.
    /// Appends a blood-waiver registration under the operation's key, with its record.
    pub async fn append_registration(
        &mut self,
        new: &store::registrations::NewRegistration<'_>,
    ) -> Result<i64, AppError> {
        let id = store::registrations::append(&mut self.tx, new).await?;
        self.records.push(outbox::registration_record(new));
        Ok(id)
    }

    /// Appends a review of the registration `registration` (its key `registration_key`) under the
    /// operation's key, with its record.
    pub async fn append_review(
        &mut self,
        registration: i64,
        registration_key: Uuid,
        decision: &domain::blood::Decision,
    ) -> Result<(), AppError> {
        let (key, now, reviewer) = (self.key, self.now, self.operator.username.clone());
        store::registrations::append_review(&mut self.tx, registration, key, decision, &reviewer, now).await?;
        let (approve, reason) = match decision {
            domain::blood::Decision::Approve => (true, None),
            domain::blood::Decision::Return { reason } => (false, Some(reason.trim().to_owned())),
        };
        self.records.push(Record::BloodReview(wire::records::BloodReviewRecord {
            key,
            admission_id: self.admission_id(),
            registration: registration_key,
            approve,
            reason,
            reviewer,
            at: now,
        }));
        Ok(())
    }

    /// Keeps the blood platform's waiver with the settlement just appended (its rows, and the
    /// waiver in the settlement's record).
    pub async fn append_waiver(
        &mut self,
        waiver: &store::waivers::NewWaiver<'_>,
        offline: bool,
    ) -> Result<(), AppError> {
        store::waivers::append_waiver(&mut self.tx, waiver).await?;
        let answer = blood_platform::WaiverAnswer {
            reference: waiver.reference.to_owned(),
            amount: waiver.amount,
            ml: waiver.ml,
            uses: waiver.uses.to_vec(),
            at: waiver.at,
        };
        for record in &mut self.records {
            if let Record::Settlement(s) = record
                && s.key == waiver.key
            {
                s.blood_waiver = Some(wire::blood::waiver_record(&answer, offline));
            }
        }
        Ok(())
    }

    pub async fn commit(mut self) -> Result<(), AppError> {
        if !self.records.is_empty() {
            let records = std::mem::take(&mut self.records);
            let (key, admission, now) = (self.key, self.admission_id(), self.now);
            let envelope = wire::Envelope {
                key,
                admission_id: admission,
                cashier: self.operator.username.clone(),
                at: now,
                records,
                approval: self.approval.take(),
            };
            crate::refunds::write(&mut self.tx, &envelope).await?;
            self.app.queue(&mut self.tx, &envelope).await?;
        }
        self.app.pause_before_commit().await;
        self.tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
