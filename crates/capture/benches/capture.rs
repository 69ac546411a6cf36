//! Capture to stored thumbnail for a 300-dpi A4 colour page (goal ≤ 1 s): the scan from SANE's
//! `test` backend when SANE_CONFIG_DIR names a configuration with it (scripts/bench.sh makes
//! one), then the check (decoding the whole page) and the shelf (SHA-256, file, 256 px
//! thumbnail). Without SANE the scan stage is skipped and a generated page of the same size is
//! used for the rest.

use std::hint::black_box;
use std::io::Cursor;

use capture::{ColourMode, Scanner, Shelf, Source, check};
use criterion::{Criterion, criterion_group, criterion_main};
use image::{ImageFormat, Rgb, RgbImage};

/// 210 × 297 mm at 300 dpi.
const A4_300: (u32, u32) = (2480, 3508);

fn generated_page() -> Vec<u8> {
    let (w, h) = A4_300;
    let img =
        RgbImage::from_fn(w, h, |x, y| Rgb([(x / 7 % 256) as u8, (y / 5 % 256) as u8, ((x + y) / 11 % 256) as u8]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg).unwrap();
    out
}

fn capture(c: &mut Criterion) {
    let mut group = c.benchmark_group("capture_a4_300dpi_colour");
    group.sample_size(10);
    let scanner = Scanner { device: "test:0".into(), dpi: 300, mode: ColourMode::Colour, area_mm: Some((210, 297)) };
    let sane = std::env::var_os("SANE_CONFIG_DIR").is_some() && scanner.acquire().is_ok();
    let page = if sane {
        group.bench_function("scan_sane_test_backend", |b| b.iter(|| black_box(scanner.acquire().unwrap())));
        scanner.acquire().unwrap().1
    } else {
        println!("SANE_CONFIG_DIR with the test backend not set: the scan stage is skipped");
        generated_page()
    };
    println!("page: {} bytes of JPEG", page.len());
    group.bench_function("check_decode", |b| b.iter(|| black_box(check("page.jpg", &page).unwrap())));
    group.bench_function("keep_with_thumbnail", |b| {
        b.iter_batched(
            || tempfile::TempDir::new().unwrap(),
            |dir| black_box(Shelf::new(dir.path()).keep("page.jpg", &page).unwrap()),
            criterion::BatchSize::PerIteration,
        )
    });
    if sane {
        group.bench_function("scan_check_keep", |b| {
            b.iter_batched(
                || tempfile::TempDir::new().unwrap(),
                |dir| {
                    let (name, bytes) = scanner.acquire().unwrap();
                    check(&name, &bytes).unwrap();
                    black_box(Shelf::new(dir.path()).keep(&name, &bytes).unwrap())
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, capture);
criterion_main!(benches);
