//! The blood waiver's forms read back with pdftotext: the reimbursement form's two copies carry
//! the patient, donor, certificates, products, the amount in figures and 大写; the pledge its
//! parties and signature line.

use std::process::Command;

use domain::Money;
use reports::{BloodFormModel, FormProduct, PledgeModel, render_blood_form, render_pledge};

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn read_back(bytes: &[u8]) -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").args(["-layout", path.to_str().unwrap(), "-"]).output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_reimbursement_form_has_both_copies_with_every_figure() {
    let model = BloodFormModel {
        hospital: "演示市第一人民医院".into(),
        settlement_no: "S2026000123".into(),
        reference: "JM00000007".into(),
        patient_name: "张伟".into(),
        case_no: "Z2026001".into(),
        patient_id: "110105********002X".into(),
        admitted_on: "2026-11-18".into(),
        discharged_on: "2026-11-25".into(),
        donor_name: "王秀英".into(),
        donor_id: "110105********0015".into(),
        relationship: "配偶".into(),
        certificates: vec![("ZJ2024000001".into(), "2024-05-01".into(), 200, "全血".into(), 400)],
        products: vec![
            FormProduct {
                name: "悬浮红细胞".into(),
                ml: 400,
                amount: money("440.00"),
                covered_ml: 400,
                waived: money("440.00"),
            },
            FormProduct {
                name: "新鲜冰冻血浆".into(),
                ml: 200,
                amount: money("180.00"),
                covered_ml: 0,
                waived: Money::ZERO,
            },
        ],
        amount: money("440.00"),
        ml: 400,
        cashier: "李收费".into(),
        date: "2026-11-25".into(),
    };
    let pdf = render_blood_form(&model).unwrap();
    assert_eq!(pdf.pages, 2);
    assert!(pdf.missing_glyphs.is_empty(), "{:?}", pdf.missing_glyphs);
    let text = read_back(&pdf.bytes);
    for expected in [
        "无偿献血者及其亲属用血报销单",
        "第一联 医院留存",
        "第二联 血站留存",
        "张伟",
        "王秀英",
        "配偶",
        "ZJ2024000001",
        "悬浮红细胞",
        "新鲜冰冻血浆",
        "440.00",
        "肆佰肆拾元整",
        "JM00000007",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    assert_eq!(text.matches("减免金额（大写）").count(), 2, "one per copy");
}

#[test]
fn the_pledge_names_its_parties_and_wraps_its_text() {
    let model = PledgeModel {
        hospital: "演示市第一人民医院".into(),
        patient_name: "张伟".into(),
        case_no: "Z2026001".into(),
        patient_id: "11010519491231002X".into(),
        donor_name: "张小明".into(),
        donor_id: "110105197001010015".into(),
        relationship: "子女".into(),
        certificates: vec![["ZJ7001".into(), "2023-06-01".into(), "300".into(), "全血".into()]],
        date: "2026年11月25日".into(),
    };
    let pdf = render_pledge(&model).unwrap();
    assert_eq!(pdf.pages, 1);
    let text = read_back(&pdf.bytes);
    for expected in ["用血报销承诺书", "张小明", "子女", "ZJ7001", "300 毫升", "承诺人签字", "法律责任"]
    {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
}
