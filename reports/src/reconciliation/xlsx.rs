//! The reconciliation reports as XLSX: the result report (对账结果, 不符明细) and the
//! single-sided detail report (平台多出, 渠道多出 / HIS多出). Every sheet: a title, a line saying
//! which day and what was compared, a bold header row that stays frozen, a filter on the
//! header, money as numbers formatted `#,##0.00`, and totals written as values.
//!
//! A detail sheet of more than [`CONSTANT_MEMORY_ROWS`] entries is written in rust_xlsxwriter's
//! constant-memory mode (rows streamed through a temporary file of the library's own), so a day
//! with a million single-sided entries does not need a gigabyte.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::XlsxReportError;
use super::model::{CountAmount, DiscrepancyLine, ReconciliationReport, ResultLine, SingleSidedLine, total_of};

/// Above this many entries a detail sheet is written in constant-memory mode.
pub const CONSTANT_MEMORY_ROWS: usize = 50_000;

const TITLE_ROW: u32 = 0;
const INFO_ROW: u32 = 1;
const HEADER_ROW: u32 = 2;
const FIRST_ROW: u32 = 3;

/// The result report: 对账结果 (per channel and total, the mismatch figures) and 不符明细.
pub fn result_xlsx(report: &ReconciliationReport) -> Result<Vec<u8>, XlsxReportError> {
    build(report, true, false)
}

/// The single-sided detail report: two tabs, 平台多出 and 渠道多出 (or HIS多出).
pub fn single_sided_xlsx(report: &ReconciliationReport) -> Result<Vec<u8>, XlsxReportError> {
    build(report, false, true)
}

/// Both reports in one workbook: 对账结果, 不符明细, 平台多出, 渠道多出 / HIS多出.
pub fn reconciliation_xlsx(report: &ReconciliationReport) -> Result<Vec<u8>, XlsxReportError> {
    build(report, true, true)
}

fn build(report: &ReconciliationReport, result: bool, detail: bool) -> Result<Vec<u8>, XlsxReportError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    if result {
        result_sheet(book.add_worksheet(), report, &styles)?;
        discrepancy_sheet(book.add_worksheet(), report, &styles)?;
    }
    if detail {
        for (tab, lines) in
            [(report.platform_tab(), &report.platform_extra), (report.counterpart_tab(), &report.counterpart_extra)]
        {
            let sheet = if lines.len() > CONSTANT_MEMORY_ROWS {
                book.add_worksheet_with_constant_memory()?
            } else {
                book.add_worksheet()
            };
            detail_sheet(sheet, &tab, report, lines, &styles)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

struct Styles {
    title: Format,
    header: Format,
    money: Format,
    count: Format,
    total_label: Format,
    total_money: Format,
    total_count: Format,
}

impl Styles {
    fn new() -> Styles {
        let money = "#,##0.00";
        let header = Format::new()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(0x00DD_EBF7))
            .set_border_bottom(FormatBorder::Thin);
        let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            header,
            money: Format::new().set_num_format(money),
            count: Format::new().set_num_format("0"),
            total_label: total.clone(),
            total_money: total.clone().set_num_format(money),
            total_count: total.set_num_format("0\"笔\""),
        }
    }
}

fn heading(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    report: &ReconciliationReport,
    s: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    sheet.write_with_format(TITLE_ROW, 0, title, &s.title)?;
    let mut info = format!("对账日期：{}    对账范围：{}", report.day, report.scope);
    if !report.generated_at.is_empty() {
        info.push_str(&format!("    生成时间：{}", report.generated_at));
    }
    sheet.write(INFO_ROW, 0, info)?;
    Ok(())
}

/// Header cells with their widths in pixels; freezes the rows above the data and filters the
/// header over `rows` data rows.
fn header_row(sheet: &mut Worksheet, columns: &[(&str, u32)], rows: usize, s: &Styles) -> Result<(), XlsxError> {
    for (col, (label, width)) in (0u16..).zip(columns) {
        sheet.set_column_width_pixels(col, *width)?;
        sheet.write_with_format(HEADER_ROW, col, *label, &s.header)?;
    }
    sheet.set_freeze_panes(FIRST_ROW, 0)?;
    let last_col = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let last_row = HEADER_ROW + u32::try_from(rows).unwrap_or(u32::MAX - HEADER_ROW);
    sheet.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    Ok(())
}

fn data_row(row: usize) -> u32 {
    FIRST_ROW + u32::try_from(row).unwrap_or(u32::MAX - FIRST_ROW)
}

fn result_sheet(sheet: &mut Worksheet, report: &ReconciliationReport, s: &Styles) -> Result<(), XlsxError> {
    heading(sheet, "对账结果", "对账结果报表", report, s)?;
    let cp = &report.counterpart;
    let (cp_count, cp_amount) = (format!("{cp}单边笔数"), format!("{cp}单边金额"));
    let columns = [
        ("渠道", 90),
        ("已对平笔数", 90),
        ("已对平金额", 120),
        ("平台单边笔数", 100),
        ("平台单边金额", 120),
        (cp_count.as_str(), 100),
        (cp_amount.as_str(), 120),
        ("金额不符笔数", 100),
        ("金额不符金额", 120),
        ("状态不符笔数", 100),
        ("手续费不符笔数", 110),
        ("跨天待定笔数", 100),
        ("跨天待定金额", 120),
    ];
    header_row(sheet, &columns, report.channels.len(), s)?;
    for (i, line) in report.channels.iter().enumerate() {
        result_cells(sheet, data_row(i), line, &s.count, &s.money, &s.count)?;
    }
    let total_row = data_row(report.channels.len());
    result_cells(sheet, total_row, &report.total, &s.total_count, &s.total_money, &s.total_label)?;

    let f = &report.figures;
    let mut row = total_row + 2;
    sheet.write_with_format(row, 0, "差异汇总", &s.header)?;
    let counts: [(&str, u64); 5] = [
        ("长款笔数", f.long),
        ("短款笔数", f.short),
        ("跨天已解决笔数", f.cross_day_resolved),
        ("已关闭（未发生资金）笔数", f.void),
        ("非本渠道笔数", f.out_of_scope),
    ];
    for (label, value) in counts {
        row += 1;
        sheet.write(row, 0, label)?;
        sheet.write_with_format(row, 2, value, &s.count)?;
    }
    row += 1;
    sheet.write(row, 0, format!("长短款差额（{cp}减平台）"))?;
    sheet.write_with_format(row, 2, f.amount_difference.as_decimal(), &s.money)?;
    if let Some(fees) = f.channel_fees {
        row += 1;
        sheet.write(row, 0, "渠道手续费")?;
        sheet.write_with_format(row, 2, fees.as_decimal(), &s.money)?;
    }
    Ok(())
}

fn result_cells(
    sheet: &mut Worksheet,
    row: u32,
    line: &ResultLine,
    count: &Format,
    money: &Format,
    label: &Format,
) -> Result<(), XlsxError> {
    sheet.write_with_format(row, 0, line.label.as_str(), label)?;
    let mut col = 1;
    let pairs: [(CountAmount, bool); 7] = [
        (line.matched, true),
        (line.platform_only, true),
        (line.counterpart_only, true),
        (line.amount_mismatch, true),
        (line.status_mismatch, false),
        (line.fee_mismatch, false),
        (line.cross_day_deferred, true),
    ];
    for (figure, with_amount) in pairs {
        sheet.write_with_format(row, col, figure.count, count)?;
        col += 1;
        if with_amount {
            sheet.write_with_format(row, col, figure.amount.as_decimal(), money)?;
            col += 1;
        }
    }
    Ok(())
}

fn discrepancy_sheet(sheet: &mut Worksheet, report: &ReconciliationReport, s: &Styles) -> Result<(), XlsxError> {
    heading(sheet, "不符明细", "金额、状态、手续费不符明细", report, s)?;
    let cp = &report.counterpart;
    let (status, amount, fee) = (format!("{cp}状态"), format!("{cp}金额"), format!("{cp}手续费"));
    let columns = [
        ("序号", 50),
        ("类别", 80),
        ("渠道", 60),
        ("类型", 50),
        ("平台订单号", 170),
        ("第三方单号", 220),
        ("退款单号", 170),
        ("平台交易时间", 140),
        ("平台状态", 70),
        (status.as_str(), 70),
        ("平台金额", 110),
        (amount.as_str(), 110),
        ("差额", 100),
        ("长短款", 60),
        (fee.as_str(), 90),
    ];
    header_row(sheet, &columns, report.discrepancies.len(), s)?;
    for (i, d) in report.discrepancies.iter().enumerate() {
        discrepancy_cells(sheet, data_row(i), i, d, s)?;
    }
    let total = data_row(report.discrepancies.len());
    sheet.write_with_format(total, 0, "合计", &s.total_label)?;
    sheet.write_with_format(total, 1, report.discrepancies.len() as u64, &s.total_count)?;
    let difference: domain::Money = report.discrepancies.iter().map(|d| d.difference).sum();
    sheet.write_with_format(total, 12, difference.as_decimal(), &s.total_money)?;
    Ok(())
}

fn discrepancy_cells(
    sheet: &mut Worksheet,
    row: u32,
    index: usize,
    d: &DiscrepancyLine,
    s: &Styles,
) -> Result<(), XlsxError> {
    sheet.write(row, 0, index as u64 + 1)?;
    let texts = [
        &d.class,
        &d.channel,
        &d.kind,
        &d.order_no,
        &d.third_party_no,
        &d.refund_no,
        &d.platform_at,
        &d.platform_status,
        &d.counterpart_status,
    ];
    for (col, text) in (1u16..).zip(texts) {
        sheet.write(row, col, text.as_str())?;
    }
    sheet.write_with_format(row, 10, d.platform_amount.as_decimal(), &s.money)?;
    sheet.write_with_format(row, 11, d.counterpart_amount.as_decimal(), &s.money)?;
    sheet.write_with_format(row, 12, d.difference.as_decimal(), &s.money)?;
    sheet.write(row, 13, d.direction.as_str())?;
    sheet.write(row, 14, d.counterpart_fee.as_str())?;
    Ok(())
}

fn detail_sheet(
    sheet: &mut Worksheet,
    tab: &str,
    report: &ReconciliationReport,
    lines: &[SingleSidedLine],
    s: &Styles,
) -> Result<(), XlsxError> {
    heading(sheet, tab, &format!("单边账明细（{tab}）"), report, s)?;
    let columns = [
        ("序号", 50),
        ("渠道", 60),
        ("类型", 50),
        ("平台订单号", 170),
        ("第三方单号", 220),
        ("退款单号", 170),
        ("交易时间", 140),
        ("所属日期", 90),
        ("状态", 60),
        ("金额", 110),
        ("原因（提供方）", 110),
        ("原因（类别）", 90),
    ];
    header_row(sheet, &columns, lines.len(), s)?;
    for (i, line) in lines.iter().enumerate() {
        let row = data_row(i);
        sheet.write(row, 0, i as u64 + 1)?;
        let texts = [
            &line.channel,
            &line.kind,
            &line.order_no,
            &line.third_party_no,
            &line.refund_no,
            &line.at,
            &line.day,
            &line.status,
        ];
        for (col, text) in (1u16..).zip(texts) {
            sheet.write(row, col, text.as_str())?;
        }
        sheet.write_with_format(row, 9, line.amount.as_decimal(), &s.money)?;
        sheet.write(row, 10, line.provider.as_str())?;
        sheet.write(row, 11, line.cause.as_str())?;
    }
    let total = total_of(lines);
    let row = data_row(lines.len());
    sheet.write_with_format(row, 0, "合计", &s.total_label)?;
    sheet.write_with_format(row, 1, total.count, &s.total_count)?;
    sheet.write_with_format(row, 9, total.amount.as_decimal(), &s.total_money)?;
    Ok(())
}
