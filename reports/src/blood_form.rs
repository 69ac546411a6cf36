//! The blood reimbursement form (用血报销单): who was waived what at a settlement — the patient,
//! the donor and relationship, each certificate and the millilitres it paid, each blood product
//! with its volume, cost and the part waived, the total in figures and 大写, and the signature
//! lines. Two copies on two A4 pages: 第一联 医院留存, 第二联 血站留存.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use domain::Money;

use crate::pdf::sheet::{MARGIN, PAGE_WIDTH};
use crate::pdf::{Align, Sheet};
use crate::{RenderedPdf, ReportError};

/// One blood product on the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormProduct {
    pub name: String,
    pub ml: u32,
    pub amount: Money,
    pub covered_ml: u32,
    pub waived: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BloodFormModel {
    pub hospital: String,
    /// The settlement the waiver was deducted at.
    pub settlement_no: String,
    /// The blood platform's reference for the waiver.
    pub reference: String,
    pub patient_name: String,
    pub case_no: String,
    pub patient_id: String,
    pub admitted_on: String,
    pub discharged_on: String,
    pub donor_name: String,
    pub donor_id: String,
    pub relationship: String,
    /// Certificate number, donation date, donated ml, kind, ml paid at this settlement.
    pub certificates: Vec<(String, String, u32, String, u32)>,
    pub products: Vec<FormProduct>,
    pub amount: Money,
    pub ml: u32,
    pub cashier: String,
    pub date: String,
}

const COPIES: [&str; 2] = ["第一联 医院留存", "第二联 血站留存"];

pub fn render_blood_form(model: &BloodFormModel) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::new(&format!("用血报销单 {}", model.settlement_no))?;
    for (i, copy) in COPIES.iter().enumerate() {
        if i > 0 {
            sheet.new_page();
        }
        copy_page(&mut sheet, model, copy);
    }
    Ok(sheet.finish(|_, _| String::new()))
}

fn copy_page(sheet: &mut Sheet, model: &BloodFormModel, copy: &str) {
    let right = PAGE_WIDTH - MARGIN;
    let mut y = MARGIN + 6.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 14.0, Align::Center, &model.hospital);
    y += 8.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 15.0, Align::Center, "无偿献血者及其亲属用血报销单");
    sheet.text(right, y, 9.0, Align::Right, copy);
    y += 9.0;
    let facts = [
        ("结算单号", model.settlement_no.as_str()),
        ("减免流水号", model.reference.as_str()),
        ("日期", model.date.as_str()),
        ("患者姓名", model.patient_name.as_str()),
        ("住院号", model.case_no.as_str()),
        ("患者身份证号", model.patient_id.as_str()),
        ("入院日期", model.admitted_on.as_str()),
        ("出院日期", model.discharged_on.as_str()),
        ("", ""),
        ("献血者", model.donor_name.as_str()),
        ("与患者关系", model.relationship.as_str()),
        ("献血者身份证号", model.donor_id.as_str()),
    ];
    for row in facts.chunks(3) {
        for (i, (label, value)) in row.iter().enumerate().filter(|(_, (label, _))| !label.is_empty()) {
            let text = sheet.fit(&format!("{label}：{value}"), 9.0, 60.0);
            sheet.text(MARGIN + 62.0 * i as f32, y, 9.0, Align::Left, &text);
        }
        y += 5.5;
    }
    y += 3.0;
    sheet.rule(y - 4.0, MARGIN, right, 0.6);
    for (x, align, title) in [
        (MARGIN, Align::Left, "献血证编号"),
        (MARGIN + 50.0, Align::Left, "献血日期"),
        (MARGIN + 100.0, Align::Right, "献血量(毫升)"),
        (MARGIN + 125.0, Align::Left, "种类"),
        (right, Align::Right, "本次使用(毫升)"),
    ] {
        sheet.text(x, y, 9.0, align, title);
    }
    y += 5.5;
    for (no, on, ml, kind, used) in &model.certificates {
        sheet.text(MARGIN, y, 9.0, Align::Left, no);
        sheet.text(MARGIN + 50.0, y, 9.0, Align::Left, on);
        sheet.text(MARGIN + 100.0, y, 9.0, Align::Right, &ml.to_string());
        sheet.text(MARGIN + 125.0, y, 9.0, Align::Left, kind);
        sheet.text(right, y, 9.0, Align::Right, &used.to_string());
        y += 5.0;
    }
    y += 4.0;
    sheet.rule(y - 4.0, MARGIN, right, 0.6);
    for (x, align, title) in [
        (MARGIN, Align::Left, "血液制品"),
        (MARGIN + 75.0, Align::Right, "用量(毫升)"),
        (MARGIN + 105.0, Align::Right, "费用"),
        (MARGIN + 140.0, Align::Right, "减免用量(毫升)"),
        (right, Align::Right, "减免金额"),
    ] {
        sheet.text(x, y, 9.0, align, title);
    }
    y += 5.5;
    for p in &model.products {
        let name = sheet.fit(&p.name, 9.0, 55.0);
        sheet.text(MARGIN, y, 9.0, Align::Left, &name);
        sheet.text(MARGIN + 75.0, y, 9.0, Align::Right, &p.ml.to_string());
        sheet.text(MARGIN + 105.0, y, 9.0, Align::Right, &p.amount.yuan());
        sheet.text(MARGIN + 140.0, y, 9.0, Align::Right, &p.covered_ml.to_string());
        sheet.text(right, y, 9.0, Align::Right, &p.waived.yuan());
        y += 5.0;
    }
    y += 4.0;
    sheet.rule(y - 4.0, MARGIN, right, 0.6);
    sheet.text(MARGIN, y, 10.0, Align::Left, &format!("减免用血量：{} 毫升", model.ml));
    sheet.text(right, y, 11.0, Align::Right, &format!("减免金额（小写）：{}", model.amount.yuan()));
    y += 7.0;
    sheet.text(MARGIN, y, 11.0, Align::Left, &format!("减免金额（大写）：{}", model.amount.words()));
    y += 16.0;
    sheet.text(MARGIN, y, 10.0, Align::Left, &format!("经办人：{}", model.cashier));
    sheet.text(MARGIN + 62.0, y, 10.0, Align::Left, "患者或家属签字：____________");
    sheet.text(MARGIN + 130.0, y, 10.0, Align::Left, "医院盖章：");
}
