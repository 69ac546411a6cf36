//! The sandbox's register: every invoice it issued (with its red invoice and paper copies), in
//! memory and, when opened on a file, in one JSON line per change — written and flushed before
//! the call answers, replayed when it opens, so a stand-alone counter's sandbox and the
//! platform's remember across starts as the real platform does. Before each call it reads what
//! other processes appended since (the platform server and its `sandbox-kiosk` command share one
//! sandbox, as they share the one real platform); applying a change twice changes nothing.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
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
    journal: Option<Journal>,
}

/// The file: appended to, and read from where the last read ended.
#[derive(Debug)]
struct Journal {
    file: File,
    path: std::path::PathBuf,
    read_to: u64,
}

impl Register {
    /// The register kept in `path` (created when missing), read back.
    pub fn open(path: &Path) -> Result<Register, String> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("无法打开沙箱票据登记簿 {}：{e}", path.display()))?;
        let mut register =
            Register { journal: Some(Journal { file, path: path.to_owned(), read_to: 0 }), ..Register::default() };
        register.catch_up()?;
        Ok(register)
    }

    /// Applies what was appended to the file since the last read (by this process or another).
    pub fn catch_up(&mut self) -> Result<(), String> {
        let Some(journal) = self.journal.as_mut() else { return Ok(()) };
        let mut file = File::open(&journal.path).map_err(|e| format!("无法读取沙箱票据登记簿：{e}"))?;
        file.seek(SeekFrom::Start(journal.read_to)).map_err(|e| format!("沙箱票据登记簿读取失败：{e}"))?;
        let mut events = Vec::new();
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        loop {
            line.clear();
            let read = reader.read_line(&mut line).map_err(|e| format!("沙箱票据登记簿读取失败：{e}"))?;
            // A line still being written (no newline yet) is read next time.
            if read == 0 || !line.ends_with('\n') {
                break;
            }
            journal.read_to += read as u64;
            if !line.trim().is_empty() {
                let event =
                    serde_json::from_str::<Event>(&line).map_err(|e| format!("沙箱票据登记簿有一行无法读取：{e}"))?;
                events.push(event);
            }
        }
        for event in events {
            self.apply(event);
        }
        Ok(())
    }

    /// Writes `event` (if kept on file), then applies it; nothing changes if it cannot be written.
    pub fn record(&mut self, event: Event) -> Result<(), String> {
        if let Some(journal) = self.journal.as_mut() {
            let mut line = serde_json::to_string(&event).map_err(|e| e.to_string())?;
            line.push('\n');
            journal
                .file
                .write_all(line.as_bytes())
                .and_then(|()| journal.file.sync_data())
                .map_err(|e| format!("沙箱票据登记簿写入失败：{e}"))?;
        }
        self.apply(event);
        Ok(())
    }

    /// How many red invoices were made.
    pub fn reds(&self) -> usize {
        self.bills.iter().filter(|b| b.red.is_some()).count()
    }

    /// Applies `event`; applying it again (read back from the file) changes nothing.
    fn apply(&mut self, event: Event) {
        match event {
            Event::Issued(bill) => {
                if self.by_bus_no(bill.bus_no).is_none() {
                    self.bills.push(bill);
                }
            }
            Event::Red { bus_no, red } => {
                if let Some(bill) = self.bills.iter_mut().find(|b| b.bus_no == bus_no) {
                    bill.red.get_or_insert(red);
                }
            }
            Event::Paper { bus_no, paper_no } => {
                if self.papers_used.contains(&paper_no) {
                    return;
                }
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
