//! The sandbox's register: every invoice it issued (with its red invoice and paper copies), in
//! memory and, when opened on a file, in one JSON line per change — written and flushed before
//! the call answers, replayed when it opens, so a stand-alone counter's sandbox and the
//! platform's remember across starts as the real platform does.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use chrono::NaiveDateTime;
use domain::Money;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Bill {
    pub bus_no: Uuid,
    pub code: String,
    pub number: String,
    pub check_code: String,
    pub at: NaiveDateTime,
    pub qr: String,
    pub total_fen: i64,
    pub seal: String,
    #[serde(default)]
    pub red: Option<Red>,
    /// The valid paper copy's number.
    #[serde(default)]
    pub paper: Option<String>,
}

impl Bill {
    pub fn total(&self) -> Money {
        Money::from_fen(self.total_fen).unwrap_or(Money::ZERO)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Red {
    pub code: String,
    pub number: String,
    pub check_code: String,
    pub at: NaiveDateTime,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub(crate) enum Event {
    Issued(Bill),
    Red { bus_no: Uuid, red: Red },
    Paper { bus_no: Uuid, paper_no: String },
    PaperVoided { paper_no: String, reason: String },
}

#[derive(Debug, Default)]
pub(crate) struct Register {
    pub bills: Vec<Bill>,
    /// Paper numbers ever printed (valid or voided): never used again.
    pub papers_used: Vec<String>,
    pub reds: u64,
    journal: Option<File>,
}

impl Register {
    /// The register kept in `path` (created when missing), read back.
    pub fn open(path: &Path) -> Result<Register, String> {
        let mut register = Register::default();
        if path.exists() {
            let file = File::open(path).map_err(|e| format!("无法读取沙箱票据登记簿 {}：{e}", path.display()))?;
            for (i, line) in BufReader::new(file).lines().enumerate() {
                let line = line.map_err(|e| format!("沙箱票据登记簿读取失败：{e}"))?;
                if line.trim().is_empty() {
                    continue;
                }
                let event: Event =
                    serde_json::from_str(&line).map_err(|e| format!("沙箱票据登记簿第 {} 行无法读取：{e}", i + 1))?;
                register.apply(event);
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("无法打开沙箱票据登记簿 {}：{e}", path.display()))?;
        register.journal = Some(file);
        Ok(register)
    }

    /// Writes `event` (if kept on file), then applies it; nothing changes if it cannot be written.
    pub fn record(&mut self, event: Event) -> Result<(), String> {
        if let Some(file) = self.journal.as_mut() {
            let mut line = serde_json::to_string(&event).map_err(|e| e.to_string())?;
            line.push('\n');
            file.write_all(line.as_bytes())
                .and_then(|()| file.sync_data())
                .map_err(|e| format!("沙箱票据登记簿写入失败：{e}"))?;
        }
        self.apply(event);
        Ok(())
    }

    fn apply(&mut self, event: Event) {
        match event {
            Event::Issued(bill) => self.bills.push(bill),
            Event::Red { bus_no, red } => {
                self.reds += 1;
                if let Some(bill) = self.bills.iter_mut().find(|b| b.bus_no == bus_no) {
                    bill.red = Some(red);
                }
            }
            Event::Paper { bus_no, paper_no } => {
                if let Some(bill) = self.bills.iter_mut().find(|b| b.bus_no == bus_no) {
                    bill.paper = Some(paper_no.clone());
                }
                self.papers_used.push(paper_no);
            }
            Event::PaperVoided { paper_no, .. } => {
                for bill in self.bills.iter_mut().filter(|b| b.paper.as_deref() == Some(paper_no.as_str())) {
                    bill.paper = None;
                }
            }
        }
    }

    pub fn by_bus_no(&self, bus_no: Uuid) -> Option<&Bill> {
        self.bills.iter().find(|b| b.bus_no == bus_no)
    }
}
