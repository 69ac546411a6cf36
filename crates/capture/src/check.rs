//! Is it what it claims? The first bytes say JPEG, PNG or PDF; a JPEG must end with its
//! end-of-image marker and an image must then decode completely (a truncated or damaged scan is
//! refused), a PDF must end with its `%%EOF` marker.

use std::io::Cursor;

use image::ImageReader;

use crate::CaptureError;

/// The largest file accepted (a 600-dpi A4 colour JPEG is a few MB).
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
    Pdf,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Pdf => "pdf",
        }
    }

    fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MediaType::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else {
            None
        }
    }
}

/// A file that passed: its type and, for an image, its decoded pixels.
pub struct Checked {
    pub media_type: MediaType,
    pub image: Option<image::DynamicImage>,
}

/// Checks `bytes` (named `name` in messages).
pub fn check(name: &str, bytes: &[u8]) -> Result<Checked, CaptureError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_BYTES {
        return Err(CaptureError::TooLarge { name: name.to_owned(), bytes: size, max: MAX_BYTES });
    }
    let Some(media_type) = MediaType::sniff(bytes) else {
        return Err(CaptureError::NotAnImage(name.to_owned()));
    };
    // A JPEG decoder fills a cut-off scan with grey rather than fail: the end-of-image marker
    // must be there (a few padding bytes after it are tolerated).
    if media_type == MediaType::Jpeg {
        let tail = &bytes[bytes.len().saturating_sub(64)..];
        if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Err(CaptureError::Corrupt(name.to_owned()));
        }
    }
    if media_type == MediaType::Pdf {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(CaptureError::Corrupt(name.to_owned()));
        }
        return Ok(Checked { media_type, image: None });
    }
    let format = match media_type {
        MediaType::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    let decoded = reader.decode().map_err(|e| CaptureError::Corrupt(format!("{name}（{e}）")))?;
    Ok(Checked { media_type, image: Some(decoded) })
}
