//! The login form: username, password, Enter to log in; refusals shown under the form.

use contract::StartupStatus;
use contract::session::{LoginRequest, Session};
use leptos::prelude::*;

use crate::ipc;

#[component]
pub fn Login(status: StartupStatus, session: RwSignal<Option<Session>>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    let logging_in = Action::new_local(move |request: &LoginRequest| {
        let request = request.clone();
        async move {
            match ipc::log_in(&request).await {
                Ok(answer) => session.set(Some(answer)),
                Err(e) => error.set(Some((e.message, e.code))),
            }
        }
    });
    let sending = logging_in.pending();
    let submit = move || {
        if sending.get_untracked() {
            return;
        }
        logging_in
            .dispatch_local(LoginRequest { username: username.get_untracked(), password: password.get_untracked() });
    };
    let demo_logins = status.demo_logins.clone();
    view! {
        <div class="login-page">
            <form
                class="login-box"
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <div class="login-hospital">{status.hospital.clone()}</div>
                <h1>"住院收费"</h1>
                <div class="muted">{status.counter.clone()}</div>
                <label for="login-username">"用户名"</label>
                <input id="login-username" type="text" autocomplete="username" autofocus bind:value=username/>
                <label for="login-password">"密码"</label>
                <input id="login-password" type="password" autocomplete="current-password" bind:value=password/>
                <button id="login-submit" type="submit" disabled=move || sending.get()>"登录（Enter）"</button>
                <div id="login-error" class="field-error" role="alert">
                    {move || error.get().map(|(message, code)| view! { {message} <span class="code">{code}</span> })}
                </div>
                <Show when=move || !demo_logins.is_empty()>
                    <div class="demo-hint">
                        "演示模式。可用账号：" {status.demo_logins.join("、")} "，密码均为 demo1234"
                    </div>
                </Show>
            </form>
        </div>
    }
}
