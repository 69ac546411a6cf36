//! 设置 (Alt+O, the rail's last item): the printer of each kind of document from CUPS, the 套打
//! offsets of the pre-printed forms with a test page each, 打印预览, the device's place, the
//! capture settings of the blood materials, and — for an administrator — the platform's address
//! and CA, the device's registration and the receipt numbers left. Below, who changed what.
//! Everyone may read; 收费组长 and 系统管理员 change (the backend checks and records each change).

use contract::ApiError;
use contract::counter_settings::{CounterSettingsView, PlatformSettings, PrintChoice, PrintSettings};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::blood::settings::SettingsStep as CaptureSettingsStep;
use super::{DialogError, Modal};
use crate::desk::{Desk, Level};
use crate::ipc;

#[component]
pub fn CounterSettingsDialog() -> impl IntoView {
    let view: RwSignal<Option<CounterSettingsView>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    spawn_local(async move {
        match ipc::counter_settings().await {
            Ok(found) => view.set(Some(found)),
            Err(e) => error.set(Some(e)),
        }
    });
    view! {
        <Modal id="settings-dialog" title="设置".to_owned()>
            {move || view.get().map(|v| view! { <SettingsBody shown=v view=view error=error/> })}
            <div id="settings-error"><DialogError error=error/></div>
        </Modal>
    }
}

#[component]
fn SettingsBody(
    shown: CounterSettingsView,
    view: RwSignal<Option<CounterSettingsView>>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let editable = shown.editable;
    let administrator = shown.administrator;
    view! {
        <div class="pane-title">"打印"</div>
        <PrintPart shown=shown.clone() view=view error=error/>
        <div class="pane-title">"用血减免材料采集"</div>
        <CaptureSettingsStep/>
        {administrator.then(|| view! { <PlatformPart shown=shown.clone() view=view error=error/> })}
        <div class="pane-title">"修改记录"</div>
        <table class="grid" id="settings-changes">
            <thead><tr><th>"时间"</th><th>"操作员"</th><th>"项目"</th><th>"原值"</th><th>"新值"</th></tr></thead>
            <tbody>
                {shown.changes.into_iter().map(|c| view! {
                    <tr><td>{c.at}</td><td>{c.by}</td><td>{c.what}</td><td>{c.before}</td><td>{c.after}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        {(!editable).then(|| view! { <div class="muted" id="settings-readonly">"仅收费组长或系统管理员可修改本机设置"</div> })}
    }
}

/// One kind's row as typed: the printer and the two offsets.
#[derive(Clone, Copy)]
struct Row {
    printer: RwSignal<String>,
    right: RwSignal<String>,
    down: RwSignal<String>,
}

#[component]
fn PrintPart(
    shown: CounterSettingsView,
    view: RwSignal<Option<CounterSettingsView>>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let editable = shown.editable;
    let rows: Vec<(String, Row)> = shown
        .kinds
        .iter()
        .map(|k| {
            let row = Row {
                printer: RwSignal::new(k.choice.printer.clone()),
                right: RwSignal::new(k.choice.right_mm.clone()),
                down: RwSignal::new(k.choice.down_mm.clone()),
            };
            (k.kind.code.clone(), row)
        })
        .collect();
    let preview = RwSignal::new(shown.preview);
    let place = RwSignal::new(shown.place.clone());
    let place_now = shown.place_now.clone();
    let saving = Action::new_local(move |asked: &PrintSettings| {
        let asked = asked.clone();
        async move {
            match ipc::save_print_settings(&asked).await {
                Ok(fresh) => {
                    error.set(None);
                    view.set(Some(fresh));
                    desk.say("打印设置已保存", Level::Done);
                }
                Err(e) => error.set(Some(e)),
            }
            super::keep_focus_within("#settings-dialog", "settings-save");
        }
    });
    let testing = Action::new_local(move |kind: &String| {
        let kind = kind.clone();
        async move {
            match ipc::print_test_page(&kind).await {
                Ok(out) => {
                    error.set(None);
                    let text = match out.printer {
                        Some(printer) => format!("测试页已发送到打印机 {printer}"),
                        None => format!("测试页已保存并打开：{}", out.path),
                    };
                    desk.say(text, Level::Done);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let typed_rows = rows.clone();
    let save = move |_| {
        let choices = typed_rows
            .iter()
            .map(|(kind, row)| PrintChoice {
                kind: kind.clone(),
                printer: row.printer.get_untracked(),
                right_mm: row.right.get_untracked(),
                down_mm: row.down.get_untracked(),
            })
            .collect();
        saving.dispatch_local(PrintSettings {
            choices,
            preview: preview.get_untracked(),
            place: place.get_untracked(),
        });
    };
    let printers = shown.printers.clone();
    view! {
        {shown.printers_note.clone().map(|note| view! { <div class="muted" id="settings-printers-note">{note}</div> })}
        <table class="grid" id="settings-printers">
            <thead><tr><th>"单据"</th><th>"打印机"</th><th>"套打右移（mm）"</th><th>"套打下移（mm）"</th><th></th></tr></thead>
            <tbody>
                {shown.kinds.into_iter().zip(rows).map(|(k, (code, row))| {
                    let mut names = printers.clone();
                    if !k.choice.printer.is_empty() && !names.contains(&k.choice.printer) {
                        names.push(k.choice.printer.clone());
                    }
                    let test_kind = code.clone();
                    view! {
                        <tr data-kind=code.clone()>
                            <td>{k.kind.label}</td>
                            <td>
                                <select id=format!("settings-printer-{code}") disabled=!editable
                                    on:change=move |ev| row.printer.set(event_target_value(&ev))>
                                    <option value="" selected=move || row.printer.with(String::is_empty)>"保存 PDF 并打开"</option>
                                    {names.into_iter().map(|name| {
                                        let (is, value) = (name.clone(), name.clone());
                                        view! { <option value=value selected=move || row.printer.with(|p| *p == is)>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </td>
                            {if k.preprinted {
                                view! {
                                    <td><input id=format!("settings-right-{code}") class="offset" type="text" inputmode="decimal"
                                        autocomplete="off" placeholder="0" readonly=!editable bind:value=row.right/></td>
                                    <td><input id=format!("settings-down-{code}") class="offset" type="text" inputmode="decimal"
                                        autocomplete="off" placeholder="0" readonly=!editable bind:value=row.down/></td>
                                }.into_any()
                            } else {
                                view! { <td class="muted">"—"</td><td class="muted">"—"</td> }.into_any()
                            }}
                            <td>{editable.then(|| view! {
                                <button class="link" id=format!("settings-test-{code}") title="先保存设置，再打印测试页核对位置"
                                    on:click=move |_| {
                                        if !testing.pending().get_untracked() {
                                            testing.dispatch_local(test_kind.clone());
                                        }
                                    }>"测试页"</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <label class="check">
            <input id="settings-preview" type="checkbox" disabled=!editable
                prop:checked=move || preview.get() on:change=move |ev| preview.set(event_target_checked(&ev))/>
            "打印预览：单据先保存为 PDF 并打开，由操作员在阅读器中打印"
        </label>
        <label for="settings-place">"结算地点"</label>
        <select id="settings-place" disabled=!editable on:change=move |ev| place.set(event_target_value(&ev))>
            {shown.places.into_iter().map(|t| {
                let code = t.code.clone();
                view! { <option value=t.code.clone() selected=move || place.with(|p| *p == code)>{t.label}</option> }
            }).collect_view()}
        </select>
        <div class="muted" id="settings-place-note">
            {move || if place.with(|p| *p == place_now) { String::new() } else { "结算地点下次启动时生效（启动参数 --place 优先）".to_owned() }}
        </div>
        {editable.then(|| view! {
            <div class="dialog-actions">
                <button class="primary" id="settings-save" data-autofocus="1" disabled=move || saving.pending().get() on:click=save>"保存打印设置"</button>
            </div>
        })}
    }
}

#[component]
fn PlatformPart(
    shown: CounterSettingsView,
    view: RwSignal<Option<CounterSettingsView>>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let url = RwSignal::new(shown.platform.url.clone());
    let ca = RwSignal::new(shown.platform.ca_file.clone());
    let saving = Action::new_local(move |asked: &PlatformSettings| {
        let asked = asked.clone();
        async move {
            match ipc::save_platform_settings(&asked).await {
                Ok(fresh) => {
                    error.set(None);
                    view.set(Some(fresh));
                    desk.say("平台地址已保存，下次启动时生效", Level::Done);
                }
                Err(e) => error.set(Some(e)),
            }
            super::keep_focus_within("#settings-dialog", "settings-platform-save");
        }
    });
    let save = move |_| {
        saving.dispatch_local(PlatformSettings { url: url.get_untracked(), ca_file: ca.get_untracked() });
    };
    let device = match shown.device_id {
        Some(id) => format!("已登记到平台，设备号 {id}"),
        None => "未登记到平台（单机运行）。登记：inpatient-cashier-cli device register --db … --platform https://… --ca … --name … --admin …，然后重新启动".to_owned(),
    };
    view! {
        <div class="pane-title">"平台（系统管理员）"</div>
        <div id="settings-device">{device}</div>
        <label for="settings-url">"平台地址（只接受 https://）"</label>
        <input id="settings-url" type="text" autocomplete="off" bind:value=url/>
        <label for="settings-ca">"平台 CA 证书文件（PEM）"</label>
        <input id="settings-ca" type="text" autocomplete="off" bind:value=ca/>
        <div class="dialog-actions">
            <button id="settings-platform-save" disabled=move || saving.pending().get() on:click=save>"保存平台地址"</button>
        </div>
        <div class="pane-title">"本机剩余票号"</div>
        <table class="grid" id="settings-numbers">
            <thead><tr><th>"收费员"</th><th>"号段"</th><th class="num">"剩余"</th></tr></thead>
            <tbody>
                {if shown.numbers_left.is_empty() {
                    view! { <tr><td colspan="3" class="muted">"本机自行编号（未从平台领用号段）"</td></tr> }.into_any()
                } else {
                    shown.numbers_left.into_iter().map(|n| view! {
                        <tr><td>{n.cashier}</td><td>{n.series}</td><td class="num">{n.left}</td></tr>
                    }).collect_view().into_any()
                }}
            </tbody>
        </table>
    }
}
