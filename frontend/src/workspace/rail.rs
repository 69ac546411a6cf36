//! The work-area rail on the left: 住院收费, the areas of later versions, and 对账复核 (F8)
//! for those who may review the reconciliation.

use leptos::prelude::*;

#[component]
pub fn Rail(reviewer: bool, reviewing: RwSignal<bool>) -> impl IntoView {
    view! {
        <nav class="rail">
            <a class:active=move || !reviewing.get() title="Alt+1" on:click=move |_| reviewing.set(false)>"住院收费"</a>
            <a class="disabled" title="后续版本">"用血减免"</a>
            <a class="disabled" title="后续版本">"票据"</a>
            <a class="disabled" title="后续版本">"日结"</a>
            {if reviewer {
                view! {
                    <button
                        id="recon-open"
                        class="rail-item"
                        class:active=move || reviewing.get()
                        title="F8：对账复核 / 返回收费"
                        on:click=move |_| reviewing.update(|open| *open = !*open)
                    >
                        "对账复核" <span class="key">"F8"</span>
                    </button>
                }
                .into_any()
            } else {
                view! { <a class="disabled" title="财务或主管使用">"对账"</a> }.into_any()
            }}
            <a class="disabled" title="后续版本">"设置"</a>
        </nav>
    }
}
