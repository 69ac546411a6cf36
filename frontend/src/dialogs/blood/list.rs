//! The admission's registrations (登记列表): status, entitlement, who registered and reviewed,
//! and for an approved one its reimbursement form (用血报销单, printable once a settlement deducted
//! the waiver).

use contract::ApiError;
use contract::blood::RegistrationView;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

/// The status's badge: amber while it waits, green approved, red returned.
fn status_class(code: &str) -> &'static str {
    match code {
        "approved" => "badge done",
        "returned" => "badge risk",
        _ => "badge attention",
    }
}

fn ml(value: Option<i64>) -> String {
    value.map_or_else(|| "终身".to_owned(), |ml| format!("{ml} 毫升"))
}

#[component]
pub fn RegistrationList(case_no: String, on_new: Option<Callback<()>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let rows: RwSignal<Option<Vec<RegistrationView>>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    spawn_local(async move {
        match ipc::blood_registrations(&case_no).await {
            Ok(found) => rows.set(Some(found)),
            Err(e) => error.set(Some(e)),
        }
    });
    let printing = Action::new_local(move |registration: &i64| {
        let registration = *registration;
        async move {
            match ipc::print_blood_form(registration).await {
                Ok(out) => {
                    error.set(None);
                    desk.say(format!("用血报销单已打印：{}", out.printer.unwrap_or(out.path)), Level::Done);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <table class="grid" id="blood-registrations">
            <thead>
                <tr>
                    <th>"登记号"</th><th>"献血者"</th><th>"关系"</th><th>"献血证"</th><th>"状态"</th>
                    <th class="num">"可减免"</th><th>"登记"</th><th>"审核"</th><th></th>
                </tr>
            </thead>
            <tbody>
                {move || rows.get().map(|rows| {
                    if rows.is_empty() {
                        return view! { <tr><td colspan="9" class="muted">"该患者还没有献血证报销登记"</td></tr> }.into_any();
                    }
                    rows.into_iter().map(|r| {
                        let id = r.registration;
                        let approved = r.status.code == "approved";
                        view! {
                            <tr class="registration" data-registration=id.to_string()>
                                <td>{id}</td>
                                <td>{format!("{} {}", r.donor_name, r.donor_id)}</td>
                                <td>{r.donor.label.clone()}</td>
                                <td class="wrap">{r.certificates.iter().map(|c| format!("{}（{} 毫升）", c.certificate_no, c.volume_ml)).collect::<Vec<_>>().join("、")}</td>
                                <td><span class=status_class(&r.status.code)>{r.status.label.clone()}</span></td>
                                <td class="num">{ml(r.entitled_ml)}</td>
                                <td>{format!("{} {}", r.registered_by, r.registered_at)}</td>
                                <td class="wrap">{match (&r.reviewed_by, &r.reason) {
                                    (Some(by), Some(reason)) => format!("{by} 退回：{reason}"),
                                    (Some(by), None) => by.clone(),
                                    _ => String::new(),
                                }}</td>
                                <td class="actions">
                                    <Show when=move || approved>
                                        <button id=format!("print-form-{id}") disabled=move || printing.pending().get() on:click=move |_| {
                                            printing.dispatch_local(id);
                                        }>"打印用血报销单"</button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view().into_any()
                })}
            </tbody>
        </table>
        <DialogError error=error/>
        {on_new.map(|on_new| view! {
            <div class="dialog-actions">
                <button class="primary" id="blood-new" data-autofocus="1" on:click=move |_| on_new.run(())>"新登记（Alt+N）"</button>
            </div>
        })}
    }
}
