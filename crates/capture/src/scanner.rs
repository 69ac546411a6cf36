//! A SANE scanner (flatbed or sheet-feed, libsane through the `sane-scan` binding): one page at
//! the chosen resolution and colour mode, encoded as JPEG (colour, grey) or PNG (line art).
//!
//! Two habits of the binding are worked around here: after `mode` is set the option descriptors
//! are read again (a backend may rebuild them, and the old indices then fail with "Invalid
//! argument"), and the image is read with our own loop, because `read_to_vec` ends quietly on
//! any error, so a jam would give a cut-off page instead of a refusal.
//!
//! libsane keeps global state and is not thread-safe: one scan at a time per process.

use std::{ffi::CString, io::Cursor, sync::Mutex};

use image::{DynamicImage, GrayImage, ImageFormat, RgbImage};
use sane_scan::{DeviceHandle, DeviceOption, DeviceOptionValue, Frame, Sane, Status, ValueType};

use crate::{CaptureError, Source};

/// One scan at a time in this process (libsane's global state).
static SANE: Mutex<()> = Mutex::new(());

/// How the page is scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColourMode {
    Colour,
    Grey,
    LineArt,
}

impl ColourMode {
    pub const ALL: [ColourMode; 3] = [ColourMode::Colour, ColourMode::Grey, ColourMode::LineArt];

    /// The code in settings and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            ColourMode::Colour => "color",
            ColourMode::Grey => "gray",
            ColourMode::LineArt => "lineart",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ColourMode::Colour => "彩色",
            ColourMode::Grey => "灰度",
            ColourMode::LineArt => "黑白",
        }
    }

    pub fn from_code(code: &str) -> Option<ColourMode> {
        ColourMode::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The values SANE's `mode` option takes for it, as backends spell them.
    fn sane_values(self) -> &'static [&'static str] {
        match self {
            ColourMode::Colour => &["Color", "Colour"],
            ColourMode::Grey => &["Gray", "Grey"],
            ColourMode::LineArt => &["Lineart", "Binary", "Black & White"],
        }
    }
}

/// A scanner by its SANE device name (`test`, `genesys:libusb:001:004`, …).
#[derive(Clone, Debug)]
pub struct Scanner {
    pub device: String,
    pub dpi: u32,
    pub mode: ColourMode,
    /// Width and height of the area scanned from the top-left corner, in mm (A4: 210 × 297;
    /// an ID card: 86 × 54); `None` scans the whole bed.
    pub area_mm: Option<(u32, u32)>,
}

/// A device SANE lists: its name and what to show the clerk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannerInfo {
    pub name: String,
    pub label: String,
}

/// The scanners SANE finds now (local devices only: no network probing at a counter).
pub fn scanners() -> Result<Vec<ScannerInfo>, CaptureError> {
    let _one = SANE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let sane = Sane::init_1_0().map_err(|e| CaptureError::NoScanner(format!("SANE 无法启动：{e}")))?;
    let devices = sane.get_devices().map_err(|e| CaptureError::NoScanner(format!("无法列出扫描仪：{e}")))?;
    Ok(devices
        .into_iter()
        .map(|d| ScannerInfo {
            name: d.name.to_string_lossy().into_owned(),
            label: format!("{} {}", d.vendor.to_string_lossy(), d.model.to_string_lossy()),
        })
        .collect())
}

impl Source for Scanner {
    fn acquire(&self) -> Result<(String, Vec<u8>), CaptureError> {
        let _one = SANE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let sane = Sane::init_1_0().map_err(|e| CaptureError::NoScanner(format!("SANE 无法启动：{e}")))?;
        let devices = sane.get_devices().map_err(|e| CaptureError::NoScanner(format!("无法列出扫描仪：{e}")))?;
        let device = devices
            .iter()
            .find(|d| d.name.to_bytes() == self.device.as_bytes())
            .ok_or_else(|| CaptureError::NoScanner(format!("未找到扫描仪 {}（请检查连接和电源）", self.device)))?;
        let mut handle = device.open().map_err(|e| status_error(&self.device, e.0))?;
        set_mode(&handle, self.mode, &self.device)?;
        // The descriptors are read again after the mode: see the module's note.
        set_resolution(&handle, self.dpi, &self.device)?;
        set_area(&handle, self.area_mm, &self.device)?;
        let image = read_page(&mut handle, &self.device)?;
        let (format, extension) = match self.mode {
            ColourMode::LineArt => (ImageFormat::Png, "png"),
            _ => (ImageFormat::Jpeg, "jpg"),
        };
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .map_err(|e| CaptureError::Corrupt(format!("扫描图像无法编码：{e}")))?;
        Ok((format!("{}.{extension}", self.device), bytes))
    }
}

/// A SANE status as the clerk should read it.
fn status_error(device: &str, status: Status) -> CaptureError {
    match status {
        Status::Jammed => CaptureError::Jammed(device.to_owned()),
        Status::NoDocs => CaptureError::NoScanner(format!("扫描仪 {device} 中没有纸，请放入文件")),
        Status::CoverOpen => CaptureError::NoScanner(format!("扫描仪 {device} 的盖板未合上")),
        Status::DeviceBusy => CaptureError::NoScanner(format!("扫描仪 {device} 正忙，请稍后再试")),
        Status::AccessDenied => CaptureError::NoScanner(format!("无权使用扫描仪 {device}")),
        other => CaptureError::NoScanner(format!("扫描仪 {device} 出错：{}", sane_scan::Error(other))),
    }
}

fn option(handle: &DeviceHandle, name: &str, device: &str) -> Result<Option<DeviceOption>, CaptureError> {
    let options = handle.get_options().map_err(|e| status_error(device, e.0))?;
    Ok(options.into_iter().find(|o| o.name.to_bytes() == name.as_bytes()))
}

/// Sets `mode` to a value the device lists for `mode`. A device without line art scans grey at
/// 1 bit, which is line art; one without the mode at all is refused by name.
fn set_mode(handle: &DeviceHandle, mode: ColourMode, device: &str) -> Result<(), CaptureError> {
    let Some(opt) = option(handle, "mode", device)? else {
        return Ok(()); // A scanner without modes scans in its only one.
    };
    let listed: Vec<String> = match &opt.constraint {
        sane_scan::OptionConstraint::StringList(values) => {
            values.iter().map(|v| v.to_string_lossy().into_owned()).collect()
        }
        _ => Vec::new(),
    };
    let pick = |m: ColourMode| m.sane_values().iter().find(|v| listed.iter().any(|l| l == *v)).copied();
    let (value, one_bit) = match (pick(mode), mode) {
        (Some(value), _) => (value, false),
        (None, ColourMode::LineArt) => match pick(ColourMode::Grey) {
            Some(grey) => (grey, true),
            None => return Err(unsupported(device, mode)),
        },
        (None, _) => return Err(unsupported(device, mode)),
    };
    let value = CString::new(value).map_err(|_| unsupported(device, mode))?;
    handle.set_option(&opt, DeviceOptionValue::String(value)).map_err(|e| status_error(device, e.0))?;
    if one_bit {
        // Read again after the mode: see the module's note.
        let Some(depth) = option(handle, "depth", device)? else { return Err(unsupported(device, mode)) };
        handle.set_option(&depth, DeviceOptionValue::Int(1)).map_err(|_| unsupported(device, mode))?;
    }
    Ok(())
}

fn unsupported(device: &str, mode: ColourMode) -> CaptureError {
    CaptureError::NoScanner(format!("扫描仪 {device} 不支持{}模式，请在设置中另选", mode.label()))
}

fn set_resolution(handle: &DeviceHandle, dpi: u32, device: &str) -> Result<(), CaptureError> {
    let Some(opt) = option(handle, "resolution", device)? else {
        return Ok(());
    };
    let dpi = i32::try_from(dpi).map_err(|_| CaptureError::NoScanner(format!("分辨率无效：{dpi}")))?;
    let value = match opt.type_ {
        ValueType::Fixed => DeviceOptionValue::Fixed(dpi << 16),
        _ => DeviceOptionValue::Int(dpi),
    };
    handle.set_option(&opt, value).map_err(|e| status_error(device, e.0))?;
    Ok(())
}

/// The scan area: the bottom-right corner at `area_mm` (kept within the bed), or at its
/// largest for the whole bed (a certificate placed anywhere on it).
fn set_area(handle: &DeviceHandle, area_mm: Option<(u32, u32)>, device: &str) -> Result<(), CaptureError> {
    let wanted = area_mm.map(|(w, h)| [w, h]);
    for (i, corner) in ["br-x", "br-y"].into_iter().enumerate() {
        let Some(opt) = option(handle, corner, device)? else { continue };
        let sane_scan::OptionConstraint::Range { ref range, .. } = opt.constraint else { continue };
        let fixed = opt.type_ == ValueType::Fixed;
        let want = wanted.map_or(range.end, |w| {
            let mm = i32::try_from(w[i]).unwrap_or(i32::MAX);
            if fixed { mm.saturating_mul(1 << 16) } else { mm }
        });
        let value = if fixed {
            DeviceOptionValue::Fixed(want.min(range.end))
        } else {
            DeviceOptionValue::Int(want.min(range.end))
        };
        handle.set_option(&opt, value).map_err(|e| status_error(device, e.0))?;
    }
    Ok(())
}

/// Reads every frame of one page; any status but "good" or "end of frame" refuses the page.
fn read_page(handle: &mut DeviceHandle, device: &str) -> Result<DynamicImage, CaptureError> {
    let params = handle.start_scan().map_err(|e| status_error(device, e.0))?;
    let (width, depth) = (params.pixels_per_line, params.depth);
    if !matches!(params.format, Frame::Gray | Frame::Rgb) || !matches!(depth, 1 | 8 | 16) {
        return Err(CaptureError::NoScanner(format!(
            "扫描仪 {device} 的图像格式不受支持（{:?}，{depth} 位）",
            params.format
        )));
    }
    let mut raw = Vec::with_capacity(usize::try_from(params.bytes_per_line.max(0) * params.lines.max(0)).unwrap_or(0));
    let mut buf = vec![0u8; 256 * 1024];
    while let Some(n) = handle.read(&mut buf).map_err(|e| status_error(device, e.0))? {
        raw.extend_from_slice(&buf[..n]);
    }
    let bytes_per_line = usize::try_from(params.bytes_per_line).unwrap_or(0);
    if bytes_per_line == 0 || width <= 0 {
        return Err(CaptureError::Corrupt(format!("扫描仪 {device} 没有送出图像")));
    }
    let lines = raw.len() / bytes_per_line;
    let (w, h) = (u32::try_from(width).unwrap_or(0), u32::try_from(lines).unwrap_or(0));
    let channels = if params.format == Frame::Rgb { 3 } else { 1 };
    let samples = to_8bit(&raw, bytes_per_line, lines, width as usize * channels, depth);
    let image = if channels == 3 {
        RgbImage::from_raw(w, h, samples).map(DynamicImage::ImageRgb8)
    } else {
        GrayImage::from_raw(w, h, samples).map(DynamicImage::ImageLuma8)
    };
    image.ok_or_else(|| CaptureError::Corrupt(format!("扫描仪 {device} 送出的图像不完整")))
}

/// Packs SANE's lines (padded to `bytes_per_line`) into 8-bit samples: 16-bit keeps the high
/// byte (SANE sends host order), 1-bit is line art with 1 meaning black.
fn to_8bit(raw: &[u8], bytes_per_line: usize, lines: usize, samples_per_line: usize, depth: i32) -> Vec<u8> {
    let mut out = Vec::with_capacity(samples_per_line * lines);
    for line in raw.chunks_exact(bytes_per_line).take(lines) {
        match depth {
            8 => out.extend_from_slice(&line[..samples_per_line.min(line.len())]),
            16 => out.extend(
                line.chunks_exact(2).take(samples_per_line).map(|s| u16::from_ne_bytes([s[0], s[1]]).to_be_bytes()[0]),
            ),
            _ => out.extend((0..samples_per_line).map(|i| {
                let bit = line.get(i / 8).map_or(0, |byte| (byte >> (7 - i % 8)) & 1);
                if bit == 1 { 0 } else { 255 }
            })),
        }
    }
    out
}
