//! The sandbox's register on disk: one JSON line per event (a registration accepted, a waiver
//! granted or cancelled, an answer lost), appended and flushed before the call answers, and
//! replayed when the sandbox opens — so a stand-alone counter's sandbox remembers across
//! starts, as the real platform does. A line that cannot be read stops the opening by name.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use domain::Money;
use domain::blood::{Donation, DonationKind, Donor};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Registered, Registration, WaiverAnswer};

#[derive(Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(crate) enum Event {
    Registered(RegisteredEvent),
    Waived {
        business_no: Uuid,
        reference: String,
        amount_fen: i64,
        ml: u32,
        uses: Vec<(String, u32)>,
        at: NaiveDateTime,
    },
    Cancelled {
        business_no: Uuid,
        at: NaiveDateTime,
    },
    Lost {
        business_no: Uuid,
    },
}

/// A registration the sandbox accepted, with its answer.
#[derive(Serialize, Deserialize)]
pub(crate) struct RegisteredEvent {
    business_no: Uuid,
    patient_id: String,
    donor: String,
    donor_name: String,
    donor_id: String,
    gold_award: bool,
    /// Certificate, date, ml, kind code.
    donations: Vec<(String, NaiveDate, u32, String)>,
    on: NaiveDate,
    reference: String,
    remaining_ml: Option<u32>,
    rule: String,
}

impl RegisteredEvent {
    /// Back as the registration and its answer (`None` for words no longer known).
    pub(crate) fn into_parts(self) -> Option<(Registration, Registered)> {
        let donations = self
            .donations
            .into_iter()
            .map(|(certificate_no, donated_on, volume_ml, kind)| {
                Some(Donation {
                    certificate_no,
                    donated_on,
                    volume_ml,
                    kind: DonationKind::from_code(&kind)?,
                    used_ml: 0,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let registration = Registration {
            business_no: self.business_no,
            patient_id: self.patient_id,
            donor: Donor::from_code(&self.donor)?,
            donor_name: self.donor_name,
            donor_id: self.donor_id,
            gold_award: self.gold_award,
            donations,
            on: self.on,
        };
        Some((registration, Registered { reference: self.reference, remaining_ml: self.remaining_ml, rule: self.rule }))
    }
}

impl Event {
    pub(crate) fn registered(r: &Registration, answer: &Registered) -> Event {
        Event::Registered(RegisteredEvent {
            business_no: r.business_no,
            patient_id: r.patient_id.clone(),
            donor: r.donor.code().to_owned(),
            donor_name: r.donor_name.clone(),
            donor_id: r.donor_id.clone(),
            gold_award: r.gold_award,
            donations: r
                .donations
                .iter()
                .map(|d| (d.certificate_no.clone(), d.donated_on, d.volume_ml, d.kind.code().to_owned()))
                .collect(),
            on: r.on,
            reference: answer.reference.clone(),
            remaining_ml: answer.remaining_ml,
            rule: answer.rule.clone(),
        })
    }

    pub(crate) fn waived(business_no: Uuid, a: &WaiverAnswer) -> Event {
        Event::Waived {
            business_no,
            reference: a.reference.clone(),
            amount_fen: a.amount.fen(),
            ml: a.ml,
            uses: a.uses.clone(),
            at: a.at,
        }
    }

    pub(crate) fn answer(
        reference: String,
        amount_fen: i64,
        ml: u32,
        uses: Vec<(String, u32)>,
        at: NaiveDateTime,
    ) -> Option<WaiverAnswer> {
        Some(WaiverAnswer { reference, amount: Money::from_fen(amount_fen).ok()?, ml, uses, at })
    }
}

/// The file the events go to.
#[derive(Debug)]
pub(crate) struct Journal {
    file: File,
}

impl Journal {
    /// Opens (creating) the journal at `path` and reads its events, oldest first.
    pub(crate) fn open(path: &Path) -> Result<(Journal, Vec<Event>), String> {
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("沙箱登记簿 {} 无法打开：{e}", path.display()))?;
        let mut events = Vec::new();
        for (i, line) in BufReader::new(&file).lines().enumerate() {
            let line = line.map_err(|e| format!("沙箱登记簿 {} 无法读取：{e}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let event = serde_json::from_str(&line)
                .map_err(|e| format!("沙箱登记簿 {} 第 {} 行无法读取：{e}", path.display(), i + 1))?;
            events.push(event);
        }
        Ok((Journal { file }, events))
    }

    /// Appends `event` and flushes it to the file.
    pub(crate) fn write(&mut self, event: &Event) -> Result<(), String> {
        let mut line = serde_json::to_string(event).map_err(|e| e.to_string())?;
        line.push('\n');
        self.file.write_all(line.as_bytes()).and_then(|()| self.file.sync_data()).map_err(|e| e.to_string())
    }
}
