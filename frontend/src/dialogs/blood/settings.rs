//! 采集设置: where this counter's pages come from — a SANE scanner (device, resolution, colour
//! mode), the folder the document camera's program saves into, or files only. Kept in the
//! counter's database; shown to everyone, changed by those the app allows (收费组长, 管理员).

use contract::ApiError;
use contract::blood_desk::{CaptureSettings, CaptureSetup};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::desk::{Desk, Level};
use crate::dialogs::DialogError;
use crate::ipc;

#[component]
pub fn SettingsStep() -> impl IntoView {
    let setup: RwSignal<Option<CaptureSetup>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    spawn_local(async move {
        match ipc::capture_setup().await {
            Ok(found) => setup.set(Some(found)),
            Err(e) => error.set(Some(e)),
        }
    });
    view! {
        {move || setup.get().map(|s| view! { <SettingsForm setup=s error=error/> })}
        <DialogError error=error/>
    }
}

#[component]
fn SettingsForm(setup: CaptureSetup, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let source = RwSignal::new(setup.settings.source.clone());
    let device = RwSignal::new(setup.settings.device.clone());
    let dpi = RwSignal::new(setup.settings.dpi.to_string());
    let mode = RwSignal::new(setup.settings.mode.clone());
    let folder = RwSignal::new(setup.settings.folder.clone());
    let editable = setup.editable;
    let saving = Action::new_local(move |settings: &CaptureSettings| {
        let settings = settings.clone();
        async move {
            match ipc::save_capture_settings(&settings).await {
                Ok(_) => {
                    error.set(None);
                    desk.say("采集设置已保存", Level::Done);
                }
                Err(e) => error.set(Some(e)),
            }
            super::keep_focus("capture-save");
        }
    });
    let save = move |_| {
        let Ok(dpi) = dpi.get_untracked().trim().parse::<u32>() else {
            error.set(Some(ApiError::new("SCAN_DPI_INVALID", "分辨率应为整数（dpi）").on_field("dpi")));
            return;
        };
        saving.dispatch_local(CaptureSettings {
            source: source.get_untracked(),
            device: device.get_untracked(),
            dpi,
            mode: mode.get_untracked(),
            folder: folder.get_untracked(),
        });
    };
    let choice = |tags: Vec<contract::Tag>, current: RwSignal<String>| {
        tags.into_iter()
            .map(|t| {
                let code = t.code.clone();
                view! { <option value=t.code.clone() selected=move || current.with(|c| *c == code)>{t.label}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="blood-settings" id="blood-settings">
            <label for="capture-source">"采集来源"</label>
            <select id="capture-source" disabled=!editable on:change=move |ev| source.set(event_target_value(&ev))>
                {choice(setup.sources.clone(), source)}
            </select>
            <label for="capture-device">"扫描仪设备名（空：使用找到的第一台）"</label>
            <input id="capture-device" type="text" autocomplete="off" readonly=!editable bind:value=device/>
            <label for="capture-dpi">"分辨率（dpi）"</label>
            <input id="capture-dpi" type="text" inputmode="numeric" readonly=!editable bind:value=dpi/>
            <label for="capture-mode">"颜色模式"</label>
            <select id="capture-mode" disabled=!editable on:change=move |ev| mode.set(event_target_value(&ev))>
                {choice(setup.modes.clone(), mode)}
            </select>
            <label for="capture-folder">"高拍仪保存文件夹"</label>
            <input id="capture-folder" type="text" autocomplete="off" readonly=!editable bind:value=folder/>
        </div>
        {if editable {
            view! {
                <div class="dialog-actions">
                    <button class="primary" id="capture-save" disabled=move || saving.pending().get() on:click=save>"保存设置"</button>
                </div>
            }
            .into_any()
        } else {
            view! { <div class="muted">"仅收费组长或系统管理员可修改采集设置"</div> }.into_any()
        }}
    }
}
