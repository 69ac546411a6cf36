//! The kiosk-printed invoice report (自助打印发票报表) of one day, kiosk by kiosk: every paper
//! invoice a self-service kiosk printed — 纸质票据号, 票据号码, 病案号, 患者, 金额, 打印时间 and
//! whether it is still valid or was voided (by whom, why) — with a subtotal per kiosk (张数 and
//! 金额 of the valid ones, the voided count) and a grand total, all counted here from the lines.
//! As an A4 portrait PDF that breaks pages under a repeated header, and as a one-sheet XLSX
//! with amounts as numbers formatted `#,##0.00`.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use domain::Money;
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use crate::pdf::sheet::{MARGIN, PAGE_HEIGHT, PAGE_WIDTH};
use crate::pdf::{Align, Sheet};
use crate::{RenderedPdf, ReportError};

/// One paper invoice a kiosk printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskLine {
    pub paper_no: String,
    pub invoice_no: String,
    pub case_no: String,
    pub patient: String,
    pub amount: Money,
    pub printed_at: String,
    pub voided: bool,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
}

/// One kiosk's invoices of the day, in print order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskSection {
    pub kiosk: String,
    pub lines: Vec<KioskLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskReportModel {
    pub hospital: String,
    pub day: String,
    pub printed_at: String,
    pub kiosks: Vec<KioskSection>,
}

const TITLE: &str = "自助打印发票报表";

/// The valid invoices (张数, 金额) and the voided ones of some lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    valid: usize,
    amount: Money,
    voided: usize,
}

impl Tally {
    fn of(lines: &[KioskLine]) -> Tally {
        lines.iter().fold(Tally::default(), |mut tally, line| {
            if line.voided {
                tally.voided += 1;
            } else {
                tally.valid += 1;
                tally.amount += line.amount;
            }
            tally
        })
    }

    fn plus(self, other: Tally) -> Tally {
        Tally {
            valid: self.valid + other.valid,
            amount: self.amount + other.amount,
            voided: self.voided + other.voided,
        }
    }

    /// `张数 2，金额 ¥300.50，作废 1`
    fn text(self) -> String {
        format!("张数 {}，金额 {}，作废 {}", self.valid, self.amount.yuan(), self.voided)
    }
}

fn grand_total(model: &KioskReportModel) -> Tally {
    model.kiosks.iter().map(|k| Tally::of(&k.lines)).fold(Tally::default(), Tally::plus)
}

fn state(line: &KioskLine) -> &'static str {
    if line.voided { "已作废" } else { "有效" }
}

/// 有效, or 已作废 with who voided it and why when known.
fn state_text(line: &KioskLine) -> String {
    let details: Vec<&str> = [line.voided_by.as_deref(), line.void_reason.as_deref()]
        .into_iter()
        .flatten()
        .filter(|d| !d.is_empty())
        .collect();
    if !line.voided || details.is_empty() {
        state(line).to_owned()
    } else {
        format!("已作废（{}）", details.join("："))
    }
}

// ---- PDF ----

const ROW: f32 = 5.0;
const BODY: f32 = 8.0;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 6.0;

/// Column left edges (or the right edge of the amount) in millimetres.
struct Columns;
impl Columns {
    const PAPER: f32 = MARGIN;
    const INVOICE: f32 = MARGIN + 26.0;
    const CASE: f32 = MARGIN + 52.0;
    const PATIENT: f32 = MARGIN + 75.0;
    const AMOUNT_RIGHT: f32 = MARGIN + 112.0;
    const PRINTED: f32 = MARGIN + 115.0;
    const STATE: f32 = MARGIN + 147.0;
    const RIGHT: f32 = PAGE_WIDTH - MARGIN;
}

pub fn kiosk_report_pdf(model: &KioskReportModel) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::new(&format!("{TITLE} {}", model.day))?;
    let mut y = MARGIN + 6.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 15.0, Align::Center, &model.hospital);
    y += 8.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 13.0, Align::Center, TITLE);
    y += 8.0;
    let info = format!("日期：{}    自助机 {} 台    打印时间：{}", model.day, model.kiosks.len(), model.printed_at);
    sheet.text(MARGIN, y, 9.0, Align::Left, &info);
    y += 9.0;
    if model.kiosks.is_empty() {
        sheet.text(MARGIN, y, 9.0, Align::Left, "当日无自助打印发票");
        y += ROW + 2.0;
    }
    for section in &model.kiosks {
        y = ensure_space(&mut sheet, model, None, y, ROW * 4.0);
        let kiosk = sheet.fit(&format!("自助机：{}", section.kiosk), 10.0, 120.0);
        sheet.text(MARGIN, y, 10.0, Align::Left, &kiosk);
        sheet.text(Columns::RIGHT, y, 9.0, Align::Right, &format!("共 {} 张", section.lines.len()));
        y = table_header(&mut sheet, y + 6.0);
        if section.lines.is_empty() {
            sheet.text(Columns::PAPER, y, BODY, Align::Left, "（无打印记录）");
            y += ROW;
        }
        for line in &section.lines {
            y = ensure_space(&mut sheet, model, Some(&section.kiosk), y, ROW);
            line_row(&mut sheet, y, line);
            y += ROW;
        }
        y = ensure_space(&mut sheet, model, Some(&section.kiosk), y, ROW);
        sheet.rule(y - 3.6, MARGIN, Columns::RIGHT, 0.3);
        let subtotal = format!("{} 小计：{}", section.kiosk, Tally::of(&section.lines).text());
        let subtotal = sheet.fit(&subtotal, 9.0, Columns::RIGHT - MARGIN);
        sheet.text(MARGIN, y, 9.0, Align::Left, &subtotal);
        y += ROW + 5.0;
    }
    y = ensure_space(&mut sheet, model, None, y, ROW * 2.0);
    sheet.rule(y - 4.0, MARGIN, Columns::RIGHT, 0.8);
    let total = format!("总计（{} 台自助机）：{}", model.kiosks.len(), grand_total(model).text());
    sheet.text(MARGIN, y, 10.0, Align::Left, &total);
    let hospital = model.hospital.clone();
    let day = model.day.clone();
    Ok(sheet.finish(move |page, pages| format!("{hospital}  {TITLE}  {day}  第 {page} 页 / 共 {pages} 页")))
}

fn table_header(sheet: &mut Sheet, y: f32) -> f32 {
    sheet.rule(y - 3.6, MARGIN, Columns::RIGHT, 0.6);
    for (x, align, label) in [
        (Columns::PAPER, Align::Left, "纸质票据号"),
        (Columns::INVOICE, Align::Left, "票据号码"),
        (Columns::CASE, Align::Left, "病案号"),
        (Columns::PATIENT, Align::Left, "患者"),
        (Columns::AMOUNT_RIGHT, Align::Right, "金额"),
        (Columns::PRINTED, Align::Left, "打印时间"),
        (Columns::STATE, Align::Left, "状态"),
    ] {
        sheet.text(x, y, BODY, align, label);
    }
    sheet.rule(y + 1.4, MARGIN, Columns::RIGHT, 0.4);
    y + ROW + 0.6
}

/// Starts a new page (a short header naming the day and the kiosk under way, and the column
/// titles when a kiosk is under way) when `need` does not fit.
fn ensure_space(sheet: &mut Sheet, model: &KioskReportModel, kiosk: Option<&str>, y: f32, need: f32) -> f32 {
    if y + need <= BOTTOM {
        return y;
    }
    sheet.new_page();
    let top = MARGIN + 4.0;
    match kiosk {
        Some(kiosk) => {
            let continued = format!("{TITLE}（续）  {}  自助机：{kiosk}", model.day);
            let continued = sheet.fit(&continued, 9.0, Columns::RIGHT - MARGIN);
            sheet.text(MARGIN, top, 9.0, Align::Left, &continued);
            table_header(sheet, top + 7.0)
        }
        None => {
            sheet.text(MARGIN, top, 9.0, Align::Left, &format!("{TITLE}（续）  {}", model.day));
            top + 9.0
        }
    }
}

fn line_row(sheet: &mut Sheet, y: f32, line: &KioskLine) {
    let cells = [
        (Columns::PAPER, Columns::INVOICE, &line.paper_no),
        (Columns::INVOICE, Columns::CASE, &line.invoice_no),
        (Columns::CASE, Columns::PATIENT, &line.case_no),
        (Columns::PATIENT, Columns::AMOUNT_RIGHT - 18.0, &line.patient),
        (Columns::PRINTED, Columns::STATE, &line.printed_at),
    ];
    for (x, next, text) in cells {
        let text = sheet.fit(text, BODY, next - x - 1.0);
        sheet.text(x, y, BODY, Align::Left, &text);
    }
    sheet.text(Columns::AMOUNT_RIGHT, y, BODY, Align::Right, &line.amount.yuan());
    let state = sheet.fit(&state_text(line), BODY, Columns::RIGHT - Columns::STATE);
    sheet.text(Columns::STATE, y, BODY, Align::Left, &state);
}

// ---- XLSX ----

/// The columns, with their widths in pixels.
const COLUMNS: [(&str, u32); 10] = [
    ("自助机", 100),
    ("纸质票据号", 110),
    ("票据号码", 110),
    ("病案号", 100),
    ("患者", 70),
    ("金额", 100),
    ("打印时间", 140),
    ("状态", 60),
    ("作废人", 70),
    ("作废原因", 180),
];
const HEADER_ROW: u32 = 2;
/// The money column (金额).
const AMOUNT: u16 = 5;
/// Where a subtotal or total row puts its 张数 and its 作废.
const COUNT: u16 = 1;
const VOIDED: u16 = 7;

pub fn kiosk_report_xlsx(model: &KioskReportModel) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let money = Format::new().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let subtotal = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    let subtotal_money = subtotal.clone().set_num_format("#,##0.00");
    let total = Format::new().set_bold().set_border_top(FormatBorder::Double);
    let total_money = total.clone().set_num_format("#,##0.00");

    sheet.set_name(TITLE)?;
    sheet.write_with_format(0, 0, format!("{} {TITLE}", model.hospital), &bold.clone().set_font_size(14))?;
    sheet.write(
        1,
        0,
        format!("日期：{}    自助机 {} 台    打印时间：{}", model.day, model.kiosks.len(), model.printed_at),
    )?;
    for (col, (label, width)) in (0u16..).zip(COLUMNS) {
        sheet.set_column_width_pixels(col, width)?;
        sheet.write_with_format(HEADER_ROW, col, label, &header)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;

    let mut row = HEADER_ROW + 1;
    for section in &model.kiosks {
        for line in &section.lines {
            let texts: [(u16, &str); 9] = [
                (0, &section.kiosk),
                (1, &line.paper_no),
                (2, &line.invoice_no),
                (3, &line.case_no),
                (4, &line.patient),
                (6, &line.printed_at),
                (7, state(line)),
                (8, line.voided_by.as_deref().unwrap_or("")),
                (9, line.void_reason.as_deref().unwrap_or("")),
            ];
            for (col, text) in texts.iter().filter(|(_, t)| !t.is_empty()) {
                sheet.write(row, *col, *text)?;
            }
            sheet.write_with_format(row, AMOUNT, line.amount.as_decimal(), &money)?;
            row += 1;
        }
        let tally = Tally::of(&section.lines);
        sheet.write_with_format(row, 0, format!("{} 小计", section.kiosk), &subtotal)?;
        sheet.write_with_format(row, COUNT, format!("张数 {}", tally.valid), &subtotal)?;
        sheet.write_with_format(row, AMOUNT, tally.amount.as_decimal(), &subtotal_money)?;
        sheet.write_with_format(row, VOIDED, format!("作废 {}", tally.voided), &subtotal)?;
        row += 1;
    }
    let tally = grand_total(model);
    sheet.write_with_format(row, 0, "合计", &total)?;
    sheet.write_with_format(row, COUNT, format!("张数 {}", tally.valid), &total)?;
    sheet.write_with_format(row, AMOUNT, tally.amount.as_decimal(), &total_money)?;
    sheet.write_with_format(row, VOIDED, format!("作废 {}", tally.voided), &total)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
// Spreadsheet numbers come back from calamine as floats; they are compared as formatted text.
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;
    use crate::invoice::tests::pdftotext;

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn line(paper_no: &str, patient: &str, amount: &str, printed_at: &str) -> KioskLine {
        KioskLine {
            paper_no: paper_no.into(),
            invoice_no: format!("00032{}", &paper_no[paper_no.len() - 5..]),
            case_no: format!("Z{}", &paper_no[paper_no.len() - 5..]),
            patient: patient.into(),
            amount: money(amount),
            printed_at: printed_at.into(),
            voided: false,
            voided_by: None,
            void_reason: None,
        }
    }

    fn model() -> KioskReportModel {
        let mut jammed = line("ZJ00010003", "王五", "99.00", "2026-05-16 10:02:11");
        jammed.voided = true;
        jammed.voided_by = Some("李四".into());
        jammed.void_reason = Some("卡纸重打".into());
        KioskReportModel {
            hospital: "演示市第一人民医院".into(),
            day: "2026-05-16".into(),
            printed_at: "2026-05-17 08:00:00".into(),
            kiosks: vec![
                KioskSection {
                    kiosk: "门诊大厅1号机".into(),
                    lines: vec![
                        line("ZJ00010001", "张三", "120.00", "2026-05-16 08:31:05"),
                        line("ZJ00010002", "赵六", "180.50", "2026-05-16 09:15:40"),
                        jammed,
                    ],
                },
                KioskSection {
                    kiosk: "住院部2号机".into(),
                    lines: vec![line("ZJ00020001", "孙七", "66.60", "2026-05-16 14:20:00")],
                },
            ],
        }
    }

    #[test]
    fn the_pdf_lists_each_kiosk_with_its_subtotal_and_the_grand_total() {
        let pdf = kiosk_report_pdf(&model()).unwrap();
        assert_eq!(pdf.pages, 1);
        assert!(pdf.missing_glyphs.is_empty(), "{:?}", pdf.missing_glyphs);
        let text = pdftotext(&pdf.bytes);
        for expected in [
            "演示市第一人民医院",
            "自助打印发票报表",
            "日期：2026-05-16",
            "自助机：门诊大厅1号机",
            "自助机：住院部2号机",
            "纸质票据号",
            "ZJ00010002",
            "0003210002",
            "Z10002",
            "赵六",
            "¥180.50",
            "2026-05-16 09:15:40",
            "已作废（李四：卡纸重打）",
            "门诊大厅1号机 小计：张数 2，金额 ¥300.50，作废 1",
            "住院部2号机 小计：张数 1，金额 ¥66.60，作废 0",
            "总计（2 台自助机）：张数 3，金额 ¥367.10，作废 1",
            "第 1 页 / 共 1 页",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert_eq!(text.matches("有效").count(), 3, "three valid lines:\n{text}");
        let voided = text.lines().find(|l| l.contains("ZJ00010003")).unwrap();
        assert!(voided.contains("王五") && voided.contains("¥99.00") && voided.contains("已作废"), "{voided:?}");
    }

    #[test]
    fn a_long_day_breaks_pages_under_the_kiosk_header_and_still_counts_every_line() {
        let mut model = model();
        model.kiosks[1].lines =
            (0..120).map(|i| line(&format!("ZJ0009{i:04}"), "周八", "1.25", "2026-05-16 15:00:00")).collect();
        let pdf = kiosk_report_pdf(&model).unwrap();
        assert!(pdf.pages >= 3, "{} pages", pdf.pages);
        let text = pdftotext(&pdf.bytes);
        assert_eq!(text.matches("周八").count(), 120);
        assert_eq!(
            text.matches("自助打印发票报表（续） 2026-05-16 自助机：住院部2号机").count(),
            usize::try_from(pdf.pages - 1).unwrap(),
            "{text}"
        );
        assert!(text.contains("住院部2号机 小计：张数 120，金额 ¥150.00，作废 0"), "{text}");
        assert!(text.contains("总计（2 台自助机）：张数 122，金额 ¥450.50，作废 1"), "{text}");
        assert!(text.contains(&format!("第 {0} 页 / 共 {0} 页", pdf.pages)));
    }

    fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        match range.get_value((row, col)) {
            Some(Data::Float(f)) => format!("{f:.2}"),
            Some(Data::String(s)) => s.clone(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => format!("{other:?}"),
        }
    }

    fn row(range: &calamine::Range<Data>, row: u32) -> Vec<String> {
        (0..10).map(|col| cell(range, row, col)).collect()
    }

    #[test]
    fn the_xlsx_has_the_lines_subtotals_and_total_with_amounts_as_numbers() {
        let bytes = kiosk_report_xlsx(&model()).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec![TITLE.to_owned()]);
        let range = book.worksheet_range(TITLE).unwrap();
        assert_eq!(cell(&range, 0, 0), "演示市第一人民医院 自助打印发票报表");
        assert!(cell(&range, 1, 0).contains("2026-05-16"));
        assert_eq!(row(&range, 2), COLUMNS.iter().map(|(l, _)| (*l).to_owned()).collect::<Vec<_>>());
        assert_eq!(
            row(&range, 3),
            [
                "门诊大厅1号机",
                "ZJ00010001",
                "0003210001",
                "Z10001",
                "张三",
                "120.00",
                "2026-05-16 08:31:05",
                "有效",
                "",
                ""
            ]
        );
        assert_eq!(
            row(&range, 5),
            [
                "门诊大厅1号机",
                "ZJ00010003",
                "0003210003",
                "Z10003",
                "王五",
                "99.00",
                "2026-05-16 10:02:11",
                "已作废",
                "李四",
                "卡纸重打"
            ]
        );
        assert!(matches!(range.get_value((3, 5)), Some(Data::Float(_))), "money is a number, not text");
        assert_eq!(row(&range, 6), ["门诊大厅1号机 小计", "张数 2", "", "", "", "300.50", "", "作废 1", "", ""]);
        assert_eq!(cell(&range, 7, 1), "ZJ00020001");
        assert_eq!(row(&range, 8), ["住院部2号机 小计", "张数 1", "", "", "", "66.60", "", "作废 0", "", ""]);
        assert_eq!(row(&range, 9), ["合计", "张数 3", "", "", "", "367.10", "", "作废 1", "", ""]);
        assert!(matches!(range.get_value((9, 5)), Some(Data::Float(_))), "the total is a number");
        assert_eq!(range.height(), 10, "nothing after the total");
    }

    #[test]
    fn an_empty_day_still_has_its_header_and_a_zero_total() {
        let model = KioskReportModel { kiosks: Vec::new(), ..model() };
        let text = pdftotext(&kiosk_report_pdf(&model).unwrap().bytes);
        assert!(text.contains("当日无自助打印发票"), "{text}");
        assert!(text.contains("总计（0 台自助机）：张数 0，金额 ¥0.00，作废 0"), "{text}");
        let bytes = kiosk_report_xlsx(&model).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range(TITLE).unwrap();
        assert_eq!(cell(&range, 2, 0), "自助机");
        assert_eq!(row(&range, 3), ["合计", "张数 0", "", "", "", "0.00", "", "作废 0", "", ""]);
    }
}
