//! 票据 (F3): one dialog, four tabs — the patient's e-invoices with their paper copies
//! ([`list`]: 换开纸质, 重新换开 after the [`reissue`] confirmation naming the copy it voids,
//! 作废纸质 of a copy), 作废纸质 by a typed or scanned number ([`void`]), the operator's paper
//! stock ([`stock`]: 领用, 核销) and, for finance, the kiosk report ([`kiosk`]). Tabs follow
//! `Session::may`: paper needs 收费 (`HandleMoney`), the kiosk report 对账复核
//! (`ReviewReconciliation`). Alt+P / Alt+V / Alt+S / Alt+K switch tabs; Esc closes.

mod kiosk;
mod list;
mod reissue;
mod stock;
mod void;

use contract::session::{Permission, Session};
use leptos::prelude::*;

use super::{Modal, Steps};
use crate::desk::Desk;
use kiosk::KioskStep;
use list::InvoiceList;
use stock::StockStep;
pub use void::VoidPaperStep;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Patient,
    Void,
    Stock,
    Kiosk,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Patient, Tab::Void, Tab::Stock, Tab::Kiosk];

    fn label(self) -> &'static str {
        match self {
            Tab::Patient => "本患者票据（Alt+P）",
            Tab::Void => "作废纸质（Alt+V）",
            Tab::Stock => "票据领用（Alt+S）",
            Tab::Kiosk => "自助机报表（Alt+K）",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Patient => "invoices-tab-patient",
            Tab::Void => "invoices-tab-void",
            Tab::Stock => "invoices-tab-stock",
            Tab::Kiosk => "invoices-tab-kiosk",
        }
    }

    /// The `KeyboardEvent.code` that, with Alt, opens the tab.
    fn key(self) -> &'static str {
        match self {
            Tab::Patient => "KeyP",
            Tab::Void => "KeyV",
            Tab::Stock => "KeyS",
            Tab::Kiosk => "KeyK",
        }
    }
}

/// Whether the operator may open 票据 at all: to handle paper, or to read the kiosk report.
pub fn may_open(session: &Session) -> bool {
    session.may(Permission::HandleMoney) || session.may(Permission::ReviewReconciliation)
}

/// [`super::keep_focus_within`] this dialog.
pub(super) fn keep_focus(id: &'static str) {
    super::keep_focus_within("#invoices-dialog", id);
}

#[component]
pub fn InvoicesDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let session = expect_context::<Session>();
    let case_no = desk.case_no();
    let money = session.may(Permission::HandleMoney);
    let finance = session.may(Permission::ReviewReconciliation);
    let tabs: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|t| match t {
            Tab::Patient => case_no.is_some(),
            Tab::Void | Tab::Stock => money,
            Tab::Kiosk => finance,
        })
        .collect();
    let first = tabs.first().copied().unwrap_or(Tab::Kiosk);
    let steps = Steps::new(first);
    // The number the 作废纸质 tab holds: typed there, or handed over by the patient's list.
    let void_no = RwSignal::new(String::new());
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
    // Inside, the Modal and the frame handle the keys; outside (the focus dropped to the page,
    // or its field gone with the tab it switched away from), this.
    super::keys_outside("invoices-dialog", desk, on_keys);
    let title = match &case_no {
        Some(case_no) => format!("票据（F3） 病案号 {case_no}"),
        None => "票据（F3）".to_owned(),
    };
    let case_value = StoredValue::new(case_no.unwrap_or_default());
    let business_date = StoredValue::new(session.business_date.clone());
    Effect::new(move |_| {
        steps.current.track();
        request_animation_frame(|| keep_focus("invoices-none"));
    });
    let to_void = Callback::new(move |number: String| {
        void_no.set(number);
        steps.go(Tab::Void);
    });
    let to_stock = Callback::new(move |()| steps.go(Tab::Stock));
    view! {
        <Modal id="invoices-dialog" title=title step=steps.moves()>
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
                    Tab::Patient => view! {
                        <InvoiceList case_no=case_value.get_value() may_print=money on_void=to_void on_stock=to_stock/>
                    }
                    .into_any(),
                    Tab::Void => view! { <VoidPaperStep number=void_no/> }.into_any(),
                    Tab::Stock => view! { <StockStep/> }.into_any(),
                    Tab::Kiosk => view! { <KioskStep day=business_date.get_value()/> }.into_any(),
                }}
            </div>
        </Modal>
    }
}
