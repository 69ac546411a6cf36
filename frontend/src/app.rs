//! The root: what the window shows before login (startup problem, the first start's
//! registration, or the login form) and after.

use contract::StartupStatus;
use contract::session::Session;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ipc;
use crate::login::Login;
use crate::register::RegisterCounterForm;
use crate::workspace::Workspace;

#[component]
pub fn Root() -> impl IntoView {
    let status: RwSignal<Option<Result<StartupStatus, String>>> = RwSignal::new(None);
    let session: RwSignal<Option<Session>> = RwSignal::new(None);
    spawn_local(async move {
        let answer = ipc::startup_status().await.map_err(|e| e.message);
        status.set(Some(answer));
        // The next frame shows the login (or what stands in its way): the window is usable.
        request_animation_frame(|| spawn_local(ipc::window_painted()));
    });
    move || {
        match status.get() {
        None => view! { <div class="splash">"正在启动…"</div> }.into_any(),
        Some(Err(message)) => view! { <StartupProblem message=message code=String::from("IPC") data_dir=String::new()/> }.into_any(),
        Some(Ok(status)) => match (&status.problem, session.get()) {
            // A fresh install: no database until the counter is registered with its platform.
            (Some(problem), _) if problem.code == "DB_MISSING" && !status.demo => view! {
                <div class="first-start" id="first-start">
                    <h1>"住院收费 · 本机尚未登记"</h1>
                    <p class="muted">"数据目录：" {status.data_dir.clone()}</p>
                    <RegisterCounterForm places=status.places.clone()/>
                </div>
            }
            .into_any(),
            (Some(problem), _) => view! {
                <StartupProblem message=problem.message.clone() code=problem.code.clone() data_dir=status.data_dir.clone()/>
            }
            .into_any(),
            (None, None) => view! { <Login status=status.clone() session=session/> }.into_any(),
            (None, Some(current)) => view! { <Workspace session=current demo=status.demo on_logout=session/> }.into_any(),
        },
    }
    }
}

/// Shown instead of the login when the local database cannot be used.
#[component]
fn StartupProblem(message: String, code: String, data_dir: String) -> impl IntoView {
    view! {
        <div class="startup-problem" id="startup-problem">
            <h1>"收费程序无法打开本地数据库"</h1>
            <p class="problem-message">{message}</p>
            <p class="muted">"数据目录：" {data_dir}</p>
            <p class="muted">"请联系信息科处理。错误代码 " <span class="code">{code}</span></p>
        </div>
    }
}
