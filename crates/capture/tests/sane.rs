//! The SANE source against SANE's own `test` backend (a real driver that makes test pages),
//! configured through SANE_CONFIG_DIR: the device is listed, a page comes out at the resolution,
//! area and colour mode asked, and an absent device is named. One test: SANE_CONFIG_DIR is read
//! when libsane starts, once per process.

use capture::{ColourMode, Scanner, Source, check};

#[test]
fn pages_come_out_as_asked_and_an_absent_scanner_is_named() {
    // SANE_CONFIG_DIR must be set before libsane starts, and setting it in-process is
    // `unsafe` (forbidden here): the test runs itself again as a child with it set.
    if std::env::var_os("CAPTURE_SANE_CHILD").is_none() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join("dll.conf"), "test\n").unwrap();
        std::fs::write(
            dir.path().join("test.conf"),
            "number_of_devices 1\ngeometry_max 300.0\ntest-picture \"Color pattern\"\n",
        )
        .unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "pages_come_out_as_asked_and_an_absent_scanner_is_named", "--nocapture"])
            .env("SANE_CONFIG_DIR", dir.path())
            .env("CAPTURE_SANE_CHILD", "1")
            .output()
            .unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && said.contains("1 passed"), "{said}");
        return;
    }

    let listed = capture::scanners().unwrap();
    assert!(listed.iter().any(|s| s.name == "test:0"), "{listed:?}");

    let a4 = Scanner { device: "test:0".into(), dpi: 150, mode: ColourMode::Colour, area_mm: Some((210, 297)) };
    let (name, bytes) = a4.acquire().unwrap();
    let page = check(&name, &bytes).unwrap();
    assert_eq!(page.media_type.mime(), "image/jpeg");
    let image = page.image.unwrap();
    // 210 × 297 mm at 150 dpi is 1240 × 1754 pixels (±1 for the backend's rounding).
    assert!(
        image.width().abs_diff(1240) <= 1 && image.height().abs_diff(1754) <= 1,
        "{}×{}",
        image.width(),
        image.height()
    );
    assert_eq!(image.color().channel_count(), 3, "a colour page");

    let grey = Scanner { mode: ColourMode::Grey, area_mm: Some((86, 54)), ..a4.clone() };
    let (name, bytes) = grey.acquire().unwrap();
    let card = check(&name, &bytes).unwrap().image.unwrap();
    assert_eq!(card.color().channel_count(), 1, "a grey ID card");
    assert!(card.width() > card.height());

    let line_art = Scanner { mode: ColourMode::LineArt, area_mm: Some((50, 50)), ..a4.clone() };
    let (name, bytes) = line_art.acquire().unwrap();
    assert_eq!(check(&name, &bytes).unwrap().media_type.mime(), "image/png");

    let absent = Scanner { device: "fujitsu:fi-7160:12345".into(), ..a4 };
    let refused = absent.acquire().unwrap_err();
    assert_eq!(refused.code(), "SCANNER_UNAVAILABLE", "{refused}");
    assert!(refused.to_string().contains("未找到扫描仪 fujitsu:fi-7160:12345"), "{refused}");
}
