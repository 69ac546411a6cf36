//! The status bar's badge for the link to the platform: 在线, or 离线（自 … 起）, with the
//! operations waiting to be sent and those the platform refused; refreshed every few seconds.

use std::time::Duration;

use contract::link::LinkStatus;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ipc;

const REFRESH: Duration = Duration::from_secs(3);

#[component]
pub fn LinkBadge() -> impl IntoView {
    let status: RwSignal<Option<LinkStatus>> = RwSignal::new(None);
    let refresh = move || {
        spawn_local(async move {
            if let Ok(now) = ipc::link_status().await {
                status.set(Some(now));
            }
        });
    };
    refresh();
    if let Ok(handle) = set_interval_with_handle(refresh, REFRESH) {
        on_cleanup(move || handle.clear());
    }
    move || {
        status.get().map(|s| {
            let class = match (s.linked, s.online) {
                (false, _) => "badge attention",
                (true, true) => "badge online",
                (true, false) => "badge offline",
            };
            let title = s.last_error.clone().unwrap_or_else(|| {
                if s.linked {
                    "与统一支付结算平台的连接".to_owned()
                } else {
                    "本机未登记到平台，数据只在本地".to_owned()
                }
            });
            view! { <span id="link-status" class=class title=title>{s.label()}</span> }
        })
    }
}
