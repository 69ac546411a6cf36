//! F1: the desk's key map, as a cashier needs it at the window.

use leptos::prelude::*;

use super::Modal;

/// Each key and what it does at the desk (the keys `workspace::keys` listens to).
pub const KEYS: [(&str, &str); 17] = [
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
    ("Enter", "对话框中：下一项；在按钮上：按下"),
    ("Esc", "关闭对话框；在查询框：清空结果"),
    ("Alt+R / Alt+S", "用血减免：待审核 / 采集设置"),
];

#[component]
pub fn KeyHelpDialog() -> impl IntoView {
    view! {
        <Modal id="keys-dialog" title="快捷键（F1）".to_owned()>
            <table class="grid" id="key-map">
                <thead><tr><th>"按键"</th><th>"作用"</th></tr></thead>
                <tbody>
                    {KEYS.iter().map(|(key, does)| view! { <tr><td class="key-name">{*key}</td><td>{*does}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </Modal>
    }
}
