//! The materials checklist of the relationship chosen: per item a capture button (Enter on it
//! scans from the counter's scanner or document camera, or imports the file named above), the
//! thumbnails of its pages with 旋转 and 删除, and the latest page large (the live preview). After
//! a capture the next item still missing — or 提交 — takes focus.

use contract::ApiError;
use contract::Tag;
use contract::blood_desk::{CaptureRequest, CapturedPage};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::form::Form;
use crate::ipc;

/// Focuses the first item still missing, or the submit button.
fn focus_next_missing() {
    request_animation_frame(|| {
        let document = document();
        let next = document
            .query_selector("#blood-dialog button.capture[data-missing='1']:not([disabled])")
            .ok()
            .flatten()
            .or_else(|| document.get_element_by_id("blood-submit"));
        if let Some(el) = next.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

#[component]
pub fn Checklist(form: Form, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let import = RwSignal::new(String::new());
    let preview: RwSignal<Option<CapturedPage>> = RwSignal::new(None);
    let capturing = Action::new_local(move |request: &CaptureRequest| {
        let request = request.clone();
        async move {
            match ipc::capture_page(&request).await {
                Ok(page) => {
                    error.set(None);
                    preview.set(Some(page.clone()));
                    // Pages are kept by content: the same page twice for one item is one page
                    // (the same content may still serve two items).
                    form.pages.update(|pages| {
                        if !pages.iter().any(|p| p.handle == page.handle && p.item.code == page.item.code) {
                            pages.push(page);
                        }
                    });
                    import.set(String::new());
                    focus_next_missing();
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let rotating = Action::new_local(move |page: &CapturedPage| {
        let old = page.clone();
        async move {
            match ipc::rotate_page(&old.item.code, &old.handle).await {
                Ok(turned) => {
                    form.pages.update(|pages| {
                        if let Some(slot) =
                            pages.iter_mut().find(|p| p.handle == old.handle && p.item.code == old.item.code)
                        {
                            *slot = turned.clone();
                        }
                    });
                    preview.set(Some(turned));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let busy = capturing.pending();
    let capture = move |item: String| {
        if busy.get_untracked() {
            return;
        }
        let file = Some(import.get_untracked().trim().to_owned()).filter(|f| !f.is_empty());
        capturing.dispatch_local(CaptureRequest { item, file });
    };
    view! {
        <div class="pane-title">"材料清单"</div>
        <label for="blood-import">"导入文件（可选：填写路径后按采集键导入，不填则从扫描仪/高拍仪采集）"</label>
        <input id="blood-import" type="text" autocomplete="off" placeholder="/home/收费/扫描/身份证.jpg" bind:value=import/>
        <div class="checklist" id="blood-checklist">
            <For each=move || form.checklist() key=|item| item.code.clone() let:item>
                <ChecklistItem item=item form=form busy=busy on_capture=Callback::new(capture) on_rotate=Callback::new(move |p: CapturedPage| { rotating.dispatch_local(p); }) preview=preview/>
            </For>
        </div>
        <div class="capture-preview" id="blood-preview">
            {move || match (busy.get(), preview.get()) {
                (true, _) => view! { <div class="muted scanning">"正在采集，请稍候…"</div> }.into_any(),
                (false, Some(page)) if !page.thumbnail.is_empty() => view! {
                    <img src=page.thumbnail.clone() alt=format!("{} 预览", page.item.label)/>
                    <div class="muted">{format!("{}（{}，{} KB）", page.item.label, page.media_type, page.bytes.div_ceil(1024))}</div>
                }
                .into_any(),
                (false, Some(page)) => view! { <div class="muted">{format!("{}：PDF 文件已采集", page.item.label)}</div> }.into_any(),
                (false, None) => view! { <div class="muted">"采集的图像在此预览"</div> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn ChecklistItem(
    item: Tag,
    form: Form,
    #[prop(into)] busy: Signal<bool>,
    on_capture: Callback<String>,
    on_rotate: Callback<CapturedPage>,
    preview: RwSignal<Option<CapturedPage>>,
) -> impl IntoView {
    let code = StoredValue::new(item.code.clone());
    let pages = move || form.pages.get().into_iter().filter(|p| p.item.code == code.get_value()).collect::<Vec<_>>();
    let missing = move || pages().is_empty();
    view! {
        <div class="checklist-item" class:missing=missing id=format!("blood-item-{}", item.code)>
            <span class="item-label">{item.label.clone()}</span>
            <span class=move || if missing() { "badge attention" } else { "badge done" }>
                {move || if missing() { "缺".to_owned() } else { format!("已采集 {} 页", pages().len()) }}
            </span>
            <button
                class="primary capture"
                id=format!("capture-{}", item.code)
                data-missing=move || if missing() { "1" } else { "0" }
                disabled=move || busy.get()
                on:click=move |_| on_capture.run(code.get_value())
            >
                {move || if missing() { "采集" } else { "再采一页" }}
            </button>
            <span class="thumbs">
                <For each=pages key=|p| p.handle.clone() let:page>
                    <span class="thumb">
                        {if page.thumbnail.is_empty() {
                            view! { <span class="pdf">"PDF"</span> }.into_any()
                        } else {
                            let shown = page.clone();
                            view! { <img src=page.thumbnail.clone() alt=page.item.label.clone() on:click=move |_| preview.set(Some(shown.clone()))/> }.into_any()
                        }}
                        <button class="link rotate" title="顺时针旋转 90°" on:click={
                            let page = page.clone();
                            move |_| on_rotate.run(page.clone())
                        }>"旋转"</button>
                        <button class="link" title="删除这一页" on:click={
                            let (handle, item) = (page.handle.clone(), page.item.code.clone());
                            move |_| form.pages.update(|all| all.retain(|p| p.handle != handle || p.item.code != item))
                        }>"删除"</button>
                    </span>
                </For>
            </span>
        </div>
    }
}
