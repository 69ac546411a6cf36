//! The day's end on paper: the cashier's daily report (收费员日报: figures by tender, settlements,
//! insurance, counts, numbers, cheques, 补入 records, the identities with their figures, 应缴现金
//! in 大写 and signature lines), finance's 缴款收据, and the hospital's 住院日报 / 月报 (the month
//! with a bar chart of takings by day and by tender). PDF (A4) and XLSX, from the contract's
//! views as the app made them.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use contract::Yuan;
use contract::close::{ByTender, CloseView, DailyReport, HandInView, IdentityLine, MonthlyReport, RollForward};
use domain::{Money, Tender};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::pdf::sheet::{MARGIN, PAGE_HEIGHT, PAGE_WIDTH};
use crate::pdf::{Align, Sheet};
use crate::{RenderedPdf, ReportError};

const ROW: f32 = 5.2;
const BODY: f32 = 8.5;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 8.0;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;

fn amount(map: &ByTender, code: &str) -> Money {
    map.get(code).map_or(Money::ZERO, |y| y.money())
}

/// The tender columns: each tender's label and code, then 合计.
fn columns() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Tender::ALL.iter().map(|t| (t.label(), t.code())).collect();
    out.push(("合计", "total"));
    out
}

/// A page writer that starts a new page when a line does not fit.
struct Pages {
    sheet: Sheet,
    y: f32,
    title: String,
}

impl Pages {
    fn new(title: &str, hospital: &str) -> Result<Pages, ReportError> {
        let mut sheet = Sheet::new(title)?;
        let mut y = MARGIN + 6.0;
        sheet.text(PAGE_WIDTH / 2.0, y, 15.0, Align::Center, hospital);
        y += 8.0;
        sheet.text(PAGE_WIDTH / 2.0, y, 13.0, Align::Center, title);
        y += 8.0;
        Ok(Pages { sheet, y, title: title.to_owned() })
    }

    fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.sheet.new_page();
            self.y = MARGIN + 4.0;
            let title = format!("{}（续）", self.title);
            self.sheet.text(MARGIN, self.y, 9.0, Align::Left, &title);
            self.y += 8.0;
        }
    }

    fn line(&mut self, size: f32, text: &str) {
        self.need(ROW);
        let text = self.sheet.fit(text, size, RIGHT - MARGIN);
        self.sheet.text(MARGIN, self.y, size, Align::Left, &text);
        self.y += ROW;
    }

    fn heading(&mut self, text: &str) {
        self.need(ROW * 3.0);
        self.y += 2.0;
        self.sheet.text(MARGIN, self.y, 10.0, Align::Left, text);
        self.sheet.rule(self.y + 1.4, MARGIN, RIGHT, 0.4);
        self.y += ROW + 0.6;
    }

    /// A table of rows × tender columns.
    fn tender_table(&mut self, rows: &[(&str, &ByTender)]) {
        let cols = columns();
        let label_width = 30.0;
        let width = (RIGHT - MARGIN - label_width) / cols.len() as f32;
        self.need(ROW * 2.0);
        for (i, (label, _)) in cols.iter().enumerate() {
            let x = MARGIN + label_width + width * (i as f32 + 1.0);
            self.sheet.text(x, self.y, BODY, Align::Right, label);
        }
        self.y += ROW;
        for (label, map) in rows {
            self.need(ROW);
            self.sheet.text(MARGIN, self.y, BODY, Align::Left, label);
            for (i, (_, code)) in cols.iter().enumerate() {
                let x = MARGIN + label_width + width * (i as f32 + 1.0);
                let text = amount(map, code).to_string();
                self.sheet.text(x, self.y, BODY, Align::Right, &text);
            }
            self.y += ROW;
        }
    }

    fn identities(&mut self, lines: &[IdentityLine]) {
        self.heading("恒等式校验");
        for line in lines {
            let mark = if line.holds { "成立" } else { "不成立" };
            self.line(BODY, &format!("{}（{mark}）：{}", line.name, line.text));
        }
    }

    fn roll(&mut self, name: &str, roll: &RollForward) {
        let moves: Vec<String> = roll.movements.iter().map(|(k, v)| format!("{} {}", movement_label(k), v)).collect();
        self.line(
            BODY,
            &format!(
                "{name}：期初 {}；{}；期末 {}（按记录 {}，{}）",
                roll.start,
                moves.join("，"),
                roll.end,
                roll.end_from_records,
                if roll.holds { "相符" } else { "不符" }
            ),
        );
    }

    fn finish(self, footer_name: String) -> RenderedPdf {
        self.sheet.finish(move |page, pages| format!("{footer_name}  第 {page} 页 / 共 {pages} 页"))
    }
}

fn movement_label(code: &str) -> &str {
    match code {
        "received" => "收取",
        "reversed" => "退还",
        "recall_transfers" => "召回转入",
        "applied" => "结算冲抵",
        "restored_by_recalls" => "召回恢复",
        "charged" => "计费",
        "settled" => "结算",
        "recalled" => "召回",
        other => other,
    }
}

// ---- 收费员日报 ----

pub fn close_pdf(view: &CloseView, hospital: &str, printed_at: &str) -> Result<RenderedPdf, ReportError> {
    let mut p = Pages::new("收费员日报", hospital)?;
    let number = view.close_no.clone().unwrap_or_else(|| "（预览，未日结）".into());
    p.line(
        9.0,
        &format!(
            "日结单号：{number}    收费员：{}（{}）    {}",
            view.cashier, view.cashier_username, view.status_label
        ),
    );
    p.line(9.0, &format!("期间：{} 至 {}    打印时间：{printed_at}", view.from, view.until));
    p.heading("收付款（按支付方式）");
    p.tender_table(&[
        ("预交金收取", &view.deposits_received),
        ("预交金退还", &view.deposits_reversed),
        ("结算补缴", &view.settlements_collected),
        ("结算退款", &view.settlements_refunded),
        ("净额", &view.net),
    ]);
    p.heading("结算");
    p.line(
        BODY,
        &format!(
            "结算费用 {}    预交金冲抵 {}    统筹 {}    个人账户 {}    用血减免 {}",
            view.fees_settled, view.deposits_applied, view.insurance_fund, view.personal_account, view.blood_waiver
        ),
    );
    for line in view.insurance.iter().filter(|l| !l.fund.money().is_zero() || !l.personal_account.money().is_zero()) {
        p.line(BODY, &format!("  {}：统筹 {}，个人账户 {}", line.label, line.fund, line.personal_account));
    }
    p.heading("单据");
    p.line(
        BODY,
        &format!(
            "收据 {} 张，结算 {} 笔，召回 {} 笔；电子票据开具 {} 张，冲红 {} 张；纸质票据打印 {} 张，作废 {} 张",
            view.receipts,
            view.settlements,
            view.recalls,
            view.invoices_issued,
            view.invoices_reversed,
            view.paper_printed,
            view.paper_voided
        ),
    );
    p.line(BODY, &format!("使用号码：{}", list(&view.numbers_used)));
    p.line(BODY, &format!("作废号码：{}", list(&view.numbers_voided)));
    if !view.paper_used.is_empty() {
        p.line(BODY, &format!("纸质票据号：{}", list(&view.paper_used)));
    }
    if !view.cheques.is_empty() {
        p.heading("支票明细");
        for c in &view.cheques {
            let number = if c.number.is_empty() { "（未填支票号）" } else { c.number.as_str() };
            p.line(BODY, &format!("{number}    {}    {}", c.amount, c.document));
        }
    }
    if !view.late.is_empty() {
        p.heading("补入（上次日结后到达的记录）");
        for l in &view.late {
            p.line(BODY, &format!("{} {}    {}", l.what, l.number, l.at));
        }
    }
    p.identities(&view.identities);
    p.need(ROW * 6.0);
    p.y += 3.0;
    p.sheet.text(MARGIN, p.y, 11.0, Align::Left, &format!("应缴现金：{}", view.cash_to_hand_in));
    p.y += ROW + 1.0;
    p.sheet.text(MARGIN, p.y, 11.0, Align::Left, &format!("大写：{}", view.cash_to_hand_in_words));
    p.y += ROW * 2.5;
    p.sheet.text(MARGIN, p.y, 10.0, Align::Left, "收费员签字：______________");
    p.sheet.text(MARGIN + 70.0, p.y, 10.0, Align::Left, "财务签收：______________");
    p.sheet.text(MARGIN + 140.0, p.y, 10.0, Align::Left, "日期：__________");
    Ok(p.finish(format!("{hospital}  收费员日报  {number}")))
}

fn list(items: &[String]) -> String {
    if items.is_empty() { "无".into() } else { items.join("，") }
}

fn tender_rows(
    sheet: &mut Worksheet,
    row: &mut u32,
    rows: &[(&str, &ByTender)],
    money: &Format,
    bold: &Format,
) -> Result<(), ReportError> {
    for (col, (label, _)) in (1u16..).zip(columns()) {
        sheet.write_with_format(*row, col, label, bold)?;
    }
    *row += 1;
    for (label, map) in rows {
        sheet.write(*row, 0, *label)?;
        for (col, (_, code)) in (1u16..).zip(columns()) {
            sheet.write_with_format(*row, col, amount(map, code).as_decimal(), money)?;
        }
        *row += 1;
    }
    Ok(())
}

pub fn close_xlsx(view: &CloseView, hospital: &str) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("收费员日报")?;
    let money = Format::new().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    sheet.set_column_width_pixels(0, 130)?;
    sheet.write_with_format(0, 0, format!("{hospital} 收费员日报"), &bold)?;
    sheet.write(1, 0, format!("日结单号：{}", view.close_no.clone().unwrap_or_else(|| "预览".into())))?;
    sheet.write(2, 0, format!("收费员：{}    期间：{} 至 {}", view.cashier, view.from, view.until))?;
    let mut row = 4;
    tender_rows(
        sheet,
        &mut row,
        &[
            ("预交金收取", &view.deposits_received),
            ("预交金退还", &view.deposits_reversed),
            ("结算补缴", &view.settlements_collected),
            ("结算退款", &view.settlements_refunded),
            ("净额", &view.net),
        ],
        &money,
        &bold,
    )?;
    row += 1;
    for (label, value) in [
        ("结算费用", view.fees_settled),
        ("预交金冲抵", view.deposits_applied),
        ("统筹", view.insurance_fund),
        ("个人账户", view.personal_account),
        ("用血减免", view.blood_waiver),
        ("应缴现金", view.cash_to_hand_in),
    ] {
        sheet.write(row, 0, label)?;
        sheet.write_with_format(row, 1, value.money().as_decimal(), &money)?;
        row += 1;
    }
    sheet.write(row, 0, "应缴现金大写")?;
    sheet.write(row, 1, &view.cash_to_hand_in_words)?;
    row += 2;
    sheet.write(row, 0, "使用号码")?;
    sheet.write(row, 1, list(&view.numbers_used))?;
    row += 1;
    sheet.write(row, 0, "作废号码")?;
    sheet.write(row, 1, list(&view.numbers_voided))?;
    row += 2;
    for c in &view.cheques {
        sheet.write(row, 0, "支票")?;
        sheet.write(row, 1, &c.number)?;
        sheet.write_with_format(row, 2, c.amount.money().as_decimal(), &money)?;
        sheet.write(row, 3, &c.document)?;
        row += 1;
    }
    for l in &view.identities {
        sheet.write(row, 0, &l.name)?;
        sheet.write(row, 1, if l.holds { "成立" } else { "不成立" })?;
        sheet.write(row, 2, &l.text)?;
        row += 1;
    }
    Ok(book.save_to_buffer()?)
}

// ---- 缴款收据 ----

pub fn hand_in_pdf(view: &HandInView, hospital: &str) -> Result<RenderedPdf, ReportError> {
    let mut p = Pages::new("缴款收据", hospital)?;
    p.line(9.0, &format!("缴款单号：{}    缴款时间：{}", view.hand_in_no, view.at));
    p.line(9.0, &format!("收费员：{}    收款人（财务）：{}", view.cashier, view.collected_by));
    p.line(9.0, &format!("日结单：{}", view.closes.join("，")));
    p.heading("现金");
    p.line(
        BODY,
        &format!("应缴 {}    实收 {}（大写：{}）", view.expected_cash, view.counted_cash, view.counted_cash_words),
    );
    if !view.denominations.is_empty() {
        let pieces: Vec<String> = view.denominations.iter().map(|(face, n)| format!("{face} × {n}")).collect();
        p.line(BODY, &format!("清点：{}", pieces.join("，")));
    }
    p.heading("支票");
    p.line(BODY, &format!("应缴 {}    实收 {}", view.expected_cheques, view.counted_cheques));
    for c in &view.cheques {
        p.line(BODY, &format!("  {}    {}", c.number, c.amount));
    }
    p.heading("差额");
    let reason = view.reason.clone().unwrap_or_default();
    p.line(BODY, &format!("{} {}    {reason}", view.difference_label, Yuan(view.difference.money().abs())));
    if let Some(reversed) = &view.reversed {
        p.line(BODY, &format!("已冲销：{reversed}"));
    }
    p.y += ROW * 2.0;
    p.sheet.text(MARGIN, p.y, 10.0, Align::Left, "缴款人签字：______________");
    p.sheet.text(MARGIN + 90.0, p.y, 10.0, Align::Left, "收款人签字：______________");
    Ok(p.finish(format!("{hospital}  缴款收据  {}", view.hand_in_no)))
}

// ---- 住院日报 / 月报 ----

fn day_body(p: &mut Pages, d: &DailyReport) {
    p.heading("实收（按支付方式）");
    p.tender_table(&[("全院", &d.takings)]);
    let by_cashier: Vec<(String, &ByTender)> = d.by_cashier.iter().map(|c| (c.cashier.clone(), &c.takings)).collect();
    let rows: Vec<(&str, &ByTender)> = by_cashier.iter().map(|(n, m)| (n.as_str(), *m)).collect();
    if !rows.is_empty() {
        p.heading("按收费员");
        p.tender_table(&rows);
    }
    p.heading("收入（按科室 / 费用类别）");
    for l in &d.by_department {
        p.line(BODY, &format!("科室 {}：{}", l.label, l.amount));
    }
    for l in &d.by_category {
        p.line(BODY, &format!("类别 {}：{}", l.label, l.amount));
    }
    p.heading("医保与用血");
    for l in &d.insurance {
        p.line(BODY, &format!("{}：统筹 {}，个人账户 {}", l.label, l.fund, l.personal_account));
    }
    p.line(BODY, &format!("用血减免 {}    结算费用 {}", d.blood_waiver, d.fees_settled));
    p.heading("滚存");
    p.roll("预交金", &d.deposit_rollforward);
    p.roll("在院费用", &d.inpatient_fee_rollforward);
    p.line(
        BODY,
        &format!(
            "交付预交金 {} − 收回出院押金 {} + 结算费用收入 {} = 住院实际收入 {}",
            d.deposits_paid_in, d.refunds_at_discharge, d.settlement_income, d.actual_income
        ),
    );
    p.identities(&d.identities);
}

pub fn daily_pdf(d: &DailyReport) -> Result<RenderedPdf, ReportError> {
    let mut p = Pages::new("住院日报", &d.hospital)?;
    p.line(9.0, &format!("日期：{}    恒等式：{}", d.date, if d.identity_holds { "全部成立" } else { "有不成立项" }));
    day_body(&mut p, d);
    Ok(p.finish(format!("{}  住院日报  {}", d.hospital, d.date)))
}

/// Takings by day as horizontal bars (one per day, its length the day's total), and the month's
/// takings by tender as bars too.
fn chart(p: &mut Pages, m: &MonthlyReport) {
    let totals: Vec<(String, Money)> =
        m.days.iter().map(|d| (d.date[5..].to_owned(), amount(&d.takings, "total"))).collect();
    let tenders: Vec<(String, Money)> =
        Tender::ALL.iter().map(|t| (t.label().to_owned(), amount(&m.takings, t.code()))).collect();
    let widest = totals.iter().chain(&tenders).map(|(_, a)| a.fen().abs()).max().unwrap_or(0).max(1);
    let (left, width) = (MARGIN + 18.0, RIGHT - MARGIN - 50.0);
    for (title, bars) in [("每日实收", &totals), ("按支付方式", &tenders)] {
        p.heading(&format!("图：{title}"));
        for (label, value) in bars {
            p.need(ROW);
            p.sheet.text(MARGIN, p.y, 7.5, Align::Left, label);
            let length = width * (value.fen().abs() as f32 / widest as f32);
            if length > 0.2 {
                p.sheet.rule(p.y - 1.2, left, left + length, 3.0);
            }
            p.sheet.text(left + length + 2.0, p.y, 7.5, Align::Left, &value.to_string());
            p.y += ROW - 0.8;
        }
    }
}

pub fn monthly_pdf(m: &MonthlyReport) -> Result<RenderedPdf, ReportError> {
    let mut p = Pages::new("住院月报", &m.hospital)?;
    p.line(9.0, &format!("月份：{}    恒等式：{}", m.month, if m.identity_holds { "全部成立" } else { "有不成立项" }));
    p.heading("本月实收（按支付方式）");
    p.tender_table(&[("合计", &m.takings)]);
    p.heading("逐日实收");
    let rows: Vec<(&str, &ByTender)> = m.days.iter().map(|d| (d.date.as_str(), &d.takings)).collect();
    p.tender_table(&rows);
    p.heading("滚存");
    p.roll("预交金", &m.deposit_rollforward);
    p.roll("在院费用", &m.inpatient_fee_rollforward);
    p.line(BODY, &format!("本月结算费用 {}", m.fees_settled));
    chart(&mut p, m);
    Ok(p.finish(format!("{}  住院月报  {}", m.hospital, m.month)))
}

fn day_sheet(sheet: &mut Worksheet, d: &DailyReport, money: &Format, bold: &Format) -> Result<(), ReportError> {
    sheet.set_column_width_pixels(0, 140)?;
    sheet.write_with_format(0, 0, format!("{} 住院日报 {}", d.hospital, d.date), bold)?;
    let mut row = 2;
    let mut rows: Vec<(&str, &ByTender)> = vec![("全院", &d.takings)];
    rows.extend(d.by_cashier.iter().map(|c| (c.cashier.as_str(), &c.takings)));
    tender_rows(sheet, &mut row, &rows, money, bold)?;
    row += 1;
    for (name, roll) in [("预交金滚存", &d.deposit_rollforward), ("在院费用滚存", &d.inpatient_fee_rollforward)]
    {
        sheet.write_with_format(row, 0, name, bold)?;
        sheet.write(row, 1, "期初")?;
        sheet.write_with_format(row, 2, roll.start.money().as_decimal(), money)?;
        row += 1;
        for (k, v) in &roll.movements {
            sheet.write(row, 1, movement_label(k))?;
            sheet.write_with_format(row, 2, v.money().as_decimal(), money)?;
            row += 1;
        }
        sheet.write(row, 1, "期末")?;
        sheet.write_with_format(row, 2, roll.end.money().as_decimal(), money)?;
        row += 1;
    }
    row += 1;
    for l in &d.identities {
        sheet.write(row, 0, &l.name)?;
        sheet.write(row, 1, if l.holds { "成立" } else { "不成立" })?;
        sheet.write(row, 2, &l.text)?;
        row += 1;
    }
    Ok(())
}

pub fn daily_xlsx(d: &DailyReport) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let money = Format::new().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("住院日报")?;
    day_sheet(sheet, d, &money, &bold)?;
    Ok(book.save_to_buffer()?)
}

pub fn monthly_xlsx(m: &MonthlyReport) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let money = Format::new().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("住院月报")?;
    sheet.set_column_width_pixels(0, 110)?;
    sheet.write_with_format(0, 0, format!("{} 住院月报 {}", m.hospital, m.month), &bold)?;
    let mut row = 2;
    let mut rows: Vec<(&str, &ByTender)> = m.days.iter().map(|d| (d.date.as_str(), &d.takings)).collect();
    rows.push(("合计", &m.takings));
    tender_rows(sheet, &mut row, &rows, &money, &bold)?;
    // The chart of takings by day, from the sheet's own cells.
    let mut chart = rust_xlsxwriter::Chart::new(rust_xlsxwriter::ChartType::ColumnStacked);
    let days = u32::try_from(m.days.len()).unwrap_or(0);
    if days > 0 {
        for (col, (label, _)) in (1u16..).zip(Tender::ALL.iter().map(|t| (t.label(), t.code()))) {
            chart.add_series().set_name(label).set_categories(("住院月报", 3, 0, 2 + days, 0)).set_values((
                "住院月报",
                3,
                col,
                2 + days,
                col,
            ));
        }
        chart.title().set_name("每日实收（按支付方式）");
        sheet.insert_chart(row + 2, 1, &chart)?;
    }
    for d in &m.days {
        let day = book.add_worksheet();
        day.set_name(&d.date)?;
        day_sheet(day, d, &money, &bold)?;
    }
    Ok(book.save_to_buffer()?)
}
