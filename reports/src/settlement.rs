//! The settlement statement (住院结算单): fees by category, what insurance, the blood
//! reimbursement and the deposits covered, the amount collected or refunded in figures and in
//! 大写, and how it was paid.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use domain::Money;

use crate::pdf::sheet::{MARGIN, PAGE_WIDTH};
use crate::pdf::{Align, Sheet};
use crate::{RenderedPdf, ReportError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementModel {
    pub hospital: String,
    /// 出院结算单 / 中途结算单
    pub title: String,
    pub settlement_no: String,
    pub patient_name: String,
    pub case_no: String,
    pub patient_facts: Vec<(String, String)>,
    pub categories: Vec<(String, Money)>,
    pub fees: Money,
    pub insurance_fund: Money,
    pub personal_account: Money,
    pub blood_reimbursement: Money,
    pub deposits_applied: Money,
    /// Positive collected, negative refunded.
    pub due: Money,
    /// Tender name and signed amount.
    pub payments: Vec<(String, Money)>,
    pub cashier: String,
    pub place: String,
    pub settled_at: String,
    pub printed_at: String,
    /// e.g. 电子票据待开具
    pub invoice_note: String,
    /// Set when the settlement was recalled: printed as a warning.
    pub recalled: Option<String>,
}

pub fn render_settlement(model: &SettlementModel) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::new(&format!("{} {}", model.title, model.settlement_no))?;
    let right = PAGE_WIDTH - MARGIN;
    let mut y = MARGIN + 6.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 15.0, Align::Center, &model.hospital);
    y += 8.0;
    sheet.text(PAGE_WIDTH / 2.0, y, 13.0, Align::Center, &model.title);
    sheet.qr(right - 22.0, MARGIN, 22.0, &model.settlement_no);
    y += 8.0;
    let mut facts = vec![
        ("结算单号".to_owned(), model.settlement_no.clone()),
        ("姓名".to_owned(), model.patient_name.clone()),
        ("病案号".to_owned(), model.case_no.clone()),
    ];
    facts.extend(model.patient_facts.iter().cloned());
    for row in facts.chunks(3) {
        for (i, (label, value)) in row.iter().enumerate() {
            let text = sheet.fit(&format!("{label}：{value}"), 9.0, 60.0);
            sheet.text(MARGIN + 62.0 * i as f32, y, 9.0, Align::Left, &text);
        }
        y += 5.5;
    }
    if let Some(note) = &model.recalled {
        sheet.text(MARGIN, y + 1.0, 11.0, Align::Left, &format!("【已召回】{note}"));
        y += 7.0;
    }
    y += 2.0;
    sheet.rule(y - 4.0, MARGIN, right, 0.8);
    sheet.text(MARGIN, y, 10.0, Align::Left, "费用类别");
    sheet.text(MARGIN + 80.0, y, 10.0, Align::Right, "金额");
    y += 6.0;
    for (label, amount) in &model.categories {
        sheet.text(MARGIN, y, 10.0, Align::Left, label);
        sheet.text(MARGIN + 80.0, y, 10.0, Align::Right, &amount.yuan());
        y += 5.5;
    }
    sheet.rule(y - 3.5, MARGIN, right, 0.5);
    y += 2.0;
    let due_label = if model.due.is_negative() {
        "应退款"
    } else if model.due.is_positive() {
        "应补缴"
    } else {
        "结清"
    };
    let rows = [
        ("费用总额", model.fees),
        ("医保统筹支付", model.insurance_fund),
        ("个人账户支付", model.personal_account),
        ("用血减免", model.blood_reimbursement),
        ("预交金冲抵", model.deposits_applied),
        (due_label, model.due.abs()),
    ];
    for (label, amount) in rows {
        sheet.text(MARGIN, y, 10.5, Align::Left, &format!("{label}："));
        sheet.text(MARGIN + 80.0, y, 10.5, Align::Right, &amount.yuan());
        sheet.text(MARGIN + 86.0, y, 10.0, Align::Left, &format!("大写：{}", amount.words()));
        y += 6.5;
    }
    y += 1.0;
    let payments =
        model.payments.iter().map(|(name, amount)| format!("{name} {}", amount.yuan())).collect::<Vec<_>>().join("；");
    let paid_label = if model.due.is_negative() { "退款方式" } else { "收款方式" };
    let payments = if payments.is_empty() { "无".to_owned() } else { payments };
    let line = sheet.fit(&format!("{paid_label}：{payments}"), 10.0, right - MARGIN);
    sheet.text(MARGIN, y, 10.0, Align::Left, &line);
    y += 8.0;
    sheet.rule(y - 4.0, MARGIN, right, 0.8);
    sheet.text(
        MARGIN,
        y,
        9.0,
        Align::Left,
        &format!("收费员：{}    结算地点：{}    结算时间：{}", model.cashier, model.place, model.settled_at),
    );
    y += 6.0;
    sheet.text(MARGIN, y, 9.0, Align::Left, &format!("{}    打印时间：{}", model.invoice_note, model.printed_at));
    sheet.text(right, y, 9.0, Align::Right, "患者（家属）签字：____________");
    let hospital = model.hospital.clone();
    Ok(sheet.finish(move |page, pages| format!("{hospital}  第 {page} 页 / 共 {pages} 页")))
}
