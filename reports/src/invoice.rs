//! The medical e-invoice's layout file (医疗收费票据 版式文件): one page of 241 × 140 mm, laid
//! out like the provincial 医疗收费票据 — the title centred, the QR code top left, 票据代码,
//! 票据号码, 校验码 and 开票日期 top right, the payer and the stay, the 项目名称/金额 table in two
//! (or more) columns, 合计 in 大写 and in figures, what insurance, the personal account, the
//! patient and the deposits paid, the 支付渠道, and 收款单位（章）/收款人/开票点 at the foot. A
//! stamp (已冲红…), the paper copy's pre-printed number and a reprint's count print when set.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use domain::Money;

use crate::pdf::{Align, Sheet};
use crate::{PaperOffset, RenderedPdf, ReportError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceModel {
    /// e.g. "浙江省医疗收费票据（电子）"; a paper copy says "浙江省医疗收费票据"
    pub title: String,
    /// 收款单位
    pub hospital: String,
    /// 票据代码, 票据号码, 校验码
    pub code: String,
    pub number: String,
    pub check_code: String,
    /// 开票日期 text
    pub issued_at: String,
    /// 交款人, its resident ID (may be empty), 病案号
    pub payer: String,
    pub resident_id: String,
    pub case_no: String,
    /// 住院时间: admitted and discharged dates as text (discharged may be empty for a mid-stay settlement)
    pub admitted_on: String,
    pub discharged_on: String,
    /// 业务流水号 / 结算单号
    pub settlement_no: String,
    /// 项目名称 and 金额, in print order
    pub charges: Vec<(String, Money)>,
    pub total: Money,
    pub insurance_fund: Money,
    pub personal_account: Money,
    pub self_paid: Money,
    pub deposits_used: Money,
    /// 支付渠道 name and amount
    pub channels: Vec<(String, Money)>,
    /// 收款人 and 开票点
    pub cashier: String,
    pub place: String,
    /// The QR code's text
    pub qr: String,
    /// A stamp across the invoice when it is not in force, e.g. "已冲红"
    pub state_note: Option<String>,
    /// On a paper copy: its pre-printed paper number (纸质票据号)
    pub paper_no: Option<String>,
    /// On a reprint: how many times it was printed before (prints "补打（第 N 次）")
    pub reprint: Option<u32>,
}

const WIDTH: f32 = 241.0;
const HEIGHT: f32 = 140.0;
const LEFT: f32 = 10.0;
const RIGHT: f32 = WIDTH - LEFT;
/// The top-right block (票据代码…) starts here.
const CODES_X: f32 = RIGHT - 64.0;
const SMALL: f32 = 8.5;

/// The item table: its top rule, and the baselines its rows may use.
const TABLE_TOP: f32 = 44.0;
const FIRST_ROW: f32 = TABLE_TOP + 11.0;
const LAST_ROW: f32 = 104.0;
/// Row pitch and text size when the rows have room.
const ROW: f32 = 5.0;
const ROW_TEXT: f32 = 9.0;
/// Rows per column before the table takes another column (2 columns of 11 hold 22 categories).
const ROWS_PER_COLUMN: usize = 11;
const MAX_COLUMNS: usize = 4;

pub fn render_invoice(model: &InvoiceModel) -> Result<RenderedPdf, ReportError> {
    render_invoice_at(model, PaperOffset::NONE)
}

/// [`render_invoice`] on pre-printed invoice paper (a paper copy) fed `offset` off.
pub fn render_invoice_at(model: &InvoiceModel, offset: PaperOffset) -> Result<RenderedPdf, ReportError> {
    let mut sheet = Sheet::with_size(&format!("{} {}", model.title, model.number), WIDTH, HEIGHT)?;
    sheet.shift(offset);
    header(&mut sheet, model);
    parties(&mut sheet, model);
    charges(&mut sheet, &model.charges);
    totals(&mut sheet, model);
    Ok(sheet.finish(|_, _| String::new()))
}

/// The QR code, the title, the codes and date, and the stamp, paper number and reprint count.
fn header(sheet: &mut Sheet, model: &InvoiceModel) {
    sheet.qr(LEFT, 5.0, 22.0, &model.qr);
    let title = sheet.fit(&model.title, 15.0, CODES_X - LEFT - 56.0);
    sheet.text(WIDTH / 2.0, 14.0, 15.0, Align::Center, &title);
    sheet.rule(16.5, WIDTH / 2.0 - 30.0, WIDTH / 2.0 + 30.0, 0.6);
    sheet.rule(17.5, WIDTH / 2.0 - 30.0, WIDTH / 2.0 + 30.0, 0.6);
    let mut codes = vec![
        ("票据代码", model.code.as_str()),
        ("票据号码", model.number.as_str()),
        ("校验码", model.check_code.as_str()),
        ("开票日期", model.issued_at.as_str()),
    ];
    if let Some(paper_no) = &model.paper_no {
        codes.push(("纸质票据号", paper_no.as_str()));
    }
    for (i, (label, value)) in codes.iter().enumerate() {
        let text = sheet.fit(&format!("{label}：{value}"), SMALL, RIGHT - CODES_X);
        sheet.text(CODES_X, 8.0 + 4.5 * i as f32, SMALL, Align::Left, &text);
    }
    if let Some(note) = &model.state_note {
        let stamp = sheet.fit(&format!("【{note}】"), 16.0, 70.0);
        sheet.text(WIDTH / 2.0, 24.5, 16.0, Align::Center, &stamp);
    }
    if let Some(before) = model.reprint {
        sheet.text(WIDTH / 2.0, 30.0, 9.0, Align::Center, &format!("补打（第 {before} 次）"));
    }
}

/// 交款人, their ID and 病案号; the stay and the settlement.
fn parties(sheet: &mut Sheet, model: &InvoiceModel) {
    let stay = if model.discharged_on.is_empty() {
        format!("{} 起（中途结算）", model.admitted_on)
    } else {
        format!("{} 至 {}", model.admitted_on, model.discharged_on)
    };
    let rows = [
        [
            (LEFT, 55.0, format!("交款人：{}", model.payer)),
            (LEFT + 57.0, 95.0, format!("统一社会信用代码或身份证号：{}", model.resident_id)),
            (LEFT + 155.0, RIGHT - LEFT - 155.0, format!("病案号：{}", model.case_no)),
        ],
        [
            (LEFT, 150.0, format!("住院时间：{stay}")),
            (LEFT + 155.0, RIGHT - LEFT - 155.0, format!("结算单号：{}", model.settlement_no)),
            (LEFT, 0.0, String::new()),
        ],
    ];
    for (i, row) in rows.iter().enumerate() {
        let y = 35.5 + 5.0 * i as f32;
        for (x, width, text) in row.iter().filter(|(_, _, text)| !text.is_empty()) {
            let text = sheet.fit(text, SMALL, *width);
            sheet.text(*x, y, SMALL, Align::Left, &text);
        }
    }
}

/// The 项目名称/金额 table, filled column by column: two columns, more when the categories
/// outnumber two columns' rows, with the rows drawn closer when even that is not enough.
fn charges(sheet: &mut Sheet, charges: &[(String, Money)]) {
    let columns = charges.len().div_ceil(ROWS_PER_COLUMN).clamp(2, MAX_COLUMNS);
    let rows = charges.len().div_ceil(columns).max(1);
    let pitch = if rows > 1 { ROW.min((LAST_ROW - FIRST_ROW) / (rows - 1) as f32) } else { ROW };
    let size = ROW_TEXT.min(pitch / 0.3528 * 0.85);
    let width = (RIGHT - LEFT) / columns as f32;
    sheet.rule(TABLE_TOP, LEFT, RIGHT, 0.8);
    for column in 0..columns {
        let x = LEFT + width * column as f32;
        sheet.text(x + 2.0, TABLE_TOP + 4.5, SMALL, Align::Left, "项目名称");
        sheet.text(x + width - 4.0, TABLE_TOP + 4.5, SMALL, Align::Right, "金额（元）");
    }
    sheet.rule(TABLE_TOP + 6.5, LEFT, RIGHT, 0.4);
    for (i, (name, amount)) in charges.iter().enumerate() {
        let x = LEFT + width * (i / rows) as f32;
        let y = FIRST_ROW + pitch * (i % rows) as f32;
        let figure = amount.to_string();
        let name = sheet.fit(name, size, width - 8.0 - sheet.width(&figure, size) - 4.0);
        sheet.text(x + 2.0, y, size, Align::Left, &name);
        sheet.text(x + width - 4.0, y, size, Align::Right, &figure);
    }
}

/// 合计 in 大写 and figures, who paid what, the channels, and the foot.
fn totals(sheet: &mut Sheet, model: &InvoiceModel) {
    let mut y = LAST_ROW + 3.0;
    sheet.rule(y, LEFT, RIGHT, 0.6);
    y += 5.5;
    let words = sheet.fit(&format!("合计（大写）：{}", model.total.words()), 10.0, 150.0);
    sheet.text(LEFT + 2.0, y, 10.0, Align::Left, &words);
    sheet.text(RIGHT - 4.0, y, 10.0, Align::Right, &format!("（小写）{}", model.total.yuan()));
    y += 2.5;
    sheet.rule(y, LEFT, RIGHT, 0.4);
    y += 5.0;
    let paid = [
        ("医保统筹基金支付", model.insurance_fund),
        ("个人账户支付", model.personal_account),
        ("个人自付", model.self_paid),
        ("预交金", model.deposits_used),
    ];
    let quarter = (RIGHT - LEFT) / 4.0;
    for (i, (label, amount)) in paid.iter().enumerate() {
        let text = sheet.fit(&format!("{label}：{}", amount.yuan()), SMALL, quarter - 2.0);
        sheet.text(LEFT + 2.0 + quarter * i as f32, y, SMALL, Align::Left, &text);
    }
    y += 5.5;
    let channels =
        model.channels.iter().map(|(name, amount)| format!("{name} {}", amount.yuan())).collect::<Vec<_>>().join("；");
    let channels = if channels.is_empty() { "无".to_owned() } else { channels };
    let channels = sheet.fit(&format!("支付渠道：{channels}"), SMALL, RIGHT - LEFT - 4.0);
    sheet.text(LEFT + 2.0, y, SMALL, Align::Left, &channels);
    y += 2.5;
    sheet.rule(y, LEFT, RIGHT, 0.8);
    y += 6.0;
    let hospital = sheet.fit(&format!("收款单位（章）：{}", model.hospital), 9.0, 100.0);
    sheet.text(LEFT + 2.0, y, 9.0, Align::Left, &hospital);
    let cashier = sheet.fit(&format!("收款人：{}", model.cashier), 9.0, 50.0);
    sheet.text(LEFT + 110.0, y, 9.0, Align::Left, &cashier);
    let place = sheet.fit(&format!("开票点：{}", model.place), 9.0, RIGHT - LEFT - 165.0);
    sheet.text(LEFT + 165.0, y, 9.0, Align::Left, &place);
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;
    use std::process::{Command, Stdio};

    use super::*;

    /// The PDF's text as `pdftotext -layout` reads it, fed through a pipe: `reports` writes no
    /// file, not even in its tests.
    pub(crate) fn pdftotext(bytes: &[u8]) -> String {
        let mut child = Command::new("pdftotext")
            .args(["-layout", "-", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pdftotext (poppler-utils) is installed by scripts/setup.sh");
        let mut stdin = child.stdin.take().expect("a pipe to pdftotext");
        let input = bytes.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().expect("pdftotext runs");
        writer.join().expect("the writer thread").expect("the PDF goes through the pipe");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("UTF-8 text")
    }

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    const CHARGES: [(&str, &str); 12] = [
        ("床位费", "480.00"),
        ("诊察费", "96.00"),
        ("检查费", "1260.50"),
        ("化验费", "735.20"),
        ("治疗费", "412.00"),
        ("手术费", "3200.00"),
        ("护理费", "288.00"),
        ("卫生材料费", "654.35"),
        ("西药费", "2108.77"),
        ("中药饮片费", "156.40"),
        ("中成药费", "98.60"),
        ("其他费", "30.38"),
    ];

    fn model() -> InvoiceModel {
        let charges: Vec<(String, Money)> = CHARGES.iter().map(|(n, a)| ((*n).to_owned(), money(a))).collect();
        let total: Money = charges.iter().map(|(_, a)| *a).sum();
        InvoiceModel {
            title: "浙江省医疗收费票据（电子）".into(),
            hospital: "演示市第一人民医院".into(),
            code: "33060124".into(),
            number: "0003217865".into(),
            check_code: "6f3a9c".into(),
            issued_at: "2026-05-16".into(),
            payer: "张三".into(),
            resident_id: "330102199001011234".into(),
            case_no: "Z2026000123".into(),
            admitted_on: "2026-05-01".into(),
            discharged_on: "2026-05-16".into(),
            settlement_no: "S20260516000042".into(),
            charges,
            total,
            insurance_fund: money("6000.00"),
            personal_account: money("500.00"),
            self_paid: money("3020.20"),
            deposits_used: money("2000.00"),
            channels: vec![("微信".into(), money("800.00")), ("现金".into(), money("220.20"))],
            cashier: "王丽".into(),
            place: "住院收费处1号窗口".into(),
            qr: "https://einvoice.example/check?code=33060124&no=0003217865".into(),
            state_note: Some("已冲红".into()),
            paper_no: Some("ZJ00012345".into()),
            reprint: Some(2),
        }
    }

    #[test]
    fn an_invoice_reads_back_with_every_code_charge_total_and_mark() {
        let model = model();
        assert_eq!(model.total, money("9520.20"));
        let pdf = render_invoice(&model).unwrap();
        assert_eq!(pdf.pages, 1);
        assert!(pdf.missing_glyphs.is_empty(), "{:?}", pdf.missing_glyphs);
        let text = pdftotext(&pdf.bytes);
        for expected in [
            "浙江省医疗收费票据（电子）",
            "票据代码：33060124",
            "票据号码：0003217865",
            "校验码：6f3a9c",
            "开票日期：2026-05-16",
            "交款人：张三",
            "330102199001011234",
            "病案号：Z2026000123",
            "2026-05-01 至 2026-05-16",
            "结算单号：S20260516000042",
            "合计（大写）：玖仟伍佰贰拾元贰角",
            "（小写）¥9,520.20",
            "医保统筹基金支付：¥6,000.00",
            "个人账户支付：¥500.00",
            "个人自付：¥3,020.20",
            "预交金：¥2,000.00",
            "支付渠道：微信 ¥800.00；现金 ¥220.20",
            "【已冲红】",
            "纸质票据号：ZJ00012345",
            "补打（第 2 次）",
            "收款单位（章）：演示市第一人民医院",
            "收款人：王丽",
            "开票点：住院收费处1号窗口",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        for (name, amount) in CHARGES {
            assert_eq!(text.matches(name).count(), 1, "{name} once in:\n{text}");
            let line = text.lines().find(|l| l.contains(name)).unwrap();
            assert!(line.contains(amount), "{name} with {amount} on its row: {line:?}");
        }
        // Two columns: the first six categories on the left, the next six beside them.
        let row = text.lines().find(|l| l.contains("床位费")).unwrap();
        assert!(row.contains("护理费"), "床位费 and 护理费 share a row: {row:?}");
    }

    #[test]
    fn an_invoice_in_force_has_no_stamp_and_a_mid_stay_says_so() {
        let mut model = model();
        model.state_note = None;
        model.paper_no = None;
        model.reprint = None;
        model.discharged_on = String::new();
        let text = pdftotext(&render_invoice(&model).unwrap().bytes);
        for absent in ["已冲红", "纸质票据号", "补打"] {
            assert!(!text.contains(absent), "{absent:?} in:\n{text}");
        }
        assert!(text.contains("住院时间：2026-05-01 起（中途结算）"), "{text}");
        assert!(text.contains("（小写）¥9,520.20"), "{text}");
    }

    #[test]
    fn many_categories_take_more_columns_and_all_print() {
        let mut model = model();
        model.charges = (1..=30).map(|i| (format!("类别{i:02}"), money("1.00"))).collect();
        model.total = money("30.00");
        let pdf = render_invoice(&model).unwrap();
        assert_eq!(pdf.pages, 1);
        let text = pdftotext(&pdf.bytes);
        for i in 1..=30 {
            assert!(text.contains(&format!("类别{i:02}")), "类别{i:02} missing in:\n{text}");
        }
        assert!(text.contains("合计（大写）：叁拾元整"), "{text}");
    }
}
