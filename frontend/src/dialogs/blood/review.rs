//! 待审核 (审核用血减免): the registrations waiting for review — every admission's, or only the
//! patient's on the desk — chosen with ↑/↓; beside the chosen one's data its pages; 审核通过
//! (Enter) or 退回 with a reason. The app refuses approving one's own registration.

use contract::ApiError;
use contract::blood::{RegistrationView, ReviewBloodRequest};
use contract::blood_desk::RegistrationPage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

#[component]
pub fn ReviewStep(case_no: Option<String>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let waiting: RwSignal<Option<Vec<RegistrationView>>> = RwSignal::new(None);
    let only_patient = RwSignal::new(case_no.is_some());
    let case_no = StoredValue::new(case_no);
    let selected = RwSignal::new(0usize);
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let load = move || {
        spawn_local(async move {
            match ipc::blood_waiting().await {
                Ok(found) => {
                    selected.set(0);
                    waiting.set(Some(found));
                    super::keep_focus("blood-approve");
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();
    let shown = Memo::new(move |_| {
        let all = waiting.get().unwrap_or_default();
        match (only_patient.get(), case_no.get_value()) {
            (true, Some(case_no)) => all.into_iter().filter(|r| r.case_no == case_no).collect(),
            _ => all,
        }
    });
    let chosen = Memo::new(move |_| shown.with(|rows| rows.get(selected.get()).cloned()));
    // The review's operation key, taken once per registration and kept for its retries (a
    // decision whose answer was lost is sent again under the same key).
    let review_key = RwSignal::new(None::<(i64, String)>);
    let deciding = Action::new_local(move |asked: &(i64, bool, String)| {
        let (registration, approve, reason_text) = asked.clone();
        async move {
            let key = match review_key.get_untracked() {
                Some((id, key)) if id == registration => key,
                _ => match ipc::operation_key().await {
                    Ok(key) => {
                        review_key.set(Some((registration, key.clone())));
                        key
                    }
                    Err(e) => {
                        error.set(Some(e));
                        return;
                    }
                },
            };
            let request = ReviewBloodRequest { registration, key, approve, reason: reason_text };
            match ipc::review_blood(&request).await {
                Ok(done) => {
                    error.set(None);
                    reason.set(String::new());
                    review_key.set(None);
                    desk.say(format!("登记 {} {}", done.registration, done.status.label), Level::Done);
                    desk.refresh();
                    load();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let busy = deciding.pending();
    let decide = move |approve: bool| {
        let Some(r) = chosen.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        deciding.dispatch_local((r.registration, approve, reason.get_untracked()));
    };
    let on_keys = move |ev: leptos::ev::KeyboardEvent| {
        let in_field =
            document().active_element().is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        let count = shown.with(Vec::len);
        if ev.alt_key() && ev.code() == "KeyT" {
            ev.prevent_default();
            if let Some(input) = document().get_element_by_id("blood-return-reason")
                && let Ok(input) = input.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = input.focus();
            }
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" if !in_field && count > 0 => {
                ev.prevent_default();
                selected.update(|s| *s = (*s + 1).min(count - 1));
            }
            "ArrowUp" if !in_field => {
                ev.prevent_default();
                selected.update(|s| *s = s.saturating_sub(1));
            }
            _ => {}
        }
    };
    view! {
        <div class="blood-review" on:keydown=on_keys>
            <div class="blood-column">
                <Show when=move || case_no.get_value().is_some()>
                    <label class="check"><input id="blood-only-patient" type="checkbox" bind:checked=only_patient/>"只看当前患者"</label>
                </Show>
                <table class="grid" id="blood-waiting">
                    <thead><tr><th>"登记号"</th><th>"病案号"</th><th>"献血者"</th><th>"关系"</th><th>"登记人"</th></tr></thead>
                    <tbody>
                        {move || shown.get().into_iter().enumerate().map(|(i, r)| view! {
                            <tr class:selected=move || selected.get() == i on:click=move |_| selected.set(i) data-registration=r.registration.to_string()>
                                <td>{r.registration}</td><td>{r.case_no.clone()}</td><td>{r.donor_name.clone()}</td>
                                <td>{r.donor.label.clone()}</td><td>{r.registered_by.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <Show when=move || waiting.get().is_some() && shown.with(Vec::is_empty)>
                    <div class="muted" id="blood-waiting-empty">"没有待审核的登记"</div>
                </Show>
            </div>
            <div class="blood-column">
                {move || chosen.get().map(|r| view! { <Detail registration=r/> })}
            </div>
        </div>
        <DialogError error=error/>
        <Show when=move || chosen.get().is_some()>
            <div class="dialog-actions review-actions">
                <button class="primary" id="blood-approve" data-autofocus="1" disabled=move || busy.get() on:click=move |_| decide(true)>
                    "审核通过（Enter）"
                </button>
                <span class="spacer"></span>
                <label for="blood-return-reason">"退回原因（Alt+T）"</label>
                <input id="blood-return-reason" type="text" autocomplete="off" bind:value=reason/>
                <button class="primary risk" id="blood-return" disabled=move || busy.get() on:click=move |_| decide(false)>"退回"</button>
            </div>
        </Show>
    }
}

/// The chosen registration's data and its pages.
#[component]
fn Detail(registration: RegistrationView) -> impl IntoView {
    let pages: RwSignal<Option<Result<Vec<RegistrationPage>, ApiError>>> = RwSignal::new(None);
    let id = registration.registration;
    spawn_local(async move {
        pages.set(Some(ipc::blood_pages(id).await));
    });
    let r = registration;
    let ml = |v: Option<i64>| v.map_or_else(|| "不限（终身免费）".to_owned(), |ml| format!("{ml} 毫升"));
    view! {
        <div class="item-summary" id="blood-review-detail">
            <div><b>{format!("登记 {} · 病案号 {}", r.registration, r.case_no)}</b></div>
            <div>{format!("献血者 {}（患者的{}）身份证 {}", r.donor_name, r.donor.label, r.donor_id)}</div>
            {r.certificates.iter().map(|c| view! {
                <div>{format!("献血证 {} · {} · {} 毫升 · {}", c.certificate_no, c.donated_on, c.volume_ml, c.kind.label)}</div>
            }).collect_view()}
            <div>{format!("可减免 {}，剩余 {}", ml(r.entitled_ml), ml(r.remaining_ml))}</div>
            <div class="muted">{r.rule.clone()}</div>
            <div class="muted">{format!("{} 登记于 {}", r.registered_by, r.registered_at)}</div>
        </div>
        <div class="review-pages" id="blood-review-pages">
            {move || match pages.get() {
                None => view! { <div class="muted">"正在读取材料…"</div> }.into_any(),
                Some(Err(e)) => view! { <div class="field-error">{e.message}</div> }.into_any(),
                Some(Ok(pages)) => pages.into_iter().map(|p| view! {
                    <figure class="review-page">
                        {if p.thumbnail.is_empty() {
                            view! { <div class="pdf">{p.media_type.clone()}</div> }.into_any()
                        } else {
                            view! { <img src=p.thumbnail.clone() alt=p.item.label.clone()/> }.into_any()
                        }}
                        <figcaption>{p.item.label.clone()}</figcaption>
                    </figure>
                }).collect_view().into_any(),
            }}
        </div>
    }
}
