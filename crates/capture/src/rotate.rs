//! Turning a captured page the right way up: a certificate photographed sideways by the document
//! camera, or a card scanned upside down. Quarter turns clockwise; the page is decoded, turned
//! and encoded again in its own format (a JPEG at quality 90). A PDF is not turned here.

use std::io::Cursor;

use image::ImageFormat;
use image::codecs::jpeg::JpegEncoder;

use crate::CaptureError;
use crate::check::{MediaType, check};

/// `bytes` turned by `degrees` clockwise (0, 90, 180 or 270).
pub fn rotate(name: &str, bytes: &[u8], degrees: u16) -> Result<Vec<u8>, CaptureError> {
    let checked = check(name, bytes)?;
    let turned = match (checked.image, degrees) {
        (_, 0) => return Ok(bytes.to_vec()),
        (None, _) => return Err(CaptureError::NotRotatable(format!("{name} 是 PDF，不能旋转"))),
        (Some(image), 90) => image.rotate90(),
        (Some(image), 180) => image.rotate180(),
        (Some(image), 270) => image.rotate270(),
        (Some(_), other) => {
            return Err(CaptureError::NotRotatable(format!("旋转角度应为 0、90、180 或 270：{other}")));
        }
    };
    let mut out = Vec::new();
    let encoded = match checked.media_type {
        MediaType::Jpeg => turned.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90)),
        _ => turned.write_to(&mut Cursor::new(&mut out), ImageFormat::Png),
    };
    encoded.map_err(|e| CaptureError::Corrupt(format!("{name}（旋转后无法编码：{e}）")))?;
    Ok(out)
}
