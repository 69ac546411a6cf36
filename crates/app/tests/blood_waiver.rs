//! The blood-fee waiver's registration at the window on a real SQLite file and real image
//! files: the entitlement as the engine computes it, the materials kept on the shelf, the
//! review by someone else — and each bad input refused with nothing written.

mod support;

use contract::blood::{CertificateInput, MaterialInput, RegisterBloodRequest, ReviewBloodRequest};
use image::{ImageFormat, Rgb, RgbImage};
use support::*;
use tempfile::TempDir;

/// A scanned page (400×300 colour JPEG) written to `dir/name`; its path.
fn scan(dir: &TempDir, name: &str, shade: u8) -> String {
    let img = RgbImage::from_fn(400, 300, |x, y| Rgb([shade, (x % 200) as u8, (y % 200) as u8]));
    let path = dir.path().join(name);
    img.save_with_format(&path, ImageFormat::Jpeg).unwrap();
    path.display().to_string()
}

fn certificate(no: &str, on: &str, ml: &str, kind: &str) -> CertificateInput {
    CertificateInput { certificate_no: no.into(), donated_on: on.into(), volume_ml: ml.into(), kind: kind.into() }
}

fn material(item: &str, path: &str) -> MaterialInput {
    MaterialInput { item: item.into(), path: path.into() }
}

/// A spouse's registration with a 300 ml whole-blood certificate of 2024 and every material.
fn spouse(dir: &TempDir, case_no: &str) -> RegisterBloodRequest {
    RegisterBloodRequest {
        case_no: case_no.into(),
        key: key(),
        donor: "spouse".into(),
        donor_name: "李建国".into(),
        donor_id: "11010519491231002X".into(),
        gold_award: false,
        pledge: false,
        certificates: vec![certificate("ZJ2024000123", "2024-05-01", "300", "whole")],
        materials: vec![
            material("donor_id", &scan(dir, "donor.jpg", 10)),
            material("certificate", &scan(dir, "cert.jpg", 20)),
            material("patient_id", &scan(dir, "patient.jpg", 30)),
            material("relationship", &scan(dir, "marriage.jpg", 40)),
        ],
    }
}

/// How many registrations, certificates, materials and reviews the database holds.
async fn footprint(app: &app::App) -> (i64, i64, i64, i64) {
    let mut conn = app.store().conn().await.unwrap();
    store::registrations::counts(&mut conn).await.unwrap()
}

#[tokio::test]
async fn a_spouse_registers_with_every_material_and_a_supervisor_approves() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay::audited("2026900101")).await;
    let cashier = login(&app, "cashier").await;
    let request = spouse(&dir, "2026900101");
    let registered = app.register_blood(&cashier, &request).await.unwrap();
    assert_eq!(registered.status.code, "submitted");
    assert_eq!((registered.entitled_ml, registered.remaining_ml), (Some(600), Some(600)), "2× 300 ml within 5 years");
    assert!(registered.rule.contains("2 倍"), "{}", registered.rule);
    assert_eq!(registered.donor_id, "110105********002X", "the ID is masked on screen");
    assert_eq!(registered.materials.len(), 4);
    // The images are on the shelf beside the database, each with a thumbnail.
    let shelf = dir.path().join("materials");
    let kept = walk(&shelf);
    assert_eq!(kept.iter().filter(|p| p.ends_with(".jpg")).count(), 4, "{kept:?}");
    assert_eq!(kept.iter().filter(|p| p.ends_with(".thumb.png")).count(), 4, "{kept:?}");
    // The same key again: the same registration, nothing new.
    let before = footprint(&app).await;
    let again = app.register_blood(&cashier, &request).await.unwrap();
    assert_eq!(again.registration, registered.registration);
    assert_eq!(footprint(&app).await, before);

    // The clerk cannot approve their own; a cashier may not review at all.
    let review = |approve: bool, reason: &str| ReviewBloodRequest {
        registration: registered.registration,
        key: key(),
        approve,
        reason: reason.into(),
    };
    let supervisor = login(&app, "supervisor").await;
    let own = app
        .register_blood(&supervisor, &RegisterBloodRequest { key: key(), ..spouse(&dir, "2026900101") })
        .await
        .unwrap();
    let refused = app
        .review_blood(
            &supervisor,
            &ReviewBloodRequest { registration: own.registration, key: key(), approve: true, reason: String::new() },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "SELF_APPROVAL");
    assert_eq!(app.review_blood(&cashier, &review(true, "")).await.unwrap_err().code(), "FORBIDDEN");
    assert_eq!(app.review_blood(&supervisor, &review(false, " ")).await.unwrap_err().code(), "REASON_REQUIRED");
    let approved = app.review_blood(&supervisor, &review(true, "")).await.unwrap();
    assert_eq!((approved.status.code.as_str(), approved.reviewed_by.as_deref()), ("approved", Some("supervisor")));
    assert_eq!(
        app.review_blood(&supervisor, &review(false, "重复")).await.unwrap_err().code(),
        "BLOOD_ALREADY_REVIEWED"
    );
    let listed = app.blood_registrations("2026900101").await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].status.code, "approved");
}

/// What a refusal test does to a good request.
type Spoil = Box<dyn Fn(&mut RegisterBloodRequest)>;

#[tokio::test]
async fn bad_registrations_are_refused_by_name_and_nothing_is_kept() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay::audited("2026900102")).await;
    let cashier = login(&app, "cashier").await;
    let before = footprint(&app).await;
    let text = dir.path().join("note.txt");
    std::fs::write(&text, "不是图片").unwrap();
    let jpeg = scan(&dir, "whole.jpg", 50);
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &std::fs::read(&jpeg).unwrap()[..2000]).unwrap();
    let cases: Vec<(&str, Spoil)> = vec![
        ("BLOOD_DONOR_UNKNOWN", Box::new(|r| r.donor = "cousin".into())),
        ("BLOOD_RELATIVE_NOT_ELIGIBLE", Box::new(|r| r.donor = "sibling".into())),
        ("RESIDENT_ID_INVALID", Box::new(|r| r.donor_id = "110105194912310021".into())),
        ("BLOOD_DONATED_IN_FUTURE", Box::new(|r| r.certificates[0].donated_on = "2027-01-01".into())),
        ("BLOOD_VOLUME_ABSURD", Box::new(|r| r.certificates[0].volume_ml = "0".into())),
        ("BLOOD_VOLUME_ABSURD", Box::new(|r| r.certificates[0].volume_ml = "40000".into())),
        ("BLOOD_KIND_UNKNOWN", Box::new(|r| r.certificates[0].kind = "plasma".into())),
        (
            "BLOOD_MATERIALS_MISSING",
            Box::new(|r| {
                r.materials.pop();
            }),
        ),
        ("MATERIAL_NOT_AN_IMAGE", Box::new(move |r| r.materials[0].path = text.display().to_string())),
        ("MATERIAL_CORRUPT", Box::new(move |r| r.materials[0].path = cut.display().to_string())),
        ("MATERIAL_ITEM_UNKNOWN", Box::new(|r| r.materials[0].item = "photo".into())),
        ("NOT_FOUND", Box::new(|r| r.case_no = "2026999999".into())),
    ];
    for (code, spoil) in cases {
        let mut request = spouse(&dir, "2026900102");
        spoil(&mut request);
        let refused = app.register_blood(&cashier, &request).await.unwrap_err();
        assert_eq!(refused.code(), code, "{refused}");
        assert!(!refused.to_string().is_empty());
        assert_eq!(footprint(&app).await, before, "{code} wrote something");
    }
    assert!(walk(&dir.path().join("materials")).is_empty(), "a refused registration kept images");
    // Without the proof, a signed pledge does.
    let mut pledged = spouse(&dir, "2026900102");
    pledged.materials.pop();
    pledged.pledge = true;
    pledged.materials.push(material("pledge", &scan(&dir, "pledge.jpg", 60)));
    assert!(app.register_blood(&cashier, &pledged).await.is_ok());
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path().display().to_string());
        }
    }
    out
}
