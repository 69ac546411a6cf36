//! The donation certificates (献血证), added line by line: number, date, ml and kind, then
//! 添加 (Enter on it) — the number field takes focus again for the next one. An empty line leaves
//! 添加 disabled, so Enter walks on to the next part of the form.

use contract::blood::CertificateInput;
use contract::blood_desk::kind_options;
use leptos::html::Input;
use leptos::prelude::*;

use super::form::Form;

#[component]
pub fn CertificateLines(form: Form) -> impl IntoView {
    let no = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let ml = RwSignal::new(String::new());
    let kind = RwSignal::new(kind_options()[0].0.to_owned());
    let first: NodeRef<Input> = NodeRef::new();
    let incomplete =
        move || no.with(|v| v.trim().is_empty()) || date.with(String::is_empty) || ml.with(String::is_empty);
    let add = move |_| {
        if incomplete() {
            return;
        }
        let line = CertificateInput {
            certificate_no: no.get_untracked().trim().to_owned(),
            donated_on: date.get_untracked().trim().to_owned(),
            volume_ml: ml.get_untracked().trim().to_owned(),
            kind: kind.get_untracked(),
        };
        form.certificates.update(|lines| lines.push(line));
        no.set(String::new());
        date.set(String::new());
        ml.set(String::new());
        if let Some(input) = first.get_untracked() {
            let _ = input.focus();
        }
    };
    let label =
        |code: &str| kind_options().into_iter().find(|(c, _)| *c == code).map_or(String::new(), |(_, l)| l.to_owned());
    view! {
        <div class="pane-title">"献血证（逐张添加）"</div>
        <table class="grid" id="blood-certificates">
            <thead><tr><th>"献血证编号"</th><th>"献血日期"</th><th class="num">"献血量"</th><th>"种类"</th><th></th></tr></thead>
            <tbody>
                <For
                    each=move || { form.certificates.get().into_iter().enumerate().collect::<Vec<_>>() }
                    key=|(i, c)| (*i, c.certificate_no.clone())
                    let:entry
                >
                    {
                        let (i, c) = entry;
                        view! {
                            <tr class="certificate-line">
                                <td>{c.certificate_no.clone()}</td>
                                <td>{c.donated_on.clone()}</td>
                                <td class="num">{format!("{} 毫升", c.volume_ml)}</td>
                                <td>{label(&c.kind)}</td>
                                <td class="actions">
                                    <button class="link" title="删除这张献血证" on:click=move |_| form.certificates.update(|lines| {
                                        if i < lines.len() {
                                            lines.remove(i);
                                        }
                                    })>"删除"</button>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
        <div class="certificate-entry">
            <input id="blood-cert-no" type="text" placeholder="献血证编号" autocomplete="off" node_ref=first bind:value=no/>
            <input id="blood-cert-date" type="text" placeholder="献血日期 YYYY-MM-DD" autocomplete="off" bind:value=date/>
            <input id="blood-cert-ml" type="text" inputmode="numeric" placeholder="毫升" autocomplete="off" bind:value=ml/>
            <select id="blood-cert-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                {kind_options().into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
            </select>
            <button class="primary" id="blood-cert-add" disabled=incomplete on:click=add>"添加"</button>
        </div>
    }
}
