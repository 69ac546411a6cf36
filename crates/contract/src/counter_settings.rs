//! 设置: this counter's printers per document kind, 套打 offsets, print preview and place, and,
//! for an administrator, the platform's address and CA with the device's registration and the
//! receipt numbers left. The capture settings have their own DTOs ([`crate::blood_desk`]).

use serde::{Deserialize, Serialize};

use crate::Tag;

/// How one kind of document is printed here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintChoice {
    /// The document kind's code (`receipt`…); its label comes with the view.
    pub kind: String,
    /// The CUPS printer; empty: saved as a PDF and opened.
    pub printer: String,
    /// 套打 offsets in millimetres with one decimal ("1.5", "-0.5"), only for kinds printed on
    /// pre-printed forms; empty is 0.
    pub right_mm: String,
    pub down_mm: String,
}

/// One document kind as 设置 shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintKindView {
    pub kind: Tag,
    /// Whether it prints on a pre-printed form (收据纸, 票据纸): offsets apply.
    pub preprinted: bool,
    pub choice: PrintChoice,
}

/// What 设置 saves in its 打印与地点 part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintSettings {
    pub choices: Vec<PrintChoice>,
    /// Every document is saved and opened in the PDF viewer first (打印预览) instead of going
    /// straight to its printer.
    pub preview: bool,
    /// Where this device takes money (`counter`…); used from the next start.
    pub place: String,
}

/// The platform this counter syncs with (an administrator's part); used from the next start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSettings {
    /// `https://…` only.
    pub url: String,
    /// The CA certificate (PEM file) that signed the platform's certificate.
    pub ca_file: String,
}

/// One change made in 设置.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    pub at: String,
    pub by: String,
    /// What was changed, in the screen's words (打印机：预交金收据).
    pub what: String,
    pub before: String,
    pub after: String,
}

/// Numbers left in one cashier's blocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumbersLeft {
    pub cashier: String,
    /// 预交金收据号 / 结算单号
    pub series: String,
    pub left: i64,
}

/// Everything 设置 shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterSettingsView {
    /// Whether the operator may change printers, offsets, preview and place (收费组长, 管理员).
    pub editable: bool,
    /// Whether the operator administers (the platform part).
    pub administrator: bool,
    /// The CUPS printers `lpstat` lists.
    pub printers: Vec<String>,
    /// Why there are none (CUPS not installed or not running), in the operator's words.
    pub printers_note: Option<String>,
    pub kinds: Vec<PrintKindView>,
    pub preview: bool,
    pub place: String,
    pub places: Vec<Tag>,
    /// The place this run uses (a start option may override the setting).
    pub place_now: String,
    pub platform: PlatformSettings,
    /// The device id the platform gave at registration; `None`: stand-alone.
    pub device_id: Option<String>,
    pub numbers_left: Vec<NumbersLeft>,
    /// The newest changes first.
    pub changes: Vec<SettingChange>,
}

/// The first start of a counter without a database: registering it with the platform (an
/// administrator of the platform, checked there), after which the app starts again linked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterCounter {
    /// `https://…` only.
    pub url: String,
    pub ca_file: String,
    /// The counter as the platform lists it (一楼收费窗口1).
    pub name: String,
    pub place: String,
    /// Ward codes served, comma-separated; empty for all.
    pub wards: String,
    pub admin: String,
    pub password: String,
}
