//! The action bar under the desk: a button per F-key for the mouse, and the status line.

use leptos::prelude::*;

use crate::desk::{Desk, Dialog, SettleKind};
use crate::search::Search;

#[component]
pub fn ActionBar(
    search: Search,
    auditor: bool,
    reviewing: RwSignal<bool>,
    blood: Option<bool>,
    invoices: bool,
    day_end: bool,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let no_patient = move || desk.account.with(Option::is_none);
    view! {
        <footer class="action-bar" class:hidden=move || reviewing.get()>
            <button on:click=move |_| search.focus()>"F2 查询"</button>
            <Show when=move || invoices>
                <button id="open-invoices" on:click=move |_| desk.open_invoices()>"F3 票据"</button>
            </Show>
            <button id="open-deposit" disabled=no_patient on:click=move |_| desk.open(Dialog::Deposit)>"F4 交预交金"</button>
            <button id="open-trial" disabled=no_patient on:click=move |_| desk.open(Dialog::Settle(SettleKind::Discharge))>
                "F5 试算 / F9 结算"
            </button>
            <Show when=move || auditor>
                <button id="open-audit" disabled=no_patient on:click=move |_| desk.open(Dialog::Audit)>"F6 费用审核"</button>
            </Show>
            {blood.map(|may_review| view! {
                <button id="open-blood" disabled=move || no_patient() && !may_review on:click=move |_| desk.open_blood(may_review)>"F7 用血减免"</button>
            })}
            <Show when=move || day_end>
                <button id="open-day-end" on:click=move |_| desk.open_day_end()>"F10 日结"</button>
            </Show>
            <button id="open-recall" disabled=no_patient on:click=move |_| desk.open(Dialog::Recall)>"F11 召回"</button>
            <button id="print-statement" disabled=no_patient on:click=move |_| desk.print_statement()>"F12 打印费用清单"</button>
            <span class="spacer"></span>
            <StatusLine loading=search.loading/>
        </footer>
    }
}

/// What just happened, coloured by its level; 正在加载… while an account loads.
#[component]
fn StatusLine(loading: Memo<bool>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    view! {
        <span
            id="notice"
            class=move || desk.notice.with(|n| n.as_ref().map(|n| n.class()).unwrap_or_default())
            title=move || desk.notice.with(|n| n.as_ref().map(|n| n.text.clone()).unwrap_or_default())
        >
            {move || if loading.get() { Some("正在加载…".to_owned()) } else { desk.notice.get().map(|n| n.text) }}
        </span>
    }
}
