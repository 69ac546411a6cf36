//! What the 用血减免 screen asks of the app besides registering: the entitlement while the clerk
//! types, pages captured (here imported from files) into the staging shelf and turned, the
//! capture settings and who may change them, the list waiting for review with its pages, and
//! the reimbursement form refused before any settlement deducted the waiver.

mod support;

use contract::blood::{CertificateInput, MaterialInput, RegisterBloodRequest};
use contract::blood_desk::{CaptureRequest, CaptureSettings, EntitlementQuery};
use support::*;
use tempfile::TempDir;

fn certificate(no: &str, on: &str, ml: &str) -> CertificateInput {
    CertificateInput { certificate_no: no.into(), donated_on: on.into(), volume_ml: ml.into(), kind: "whole".into() }
}

#[tokio::test]
async fn the_entitlement_is_computed_as_typed_and_refusals_say_why() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let query = |donor: &str, gold: bool, certificates: Vec<CertificateInput>| EntitlementQuery {
        donor: donor.into(),
        gold_award: gold,
        certificates,
    };
    let spouse = app.blood_entitlement(&query("spouse", false, vec![certificate("ZJ1", "2024-05-01", "150")])).await;
    let spouse = spouse.unwrap();
    assert_eq!((spouse.entitled_ml, spouse.used_ml, spouse.remaining_ml), (Some(300), 0, Some(300)));
    assert!(spouse.rule.contains("2 倍"), "{}", spouse.rule);
    let donor = app.blood_entitlement(&query("self", false, vec![certificate("ZJ2", "2025-01-01", "400")])).await;
    assert_eq!(donor.unwrap().entitled_ml, None, "400 ml of whole blood: free for life");

    let sibling = app.blood_entitlement(&query("sibling", false, vec![certificate("ZJ3", "2024-05-01", "200")])).await;
    assert_eq!(sibling.unwrap_err().code(), "BLOOD_RELATIVE_NOT_ELIGIBLE");
    let gold = app.blood_entitlement(&query("sibling", true, vec![certificate("ZJ3", "2024-05-01", "200")])).await;
    assert_eq!(gold.unwrap().entitled_ml, Some(400));
    let future = app.blood_entitlement(&query("self", false, vec![certificate("ZJ4", "2027-01-01", "200")])).await;
    assert_eq!(future.unwrap_err().code(), "BLOOD_DONATED_IN_FUTURE");
    let unknown = app.blood_entitlement(&query("cousin", false, vec![])).await;
    assert_eq!(unknown.unwrap_err().code(), "BLOOD_DONOR_UNKNOWN");
}

#[tokio::test]
async fn pages_are_captured_aside_turned_and_shown_to_the_reviewer() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    admit(&app, &Stay::audited("2026900501")).await;
    let cashier = login(&app, "cashier").await;
    let staging = dir.path().join("captures");
    let page = dir.path().join("card.png");
    image::RgbImage::from_pixel(300, 200, image::Rgb([20, 90, 200])).save(&page).unwrap();
    let import = |item: &str| CaptureRequest { item: item.into(), file: Some(page.display().to_string()) };

    let captured = app.capture_page(&cashier, &import("donor_id"), &staging).await.unwrap();
    assert_eq!((captured.item.code.as_str(), captured.media_type.as_str()), ("donor_id", "image/png"));
    assert!(captured.thumbnail.starts_with("data:image/png;base64,"));
    assert!(captured.handle.starts_with(staging.to_str().unwrap()), "{}", captured.handle);
    let turned = app.rotate_page(&cashier, "donor_id", &captured.handle, &staging).await.unwrap();
    assert_ne!(turned.handle, captured.handle, "a turned page is a new page");
    let outside = app.rotate_page(&cashier, "donor_id", page.to_str().unwrap(), &staging).await.unwrap_err();
    assert_eq!(outside.code(), "CAPTURE_UNKNOWN");
    let not_an_image = dir.path().join("note.txt");
    std::fs::write(&not_an_image, "hello").unwrap();
    let refused = app
        .capture_page(
            &cashier,
            &CaptureRequest { item: "certificate".into(), file: Some(not_an_image.display().to_string()) },
            &staging,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "MATERIAL_NOT_AN_IMAGE", "{refused}");
    let certificate_page = app.capture_page(&cashier, &import("certificate"), &staging).await.unwrap();

    // The staged pages are what the registration attaches; the reviewer sees their thumbnails.
    let request = RegisterBloodRequest {
        case_no: "2026900501".into(),
        key: key(),
        donor: "self".into(),
        donor_name: "测试患者".into(),
        donor_id: "11010519491231002X".into(),
        gold_award: false,
        pledge: false,
        certificates: vec![certificate("ZJ2024000901", "2024-05-01", "200")],
        materials: [&turned, &certificate_page]
            .iter()
            .map(|p| MaterialInput { item: p.item.code.clone(), path: p.handle.clone() })
            .collect(),
    };
    let registered = app.register_blood(&cashier, &request).await.unwrap();
    assert_eq!(app.blood_waiting(&cashier).await.unwrap_err().code(), "FORBIDDEN");
    let supervisor = login(&app, "supervisor").await;
    let waiting = app.blood_waiting(&supervisor).await.unwrap();
    assert_eq!(waiting.iter().map(|r| r.registration).collect::<Vec<_>>(), [registered.registration]);
    let pages = app.blood_pages(&supervisor, registered.registration).await.unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.thumbnail.starts_with("data:image/png;base64,")), "{pages:?}");

    let form = app.print_blood_form(&cashier, registered.registration).await.unwrap_err();
    assert_eq!(form.code(), "BLOOD_NOT_DEDUCTED", "{form}");
}

#[tokio::test]
async fn the_capture_settings_are_kept_and_changed_only_by_those_allowed() {
    let dir = TempDir::new().unwrap();
    let app = seeded(&dir, 1).await;
    let cashier = login(&app, "cashier").await;
    let supervisor = login(&app, "supervisor").await;
    let first = app.capture_setup(&cashier).await.unwrap();
    assert_eq!((first.settings.source.as_str(), first.settings.dpi, first.editable), ("scanner", 300, false));
    let wanted = CaptureSettings {
        source: "scanner".into(),
        device: " test:0 ".into(),
        dpi: 150,
        mode: "gray".into(),
        folder: String::new(),
    };
    assert_eq!(app.save_capture_settings(&cashier, &wanted).await.unwrap_err().code(), "FORBIDDEN");
    let saved = app.save_capture_settings(&supervisor, &wanted).await.unwrap();
    assert!(saved.editable);
    assert_eq!((saved.settings.device.as_str(), saved.settings.dpi), ("test:0", 150));
    let again = app.capture_setup(&cashier).await.unwrap();
    assert_eq!(again.settings, saved.settings, "kept in the counter's database");

    let bad_dpi = CaptureSettings { dpi: 5, ..wanted.clone() };
    assert_eq!(app.save_capture_settings(&supervisor, &bad_dpi).await.unwrap_err().code(), "SCAN_DPI_INVALID");
    let no_folder = CaptureSettings { source: "folder".into(), folder: "/nonexistent/camera".into(), ..wanted };
    assert_eq!(app.save_capture_settings(&supervisor, &no_folder).await.unwrap_err().code(), "CAMERA_FOLDER_MISSING");
    assert_eq!(app.capture_setup(&cashier).await.unwrap().settings, saved.settings, "a refusal keeps nothing");
}
