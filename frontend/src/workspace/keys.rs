//! The desk's keyboard map (F1 shows it: `dialogs::key_help`): F2 or / search, ↑/↓/Enter in results, F3 票据 (for those who may
//! take money or read the kiosk report), F4 deposit, F5 trial, F9 settle, F6 fee audit, F7
//! 用血减免 (for those who may register or review a blood-fee waiver), F10 日结 (for those who
//! close a day or collect one), F11 recall, F12 print, Alt+W 工作清单 (for those who settle or
//! audit), Esc close; for finance, supervisors and administrators F8
//! switches to 对账复核 and back (Esc also returns). An open dialog, or the review, owns the
//! keyboard instead.

use leptos::ev;
use leptos::prelude::*;

use crate::desk::{Desk, Dialog, SettleKind};
use crate::recon::Review;
use crate::search::Search;

/// An F-key (F1…F12), as opposed to the letter F.
fn is_function_key(key: &str) -> bool {
    key.starts_with('F') && key.len() > 1
}

/// Listens on the window while the desk is shown; renders nothing.
#[component]
pub fn KeyMap(
    search: Search,
    review: Review,
    auditor: bool,
    reviewer: bool,
    /// `Some(may review)` when 用血减免 is open to the operator.
    blood: Option<bool>,
    /// Whether 票据 is open to the operator.
    invoices: bool,
    /// Whether 日结 is open to the operator.
    day_end: bool,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let reviewing = review.open;
    let keys = window_event_listener(ev::keydown, move |ev| {
        let key = ev.key();
        if reviewing.get_untracked() {
            // The review owns the keyboard; F-keys never reach the page (F5 would reload it).
            if is_function_key(&key) {
                ev.prevent_default();
            }
            if review.dialog.get_untracked().is_none() && matches!(key.as_str(), "F8" | "Escape") {
                reviewing.set(false);
            }
            return;
        }
        // An open dialog owns the keyboard; it closes itself on Esc. When the focus fell out of it
        // (a button that went busy, a part redrawn), Esc reaches here and still closes it.
        if desk.dialog.get_untracked().is_some() {
            if is_function_key(&key) {
                ev.prevent_default();
            }
            let in_dialog = document().active_element().is_some_and(|el| el.closest(".modal").ok().flatten().is_some());
            if key == "Escape" && !in_dialog {
                ev.prevent_default();
                desk.close();
            }
            return;
        }
        let in_field =
            document().active_element().is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        let hits_shown = !search.hits.with_untracked(Vec::is_empty);
        let shortcut = |dialog: Dialog| {
            ev.prevent_default();
            desk.open(dialog);
        };
        match key.as_str() {
            "F1" => {
                ev.prevent_default();
                desk.open_keys();
            }
            "F2" => {
                ev.prevent_default();
                search.focus();
            }
            "/" if !in_field => {
                ev.prevent_default();
                search.focus();
            }
            "F3" => {
                ev.prevent_default();
                if invoices {
                    desk.open_invoices();
                }
            }
            "F4" => shortcut(Dialog::Deposit),
            "F10" => {
                ev.prevent_default();
                if day_end {
                    desk.open_day_end();
                }
            }
            "F5" | "F9" => shortcut(Dialog::Settle(SettleKind::Discharge)),
            "F6" if auditor => shortcut(Dialog::Audit),
            "F7" => {
                ev.prevent_default();
                if let Some(may_review) = blood {
                    desk.open_blood(may_review);
                }
            }
            "F11" => shortcut(Dialog::Recall),
            "w" | "W" if ev.alt_key() => {
                ev.prevent_default();
                desk.open_worklist();
            }
            "o" | "O" if ev.alt_key() => {
                ev.prevent_default();
                desk.open_settings();
            }
            "F8" if reviewer => {
                ev.prevent_default();
                reviewing.set(true);
            }
            "F12" => {
                ev.prevent_default();
                desk.print_statement();
            }
            "Escape" => {
                search.dismiss();
                search.focus();
            }
            "ArrowDown" | "ArrowUp" if hits_shown => {
                ev.prevent_default();
                search.step(key == "ArrowDown");
            }
            "Enter" if hits_shown && !in_field => {
                ev.prevent_default();
                search.pick_selected();
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
}
