//! The entitlement as it is computed: asked again whenever the relationship, the gold award or
//! the certificates change; an answer to an older question is dropped.

use contract::blood_desk::{EntitlementQuery, EntitlementView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::form::Form;
use crate::ipc;

fn ml(value: Option<i64>) -> String {
    value.map_or_else(|| "不限（终身免费）".to_owned(), |ml| format!("{ml} 毫升"))
}

#[component]
pub fn EntitlementPanel(form: Form) -> impl IntoView {
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let query = EntitlementQuery {
            donor: form.donor.get(),
            gold_award: form.gold.get(),
            certificates: form.certificates.get(),
        };
        if query.certificates.is_empty() {
            form.preview.set(None);
            return;
        }
        asked.update_value(|n| *n += 1);
        let ask = asked.get_value();
        spawn_local(async move {
            let answer = ipc::blood_entitlement(&query).await;
            if asked.get_value() == ask {
                form.preview.set(Some(answer));
            }
        });
    });
    view! {
        <div class="blood-entitlement" id="blood-entitlement">
            <div class="pane-title">"用血额度（按今日计算）"</div>
            {move || match form.preview.get() {
                None => view! { <div class="muted">"添加献血证后显示可减免的用血量"</div> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="notice attention" id="blood-entitlement-refused">{e.message} <span class="code">{e.code}</span></div>
                }
                .into_any(),
                Some(Ok(view)) => view! { <Figures view=view/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Figures(view: EntitlementView) -> impl IntoView {
    view! {
        <div class="figures-line">
            <span>"可减免 " <b id="blood-entitled">{ml(view.entitled_ml)}</b></span>
            <span>"已用 " <b id="blood-used">{format!("{} 毫升", view.used_ml)}</b></span>
            <span>"剩余 " <b id="blood-remaining">{ml(view.remaining_ml)}</b></span>
        </div>
        <div class="muted" id="blood-rule">{view.rule.clone()}</div>
        <Show when={
            let many = view.certificates.len() > 1;
            move || many
        }>
            <table class="grid">
                <tbody>
                    {view.certificates.iter().map(|c| view! {
                        <tr><td>{c.certificate_no.clone()}</td><td class="num">{ml(c.remaining_ml)}</td><td class="wrap muted">{c.rule.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Show>
    }
}
