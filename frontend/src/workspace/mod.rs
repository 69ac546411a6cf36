//! The cashier's desk after login: top bar, work-area rail, search, the chosen patient's
//! account, the action bar, the dialogs, and the keyboard map ([`keys`]). 用血减免 opens for
//! those who may register (a patient on the desk) or review (also without one); 票据 (F3) for
//! those who may take money or review the reconciliation (the kiosk report). For finance,
//! supervisors and administrators the 对账复核 replaces the work area and the action bar.

mod action_bar;
mod dialog_switch;
mod keys;
mod rail;
mod top_bar;

use contract::session::{Permission, Session};
use leptos::prelude::*;

use crate::account::{AccountDetail, PatientStrip};
use crate::desk::Desk;
use crate::link::Link;
use crate::recon::{ReconView, Review};
use crate::search::{HitList, Search, SearchBox};
use action_bar::ActionBar;
use dialog_switch::DialogSwitch;
use keys::KeyMap;
use rail::Rail;
use top_bar::TopBar;

#[component]
pub fn Workspace(session: Session, demo: bool, on_logout: RwSignal<Option<Session>>) -> impl IntoView {
    let desk = Desk::new();
    provide_context(desk);
    provide_context(Link::start());
    let search = Search::new(desk);
    provide_context(search);
    let auditor = session.may(Permission::AuditFees);
    let reviewer = session.may(Permission::ReviewReconciliation);
    let blood = crate::dialogs::blood::may_open(&session).then_some(session.may(Permission::ReviewBloodWaiver));
    let invoices = crate::dialogs::invoices::may_open(&session);
    let day_end = crate::dialogs::day_end::may_open(&session);
    let pending = session.may(Permission::ViewPending);
    let worklist = session.may(Permission::HandleMoney) || auditor;
    // The dialogs ask the session what the operator may do (`Session::may`).
    provide_context(session.clone());
    // The review opens on yesterday: the day whose statements the channels have delivered.
    let review = Review::new(
        contract::recon::day_before(&session.business_date).unwrap_or_else(|| session.business_date.clone()),
    );
    on_cleanup(move || review.stop_polling());
    let reviewing = review.open;

    // The search box has focus whenever no dialog needs it (a scan must never need a click).
    Effect::new(move |was_reviewing: Option<bool>| {
        let now_reviewing = reviewing.get();
        if desk.dialog.get().is_none() && !now_reviewing && search.input.get().is_some() {
            search.focus();
            if was_reviewing == Some(true) {
                // The desk was hidden a moment ago: focus again once it is shown.
                request_animation_frame(move || search.focus());
            }
        }
        now_reviewing
    });

    view! {
        <div class="desk">
            <KeyMap search=search review=review auditor=auditor reviewer=reviewer blood=blood invoices=invoices day_end=day_end/>
            <TopBar session=session demo=demo on_logout=on_logout/>
            <Rail reviewer=reviewer reviewing=reviewing blood=blood invoices=invoices day_end=day_end pending=pending worklist=worklist/>
            <WorkArea search=search reviewing=reviewing/>
            <ActionBar search=search auditor=auditor reviewing=reviewing blood=blood invoices=invoices day_end=day_end/>
            <Show when=move || reviewing.get()>
                <ReconView review=review/>
            </Show>
            <DialogSwitch/>
        </div>
    }
}

/// The search, the list of hits, and the chosen patient's account (or how to choose one).
#[component]
fn WorkArea(search: Search, reviewing: RwSignal<bool>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let hits_open = move || !search.hits.with(Vec::is_empty);
    let no_patient = move || desk.account.with(Option::is_none);
    view! {
        <main class="work" class:hidden=move || reviewing.get()>
            <SearchBox search=search/>
            <HitList search=search/>
            {move || {
                if hits_open() {
                    return None;
                }
                desk.account.get().map(|a| {
                    let detail = a.clone();
                    view! {
                        <PatientStrip account=a/>
                        <AccountDetail account=detail/>
                    }
                })
            }}
            <Show when=move || no_patient() && !hits_open()>
                <div class="empty-state">"扫描患者腕带，或输入病案号、身份证号、姓名、拼音首字母后按 Enter"</div>
            </Show>
        </main>
    }
}
