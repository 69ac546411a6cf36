//! 打印测试页: what 设置 prints to check a printer and, on pre-printed forms (套打), the
//! offsets — a frame 10 mm inside the sheet, a cross at the form's reference point (20 mm, 20 mm)
//! and a millimetre scale, all moved by the offsets like the documents themselves.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use crate::pdf::{Align, Sheet};
use crate::{PaperOffset, RenderedPdf, ReportError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestPageModel {
    pub hospital: String,
    /// The document kind the page stands for (预交金收据…).
    pub kind: String,
    /// The printer, or how it is delivered (保存 PDF 并打开).
    pub printer: String,
    pub offset: PaperOffset,
    /// The sheet: a receipt is a third of A4.
    pub width_mm: u16,
    pub height_mm: u16,
    pub printed_at: String,
    pub by: String,
}

pub fn render_test_page(model: &TestPageModel) -> Result<RenderedPdf, ReportError> {
    let (width, height) = (f32::from(model.width_mm), f32::from(model.height_mm));
    let mut sheet = Sheet::with_size(&format!("打印测试页 {}", model.kind), width, height)?;
    sheet.shift(model.offset);
    for y in [10.0, height - 10.0] {
        sheet.rule(y, 10.0, width - 10.0, 0.8);
    }
    // The reference cross: on a well-set form it sits on the form's own mark.
    sheet.rule(20.0, 15.0, 25.0, 0.5);
    sheet.rule(20.0, 19.85, 20.15, 28.0);
    for step in 0..=10 {
        let x = 30.0 + step as f32 * 10.0;
        sheet.rule(20.0, x, x + 0.3, 6.0);
    }
    sheet.text(27.0, 18.0, 7.0, Align::Left, "基准点 (20, 20) mm；刻度每 10 mm");
    sheet.text(width / 2.0, 32.0, 14.0, Align::Center, "打印测试页");
    let right = f32::from(model.offset.right_tenths) / 10.0;
    let down = f32::from(model.offset.down_tenths) / 10.0;
    let lines = [
        format!("医院：{}", model.hospital),
        format!("单据：{}", model.kind),
        format!("打印机：{}", model.printer),
        format!("套打偏移：右移 {right:.1} mm，下移 {down:.1} mm"),
        format!("打印时间：{}　操作员：{}", model.printed_at, model.by),
    ];
    for (i, line) in lines.iter().enumerate() {
        sheet.text(20.0, 42.0 + i as f32 * 7.0, 10.0, Align::Left, line);
    }
    Ok(sheet.finish(|_, _| String::new()))
}
