//! The monthly blood-waiver claim (用血减免月结) as XLSX and PDF: every waiver granted in the
//! month and every cancellation (negative), with settlement, patient, certificates, products,
//! ml, our amount and the blood platform's, and how each line matched; the counts per outcome
//! and both totals.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use contract::Yuan;
use contract::blood::BloodMonthView;
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use crate::pdf::sheet::{MARGIN, PAGE_WIDTH};
use crate::pdf::{Align, Sheet};
use crate::reconciliation::XlsxReportError;
use crate::{RenderedPdf, ReportError};

/// The columns, with their widths in pixels.
const COLUMNS: [(&str, u32); 12] = [
    ("核对结果", 80),
    ("类型", 50),
    ("结算单号", 130),
    ("住院号", 100),
    ("患者", 70),
    ("献血证", 150),
    ("血液制品", 220),
    ("用量(毫升)", 80),
    ("医院金额", 100),
    ("血站金额", 100),
    ("时间", 140),
    ("减免流水号", 110),
];
const AMOUNT: u16 = 8;
const THEIRS: u16 = 9;

fn kind(cancellation: bool) -> &'static str {
    if cancellation { "撤销" } else { "减免" }
}

pub fn blood_month_xlsx(view: &BloodMonthView) -> Result<Vec<u8>, XlsxReportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let money = Format::new().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    sheet.set_name("用血减免月结")?;
    sheet.write_with_format(0, 0, format!("用血减免月结 {}", view.month), &bold.clone().set_font_size(14))?;
    let counts = view.counts.iter().map(|(tag, n)| format!("{} {n} 条", tag.label)).collect::<Vec<_>>().join("，");
    sheet.write(1, 0, format!("共 {} 条：{counts}", view.lines.len()))?;
    for (col, (label, width)) in (0u16..).zip(COLUMNS) {
        sheet.set_column_width_pixels(col, width)?;
        sheet.write_with_format(2, col, label, &header)?;
    }
    sheet.set_freeze_panes(3, 0)?;
    let mut row = 3u32;
    for l in &view.lines {
        let texts: [(u16, String); 10] = [
            (0, l.outcome.label.clone()),
            (1, kind(l.cancellation).to_owned()),
            (2, l.settlement_no.clone()),
            (3, l.case_no.clone()),
            (4, l.patient_name.clone()),
            (5, l.certificates.join("、")),
            (6, l.products.join("、")),
            (7, l.ml.to_string()),
            (10, l.at.clone()),
            (11, l.reference.clone()),
        ];
        for (col, text) in texts.iter().filter(|(_, t)| !t.is_empty()) {
            sheet.write(row, *col, text.as_str())?;
        }
        for (col, amount) in [(AMOUNT, l.amount), (THEIRS, l.theirs)] {
            if let Some(amount) = amount {
                sheet.write_with_format(row, col, amount.money().as_decimal(), &money)?;
            }
        }
        row += 1;
    }
    let total_money = money.clone().set_bold().set_border_top(FormatBorder::Thin);
    sheet.write_with_format(row, 0, "合计", &bold)?;
    sheet.write_with_format(row, AMOUNT, view.total.money().as_decimal(), &total_money)?;
    sheet.write_with_format(row, THEIRS, view.theirs_total.money().as_decimal(), &total_money)?;
    Ok(book.save_to_buffer()?)
}

pub fn blood_month_pdf(view: &BloodMonthView, hospital: &str) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::new(&format!("用血减免月结 {}", view.month))?;
    let right = PAGE_WIDTH - MARGIN;
    let bottom = sheet.height_mm() - MARGIN - 8.0;
    let mut y = MARGIN + 6.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 14.0, Align::Center, hospital);
    y += 8.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 13.0, Align::Center, &format!("用血减免月结 {}", view.month));
    y += 8.0;
    let counts = view.counts.iter().map(|(tag, n)| format!("{} {n} 条", tag.label)).collect::<Vec<_>>().join("，");
    sheet.text(MARGIN, y, 9.0, Align::Left, &format!("共 {} 条：{counts}", view.lines.len()));
    y += 7.0;
    let columns = [
        (MARGIN, Align::Left, "核对"),
        (MARGIN + 18.0, Align::Left, "类型"),
        (MARGIN + 30.0, Align::Left, "结算单号"),
        (MARGIN + 62.0, Align::Left, "患者"),
        (MARGIN + 80.0, Align::Left, "献血证"),
        (MARGIN + 130.0, Align::Right, "毫升"),
        (MARGIN + 152.0, Align::Right, "医院金额"),
        (right, Align::Right, "血站金额"),
    ];
    let head = |sheet: &mut Sheet, y: f32| {
        for (x, align, title) in columns {
            sheet.text(x, y, 8.5, align, title);
        }
        sheet.rule(y + 1.5, MARGIN, right, 0.5);
    };
    head(&mut sheet, y);
    y += 6.0;
    let amount = |a: Option<Yuan>| a.map_or_else(String::new, |a| a.money().yuan());
    for l in &view.lines {
        if y > bottom {
            sheet.new_page();
            y = MARGIN + 6.0;
            head(&mut sheet, y);
            y += 6.0;
        }
        let certificates = sheet.fit(&l.certificates.join("、"), 8.5, 45.0);
        let patient = sheet.fit(&l.patient_name, 8.5, 17.0);
        let cells = [
            l.outcome.label.clone(),
            kind(l.cancellation).to_owned(),
            l.settlement_no.clone(),
            patient,
            certificates,
            l.ml.to_string(),
            amount(l.amount),
            amount(l.theirs),
        ];
        for ((x, align, _), text) in columns.iter().zip(cells) {
            sheet.text(*x, y, 8.5, *align, &text);
        }
        y += 5.0;
    }
    sheet.rule(y - 3.0, MARGIN, right, 0.5);
    y += 2.0;
    sheet.text(MARGIN, y, 9.5, Align::Left, "合计");
    sheet.text(MARGIN + 152.0, y, 9.5, Align::Right, &view.total.money().yuan());
    sheet.text(right, y, 9.5, Align::Right, &view.theirs_total.money().yuan());
    Ok(sheet.finish(|page, pages| format!("第 {page} 页 / 共 {pages} 页")))
}
