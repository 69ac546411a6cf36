//! The inpatient fee list (住院费用清单): every line grouped by category with subtotals, the
//! deposits, the balance, and the totals in figures and in 大写.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use domain::Money;

use crate::pdf::sheet::{MARGIN, PAGE_HEIGHT, PAGE_WIDTH};
use crate::pdf::{Align, Sheet};
use crate::{RenderedPdf, ReportError};

/// Everything printed on the fee list, already decided by the caller (which lines, labels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementModel {
    pub hospital: String,
    pub title: String,
    pub patient_name: String,
    pub case_no: String,
    /// Label/value pairs printed under the title, two per row (性别, 年龄, 病区…).
    pub patient_facts: Vec<(String, String)>,
    pub categories: Vec<StatementCategory>,
    pub fees_total: Money,
    pub deposits_total: Money,
    /// Deposits − fees.
    pub balance: Money,
    pub printed_by: String,
    pub printed_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementCategory {
    pub label: String,
    pub total: Money,
    pub lines: Vec<StatementLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    /// `MM-DD HH:MM`
    pub charged_at: String,
    pub item_code: String,
    pub item_name: String,
    pub spec: String,
    pub unit: String,
    pub quantity: String,
    pub unit_price: Money,
    pub amount: Money,
    /// e.g. 未确费; empty for an ordinary confirmed line.
    pub note: String,
}

const ROW: f32 = 4.6;
const BODY: f32 = 7.5;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 4.0;

/// Column left edges (or right edges for numbers) in millimetres.
struct Columns;
impl Columns {
    const DATE: f32 = MARGIN;
    const CODE: f32 = MARGIN + 20.0;
    const NAME: f32 = MARGIN + 42.0;
    const SPEC: f32 = MARGIN + 90.0;
    const UNIT: f32 = MARGIN + 116.0;
    const QTY_RIGHT: f32 = MARGIN + 136.0;
    const PRICE_RIGHT: f32 = MARGIN + 154.0;
    const AMOUNT_RIGHT: f32 = MARGIN + 174.0;
    const NOTE: f32 = MARGIN + 175.5;
    const RIGHT: f32 = PAGE_WIDTH - MARGIN;
}

pub fn render_statement(model: &StatementModel) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::new(&format!("{} {} {}", model.title, model.patient_name, model.case_no))?;
    let mut y = first_page_header(&mut sheet, model);
    y = table_header(&mut sheet, y);
    for category in &model.categories {
        y = ensure_space(&mut sheet, model, y, ROW * 2.0);
        sheet.text(Columns::DATE, y, 8.5, Align::Left, &format!("【{}】", category.label));
        sheet.text(Columns::NAME, y, BODY, Align::Left, &format!("{} 项", category.lines.len()));
        y += ROW;
        for line in &category.lines {
            y = ensure_space(&mut sheet, model, y, ROW);
            fee_row(&mut sheet, y, line);
            y += ROW;
        }
        y = ensure_space(&mut sheet, model, y, ROW);
        sheet.text(Columns::PRICE_RIGHT, y, 8.0, Align::Right, &format!("{}小计", category.label));
        sheet.text(Columns::AMOUNT_RIGHT, y, 8.0, Align::Right, &category.total.yuan());
        sheet.rule(y + 1.3, Columns::NAME, Columns::RIGHT, 0.3);
        y += ROW + 0.8;
    }
    y = ensure_space(&mut sheet, model, y, ROW * 7.0);
    totals(&mut sheet, model, y + 2.0);
    let hospital = model.hospital.clone();
    let who = format!("{} 病案号 {}", model.patient_name, model.case_no);
    Ok(sheet.finish(move |page, pages| format!("{hospital}  住院费用清单  {who}  第 {page} 页 / 共 {pages} 页")))
}

fn first_page_header(sheet: &mut Sheet, model: &StatementModel) -> f32 {
    let mut y = MARGIN + 6.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 15.0, Align::Center, &model.hospital);
    y += 8.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 13.0, Align::Center, &model.title);
    y += 8.0;
    let mut facts = vec![("姓名".to_owned(), model.patient_name.clone()), ("病案号".to_owned(), model.case_no.clone())];
    facts.extend(model.patient_facts.iter().cloned());
    for row in facts.chunks(3) {
        for (i, (label, value)) in row.iter().enumerate() {
            let x = MARGIN + 62.0 * i as f32;
            let text = sheet.fit(&format!("{label}：{value}"), 9.0, 60.0);
            sheet.text(x, y, 9.0, Align::Left, &text);
        }
        y += 5.2;
    }
    y + 1.5
}

fn table_header(sheet: &mut Sheet, y: f32) -> f32 {
    sheet.rule(y - 3.6, MARGIN, Columns::RIGHT, 0.8);
    for (x, align, label) in [
        (Columns::DATE, Align::Left, "日期"),
        (Columns::CODE, Align::Left, "项目编码"),
        (Columns::NAME, Align::Left, "项目名称"),
        (Columns::SPEC, Align::Left, "规格"),
        (Columns::UNIT, Align::Left, "单位"),
        (Columns::QTY_RIGHT, Align::Right, "数量"),
        (Columns::PRICE_RIGHT, Align::Right, "单价"),
        (Columns::AMOUNT_RIGHT, Align::Right, "金额"),
        (Columns::NOTE, Align::Left, "备注"),
    ] {
        sheet.text(x, y, 8.0, align, label);
    }
    sheet.rule(y + 1.4, MARGIN, Columns::RIGHT, 0.5);
    y + ROW + 0.6
}

/// Starts a new page (with a short header and the column titles) when `need` does not fit.
fn ensure_space(sheet: &mut Sheet, model: &StatementModel, y: f32, need: f32) -> f32 {
    if y + need <= BOTTOM {
        return y;
    }
    sheet.new_page();
    let top = MARGIN + 4.0;
    let continued = format!("{}（续）  {}  病案号 {}", model.title, model.patient_name, model.case_no);
    sheet.text(MARGIN, top, 9.0, Align::Left, &continued);
    table_header(sheet, top + 7.0)
}

fn fee_row(sheet: &mut Sheet, y: f32, line: &StatementLine) {
    sheet.text(Columns::DATE, y, BODY, Align::Left, &line.charged_at);
    let code = sheet.fit(&line.item_code, BODY, 21.0);
    sheet.text(Columns::CODE, y, BODY, Align::Left, &code);
    let name = sheet.fit(&line.item_name, BODY, 47.0);
    sheet.text(Columns::NAME, y, BODY, Align::Left, &name);
    let spec = sheet.fit(&line.spec, BODY, 25.0);
    sheet.text(Columns::SPEC, y, BODY, Align::Left, &spec);
    sheet.text(Columns::UNIT, y, BODY, Align::Left, &line.unit);
    sheet.text(Columns::QTY_RIGHT, y, BODY, Align::Right, &line.quantity);
    sheet.text(Columns::PRICE_RIGHT, y, BODY, Align::Right, &line.unit_price.to_string());
    sheet.text(Columns::AMOUNT_RIGHT, y, BODY, Align::Right, &line.amount.to_string());
    sheet.text(Columns::NOTE, y, BODY, Align::Left, &line.note);
}

fn totals(sheet: &mut Sheet, model: &StatementModel, mut y: f32) {
    sheet.rule(y - 3.8, MARGIN, Columns::RIGHT, 0.8);
    let rows = [
        ("费用合计", model.fees_total),
        ("预交金合计", model.deposits_total),
        (if model.balance.is_negative() { "欠费" } else { "预交金余额" }, model.balance.abs()),
    ];
    for (label, amount) in rows {
        sheet.text(MARGIN, y, 10.0, Align::Left, &format!("{label}："));
        sheet.text(MARGIN + 60.0, y, 10.0, Align::Right, &amount.yuan());
        sheet.text(MARGIN + 66.0, y, 10.0, Align::Left, &format!("大写：{}", amount.words()));
        y += 6.5;
    }
    y += 2.0;
    sheet.text(MARGIN, y, 9.0, Align::Left, &format!("打印：{}    打印时间：{}", model.printed_by, model.printed_at));
    sheet.text(Columns::RIGHT, y, 9.0, Align::Right, "患者（家属）签字：____________");
}
