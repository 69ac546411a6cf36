//! The pledge (用血报销承诺书): printed at the window when a relative cannot show the proof of the
//! relationship (户口簿, 结婚证, 出生证明); the donor or family member signs it, and its scan then
//! stands in for the proof on the registration's checklist. A4 portrait.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use crate::pdf::sheet::MARGIN;
use crate::pdf::{Align, Sheet};
use crate::{RenderedPdf, ReportError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PledgeModel {
    pub hospital: String,
    pub patient_name: String,
    pub case_no: String,
    pub patient_id: String,
    pub donor_name: String,
    pub donor_id: String,
    /// 配偶, 父母, 子女 …
    pub relationship: String,
    /// Certificate number, donation date, ml and kind, as printed.
    pub certificates: Vec<[String; 4]>,
    /// The date printed under the signature line (the day it is printed).
    pub date: String,
}

const WIDTH: f32 = 210.0;
const LINE: f32 = 7.5;

pub fn render_pledge(model: &PledgeModel) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::new(&format!("用血报销承诺书 {}", model.case_no))?;
    let right = WIDTH - MARGIN;
    let width = right - MARGIN;
    sheet.text(WIDTH / 2.0, 22.0, 14.0, Align::Center, &model.hospital);
    sheet.text(WIDTH / 2.0, 32.0, 16.0, Align::Center, "无偿献血者及其亲属用血报销承诺书");
    let mut y = 48.0;
    for (label, value) in [
        ("患者姓名", model.patient_name.as_str()),
        ("住院号", model.case_no.as_str()),
        ("患者身份证号", model.patient_id.as_str()),
        ("献血者姓名", model.donor_name.as_str()),
        ("献血者身份证号", model.donor_id.as_str()),
        ("与患者关系", model.relationship.as_str()),
    ] {
        sheet.text(MARGIN + 4.0, y, 11.0, Align::Left, &format!("{label}：{value}"));
        y += LINE;
    }
    y += 2.0;
    sheet.text(MARGIN + 4.0, y, 11.0, Align::Left, "献血证：");
    y += LINE;
    for [no, date, ml, kind] in &model.certificates {
        let line = sheet.fit(&format!("编号 {no}　献血日期 {date}　献血量 {ml} 毫升　{kind}"), 10.0, width - 12.0);
        sheet.text(MARGIN + 12.0, y, 10.0, Align::Left, &line);
        y += LINE - 1.0;
    }
    y += 6.0;
    let body = format!(
        "本人{}承诺：献血者{}与患者{}系{}关系，因故暂时无法提供户口簿、结婚证或出生证明等关系证明材料。\
         以上所填情况及所交献血证均真实有效。如有虚假，本人愿退还全部用血减免费用，并承担由此产生的一切法律责任。",
        model.donor_name, model.donor_name, model.patient_name, model.relationship
    );
    for line in wrap(&sheet, &body, 11.0, width - 8.0) {
        sheet.text(MARGIN + 4.0, y, 11.0, Align::Left, &line);
        y += LINE;
    }
    y += 16.0;
    sheet.text(right - 80.0, y, 11.0, Align::Left, "承诺人签字：________________");
    y += LINE * 1.6;
    sheet.text(right - 80.0, y, 11.0, Align::Left, "联系电话：__________________");
    y += LINE * 1.6;
    sheet.text(right - 80.0, y, 11.0, Align::Left, &format!("日期：{}", model.date));
    y += LINE * 2.4;
    sheet.rule(y - 4.0, MARGIN, right, 0.4);
    sheet.text(MARGIN + 4.0, y + 2.0, 10.0, Align::Left, "经办人：____________　　审核人：____________");
    Ok(sheet.finish(|_, _| String::new()))
}

/// Breaks `text` into lines no wider than `max_width` at any character (Chinese has no spaces).
fn wrap(sheet: &Sheet, text: &str, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        line.push(c);
        if sheet.width(&line, size) > max_width {
            line.pop();
            lines.push(std::mem::take(&mut line));
            line.push(c);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
