//! The reconciliation review's list as XLSX (对账差异): exactly the discrepancies the finance
//! clerk has on screen, one row each — channel, class, side, kind, the three order numbers, both
//! amounts and the difference, 长短款, time, cause, state and how it was handled. A title, a line
//! saying which day and which filter, a bold frozen header with a filter, money as numbers
//! formatted `#,##0.00`, and a total row written as values.

use contract::Yuan;
use contract::recon::{ReconItem, side_label};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::reconciliation::XlsxReportError;
use crate::reconciliation::xlsx::CONSTANT_MEMORY_ROWS;

const TITLE_ROW: u32 = 0;
const INFO_ROW: u32 = 1;
const HEADER_ROW: u32 = 2;
/// The first data row (0-based); rows before it stay frozen.
pub const FIRST_ROW: u32 = 3;

/// The columns, with their widths in pixels.
pub const COLUMNS: [(&str, u32); 17] = [
    ("渠道", 60),
    ("类别", 90),
    ("方向", 80),
    ("类型", 50),
    ("平台订单号", 170),
    ("第三方单号", 220),
    ("退款单号", 170),
    ("平台金额", 110),
    ("渠道金额", 110),
    ("差额", 100),
    ("长短款", 60),
    ("时间", 140),
    ("原因", 150),
    ("状态", 130),
    ("处理说明", 220),
    ("处理人", 70),
    ("审批人", 70),
];

/// The money columns (平台金额, 渠道金额, 差额).
const PLATFORM_AMOUNT: u16 = 7;
const COUNTERPART_AMOUNT: u16 = 8;
const DIFFERENCE: u16 = 9;

/// The list of `items` for `day`; `scope` says which filter produced it (in words).
pub fn review_xlsx(day: &str, scope: &str, items: &[ReconItem]) -> Result<Vec<u8>, XlsxReportError> {
    let mut book = Workbook::new();
    let sheet = if items.len() > CONSTANT_MEMORY_ROWS {
        book.add_worksheet_with_constant_memory()?
    } else {
        book.add_worksheet()
    };
    write_sheet(sheet, day, scope, items)?;
    Ok(book.save_to_buffer()?)
}

fn write_sheet(sheet: &mut Worksheet, day: &str, scope: &str, items: &[ReconItem]) -> Result<(), XlsxError> {
    let money = Format::new().set_num_format("#,##0.00");
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border_bottom(FormatBorder::Thin);
    let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    let total_money = total.clone().set_num_format("#,##0.00");

    sheet.set_name("对账差异")?;
    sheet.write_with_format(TITLE_ROW, 0, "对账差异明细", &Format::new().set_bold().set_font_size(14))?;
    sheet.write(INFO_ROW, 0, format!("对账日期：{day}    筛选：{scope}    共 {} 条", items.len()))?;
    for (col, (label, width)) in (0u16..).zip(COLUMNS) {
        sheet.set_column_width_pixels(col, width)?;
        sheet.write_with_format(HEADER_ROW, col, label, &header)?;
    }
    sheet.set_freeze_panes(FIRST_ROW, 0)?;
    let last_col = u16::try_from(COLUMNS.len() - 1).unwrap_or(u16::MAX);
    sheet.autofilter(HEADER_ROW, 0, data_row(items.len()).saturating_sub(1).max(HEADER_ROW), last_col)?;

    for (i, item) in items.iter().enumerate() {
        let row = data_row(i);
        let texts: [(u16, &str); 14] = [
            (0, &item.channel.label),
            (1, &item.class.label),
            (2, side_label(&item.side, &item.channel.code)),
            (3, &item.kind.label),
            (4, &item.order_no),
            (5, &item.third_party_no),
            (6, &item.refund_no),
            (10, item.direction.as_deref().unwrap_or("")),
            (11, &item.at),
            (12, &item.cause.label),
            (13, &item.state.label),
            (14, item.reason.as_deref().unwrap_or("")),
            (15, item.resolved_by.as_deref().unwrap_or("")),
            (16, item.approved_by.as_deref().unwrap_or("")),
        ];
        for (col, text) in texts {
            if !text.is_empty() {
                sheet.write(row, col, text)?;
            }
        }
        for (col, amount) in [
            (PLATFORM_AMOUNT, item.platform_amount),
            (COUNTERPART_AMOUNT, item.counterpart_amount),
            (DIFFERENCE, item.difference),
        ] {
            if let Some(amount) = amount {
                sheet.write_with_format(row, col, amount.money().as_decimal(), &money)?;
            }
        }
    }

    let row = data_row(items.len());
    sheet.write_with_format(row, 0, "合计", &total)?;
    sheet.write_with_format(row, 1, format!("{} 条", items.len()), &total)?;
    let difference: domain::Money = items.iter().filter_map(|i| i.difference).map(Yuan::money).sum();
    sheet.write_with_format(row, DIFFERENCE, difference.as_decimal(), &total_money)?;
    Ok(())
}

fn data_row(index: usize) -> u32 {
    FIRST_ROW + u32::try_from(index).unwrap_or(u32::MAX - FIRST_ROW)
}

#[cfg(test)]
// Spreadsheet numbers come back from calamine as floats; they are compared as formatted text.
#[allow(clippy::disallowed_types)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use contract::Tag;
    use domain::Money;

    use super::*;

    fn yuan(text: &str) -> Option<Yuan> {
        Some(Yuan(Money::parse(text).unwrap()))
    }

    fn item(id: &str, class: (&str, &str), side: &str) -> ReconItem {
        ReconItem {
            id: id.to_owned(),
            day: "2025-05-16".into(),
            channel: Tag::new("wechat", "微信"),
            class: Tag::new(class.0, class.1),
            side: side.into(),
            kind: Tag::new("payment", "支付"),
            record_channel: "wechat".into(),
            order_no: format!("P{id}"),
            third_party_no: format!("42000{id}"),
            refund_no: String::new(),
            platform_amount: None,
            counterpart_amount: None,
            difference: None,
            direction: None,
            platform_status: None,
            counterpart_status: None,
            at: "2025-05-16 09:30:00".into(),
            cause: Tag::new("platform_wechat/payment", "平台-微信 / 支付"),
            state: Tag::new("open", "待处理"),
            correction: None,
            reason: None,
            resolved_by: None,
            approved_by: None,
        }
    }

    fn items() -> Vec<ReconItem> {
        let mut mismatch = item("1", ("amount_mismatch", "金额不符"), "both");
        mismatch.platform_amount = yuan("12345.60");
        mismatch.counterpart_amount = yuan("12300.00");
        mismatch.difference = yuan("-45.60");
        mismatch.direction = Some("短款".into());
        mismatch.state = Tag::new("awaiting_approval", "待主管审批");
        mismatch.reason = Some("微信少付，补录".into());
        mismatch.resolved_by = Some("finance".into());
        let mut single = item("2", ("counterpart_only", "渠道/HIS单边"), "counterpart");
        single.counterpart_amount = yuan("88.00");
        single.difference = yuan("88.00");
        vec![mismatch, single]
    }

    fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        match range.get_value((row, col)) {
            Some(Data::Float(f)) => format!("{f:.2}"),
            Some(Data::String(s)) => s.clone(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn the_list_reads_back_row_by_row_with_money_as_numbers() {
        let bytes = review_xlsx("2025-05-16", "渠道：微信", &items()).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), vec!["对账差异".to_owned()]);
        let range = book.worksheet_range("对账差异").unwrap();
        assert_eq!(cell(&range, 0, 0), "对账差异明细");
        assert!(cell(&range, 1, 0).contains("2025-05-16"));
        let header: Vec<String> = (0..17).map(|c| cell(&range, HEADER_ROW, c)).collect();
        assert_eq!(header, COLUMNS.iter().map(|(l, _)| (*l).to_owned()).collect::<Vec<_>>());

        let first: Vec<String> = (0..17).map(|c| cell(&range, FIRST_ROW, c)).collect();
        assert_eq!(
            first,
            [
                "微信",
                "金额不符",
                "双方不符",
                "支付",
                "P1",
                "420001",
                "",
                "12345.60",
                "12300.00",
                "-45.60",
                "短款",
                "2025-05-16 09:30:00",
                "平台-微信 / 支付",
                "待主管审批",
                "微信少付，补录",
                "finance",
                ""
            ]
        );
        assert!(matches!(range.get_value((FIRST_ROW, 7)), Some(Data::Float(_))), "money is a number, not text");
        assert_eq!(cell(&range, FIRST_ROW + 1, 2), "渠道多出");
        assert_eq!(cell(&range, FIRST_ROW + 1, 7), "", "no platform amount for a channel-only entry");
        assert_eq!(cell(&range, FIRST_ROW + 1, 8), "88.00");
        assert_eq!(cell(&range, FIRST_ROW + 2, 0), "合计");
        assert_eq!(cell(&range, FIRST_ROW + 2, 1), "2 条");
        assert_eq!(cell(&range, FIRST_ROW + 2, 9), "42.40");

        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
        assert!(sheet.contains("<autoFilter ref=\"A3:Q5\""), "filter over the header and the rows: {sheet}");
        assert!(sheet.contains("state=\"frozen\""), "the header stays frozen");
        let mut styles = String::new();
        zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
        assert!(styles.contains("#,##0.00"));
    }

    #[test]
    fn an_empty_list_still_has_its_header() {
        let bytes = review_xlsx("2025-05-16", "全部", &[]).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("对账差异").unwrap();
        assert_eq!(cell(&range, HEADER_ROW, 0), "渠道");
        assert_eq!(cell(&range, FIRST_ROW, 1), "0 条");
    }
}
