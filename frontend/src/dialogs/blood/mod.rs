//! 用血减免 (F7): one dialog, four tabs — the patient's registrations ([`list`]), a new
//! registration ([`register`]: donor, [`certificates`], the [`entitlement`] as it is computed,
//! the [`checklist`] with capture; its state is the dialog's [`form`], so moving between tabs
//! loses nothing), the review of those waiting ([`review`], for reviewers) and the capture
//! settings ([`settings`]). Alt+L / Alt+N / Alt+R / Alt+S switch tabs; Esc closes.

mod certificates;
mod checklist;
mod entitlement;
mod form;
mod list;
mod register;
mod review;
pub(crate) mod settings;

use contract::session::{Permission, Session};
use leptos::prelude::*;

use super::{Modal, Steps};
use crate::desk::Desk;
use form::Form;
use list::RegistrationList;
use register::RegisterStep;
use review::ReviewStep;
use settings::SettingsStep;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    List,
    Register,
    Review,
    Settings,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::List, Tab::Register, Tab::Review, Tab::Settings];

    fn label(self) -> &'static str {
        match self {
            Tab::List => "登记列表（Alt+L）",
            Tab::Register => "新登记（Alt+N）",
            Tab::Review => "待审核（Alt+R）",
            Tab::Settings => "采集设置（Alt+S）",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::List => "blood-tab-list",
            Tab::Register => "blood-tab-register",
            Tab::Review => "blood-tab-review",
            Tab::Settings => "blood-tab-settings",
        }
    }

    /// The `KeyboardEvent.code` that, with Alt, opens the tab.
    fn key(self) -> &'static str {
        match self {
            Tab::List => "KeyL",
            Tab::Register => "KeyN",
            Tab::Review => "KeyR",
            Tab::Settings => "KeyS",
        }
    }
}

/// [`super::keep_focus_within`] this dialog.
pub(super) fn keep_focus(id: &'static str) {
    super::keep_focus_within("#blood-dialog", id);
}

/// Whether the operator may open 用血减免 at all: to register or to review.
pub fn may_open(session: &Session) -> bool {
    session.may(Permission::HandleMoney) || session.may(Permission::ReviewBloodWaiver)
}

#[component]
pub fn BloodDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let session = expect_context::<Session>();
    let case_no = desk.case_no();
    let clerk = session.may(Permission::HandleMoney) && case_no.is_some();
    let reviewer = session.may(Permission::ReviewBloodWaiver);
    let tabs: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|t| match t {
            Tab::List | Tab::Register => clerk,
            Tab::Review => reviewer,
            Tab::Settings => true,
        })
        .collect();
    let first = if clerk {
        Tab::List
    } else if reviewer {
        Tab::Review
    } else {
        Tab::Settings
    };
    let steps = Steps::new(first);
    let form = Form::new(case_no.clone().unwrap_or_default());
    let allowed = StoredValue::new(tabs.clone());
    let on_keys = move |ev: &web_sys::KeyboardEvent| {
        if !ev.alt_key() {
            return;
        }
        let code = ev.code();
        if let Some(tab) = allowed.get_value().into_iter().find(|t| t.key() == code) {
            ev.prevent_default();
            steps.go(tab);
        }
    };
    // Inside, the Modal and the frame handle the keys; outside, this.
    super::keys_outside("blood-dialog", desk, on_keys);
    let title = match &case_no {
        Some(case_no) => format!("用血减免（F7） 病案号 {case_no}"),
        None => "用血减免（F7）".to_owned(),
    };
    let case_value = StoredValue::new(case_no);
    // After the Modal has focused the new tab's first field: if it has none, its tab button.
    Effect::new(move |_| {
        steps.current.track();
        request_animation_frame(|| keep_focus("blood-none"));
    });
    view! {
        <Modal id="blood-dialog" title=title step=steps.moves()>
            <div class="blood-frame" on:keydown=move |ev| on_keys(&ev)>
                <div class="tabs" role="tablist">
                    {tabs.into_iter().map(|tab| view! {
                        <button
                            id=tab.id()
                            role="tab"
                            class:active=move || steps.current.get() == tab
                            on:click=move |_| steps.go(tab)
                        >
                            {tab.label()}
                        </button>
                    }).collect_view()}
                </div>
                {move || match steps.current.get() {
                    Tab::List => view! {
                        <RegistrationList
                            case_no=case_value.get_value().unwrap_or_default()
                            on_new=Some(Callback::new(move |()| steps.go(Tab::Register)))
                        />
                    }
                    .into_any(),
                    Tab::Register => view! {
                        <RegisterStep form=form on_done=Callback::new(move |_| steps.go(Tab::List))/>
                    }
                    .into_any(),
                    Tab::Review => view! { <ReviewStep case_no=case_value.get_value()/> }.into_any(),
                    Tab::Settings => view! { <SettingsStep/> }.into_any(),
                }}
            </div>
        </Modal>
    }
}
