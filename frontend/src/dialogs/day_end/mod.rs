//! 日结 (F10): one dialog, three tabs — the operator's close ([`close`]: preview with every
//! figure, confirm, print, cancel the latest), finance's hand-in ([`hand_in`]: the closes
//! waiting, the count by denomination and cheques, the receipt) and the hospital's day and month
//! ([`reports`]: figures, identities, the chart, print and XLSX). Tabs follow `Session::may`:
//! the close needs 收费 (`HandleMoney`), the others 缴款确认 (`CollectHandIn`). Alt+R / Alt+J /
//! Alt+B switch tabs; Esc closes.

mod close;
mod figures;
mod hand_in;
mod reports;

use contract::session::{Permission, Session};
use leptos::prelude::*;

use super::{Modal, Steps};
use crate::desk::Desk;
use close::CloseStep;
use hand_in::HandInStep;
use reports::ReportsStep;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Close,
    HandIn,
    Reports,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Close, Tab::HandIn, Tab::Reports];

    fn label(self) -> &'static str {
        match self {
            Tab::Close => "本人日结（Alt+R）",
            Tab::HandIn => "缴款确认（Alt+J）",
            Tab::Reports => "日报 / 月报（Alt+B）",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Close => "day-end-tab-close",
            Tab::HandIn => "day-end-tab-hand-in",
            Tab::Reports => "day-end-tab-reports",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Tab::Close => "KeyR",
            Tab::HandIn => "KeyJ",
            Tab::Reports => "KeyB",
        }
    }
}

/// Whether the operator may open 日结 at all: to close their own day, or to collect and report.
pub fn may_open(session: &Session) -> bool {
    session.may(Permission::HandleMoney) || session.may(Permission::CollectHandIn)
}

#[component]
pub fn DayEndDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let session = expect_context::<Session>();
    let money = session.may(Permission::HandleMoney);
    let finance = session.may(Permission::CollectHandIn);
    let tabs: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|t| match t {
            Tab::Close => money,
            Tab::HandIn | Tab::Reports => finance,
        })
        .collect();
    let steps = Steps::new(tabs.first().copied().unwrap_or(Tab::Reports));
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
    super::keys_outside("day-end-dialog", desk, on_keys);
    let business_date = StoredValue::new(session.business_date.clone());
    view! {
        <Modal id="day-end-dialog" title="日结（F10）".to_owned() step=steps.moves()>
            <div class="invoices-frame" on:keydown=move |ev| on_keys(&ev)>
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
                    Tab::Close => view! { <CloseStep/> }.into_any(),
                    Tab::HandIn => view! { <HandInStep/> }.into_any(),
                    Tab::Reports => view! { <ReportsStep day=business_date.get_value()/> }.into_any(),
                }}
            </div>
        </Modal>
    }
}

/// Focuses `id` once the view holding it is in the document (an answer just arrived).
pub(super) fn focus(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(id) {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}
