//! The link to the platform as the desk knows it, refreshed every few seconds: the status
//! bar's badge (在线, or 离线（自 … 起）, with the operations waiting to be sent and those the
//! platform refused — a click opens 待处理 for those who may see it), and whether tenders that
//! collect through the platform can be taken now.

use std::time::Duration;

use contract::link::LinkStatus;
use contract::session::{Permission, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::Desk;
use crate::ipc;

const REFRESH: Duration = Duration::from_secs(3);

/// The newest link status, shared through the context by the badge and the tender rows.
#[derive(Clone, Copy)]
pub struct Link {
    status: RwSignal<Option<LinkStatus>>,
}

impl Link {
    /// Starts asking for the status now and every few seconds, until the owner is cleaned up.
    pub fn start() -> Link {
        let link = Link { status: RwSignal::new(None) };
        let refresh = move || {
            spawn_local(async move {
                if let Ok(now) = ipc::link_status().await {
                    link.status.set(Some(now));
                }
            });
        };
        refresh();
        if let Ok(handle) = set_interval_with_handle(refresh, REFRESH) {
            on_cleanup(move || handle.clear());
        }
        link
    }

    /// A linked counter that has lost the platform (a stand-alone counter is never offline).
    pub fn offline(&self) -> bool {
        self.status.with(is_offline)
    }

    /// A counter registered with a platform (its invoices come from the platform's feed).
    pub fn linked(&self) -> bool {
        self.status.with(|s| s.as_ref().is_some_and(|s| s.linked))
    }

    /// [`Link::offline`] read once, outside anything reactive (an event handler).
    pub fn offline_now(&self) -> bool {
        self.status.with_untracked(is_offline)
    }
}

fn is_offline(status: &Option<LinkStatus>) -> bool {
    status.as_ref().is_some_and(|s| s.linked && !s.online)
}

#[component]
pub fn LinkBadge() -> impl IntoView {
    let link = expect_context::<Link>();
    let desk = expect_context::<Desk>();
    let viewer = use_context::<Session>().is_some_and(|s| s.may(Permission::ViewPending));
    move || {
        link.status.get().map(|s| {
            let pending = viewer && s.refused > 0;
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
            let title = if pending { format!("{title}（点击查看待处理）") } else { title };
            let open = move |_| {
                if pending {
                    desk.open_pending();
                }
            };
            view! { <span id="link-status" class=class class:clickable=pending title=title on:click=open>{s.label()}</span> }
        })
    }
}
