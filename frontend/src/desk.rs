//! The state every part of the cashier's desk shares: the chosen patient's account, the open
//! dialog, the status line — and reloading the account after money moved.

use contract::account::{AccountView, DepositView, RefundView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ipc;

/// How serious a status-line message is; its CSS class is `notice <class>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Done,
    Attention,
    Error,
}

impl Level {
    pub fn class(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Done => "done",
            Level::Attention => "attention",
            Level::Error => "error",
        }
    }
}

/// A message in the status line: what happened and how serious.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub level: Level,
}

impl Notice {
    /// The status line's classes: `notice done`…
    pub fn class(&self) -> String {
        format!("notice {}", self.level.class())
    }
}

/// 出院结算 or 中途结算, with the code the backend takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettleKind {
    Discharge,
    MidStay,
}

impl SettleKind {
    pub const ALL: [SettleKind; 2] = [SettleKind::Discharge, SettleKind::MidStay];

    pub fn code(self) -> &'static str {
        match self {
            SettleKind::Discharge => "discharge",
            SettleKind::MidStay => "mid_stay",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SettleKind::Discharge => "出院结算",
            SettleKind::MidStay => "中途结算",
        }
    }

    pub fn from_code(code: &str) -> Option<SettleKind> {
        SettleKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The dialog in front of the desk, if any. While one is open, F-keys belong to it.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Deposit,
    Settle(SettleKind),
    Recall,
    Audit,
    /// 用血减免: registrations, review, capture settings.
    Blood,
    /// 票据: the patient's e-invoices and paper copies, 作废纸质, paper stock, the kiosk report.
    Invoices,
    /// 日结: the operator's close, finance's hand-in, the hospital's day and month.
    DayEnd,
    Reverse(DepositView),
    VoidReceipt(DepositView),
    /// 改退: a refund by the original route that failed, paid in cash or by transfer.
    RefundOtherwise(RefundView),
    /// 待处理: the refunds that failed, across patients.
    Pending,
    /// 工作清单 (Alt+W): who waits for the settlement or the fee audit.
    Worklist,
    /// F1: the key map.
    Keys,
    /// 设置 (Alt+O): printers, offsets, place, capture, platform.
    Settings,
}

#[derive(Clone, Copy)]
pub struct Desk {
    pub account: RwSignal<Option<AccountView>>,
    pub dialog: RwSignal<Option<Dialog>>,
    pub notice: RwSignal<Option<Notice>>,
    /// How many things the status line has said (a late answer must not hide a newer one).
    said: StoredValue<u64>,
}

impl Desk {
    pub fn new() -> Desk {
        Desk {
            account: RwSignal::new(None),
            dialog: RwSignal::new(None),
            notice: RwSignal::new(None),
            said: StoredValue::new(0),
        }
    }

    pub fn say(&self, text: impl Into<String>, level: Level) {
        self.said.update_value(|n| *n += 1);
        self.notice.set(Some(Notice { text: text.into(), level }));
    }

    /// How many things the status line has said so far (see [`Desk::say_unless_newer`]).
    pub fn said(&self) -> u64 {
        self.said.get_value()
    }

    /// Says `text` unless the status line said something after `since` (a print that finished
    /// late must not hide what the cashier did meanwhile).
    pub fn say_unless_newer(&self, since: u64, text: impl Into<String>, level: Level) {
        if self.said() == since {
            self.say(text, level);
        }
    }

    pub fn fail(&self, error: &contract::ApiError) {
        self.say(format!("{}（{}）", error.message, error.code), Level::Error);
    }

    pub fn case_no(&self) -> Option<String> {
        self.account.get_untracked().map(|a| a.patient.case_no)
    }

    pub fn close(&self) {
        self.dialog.set(None);
    }

    /// Opens `dialog` for the current patient, or says to choose one first.
    pub fn open(&self, dialog: Dialog) {
        if self.account.get_untracked().is_none() {
            self.say("请先查询患者", Level::Attention);
            return;
        }
        self.dialog.set(Some(dialog));
    }

    /// Opens 用血减免: registering needs a patient on the desk; a reviewer may open it without
    /// one, for the registrations waiting across all admissions.
    pub fn open_blood(&self, reviewer: bool) {
        if reviewer && self.account.get_untracked().is_none() {
            self.dialog.set(Some(Dialog::Blood));
        } else {
            self.open(Dialog::Blood);
        }
    }

    /// Opens 票据 (F3): with a patient on the desk its invoices come first; without one the
    /// dialog offers what needs none (作废纸质 by number, 票据领用, 自助机报表).
    pub fn open_invoices(&self) {
        self.dialog.set(Some(Dialog::Invoices));
    }

    /// Opens the key map (F1).
    pub fn open_keys(&self) {
        self.dialog.set(Some(Dialog::Keys));
    }

    /// Opens 工作清单 (Alt+W); it needs no patient on the desk.
    pub fn open_worklist(&self) {
        self.dialog.set(Some(Dialog::Worklist));
    }

    /// Opens 设置 (Alt+O); it needs no patient on the desk.
    pub fn open_settings(&self) {
        self.dialog.set(Some(Dialog::Settings));
    }

    /// Opens 待处理; it needs no patient on the desk.
    pub fn open_pending(&self) {
        self.dialog.set(Some(Dialog::Pending));
    }

    /// Opens 日结 (F10); it needs no patient on the desk.
    pub fn open_day_end(&self) {
        self.dialog.set(Some(Dialog::DayEnd));
    }

    /// Closes the dialog whose operation was just recorded and prints its receipt (收据) behind
    /// it: the window is free at once (a slow printer must never close a dialog opened
    /// meanwhile), and a print that failed is said.
    pub fn close_and_print_receipt(&self, case_no: String, receipt_no: String) {
        self.close();
        let desk = *self;
        spawn_local(async move {
            if let Err(e) = ipc::print_deposit_receipt(&case_no, &receipt_no).await {
                desk.fail(&e);
            }
        });
    }

    /// Reloads the account shown (after a deposit, settlement, recall…); an answer for a
    /// patient no longer shown is dropped.
    pub fn refresh(&self) {
        let Some(case_no) = self.case_no() else { return };
        let desk = *self;
        spawn_local(async move {
            match ipc::account(&case_no).await {
                Ok(view) if desk.case_no().as_deref() == Some(case_no.as_str()) => desk.account.set(Some(view)),
                Ok(_) => {}
                Err(e) => desk.fail(&e),
            }
        });
    }

    /// F12: the chosen patient's fee list, printed or saved as PDF.
    pub fn print_statement(&self) {
        let Some(case_no) = self.case_no() else {
            self.say("请先查询患者", Level::Attention);
            return;
        };
        self.say("正在生成费用清单…", Level::Info);
        let desk = *self;
        spawn_local(async move {
            match ipc::print_statement(&case_no).await {
                Ok(outcome) => {
                    let text = match outcome.printer {
                        Some(printer) => format!("费用清单已发送到打印机 {printer}（{} 页）", outcome.pages),
                        None => format!("费用清单已保存并打开：{}（{} 页）", outcome.path, outcome.pages),
                    };
                    desk.say(text, Level::Done);
                }
                Err(e) => desk.fail(&e),
            }
        });
    }
}
