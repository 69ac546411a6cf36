//! The search box (always ready for a wristband scan) and the list of matching patients.

use contract::patient::PatientHit;
use leptos::html::Input;
use leptos::prelude::*;

/// The search box. A scanner types the code and Enter; Enter searches.
#[component]
pub fn SearchBox(
    input: NodeRef<Input>,
    text: RwSignal<String>,
    on_search: Callback<String>,
    error: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    view! {
        <div class="search">
            <label for="search-input">"病案号 / 腕带 / 身份证 / 姓名 / 拼音首字母"</label>
            <input
                id="search-input"
                node_ref=input
                type="text"
                autocomplete="off"
                spellcheck="false"
                placeholder="扫描腕带或输入后按 Enter（F2 回到此处）"
                bind:value=text
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        on_search.run(text.get_untracked());
                    }
                }
            />
            <div id="search-error" class="field-error" role="alert">
                {move || error.get().map(|(message, code)| view! { {message} <span class="code">{code}</span> })}
            </div>
        </div>
    }
}

/// Several admissions matched: pick one with the mouse or ↑/↓ and Enter.
#[component]
pub fn HitList(hits: RwSignal<Vec<PatientHit>>, selected: RwSignal<usize>, on_pick: Callback<String>) -> impl IntoView {
    view! {
        <Show when=move || !hits.get().is_empty()>
            <div class="hits" id="search-hits">
                <div class="hits-title">{move || format!("找到 {} 位患者，↑↓ 选择，Enter 打开，Esc 关闭", hits.get().len())}</div>
                <table class="grid">
                    <thead>
                        <tr>
                            <th>"病案号"</th><th>"姓名"</th><th>"性别"</th><th class="num">"年龄"</th><th>"病区"</th>
                            <th>"床号"</th><th>"医保"</th><th>"入院日期"</th><th>"状态"</th><th>"身份证"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            hits.get()
                                .into_iter()
                                .enumerate()
                                .map(|(i, hit)| {
                                    let case_no = hit.case_no.clone();
                                    view! {
                                        <tr
                                            class:selected=move || selected.get() == i
                                            on:click=move |_| on_pick.run(case_no.clone())
                                        >
                                            <td>{hit.case_no.clone()}</td>
                                            <td>{hit.name.clone()}</td>
                                            <td>{hit.sex.clone()}</td>
                                            <td class="num">{hit.age}</td>
                                            <td>{hit.ward.clone()}</td>
                                            <td>{hit.bed_no.clone()}</td>
                                            <td>{hit.insurance.label.clone()}</td>
                                            <td>{hit.admitted_on.clone()}</td>
                                            <td><span class=format!("badge state-{}", hit.state.code)>{hit.state.label.clone()}</span></td>
                                            <td>{hit.resident_id_masked.clone().unwrap_or_default()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </Show>
    }
}
