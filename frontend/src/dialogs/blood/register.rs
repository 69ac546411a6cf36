//! 新登记 (献血证报销登记): who donated (the gold award opens 兄弟姐妹, 祖父母/外祖父母 and
//! 公婆/岳父母), the donor's name and resident ID, the certificates, the pledge when the proof of
//! the relationship is missing (printable here), the entitlement as it is computed, the checklist
//! with its captures — and 提交, disabled with the reason while anything required is missing.

use contract::ApiError;
use contract::blood::{RegisterBloodRequest, RegistrationView};
use contract::blood_desk::donor_options;
use leptos::prelude::*;

use super::certificates::CertificateLines;
use super::checklist::Checklist;
use super::entitlement::EntitlementPanel;
use super::form::{Form, SELF};
use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

#[component]
pub fn RegisterStep(form: Form, on_done: Callback<RegistrationView>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let registering = Action::new_local(move |request: &RegisterBloodRequest| {
        let request = request.clone();
        async move {
            match ipc::register_blood(&request).await {
                Ok(done) => {
                    desk.say(
                        format!("献血证报销登记 {} 已提交，{}（{}）", done.registration, done.status.label, done.rule),
                        Level::Done,
                    );
                    form.clear();
                    on_done.run(done);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let printing = Action::new_local(move |request: &RegisterBloodRequest| {
        let request = request.clone();
        async move {
            match ipc::print_pledge(&request).await {
                Ok(out) => {
                    error.set(None);
                    desk.say(format!("承诺书已打印：{}", out.printer.unwrap_or(out.path)), Level::Done);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let sending = registering.pending();
    let blocker = Memo::new(move |_| form.blocker());
    let submit = move |_| {
        if sending.get_untracked() || blocker.get_untracked().is_some() {
            return;
        }
        registering.dispatch_local(form.request());
    };
    let relative = move || form.donor.with(|d| d != SELF);
    view! {
        <div class="blood-register">
            <div class="blood-column">
                <div class="blood-donor">
                    <label for="blood-donor">"献血者是患者的"</label>
                    <select id="blood-donor" data-autofocus="1" on:change=move |ev| form.donor.set(event_target_value(&ev))>
                        {donor_options().into_iter().map(|d| {
                            let label = if d.needs_gold_award { format!("{}（限金奖）", d.label) } else { d.label.to_owned() };
                            view! { <option value=d.code selected=move || form.donor.with(|c| c == d.code)>{label}</option> }
                        }).collect_view()}
                    </select>
                    <label class="check"><input id="blood-gold" type="checkbox" bind:checked=form.gold/>"献血者获无偿献血金奖（兄弟姐妹、祖父母/外祖父母、公婆/岳父母须金奖）"</label>
                    <label for="blood-donor-name">"献血者姓名"</label>
                    <input id="blood-donor-name" type="text" autocomplete="off" bind:value=form.name/>
                    <label for="blood-donor-id">"献血者身份证号"</label>
                    <input id="blood-donor-id" type="text" autocomplete="off" maxlength="18" bind:value=form.resident_id/>
                </div>
                <CertificateLines form=form/>
                <Show when=relative>
                    <div class="blood-pledge">
                        <label class="check"><input id="blood-pledge" type="checkbox" bind:checked=form.pledge/>"无关系证明（户口簿/结婚证/出生证明），由亲属签署承诺书"</label>
                        <Show when=move || form.pledge.get()>
                            <button id="blood-print-pledge" disabled=move || printing.pending().get() on:click=move |_| {
                                printing.dispatch_local(form.request());
                            }>"打印承诺书"</button>
                        </Show>
                    </div>
                </Show>
                <EntitlementPanel form=form/>
            </div>
            <div class="blood-column">
                <Checklist form=form error=error/>
            </div>
        </div>
        <DialogError error=error/>
        <div class="dialog-actions">
            <span class="submit-reason attention" id="blood-submit-reason">{move || blocker.get()}</span>
            <button class="primary" id="blood-submit" disabled=move || sending.get() || blocker.get().is_some() on:click=submit>
                "提交登记（Enter）"
            </button>
        </div>
    }
}
