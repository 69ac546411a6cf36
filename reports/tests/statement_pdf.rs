//! The fee list PDF read back with pdftotext: Chinese text, amounts and the 大写 total must be
//! extractable, every line present, pages numbered.

use std::process::Command;

use domain::Money;
use reports::{StatementCategory, StatementLine, StatementModel, render_statement};

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn model(lines_per_category: usize) -> StatementModel {
    let categories: Vec<StatementCategory> = [
        ("药品费", "注射用头孢呋辛钠", "18.60"),
        ("检查费", "胸部CT平扫", "260.00"),
        ("床位费", "床位费（三人间）", "40.00"),
    ]
    .iter()
    .map(|(label, item, price)| {
        let lines: Vec<StatementLine> = (0..lines_per_category)
            .map(|i| StatementLine {
                charged_at: format!("11-{:02} 08:{:02}", 1 + i % 28, i % 60),
                item_code: format!("X{i:05}"),
                item_name: (*item).to_owned(),
                spec: "1.5g/支".into(),
                unit: "支".into(),
                quantity: "2".into(),
                unit_price: money(price),
                amount: money(price).times(2.into()).unwrap(),
                note: if i == 0 { "未确费".into() } else { String::new() },
            })
            .collect();
        StatementCategory { label: (*label).to_owned(), total: lines.iter().map(|l| l.amount).sum(), lines }
    })
    .collect();
    let fees_total: Money = categories.iter().map(|c| c.total).sum();
    let deposits_total = money("5000.00");
    StatementModel {
        hospital: "演示市第一人民医院".into(),
        title: "住院费用清单".into(),
        patient_name: "张三".into(),
        case_no: "2026000001".into(),
        patient_facts: vec![("性别".into(), "男".into()), ("病区".into(), "心血管内科一病区 12床".into())],
        categories,
        fees_total,
        deposits_total,
        balance: deposits_total - fees_total,
        printed_by: "王丽".into(),
        printed_at: "2026-11-25 09:30:00".into(),
    }
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile_dir();
    let path = dir.join("statement.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup.sh");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("reports-test-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

#[test]
fn chinese_text_amounts_and_words_are_extractable() {
    let model = model(3);
    let pdf = render_statement(&model).unwrap();
    assert_eq!(pdf.pages, 1);
    assert!(pdf.missing_glyphs.is_empty(), "{:?}", pdf.missing_glyphs);
    assert!(pdf.bytes.len() < 200_000, "the font is subset, not embedded whole: {} bytes", pdf.bytes.len());
    let text = pdftotext(&pdf.bytes);
    for expected in
        ["演示市第一人民医院", "住院费用清单", "张三", "2026000001", "注射用头孢呋辛钠", "未确费", "药品费小计", "王丽"]
    {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // 3 × 37.20 + 3 × 520.00 + 3 × 80.00 = 1,911.60
    assert_eq!(model.fees_total, money("1911.60"));
    assert!(text.contains("¥1,911.60"), "{text}");
    assert!(text.contains("壹仟玖佰壹拾壹元陆角"), "{text}");
    assert!(text.contains("叁仟零捌拾捌元肆角"), "balance 5000 − 1911.60 in words: {text}");
    assert!(text.contains("第 1 页 / 共 1 页"));
}

#[test]
fn long_lists_break_into_numbered_pages_with_every_line() {
    let model = model(200);
    let pdf = render_statement(&model).unwrap();
    assert!(pdf.pages >= 10, "{} pages", pdf.pages);
    let text = pdftotext(&pdf.bytes);
    assert_eq!(text.matches("注射用头孢呋辛钠").count(), 200);
    assert_eq!(text.matches("胸部CT平扫").count(), 200);
    assert!(text.contains(&format!("第 {0} 页 / 共 {0} 页", pdf.pages)));
    assert!(text.contains("住院费用清单（续）"));
}

#[test]
fn a_rare_character_falls_back_or_is_reported() {
    let mut model = model(1);
    model.patient_name = "王䶮".into(); // U+4DAE, outside GB 2312
    // The caller supplies the fallback font, as the app does from the system's Noto Sans CJK.
    let fallback_installed = match std::fs::read(reports::SYSTEM_FALLBACK_PATH) {
        Ok(bytes) => {
            reports::set_fallback_font(bytes, reports::SYSTEM_FALLBACK_FACE);
            true
        }
        Err(_) => false,
    };
    let pdf = render_statement(&model).unwrap();
    if fallback_installed {
        assert!(pdf.missing_glyphs.is_empty());
        assert!(pdftotext(&pdf.bytes).contains("王䶮"));
    } else {
        assert_eq!(pdf.missing_glyphs, vec!['䶮']);
    }
}
