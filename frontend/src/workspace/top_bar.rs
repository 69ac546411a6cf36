//! The top bar: hospital and counter, who is logged in, the business date, the demo badge, the
//! link to the platform, and 退出.

use contract::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ipc;
use crate::link::LinkBadge;

#[component]
pub fn TopBar(session: Session, demo: bool, on_logout: RwSignal<Option<Session>>) -> impl IntoView {
    let logout = move |_| {
        spawn_local(async move {
            let _ = ipc::log_out().await;
            on_logout.set(None);
        });
    };
    view! {
        <header class="top-bar">
            <span class="hospital">{session.hospital.clone()}</span>
            <span class="sep">"·"</span>
            <span>{session.counter.clone()}</span>
            <span class="spacer"></span>
            <span id="operator">{format!("{} {}", session.role.label, session.display_name)}</span>
            <span>{format!("营业日期 {}", session.business_date)}</span>
            {demo.then(|| view! { <span class="badge attention" title="演示医院的数据">"演示数据"</span> })}
            <LinkBadge/>
            <button class="link" id="log-out" on:click=logout>"退出"</button>
        </header>
    }
}
