//! 设置: which printer takes each kind of document, the 套打 offsets of pre-printed forms, print
//! preview and the device's place, changed by those allowed to configure the counter (收费组长,
//! 系统管理员); the platform's address and CA for an administrator. Every change is recorded
//! (`settings_changes`) with who made it; the screen lists the newest.

use contract::counter_settings::{
    CounterSettingsView, NumbersLeft, PlatformSettings, PrintChoice, PrintKindView, PrintSettings, SettingChange,
};
use contract::{PrintOutcome, Tag};
use domain::{Permission, Place};
use reports::PaperOffset;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use store::settings;

use crate::{App, AppError, Operator, Printing};

/// The kinds of document a counter prints, each with its own printer: the one home of these
/// words (the screen gets them with the view).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrintKind {
    /// 预交金收据 (and reversal vouchers), on pre-printed receipt paper.
    Receipt,
    /// 结算单 and 费用清单, on A4.
    Settlement,
    /// 纸质票据 (paper copies of e-invoices), on pre-printed invoice paper; also the e-invoice.
    Invoice,
    /// 日结单, 缴款收据, 日报, 月报.
    Report,
    /// 用血减免 forms and pledges.
    Blood,
}

impl PrintKind {
    pub const ALL: [PrintKind; 5] =
        [PrintKind::Receipt, PrintKind::Settlement, PrintKind::Invoice, PrintKind::Report, PrintKind::Blood];

    pub fn code(self) -> &'static str {
        match self {
            PrintKind::Receipt => "receipt",
            PrintKind::Settlement => "settlement",
            PrintKind::Invoice => "invoice",
            PrintKind::Report => "report",
            PrintKind::Blood => "blood",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PrintKind::Receipt => "预交金收据（收据纸）",
            PrintKind::Settlement => "结算单与费用清单",
            PrintKind::Invoice => "票据（票据纸）",
            PrintKind::Report => "日结单与日报、月报",
            PrintKind::Blood => "用血减免单据",
        }
    }

    pub fn from_code(code: &str) -> Option<PrintKind> {
        PrintKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Printed on a pre-printed form, whose position the offsets correct.
    pub fn preprinted(self) -> bool {
        matches!(self, PrintKind::Receipt | PrintKind::Invoice)
    }

    /// The sheet in millimetres (a receipt is a third of A4).
    fn sheet(self) -> (u16, u16) {
        match self {
            PrintKind::Receipt => (210, 99),
            _ => (210, 297),
        }
    }

    fn printer_key(self) -> String {
        format!("print.printer.{}", self.code())
    }

    fn offset_key(self) -> String {
        format!("print.offset.{}", self.code())
    }
}

const PREVIEW_KEY: &str = "print.preview";
/// The largest 套打 correction, either way: more means the wrong paper, not a feed error.
const MAX_OFFSET_TENTHS: i16 = 200;
const CHANGES_SHOWN: u32 = 30;

/// A stored offset: "right,down" in tenths of a millimetre (only this module writes it).
fn offset_of(text: Option<&str>) -> PaperOffset {
    let parse = |t: Option<&str>| t.and_then(|v| v.trim().parse::<i16>().ok()).unwrap_or(0);
    let mut parts = text.unwrap_or_default().split(',');
    PaperOffset { right_tenths: parse(parts.next()), down_tenths: parse(parts.next()) }
}

/// Empty for none, so a form never corrected records no change.
fn offset_text(offset: PaperOffset) -> String {
    if offset == PaperOffset::NONE { String::new() } else { format!("{},{}", offset.right_tenths, offset.down_tenths) }
}

/// Millimetres as typed ("1.5", "-0.5", "") into tenths, within ±20 mm and one decimal.
fn tenths(typed: &str, kind: PrintKind, field: &'static str) -> Result<i16, AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(0);
    }
    let invalid = || {
        AppError::invalid(
            "SETTING_OFFSET_INVALID",
            format!("{}的套打偏移“{typed}”无效：应为 -20.0 至 20.0 之间的毫米数，最多一位小数", kind.label()),
            field,
        )
    };
    let mm: Decimal = typed.parse().map_err(|_| invalid())?;
    if mm.scale() > 1 {
        return Err(invalid());
    }
    let tenths = (mm * Decimal::TEN).to_i16().ok_or_else(invalid)?;
    if tenths.abs() > MAX_OFFSET_TENTHS {
        return Err(invalid());
    }
    Ok(tenths)
}

fn mm_text(tenths: i16) -> String {
    if tenths == 0 { String::new() } else { Decimal::new(i64::from(tenths), 1).to_string() }
}

/// What a stored key is, in the screen's words.
fn what(key: &str) -> String {
    let kind_label = |code: &str| PrintKind::from_code(code).map_or(code.to_owned(), |k| k.label().to_owned());
    if let Some(code) = key.strip_prefix("print.printer.") {
        return format!("打印机：{}", kind_label(code));
    }
    if let Some(code) = key.strip_prefix("print.offset.") {
        return format!("套打偏移（0.1 mm，右,下）：{}", kind_label(code));
    }
    match key {
        PREVIEW_KEY => "打印预览".to_owned(),
        settings::PLACE => "结算地点".to_owned(),
        settings::PLATFORM_URL => "平台地址".to_owned(),
        settings::PLATFORM_CA => "平台 CA 证书".to_owned(),
        other if other.starts_with("capture.") => format!("采集设置（{other}）"),
        other => other.to_owned(),
    }
}

impl App {
    /// 设置 as the operator sees it.
    pub async fn counter_settings(&self, operator: &Operator) -> Result<CounterSettingsView, AppError> {
        let (printers, printers_note) = Printing::cups_printers().await;
        let mut conn = self.store.conn().await?;
        let mut kinds = Vec::new();
        for kind in PrintKind::ALL {
            let printer = settings::get(&mut conn, &kind.printer_key()).await?.unwrap_or_default();
            let offset = offset_of(settings::get(&mut conn, &kind.offset_key()).await?.as_deref());
            kinds.push(PrintKindView {
                kind: Tag::new(kind.code(), kind.label()),
                preprinted: kind.preprinted(),
                choice: PrintChoice {
                    kind: kind.code().to_owned(),
                    printer,
                    right_mm: mm_text(offset.right_tenths),
                    down_mm: mm_text(offset.down_tenths),
                },
            });
        }
        let preview = settings::get(&mut conn, PREVIEW_KEY).await?.as_deref() == Some("1");
        let place = settings::get(&mut conn, settings::PLACE).await?.unwrap_or_else(|| self.place.code().to_owned());
        let administrator = operator.role.may(Permission::Administer);
        let platform = PlatformSettings {
            url: settings::get(&mut conn, settings::PLATFORM_URL).await?.unwrap_or_default(),
            ca_file: settings::get(&mut conn, settings::PLATFORM_CA).await?.unwrap_or_default(),
        };
        let device_id = settings::get(&mut conn, settings::DEVICE_ID).await?;
        let numbers_left = store::receipts::blocks_left(&mut conn)
            .await?
            .into_iter()
            .map(|(cashier, series, left)| NumbersLeft {
                cashier,
                series: if series == "deposit" { "预交金收据号" } else { "结算单号" }.to_owned(),
                left,
            })
            .collect();
        let changes = settings::changes(&mut conn, CHANGES_SHOWN)
            .await?
            .into_iter()
            .map(|c| SettingChange {
                at: c.at,
                by: c.by_user,
                what: what(&c.key),
                before: c.before.unwrap_or_default(),
                after: c.after,
            })
            .collect();
        Ok(CounterSettingsView {
            editable: operator.role.may(Permission::ConfigureCounter),
            administrator,
            printers,
            printers_note,
            kinds,
            preview,
            place,
            places: Place::ALL.into_iter().map(|p| Tag::new(p.code(), p.label())).collect(),
            place_now: self.place.code().to_owned(),
            platform,
            device_id,
            numbers_left,
            changes,
        })
    }

    /// Saves printers, offsets, preview and place (one transaction, each change recorded).
    pub async fn save_print_settings(
        &self,
        operator: &Operator,
        asked: &PrintSettings,
    ) -> Result<CounterSettingsView, AppError> {
        operator.require(Permission::ConfigureCounter)?;
        let place = Place::from_code(asked.place.trim()).ok_or_else(|| {
            AppError::invalid("SETTING_PLACE_UNKNOWN", format!("未知的结算地点：{}", asked.place), "place")
        })?;
        let (printers, _) = Printing::cups_printers().await;
        let mut rows = Vec::new();
        for choice in &asked.choices {
            let kind = PrintKind::from_code(&choice.kind).ok_or_else(|| {
                AppError::invalid("SETTING_KIND_UNKNOWN", format!("未知的单据种类：{}", choice.kind), "kind")
            })?;
            if rows.iter().any(|(k, _, _): &(PrintKind, String, PaperOffset)| *k == kind) {
                return Err(AppError::invalid("SETTING_KIND_TWICE", format!("{}出现了两次", kind.label()), "kind"));
            }
            let offset = PaperOffset {
                right_tenths: tenths(&choice.right_mm, kind, "right_mm")?,
                down_tenths: tenths(&choice.down_mm, kind, "down_mm")?,
            };
            if !kind.preprinted() && offset != PaperOffset::NONE {
                return Err(AppError::invalid(
                    "SETTING_OFFSET_NOT_PREPRINTED",
                    format!("{}不是套打单据，没有套打偏移", kind.label()),
                    "right_mm",
                ));
            }
            rows.push((kind, choice.printer.trim().to_owned(), offset));
        }
        let mut tx = self.store.begin_immediate().await?;
        let now = self.clock.now();
        let by = operator.username.as_str();
        for (kind, printer, offset) in &rows {
            let stored = settings::get(&mut tx, &kind.printer_key()).await?.unwrap_or_default();
            // A printer CUPS does not list is refused, unless it is the one already chosen (CUPS
            // may be down for a moment; saving the other settings must not lose it).
            if !printer.is_empty() && *printer != stored && !printers.contains(printer) {
                return Err(AppError::invalid(
                    "PRINTER_UNKNOWN",
                    format!("本机 CUPS 中没有打印机“{printer}”（{}）", kind.label()),
                    "printer",
                ));
            }
            settings::change(&mut tx, &kind.printer_key(), printer, by, now).await?;
            if kind.preprinted() {
                settings::change(&mut tx, &kind.offset_key(), &offset_text(*offset), by, now).await?;
            }
        }
        settings::change(&mut tx, PREVIEW_KEY, if asked.preview { "1" } else { "" }, by, now).await?;
        settings::change(&mut tx, settings::PLACE, place.code(), by, now).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(by, "print settings changed");
        self.counter_settings(operator).await
    }

    /// Saves the platform's address and CA (an administrator; used from the next start).
    pub async fn save_platform_settings(
        &self,
        operator: &Operator,
        asked: &PlatformSettings,
    ) -> Result<CounterSettingsView, AppError> {
        operator.require(Permission::Administer)?;
        let url = asked.url.trim().trim_end_matches('/');
        let host = url.strip_prefix("https://").unwrap_or_default();
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(AppError::invalid(
                "PLATFORM_URL_NOT_HTTPS",
                format!("平台地址“{url}”无效：只接受 https:// 开头的地址"),
                "url",
            ));
        }
        let ca = asked.ca_file.trim();
        let pem = std::fs::read_to_string(ca).map_err(|e| {
            AppError::invalid("PLATFORM_CA_UNREADABLE", format!("无法读取 CA 证书文件“{ca}”：{e}"), "ca_file")
        })?;
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(AppError::invalid(
                "PLATFORM_CA_NOT_PEM",
                format!("“{ca}”不是 PEM 格式的证书（应含 BEGIN CERTIFICATE）"),
                "ca_file",
            ));
        }
        let mut tx = self.store.begin_immediate().await?;
        let now = self.clock.now();
        settings::change(&mut tx, settings::PLATFORM_URL, url, &operator.username, now).await?;
        settings::change(&mut tx, settings::PLATFORM_CA, ca, &operator.username, now).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(url, by = %operator.username, "platform address changed");
        self.counter_settings(operator).await
    }

    /// 打印测试页 for `kind`, through the same printer and offsets as its documents.
    pub async fn print_test_page(&self, operator: &Operator, kind: &str) -> Result<PrintOutcome, AppError> {
        operator.require(Permission::ConfigureCounter)?;
        let kind = PrintKind::from_code(kind)
            .ok_or_else(|| AppError::invalid("SETTING_KIND_UNKNOWN", format!("未知的单据种类：{kind}"), "kind"))?;
        let (printer, _) = self.printer_for(kind).await?;
        let (width_mm, height_mm) = kind.sheet();
        let model = reports::TestPageModel {
            hospital: self.hospital.clone(),
            kind: kind.label().to_owned(),
            printer: printer.unwrap_or_else(|| "未设置（保存 PDF 并打开）".to_owned()),
            offset: self.paper_offset(kind).await?,
            width_mm,
            height_mm,
            printed_at: self.clock.now().format("%Y-%m-%d %H:%M:%S").to_string(),
            by: operator.display_name.clone(),
        };
        let pdf = Printing::render(move || reports::render_test_page(&model)).await?;
        self.deliver(kind, &format!("打印测试页-{}.pdf", kind.code()), &pdf).await
    }

    /// The printer `kind` goes to (the setting, else the start option) and whether to preview.
    async fn printer_for(&self, kind: PrintKind) -> Result<(Option<String>, bool), AppError> {
        let mut conn = self.store.conn().await?;
        let chosen = settings::get(&mut conn, &kind.printer_key()).await?.filter(|p| !p.is_empty());
        let preview = settings::get(&mut conn, PREVIEW_KEY).await?.as_deref() == Some("1");
        Ok((chosen.or_else(|| self.printing.printer.clone()), preview))
    }

    /// The 套打 offsets of `kind` (none for a kind on plain paper).
    pub(crate) async fn paper_offset(&self, kind: PrintKind) -> Result<PaperOffset, AppError> {
        if !kind.preprinted() {
            return Ok(PaperOffset::NONE);
        }
        let mut conn = self.store.conn().await?;
        Ok(offset_of(settings::get(&mut conn, &kind.offset_key()).await?.as_deref()))
    }

    /// Sends a rendered document of `kind` to its printer, or saves it and opens it (no printer,
    /// or 打印预览).
    pub(crate) async fn deliver(
        &self,
        kind: PrintKind,
        file_name: &str,
        pdf: &reports::RenderedPdf,
    ) -> Result<PrintOutcome, AppError> {
        let (printer, preview) = self.printer_for(kind).await?;
        let printer = if preview { None } else { printer };
        self.printing.deliver_to(printer.as_deref(), file_name, pdf).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_typed_within_twenty_millimetres() {
        let kind = PrintKind::Receipt;
        assert_eq!(tenths("1.5", kind, "right_mm").unwrap(), 15);
        assert_eq!(tenths("-0.5", kind, "right_mm").unwrap(), -5);
        assert_eq!(tenths(" ", kind, "right_mm").unwrap(), 0);
        assert_eq!(tenths("20", kind, "right_mm").unwrap(), 200);
        for bad in ["20.1", "1.25", "abc", "-21", "1e3"] {
            assert_eq!(tenths(bad, kind, "right_mm").unwrap_err().code(), "SETTING_OFFSET_INVALID", "{bad}");
        }
        assert_eq!(mm_text(15), "1.5");
        assert_eq!(mm_text(-5), "-0.5");
        assert_eq!(
            offset_of(Some(&offset_text(PaperOffset { right_tenths: 15, down_tenths: -5 }))),
            PaperOffset { right_tenths: 15, down_tenths: -5 }
        );
        assert_eq!(offset_of(None), PaperOffset::NONE);
    }

    #[test]
    fn kinds_round_trip_and_only_forms_take_offsets() {
        for kind in PrintKind::ALL {
            assert_eq!(PrintKind::from_code(kind.code()), Some(kind));
        }
        let forms: Vec<_> = PrintKind::ALL.into_iter().filter(|k| k.preprinted()).collect();
        assert_eq!(forms, [PrintKind::Receipt, PrintKind::Invoice]);
        assert_eq!(what("print.printer.receipt"), "打印机：预交金收据（收据纸）");
    }
}
