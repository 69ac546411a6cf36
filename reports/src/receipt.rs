//! The deposit receipt (预交金收据), also used for reversals and recall transfers: a third of an
//! A4 sheet with the amount in figures and in 大写, the tenders, and a QR code of its number.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use domain::Money;

use crate::pdf::sheet::MARGIN;
use crate::pdf::{Align, Sheet};
use crate::{PaperOffset, RenderedPdf, ReportError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptModel {
    pub hospital: String,
    /// 预交金收据 / 预交金冲红凭证 / 召回转预交金凭证
    pub title: String,
    pub receipt_no: String,
    pub case_no: String,
    pub patient_name: String,
    pub ward_bed: String,
    pub insurance: String,
    pub amount: Money,
    /// Tender name, amount, reference (交易号).
    pub tenders: Vec<(String, Money, Option<String>)>,
    pub at: String,
    pub cashier: String,
    pub counter: String,
    /// A reversal's reason (冲红原因), printed under the tenders.
    pub reason: Option<String>,
}

const WIDTH: f32 = 210.0;
const HEIGHT: f32 = 99.0;

pub fn render_receipt(model: &ReceiptModel) -> Result<RenderedPdf, ReportError> {
    render_receipt_at(model, PaperOffset::NONE)
}

/// [`render_receipt`] on pre-printed receipt paper fed `offset` off.
pub fn render_receipt_at(model: &ReceiptModel, offset: PaperOffset) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::with_size(&format!("{} {}", model.title, model.receipt_no), WIDTH, HEIGHT)?;
    sheet.shift(offset);
    let right = WIDTH - MARGIN;
    sheet.text(WIDTH / 2.0, 13.0, 13.0, Align::Center, &model.hospital);
    sheet.text(WIDTH / 2.0, 20.5, 11.0, Align::Center, &model.title);
    sheet.text(right - 24.0, 13.0, 9.0, Align::Right, &format!("No. {}", model.receipt_no));
    sheet.qr(right - 20.0, 6.0, 20.0, &model.receipt_no);
    let mut y = 30.0;
    for row in [
        [
            ("姓名", model.patient_name.as_str()),
            ("病案号", model.case_no.as_str()),
            ("病区床号", model.ward_bed.as_str()),
        ],
        [("医保类型", model.insurance.as_str()), ("日期", model.at.as_str()), ("窗口", model.counter.as_str())],
    ] {
        for (i, (label, value)) in row.iter().enumerate() {
            let x = MARGIN + 62.0 * i as f32;
            let text = sheet.fit(&format!("{label}：{value}"), 9.0, 60.0);
            sheet.text(x, y, 9.0, Align::Left, &text);
        }
        y += 6.0;
    }
    sheet.rule(y - 3.0, MARGIN, right, 0.6);
    y += 3.0;
    sheet.text(MARGIN, y, 11.0, Align::Left, "金额（小写）：");
    sheet.text(MARGIN + 70.0, y, 13.0, Align::Right, &model.amount.yuan());
    y += 7.5;
    sheet.text(MARGIN, y, 11.0, Align::Left, &format!("金额（大写）：{}", model.amount.words()));
    y += 7.5;
    let tenders = model
        .tenders
        .iter()
        .map(|(name, amount, reference)| match reference {
            Some(r) => format!("{name} {}（{r}）", amount.yuan()),
            None => format!("{name} {}", amount.yuan()),
        })
        .collect::<Vec<_>>()
        .join("；");
    let tenders = sheet.fit(&format!("支付方式：{tenders}"), 9.0, right - MARGIN);
    sheet.text(MARGIN, y, 9.0, Align::Left, &tenders);
    y += 6.0;
    if let Some(reason) = &model.reason {
        let reason = sheet.fit(&format!("冲红原因：{reason}"), 9.0, right - MARGIN);
        sheet.text(MARGIN, y - 1.5, 9.0, Align::Left, &reason);
        y += 4.5;
    }
    sheet.rule(y - 3.0, MARGIN, right, 0.6);
    y += 4.0;
    sheet.text(MARGIN, y, 9.0, Align::Left, &format!("收款人：{}", model.cashier));
    sheet.text(MARGIN + 62.0, y, 9.0, Align::Left, "交款人签字：____________");
    sheet.text(right, y, 8.0, Align::Right, "出院结算时凭此收据结算，请妥善保管");
    Ok(sheet.finish(|_, _| String::new()))
}
