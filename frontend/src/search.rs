//! The search box (always ready for a wristband scan), the list of matching patients, and
//! the search's state: only the answer to the newest query or pick is shown.

use contract::patient::PatientHit;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::Desk;
use crate::ipc;

/// What the desk's search shares with the keyboard map and the action bar.
#[derive(Clone, Copy)]
pub struct Search {
    pub input: NodeRef<Input>,
    pub text: RwSignal<String>,
    /// The refusal shown under the box: message and code.
    pub error: RwSignal<Option<(String, String)>>,
    pub hits: RwSignal<Vec<PatientHit>>,
    pub selected: RwSignal<usize>,
    /// Counts the queries and picks; an answer arriving for an older one is dropped, so a slow
    /// answer never replaces a newer one.
    asked: StoredValue<u64>,
    opening: Action<String, ()>,
    /// An account is being loaded (the status line says 正在加载…).
    pub loading: Memo<bool>,
}

impl Search {
    pub fn new(desk: Desk) -> Search {
        let input: NodeRef<Input> = NodeRef::new();
        let text = RwSignal::new(String::new());
        let hits: RwSignal<Vec<PatientHit>> = RwSignal::new(Vec::new());
        let asked = StoredValue::new(0u64);
        let opening = Action::new_local(move |case_no: &String| {
            let case_no = case_no.clone();
            let ask = next_ask(asked);
            hits.set(Vec::new());
            async move {
                let answer = ipc::account(&case_no).await;
                if asked.get_value() != ask {
                    return;
                }
                match answer {
                    Ok(view) => {
                        desk.notice.set(None);
                        desk.account.set(Some(view));
                    }
                    Err(e) => desk.fail(&e),
                }
                text.set(String::new());
                focus(input);
            }
        });
        Search {
            input,
            text,
            error: RwSignal::new(None),
            hits,
            selected: RwSignal::new(0),
            asked,
            opening,
            loading: opening.pending(),
        }
    }

    /// Puts the cursor in the search box, its text selected.
    pub fn focus(&self) {
        focus(self.input);
    }

    /// Loads the account of `case_no` (one hit, or the one picked).
    pub fn open(&self, case_no: String) {
        self.opening.dispatch_local(case_no);
    }

    /// Looks for `text`: one admission opens at once, several are listed.
    pub fn find(&self, text: String) {
        self.error.set(None);
        let ask = next_ask(self.asked);
        let search = *self;
        spawn_local(async move {
            let answer = ipc::find_patients(&text).await;
            if search.asked.get_value() != ask {
                return;
            }
            match answer {
                Ok(found) if found.len() == 1 => search.open(found[0].case_no.clone()),
                Ok(found) if found.is_empty() => {
                    search.error.set(Some((format!("未找到与“{}”匹配的住院患者", text.trim()), "NOT_FOUND".into())));
                }
                Ok(found) => {
                    search.selected.set(0);
                    search.hits.set(found);
                }
                Err(e) => search.error.set(Some((e.message, e.code))),
            }
        });
    }

    /// Esc: the list and the refusal go, the box keeps its text.
    pub fn dismiss(&self) {
        self.hits.set(Vec::new());
        self.error.set(None);
    }

    /// ↑/↓ in the list, wrapping; false when there is no list.
    pub fn step(&self, down: bool) -> bool {
        let len = self.hits.with_untracked(Vec::len);
        if len == 0 {
            return false;
        }
        self.selected.update(|i| *i = if down { (*i + 1) % len } else { (*i + len - 1) % len });
        true
    }

    /// Enter in the list opens the selected patient; false when there is no list.
    pub fn pick_selected(&self) -> bool {
        let Some(hit) = self.hits.with_untracked(|h| h.get(self.selected.get_untracked()).cloned()) else {
            return false;
        };
        self.open(hit.case_no);
        true
    }
}

fn next_ask(asked: StoredValue<u64>) -> u64 {
    asked.update_value(|n| *n += 1);
    asked.get_value()
}

fn focus(input: NodeRef<Input>) {
    if let Some(input) = input.get_untracked() {
        let _ = input.focus();
        input.select();
    }
}

/// The search box. A scanner types the code and Enter; Enter searches.
#[component]
pub fn SearchBox(search: Search) -> impl IntoView {
    let text = search.text;
    view! {
        <div class="search">
            <label for="search-input">"病案号 / 腕带 / 身份证 / 姓名 / 拼音首字母 / 收据号 / 结算号 / 票据号"</label>
            <input
                id="search-input"
                node_ref=search.input
                type="text"
                autocomplete="off"
                spellcheck="false"
                placeholder="扫描腕带或输入后按 Enter（F2 回到此处）"
                bind:value=text
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        search.find(text.get_untracked());
                    }
                }
            />
            <div id="search-error" class="field-error" role="alert">
                {move || search.error.get().map(|(message, code)| view! { {message} <span class="code">{code}</span> })}
            </div>
        </div>
    }
}

/// Several admissions matched: pick one with the mouse or ↑/↓ and Enter.
#[component]
pub fn HitList(search: Search) -> impl IntoView {
    let Search { hits, selected, .. } = search;
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
                                            on:click=move |_| search.open(case_no.clone())
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
