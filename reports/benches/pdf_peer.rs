//! Benchmark (issue 16): the fee list of a 2,400-line stay as whole processes — this bench run
//! again as a child that renders the list once and writes it (`PDF_PEER_CHILD=OUT.pdf`), font
//! parsing and all, as `cashier fee-list-pdf` does — paired run by run with ReportLab writing
//! the same rows (`benches/reportlab_fee_list.py`: python3 + reportlab, its built-in CID font,
//! which it does not embed); then a deposit receipt rendered in a warm process (median of 50).
//! Prints `TABLE|…` lines that scripts/bench.sh gathers. `RUNS=n` paired runs (5).
// Timing statistics: seconds and ratios for the printout, never money.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)]

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use domain::Money;
use reports::{ReceiptModel, StatementCategory, StatementLine, StatementModel, render_receipt, render_statement};

const LINES: usize = 2_400;
const NAMES: [(&str, &str, &str); 8] = [
    ("注射用头孢呋辛钠（静脉滴注）", "1.5g/支", "支"),
    ("0.9%氯化钠注射液", "100ml/袋", "袋"),
    ("血常规（五分类）", "次", "次"),
    ("肝功能十二项", "项", "次"),
    ("静脉输液（首组）", "组", "次"),
    ("一次性输液器", "套", "套"),
    ("心电监护（每小时）", "小时", "小时"),
    ("二级护理", "日", "日"),
];

fn fee_list() -> StatementModel {
    let labels = ["药品费", "检查费", "化验费", "治疗费", "材料费", "护理费"];
    let categories: Vec<StatementCategory> = labels
        .iter()
        .enumerate()
        .map(|(c, label)| {
            let lines: Vec<StatementLine> = (0..LINES / labels.len())
                .map(|i| {
                    let (name, spec, unit) = NAMES[(i + c) % NAMES.len()];
                    let price = Money::from_fen(i64::try_from(180 + (i % 97) * 37).unwrap_or(0)).unwrap_or(Money::ZERO);
                    let quantity = 1 + i % 3;
                    StatementLine {
                        charged_at: format!("11-{:02} {:02}:{:02}", 1 + i % 28, i % 24, i % 60),
                        item_code: format!("XY{:06}", c * 10_000 + i % 500),
                        item_name: name.into(),
                        spec: spec.into(),
                        unit: unit.into(),
                        quantity: quantity.to_string(),
                        unit_price: price,
                        amount: price.times(quantity.into()).unwrap_or(Money::ZERO),
                        note: String::new(),
                    }
                })
                .collect();
            StatementCategory { label: (*label).to_owned(), total: lines.iter().map(|l| l.amount).sum(), lines }
        })
        .collect();
    let fees_total: Money = categories.iter().map(|c| c.total).sum();
    StatementModel {
        hospital: "演示市第一人民医院".into(),
        title: "住院费用清单".into(),
        patient_name: "张三".into(),
        case_no: "2026000001".into(),
        patient_facts: vec![("性别".into(), "男".into()), ("科室".into(), "心内科".into())],
        categories,
        fees_total,
        deposits_total: Money::ZERO,
        balance: -fees_total,
        printed_by: "王丽".into(),
        printed_at: "2026-11-25 09:30:00".into(),
    }
}

fn main() {
    if let Some(out) = std::env::var_os("PDF_PEER_CHILD") {
        let pdf = render_statement(&fee_list()).expect("render");
        std::fs::write(out, pdf.bytes).expect("write");
        return;
    }
    let runs: usize = std::env::var("RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf_peer");
    std::fs::create_dir_all(&dir).expect("a folder");
    let model = fee_list();
    let rows = dir.join("rows.tsv");
    write_rows(&model, &rows);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reportlab_fee_list.py");
    let peer = Command::new("python3").args(["-c", "import reportlab"]).output().is_ok_and(|o| o.status.success());
    let me = std::env::current_exe().expect("this bench");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let out = dir.join("ours.pdf");
        let t = time(Command::new(&me).env("PDF_PEER_CHILD", &out));
        let pages = pdf_pages(&out);
        print!("  run {run}: ours {:.3} s ({pages} pages, {} KB)", t.as_secs_f64(), size_kb(&out));
        ours.push(t.as_secs_f64());
        if peer {
            let out = dir.join("reportlab.pdf");
            let t = time(Command::new("python3").arg(&script).arg(&rows).arg(&out));
            print!("; ReportLab {:.3} s ({} pages, {} KB)", t.as_secs_f64(), pdf_pages(&out), size_kb(&out));
            theirs.push(t.as_secs_f64());
        }
        println!();
    }
    let wall = median(ours);
    let label = format!("fee list PDF, {LINES} lines, whole process");
    if peer {
        let peer_wall = median(theirs);
        println!("  fee list: ours {wall:.3} s, ReportLab {peer_wall:.3} s: {:.2}× (goal ≤ 0.25×)", wall / peer_wall);
        println!("TABLE|{label}|{wall:.3} s|≤ 0.25× ReportLab|ReportLab {peer_wall:.3} s|{:.2}×", wall / peer_wall);
    } else {
        println!("  ReportLab: skipped (pip install reportlab)");
        println!("TABLE|{label}|{wall:.3} s|≤ 0.25× ReportLab|—|—");
    }
    let receipt = receipt();
    render_receipt(&receipt).expect("the first receipt (fonts parsed)");
    let times: Vec<f64> = (0..50)
        .map(|_| {
            let start = Instant::now();
            render_receipt(&receipt).expect("a receipt");
            start.elapsed().as_secs_f64()
        })
        .collect();
    let receipt_ms = median(times) * 1000.0;
    println!("  receipt (warm process): median {receipt_ms:.1} ms of 50");
    println!("TABLE|deposit receipt PDF (warm)|{receipt_ms:.1} ms|≤ 20 ms|—|—");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command.status().expect("it runs");
    assert!(status.success(), "{command:?}: {status}");
    start.elapsed()
}

fn size_kb(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len() / 1024).unwrap_or(0)
}

/// Pages per pdfinfo (poppler), to show both wrote a whole list.
fn pdf_pages(path: &Path) -> String {
    Command::new("pdfinfo")
        .arg(path)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("Pages:").map(|p| p.trim().to_owned()))
        })
        .unwrap_or_else(|| "?".to_owned())
}

/// The same rows for ReportLab: category, then the columns of each line.
fn write_rows(model: &StatementModel, path: &Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("rows file"));
    for category in &model.categories {
        for l in &category.lines {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                category.label,
                l.charged_at,
                l.item_code,
                l.item_name,
                l.spec,
                l.unit,
                l.quantity,
                l.unit_price,
                l.amount
            )
            .expect("write");
        }
    }
}

fn receipt() -> ReceiptModel {
    let amount = Money::parse("3000.00").expect("an amount");
    ReceiptModel {
        hospital: "演示市第一人民医院".into(),
        title: "预交金收据".into(),
        receipt_no: "YJ0100000017".into(),
        case_no: "2026990001".into(),
        patient_name: "张三".into(),
        ward_bed: "心内科 12床".into(),
        insurance: "职工医保".into(),
        amount,
        tenders: vec![("微信".into(), amount, Some("4200001234202611250000000001".into()))],
        at: "2026-11-25 09:30:00".into(),
        cashier: "王丽".into(),
        counter: "住院收费处 1 号窗口".into(),
        reason: None,
    }
}
