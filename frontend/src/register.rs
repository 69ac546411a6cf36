//! The first start of a counter that has no database yet (a fresh install): 登记本机 to the
//! hospital's platform — its https address and CA, the counter's name, place and wards, and a
//! platform administrator's credentials (checked by the platform). Registered, the app starts
//! again linked, and the platform's users log in.

use contract::counter_settings::RegisterCounter;
use contract::{ApiError, Tag};
use leptos::prelude::*;

use crate::ipc;

#[component]
pub fn RegisterCounterForm(places: Vec<Tag>) -> impl IntoView {
    let url = RwSignal::new(String::from("https://"));
    let ca = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let place = RwSignal::new(places.first().map(|t| t.code.clone()).unwrap_or_default());
    let wards = RwSignal::new(String::new());
    let admin = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let done: RwSignal<Option<String>> = RwSignal::new(None);
    let registering = Action::new_local(move |request: &RegisterCounter| {
        let request = request.clone();
        async move {
            match ipc::register_counter(&request).await {
                Ok(device) => {
                    error.set(None);
                    password.set(String::new());
                    done.set(Some(device));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let sending = registering.pending();
    let submit = move || {
        if sending.get_untracked() || done.with_untracked(Option::is_some) {
            return;
        }
        registering.dispatch_local(RegisterCounter {
            url: url.get_untracked(),
            ca_file: ca.get_untracked(),
            name: name.get_untracked(),
            place: place.get_untracked(),
            wards: wards.get_untracked(),
            admin: admin.get_untracked(),
            password: password.get_untracked(),
        });
    };
    view! {
        <form class="register-box" id="register-counter" on:submit=move |ev| {
            ev.prevent_default();
            submit();
        }>
            <h2>"登记本机到平台"</h2>
            <p class="muted">"新安装的收费台须先登记到医院的统一支付结算平台；需平台系统管理员的账号。"</p>
            <label for="register-url">"平台地址（https://）"</label>
            <input id="register-url" type="text" autocomplete="off" autofocus bind:value=url/>
            <label for="register-ca">"平台 CA 证书文件（PEM）"</label>
            <input id="register-ca" type="text" autocomplete="off" bind:value=ca/>
            <label for="register-name">"本机名称（如 一楼收费窗口1）"</label>
            <input id="register-name" type="text" autocomplete="off" bind:value=name/>
            <label for="register-place">"结算地点"</label>
            <select id="register-place" on:change=move |ev| place.set(event_target_value(&ev))>
                {places.into_iter().map(|t| {
                    let code = t.code.clone();
                    view! { <option value=t.code.clone() selected=move || place.with(|p| *p == code)>{t.label}</option> }
                }).collect_view()}
            </select>
            <label for="register-wards">"服务病区代码（逗号分隔；空为全部）"</label>
            <input id="register-wards" type="text" autocomplete="off" bind:value=wards/>
            <label for="register-admin">"平台管理员用户名"</label>
            <input id="register-admin" type="text" autocomplete="username" bind:value=admin/>
            <label for="register-password">"密码"</label>
            <input id="register-password" type="password" autocomplete="current-password" bind:value=password/>
            <button id="register-submit" type="submit" disabled=move || sending.get() || done.with(Option::is_some)>
                {move || if sending.get() { "正在登记…" } else { "登记本机（Enter）" }}
            </button>
            <div id="register-error" class="field-error" role="alert">
                {move || error.get().map(|e| view! { {e.message} <span class="code">{e.code}</span> })}
            </div>
            {move || done.get().map(|device| view! {
                <div id="register-done" class="done">
                    {format!("已登记，设备号 {device}。重新启动后，用平台上的账号登录。")}
                    <button id="register-restart" type="button" on:click=move |_| {
                        leptos::task::spawn_local(async {
                            let _ = ipc::restart_app().await;
                        });
                    }>"立即重新启动"</button>
                </div>
            })}
        </form>
    }
}
