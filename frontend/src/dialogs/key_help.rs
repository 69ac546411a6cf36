//! F1 帮助与关于: the desk's key map as a cashier needs it at the window, the versions (this
//! program's, its database's, the platform's it is linked to), 立即备份 and 导出诊断包 for the
//! support desk.

use contract::ApiError;
use contract::session::AboutView;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{DialogError, Modal};
use crate::desk::{Desk, Level};
use crate::ipc;

/// Each key and what it does at the desk (the keys `workspace::keys` listens to).
pub const KEYS: [(&str, &str); 18] = [
    ("F1", "本帮助（快捷键一览）"),
    ("F2 或 /", "回到查询框：扫描腕带或输入病案号、身份证号、姓名、拼音首字母"),
    ("↑ ↓ Enter", "在查询结果中选择并打开"),
    ("F3", "票据：电子票据、纸质票据、票据领用、自助机报表"),
    ("F4", "交预交金"),
    ("F5", "试算"),
    ("F6", "费用审核（审核员、收费组长）"),
    ("F7", "用血减免登记与审核"),
    ("F8", "对账复核（财务、收费组长），再按返回收费"),
    ("F9", "出院结算"),
    ("F10", "日结：本人日结、缴款确认、日报 / 月报"),
    ("F11", "结算召回"),
    ("F12", "打印费用清单"),
    ("Alt+W", "工作清单：待结算、待审核的患者，Enter 打开最早的一位"),
    ("Alt+O", "设置：打印机、套打偏移与测试页、打印预览、结算地点、采集、平台地址"),
    ("Enter", "对话框中：下一项；在按钮上：按下"),
    ("Esc", "关闭对话框；在查询框：清空结果"),
    ("Alt+R / Alt+S", "用血减免：待审核 / 采集设置"),
];

#[component]
pub fn KeyHelpDialog() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let about: RwSignal<Option<AboutView>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    spawn_local(async move {
        match ipc::about().await {
            Ok(found) => about.set(Some(found)),
            Err(e) => error.set(Some(e)),
        }
    });
    let exporting = RwSignal::new(false);
    let export = move |_| {
        if exporting.get_untracked() {
            return;
        }
        exporting.set(true);
        spawn_local(async move {
            match ipc::export_diagnostics().await {
                Ok(path) => desk.say(format!("诊断包已导出：{path}"), Level::Done),
                Err(e) => error.set(Some(e)),
            }
            exporting.set(false);
        });
    };
    let backing = RwSignal::new(false);
    let back_up = move |_| {
        if backing.get_untracked() {
            return;
        }
        backing.set(true);
        spawn_local(async move {
            match ipc::back_up_now().await {
                Ok(said) => desk.say(format!("已备份：{said}"), Level::Done),
                Err(e) => error.set(Some(e)),
            }
            backing.set(false);
        });
    };
    view! {
        <Modal id="keys-dialog" title="帮助与关于（F1）".to_owned()>
            <div id="about" class="muted">
                {move || about.get().map(|a| {
                    let platform = match (&a.platform_url, &a.platform_version) {
                        (Some(url), Some(version)) => format!("平台 {url}（版本 {version}）"),
                        (Some(url), None) => format!("平台 {url}（暂不可达）"),
                        _ => "单机（未连接平台）".to_owned(),
                    };
                    format!("住院收费 版本 {} · 数据库版本 {} · {platform} · 数据文件夹 {}", a.version, a.schema, a.data_dir)
                })}
            </div>
            <table class="grid" id="key-map">
                <thead><tr><th>"按键"</th><th>"作用"</th></tr></thead>
                <tbody>
                    {KEYS.iter().map(|(key, does)| view! { <tr><td class="key-name">{*key}</td><td>{*does}</td></tr> }).collect_view()}
                </tbody>
            </table>
            <DialogError error=error/>
            <div class="dialog-actions">
                <button id="back-up-now" disabled=move || backing.get() on:click=back_up>"立即备份"</button>
                <button id="export-diagnostics" disabled=move || exporting.get() on:click=export>"导出诊断包"</button>
            </div>
        </Modal>
    }
}
