//! Capturing against real files: a generated scan kept once with its thumbnail, and each
//! refusal (not an image, damaged, too large) named with nothing kept.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use tempfile::TempDir;

use crate::{FileImport, Shelf, Source};

/// A 1240×1754 (A4 at 150 dpi) colour page encoded as `format`.
fn page(format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_fn(1240, 1754, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

fn files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map_or(0, |entries| entries.flatten().map(|e| if e.path().is_dir() { files(&e.path()) } else { 1 }).sum())
}

#[test]
fn a_scan_is_kept_once_with_a_thumbnail() {
    let dir = TempDir::new().unwrap();
    let shelf = Shelf::new(dir.path().join("materials"));
    let jpeg = page(ImageFormat::Jpeg);
    let stored = shelf.keep("scan.jpg", &jpeg).unwrap();
    assert_eq!(stored.media_type.mime(), "image/jpeg");
    assert_eq!(std::fs::read(&stored.path).unwrap(), jpeg);
    let thumb = image::open(stored.thumbnail.as_ref().unwrap()).unwrap();
    assert_eq!((thumb.width().max(thumb.height())), 256, "the longer side is 256 px");
    assert_eq!(shelf.find(&stored.sha256), Some(stored.path.clone()));
    assert_eq!(shelf.thumbnail(&stored.sha256), stored.thumbnail, "found again by its hash");
    assert_eq!(shelf.thumbnail(&"0".repeat(64)), None);
    let again = shelf.keep("again.jpg", &jpeg).unwrap();
    assert_eq!(again, stored, "the same content is one file");
    assert_eq!(files(&dir.path().join("materials")), 2, "the image and its thumbnail, nothing else");
    let png = shelf.keep("scan.png", &page(ImageFormat::Png)).unwrap();
    assert_eq!(png.media_type.mime(), "image/png");
}

#[test]
fn what_is_not_a_sound_image_is_refused_and_nothing_kept() {
    let dir = TempDir::new().unwrap();
    let folder = dir.path().join("materials");
    let shelf = Shelf::new(&folder);
    let refused = |name: &str, bytes: &[u8]| shelf.keep(name, bytes).unwrap_err().code();
    assert_eq!(refused("note.txt", "不是图片".as_bytes()), "MATERIAL_NOT_AN_IMAGE");
    let jpeg = page(ImageFormat::Jpeg);
    assert_eq!(refused("cut.jpg", &jpeg[..jpeg.len() / 3]), "MATERIAL_CORRUPT");
    let png = page(ImageFormat::Png);
    assert_eq!(refused("cut.png", &png[..png.len() / 2]), "MATERIAL_CORRUPT");
    assert_eq!(refused("half.pdf", b"%PDF-1.7\n1 0 obj\n"), "MATERIAL_CORRUPT");
    assert!(shelf.keep("form.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").is_ok());
    assert_eq!(files(&folder), 1, "only the sound PDF was kept");
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = TempDir::new().unwrap();
    let big = dir.path().join("big.jpg");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(crate::MAX_BYTES + 1).unwrap();
    let refused = FileImport::new(&big).acquire().unwrap_err();
    assert_eq!(refused.code(), "MATERIAL_TOO_LARGE", "{refused}");
    let missing = FileImport::new(dir.path().join("none.jpg")).acquire().unwrap_err();
    assert_eq!(missing.code(), "MATERIAL_UNREADABLE");
}

#[test]
fn the_camera_folder_gives_the_next_finished_shot_and_never_an_old_one() {
    use std::{io::Write, time::Duration};
    let dir = TempDir::new().unwrap();
    let jpeg = page(ImageFormat::Jpeg);
    std::fs::write(dir.path().join("IMG_0001.jpg"), &jpeg).unwrap();
    std::fs::write(dir.path().join("readme.txt"), b"not a shot").unwrap();
    let folder = crate::WatchedFolder::arm(dir.path(), Duration::from_secs(5)).unwrap();
    // The camera program writes the next shot in two pieces, 700 ms apart: the half file stands
    // still for several looks but is not a whole JPEG yet.
    let writer = {
        let (path, jpeg) = (dir.path().join("IMG_0002.jpg"), jpeg.clone());
        std::thread::spawn(move || {
            let mut file = std::fs::File::create(&path).unwrap();
            file.write_all(&jpeg[..jpeg.len() / 2]).unwrap();
            file.flush().unwrap();
            std::thread::sleep(Duration::from_millis(700));
            file.write_all(&jpeg[jpeg.len() / 2..]).unwrap();
        })
    };
    let (name, bytes) = folder.acquire().unwrap();
    writer.join().unwrap();
    assert!(name.ends_with("IMG_0002.jpg"), "{name}");
    assert_eq!(bytes, jpeg, "taken only once the whole file was written");
    let shelf = Shelf::new(dir.path().join("materials"));
    assert!(shelf.keep(&name, &bytes).is_ok());

    let idle = crate::WatchedFolder::arm(dir.path(), Duration::from_millis(500)).unwrap();
    let waited = idle.acquire().unwrap_err();
    assert_eq!(waited.code(), "SCANNER_UNAVAILABLE", "{waited}");
    assert!(waited.to_string().contains("没有新的图像"), "{waited}");
    let gone = crate::WatchedFolder::arm(dir.path().join("none"), Duration::from_secs(1)).err().unwrap();
    assert!(gone.to_string().contains("无法打开"), "{gone}");
}

#[test]
fn a_page_is_turned_by_quarter_turns_and_a_pdf_or_an_odd_angle_is_refused() {
    let img = RgbImage::from_fn(40, 30, |x, y| Rgb([(x * 6) as u8, (y * 8) as u8, 0]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img.clone()).write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
    let turned = image::load_from_memory(&crate::rotate("card.png", &png, 90).unwrap()).unwrap().to_rgb8();
    assert_eq!((turned.width(), turned.height()), (30, 40));
    // Clockwise: the top-left pixel goes to the top-right corner.
    assert_eq!(turned.get_pixel(29, 0), img.get_pixel(0, 0));
    let back = crate::rotate("card.png", &crate::rotate("card.png", &png, 180).unwrap(), 180).unwrap();
    assert_eq!(image::load_from_memory(&back).unwrap().to_rgb8(), img, "two half turns are none");
    assert_eq!(crate::rotate("card.png", &png, 0).unwrap(), png);
    let jpeg = page(ImageFormat::Jpeg);
    let turned = crate::rotate("scan.jpg", &jpeg, 270).unwrap();
    assert!(crate::check("scan.jpg", &turned).is_ok() && turned.starts_with(&[0xFF, 0xD8]), "still a JPEG");
    let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    assert_eq!(crate::rotate("form.pdf", pdf, 90).unwrap_err().code(), "MATERIAL_NOT_ROTATABLE");
    assert_eq!(crate::rotate("card.png", &png, 45).unwrap_err().code(), "MATERIAL_NOT_ROTATABLE");
}
