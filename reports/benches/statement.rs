//! How long a 5,000-line fee list takes to render (goal: ≤ 1 s on the project's 2-core machine).

use criterion::{Criterion, criterion_group, criterion_main};
use domain::Money;
use reports::{StatementCategory, StatementLine, StatementModel, render_statement};

fn five_thousand_lines() -> StatementModel {
    let price = Money::parse("18.60").unwrap();
    let categories: Vec<StatementCategory> = ["药品费", "检查费", "化验费", "治疗费", "材料费"]
        .iter()
        .map(|label| {
            let lines: Vec<StatementLine> = (0..1000)
                .map(|i| StatementLine {
                    charged_at: format!("11-{:02} {:02}:{:02}", 1 + i % 28, i % 24, i % 60),
                    item_code: format!("XY{i:06}"),
                    item_name: "注射用头孢呋辛钠（静脉滴注）".into(),
                    spec: "1.5g/支".into(),
                    unit: "支".into(),
                    quantity: "2".into(),
                    unit_price: price,
                    amount: price.times(2.into()).unwrap(),
                    note: String::new(),
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
        patient_facts: vec![("性别".into(), "男".into())],
        categories,
        fees_total,
        deposits_total: Money::ZERO,
        balance: -fees_total,
        printed_by: "王丽".into(),
        printed_at: "2026-11-25 09:30:00".into(),
    }
}

fn bench(c: &mut Criterion) {
    let model = five_thousand_lines();
    render_statement(&model).unwrap(); // parse the font once, as a running app has
    let mut group = c.benchmark_group("fee_list_pdf");
    group.sample_size(10);
    group.bench_function("5000_lines", |b| b.iter(|| render_statement(&model).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
