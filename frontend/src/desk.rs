//! The state every part of the cashier's desk shares: the chosen patient's account, the open
//! dialog, the status line — and reloading the account after money moved.

use contract::account::{AccountView, DepositView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ipc;

/// A message in the status line: what happened and how serious (info, done, attention, error).
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub level: &'static str,
}

/// The dialog in front of the desk, if any. While one is open, F-keys belong to it.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Deposit,
    Settle(&'static str),
    Recall,
    Audit,
    Reverse(DepositView),
    VoidReceipt(DepositView),
}

#[derive(Clone, Copy)]
pub struct Desk {
    pub account: RwSignal<Option<AccountView>>,
    pub dialog: RwSignal<Option<Dialog>>,
    pub notice: RwSignal<Option<Notice>>,
}

impl Desk {
    pub fn new() -> Desk {
        Desk { account: RwSignal::new(None), dialog: RwSignal::new(None), notice: RwSignal::new(None) }
    }

    pub fn say(&self, text: impl Into<String>, level: &'static str) {
        self.notice.set(Some(Notice { text: text.into(), level }));
    }

    pub fn fail(&self, error: &contract::ApiError) {
        self.say(format!("{}（{}）", error.message, error.code), "error");
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
            self.say("请先查询患者", "attention");
            return;
        }
        self.dialog.set(Some(dialog));
    }

    /// Reloads the account shown (after a deposit, settlement, recall…).
    pub fn refresh(&self) {
        let Some(case_no) = self.case_no() else { return };
        let desk = *self;
        spawn_local(async move {
            match ipc::account(&case_no).await {
                Ok(view) => desk.account.set(Some(view)),
                Err(e) => desk.fail(&e),
            }
        });
    }
}
