//! Capturing the pages of a 用血减免 registration at the window: where pages come from (a SANE
//! scanner with its resolution and colour mode, the folder a document camera's program saves
//! into, or a file the clerk names) is a setting of the counter's database; a page is taken from
//! there, checked and kept aside in a staging shelf with its thumbnail until the registration is
//! submitted (its path is the handle the registration attaches to a checklist item; the
//! registration checks and shelves the file again, so a refused one leaves nothing under
//! `materials/`). A page can be turned by a quarter; the reviewer sees a registration's pages.

use std::path::{Path, PathBuf};
use std::time::Duration;

use capture::{CaptureError, ColourMode, Shelf, Source};
use contract::Tag;
use contract::blood_desk::{CaptureRequest, CaptureSettings, CaptureSetup, CapturedPage, RegistrationPage};
use domain::Permission;
use domain::blood::Material;
use store::settings;

use crate::{App, AppError, Operator};

/// The settings' keys in the counter's database.
const SOURCE_KEY: &str = "capture_source";
const DEVICE_KEY: &str = "scanner_device";
const DPI_KEY: &str = "scanner_dpi";
const MODE_KEY: &str = "scanner_mode";
const FOLDER_KEY: &str = "camera_folder";

/// How long a capture from the camera's folder waits for the next shot.
const CAMERA_WAIT: Duration = Duration::from_secs(30);
/// The scanned area from the bed's top-left corner: A4 (a certificate or card placed anywhere on
/// the page).
const AREA_MM: (u32, u32) = (210, 297);
/// The resolutions a setting may name.
const DPI_RANGE: std::ops::RangeInclusive<u32> = 75..=1200;

/// Where pages come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceKind {
    Scanner,
    Folder,
    File,
}

impl SourceKind {
    const ALL: [SourceKind; 3] = [SourceKind::Scanner, SourceKind::Folder, SourceKind::File];

    fn code(self) -> &'static str {
        match self {
            SourceKind::Scanner => "scanner",
            SourceKind::Folder => "folder",
            SourceKind::File => "file",
        }
    }

    fn label(self) -> &'static str {
        match self {
            SourceKind::Scanner => "扫描仪（SANE）",
            SourceKind::Folder => "高拍仪保存文件夹",
            SourceKind::File => "仅导入文件",
        }
    }

    fn from_code(code: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

fn refused(e: CaptureError) -> AppError {
    AppError::invalid(e.code(), e.to_string(), "capture")
}

fn item(code: &str) -> Result<Material, AppError> {
    Material::from_code(code.trim()).ok_or_else(|| {
        AppError::invalid(
            "MATERIAL_ITEM_UNKNOWN",
            format!("材料项应为 donor_id、patient_id、certificate、relationship 或 pledge：“{code}”"),
            "item",
        )
    })
}

/// The settings as typed, checked; refused naming the field.
fn checked(settings: &CaptureSettings) -> Result<CaptureSettings, AppError> {
    let source = SourceKind::from_code(settings.source.trim()).ok_or_else(|| {
        AppError::invalid(
            "CAPTURE_SOURCE_UNKNOWN",
            format!("采集来源应为 scanner、folder 或 file：“{}”", settings.source),
            "source",
        )
    })?;
    let mode = ColourMode::from_code(settings.mode.trim()).ok_or_else(|| {
        AppError::invalid(
            "SCAN_MODE_UNKNOWN",
            format!("扫描模式应为 color、gray 或 lineart：“{}”", settings.mode),
            "mode",
        )
    })?;
    if !DPI_RANGE.contains(&settings.dpi) {
        return Err(AppError::invalid(
            "SCAN_DPI_INVALID",
            format!("分辨率应在 {}–{} dpi 之间：{}", DPI_RANGE.start(), DPI_RANGE.end(), settings.dpi),
            "dpi",
        ));
    }
    let folder = settings.folder.trim();
    if source == SourceKind::Folder && !Path::new(folder).is_dir() {
        return Err(AppError::invalid(
            "CAMERA_FOLDER_MISSING",
            format!("高拍仪保存文件夹不存在：“{folder}”，请填写高拍仪程序保存图像的文件夹"),
            "folder",
        ));
    }
    Ok(CaptureSettings {
        source: source.code().to_owned(),
        device: settings.device.trim().to_owned(),
        dpi: settings.dpi,
        mode: mode.code().to_owned(),
        folder: folder.to_owned(),
    })
}

/// Whoever sets the counter's devices up (本机设置: 收费组长, 系统管理员).
fn require_setup(operator: &Operator) -> Result<(), AppError> {
    operator.require(Permission::ConfigureCounter)
}

impl App {
    /// The capture settings of this counter (a scanner at 300 dpi in colour until someone sets
    /// them), with the choices the dialog offers.
    pub async fn capture_setup(&self, operator: &Operator) -> Result<CaptureSetup, AppError> {
        let mut conn = self.store.conn().await?;
        let settings = stored_settings(&mut conn).await?;
        Ok(CaptureSetup {
            settings,
            sources: SourceKind::ALL.into_iter().map(|k| Tag::new(k.code(), k.label())).collect(),
            modes: ColourMode::ALL.into_iter().map(|m| Tag::new(m.code(), m.label())).collect(),
            editable: require_setup(operator).is_ok(),
        })
    }

    /// Keeps the capture settings (收费组长 or administrator), refused whole when one is wrong.
    pub async fn save_capture_settings(
        &self,
        operator: &Operator,
        settings: &CaptureSettings,
    ) -> Result<CaptureSetup, AppError> {
        require_setup(operator)?;
        let settings = checked(settings)?;
        let mut tx = self.store.begin_immediate().await?;
        let dpi = settings.dpi.to_string();
        for (key, value) in [
            (SOURCE_KEY, settings.source.as_str()),
            (DEVICE_KEY, settings.device.as_str()),
            (DPI_KEY, dpi.as_str()),
            (MODE_KEY, settings.mode.as_str()),
            (FOLDER_KEY, settings.folder.as_str()),
        ] {
            settings::set(&mut tx, key, value).await?;
        }
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(source = %settings.source, device = %settings.device, by = %operator.username, "capture settings changed");
        self.capture_setup(operator).await
    }

    /// Takes one page for checklist item `request.item` from the configured source (or the file
    /// the request names) and keeps it aside in `staging` with its thumbnail.
    pub async fn capture_page(
        &self,
        operator: &Operator,
        request: &CaptureRequest,
        staging: &Path,
    ) -> Result<CapturedPage, AppError> {
        operator.require(Permission::HandleMoney)?;
        let item = item(&request.item)?;
        let plan = match &request.file {
            Some(file) => Plan::File(PathBuf::from(file.trim())),
            None => {
                let mut conn = self.store.conn().await?;
                Plan::configured(&stored_settings(&mut conn).await?)?
            }
        };
        let staging = Shelf::new(staging);
        let page = tokio::task::spawn_blocking(move || {
            let (name, bytes) = plan.acquire()?;
            staging.keep(&name, &bytes)
        })
        .await
        .map_err(AppError::internal)?
        .map_err(refused)?;
        tracing::info!(item = item.code(), sha256 = %page.sha256, bytes = page.bytes, "page captured");
        shown(item, &page)
    }

    /// Turns captured page `handle` (kept in `staging`) a quarter clockwise: a new page, and so a
    /// new handle.
    pub async fn rotate_page(
        &self,
        operator: &Operator,
        item_code: &str,
        handle: &str,
        staging: &Path,
    ) -> Result<CapturedPage, AppError> {
        operator.require(Permission::HandleMoney)?;
        let item = item(item_code)?;
        let path = PathBuf::from(handle);
        if !path.starts_with(staging) {
            return Err(AppError::invalid("CAPTURE_UNKNOWN", "只能旋转本次采集的图像，请重新采集", "handle"));
        }
        let staging = Shelf::new(staging);
        let page = tokio::task::spawn_blocking(move || {
            let (name, bytes) = capture::FileImport::new(&path).acquire()?;
            let turned = capture::rotate(&name, &bytes, 90)?;
            staging.keep(&name, &turned)
        })
        .await
        .map_err(AppError::internal)?
        .map_err(refused)?;
        shown(item, &page)
    }

    /// The pages attached to registration `id`, with their thumbnails, for the reviewer.
    pub async fn blood_pages(&self, operator: &Operator, id: i64) -> Result<Vec<RegistrationPage>, AppError> {
        if !operator.role.may(Permission::HandleMoney) {
            operator.require(Permission::ReviewBloodWaiver)?;
        }
        let mut conn = self.store.conn().await?;
        let r = store::registrations::by_id(&mut conn, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的献血证报销登记")))?;
        drop(conn);
        let shelf = self.shelf.clone();
        tokio::task::spawn_blocking(move || {
            r.materials
                .iter()
                .map(|m| {
                    let thumbnail = shelf.thumbnail(&m.sha256).and_then(|p| std::fs::read(p).ok());
                    RegistrationPage {
                        item: Tag::new(m.item.code(), m.item.label()),
                        thumbnail: thumbnail.map(|png| png_data_url(&png)).unwrap_or_default(),
                        media_type: m.media_type.clone(),
                        sha256: m.sha256.clone(),
                    }
                })
                .collect()
        })
        .await
        .map_err(AppError::internal)
    }
}

/// The settings kept in the counter's database, defaults for those never set.
async fn stored_settings(conn: &mut store::SqliteConnection) -> Result<CaptureSettings, AppError> {
    let source = settings::get(conn, SOURCE_KEY).await?;
    let device = settings::get(conn, DEVICE_KEY).await?;
    let dpi = settings::get(conn, DPI_KEY).await?;
    let mode = settings::get(conn, MODE_KEY).await?;
    let folder = settings::get(conn, FOLDER_KEY).await?;
    Ok(CaptureSettings {
        source: source.unwrap_or_else(|| SourceKind::Scanner.code().to_owned()),
        device: device.unwrap_or_default(),
        dpi: dpi.and_then(|d| d.parse().ok()).unwrap_or(300),
        mode: mode.unwrap_or_else(|| ColourMode::Colour.code().to_owned()),
        folder: folder.unwrap_or_default(),
    })
}

/// Where the next page comes from.
enum Plan {
    File(PathBuf),
    /// A SANE device; an empty name is the first device SANE finds.
    Scanner {
        device: String,
        dpi: u32,
        mode: ColourMode,
    },
    /// The camera program's folder, armed at the click: the next shot saved there is taken.
    Folder(PathBuf),
}

impl Plan {
    fn configured(settings: &CaptureSettings) -> Result<Plan, AppError> {
        match SourceKind::from_code(&settings.source) {
            Some(SourceKind::Scanner) | None => Ok(Plan::Scanner {
                device: settings.device.clone(),
                dpi: settings.dpi,
                mode: ColourMode::from_code(&settings.mode).unwrap_or(ColourMode::Colour),
            }),
            Some(SourceKind::Folder) => Ok(Plan::Folder(PathBuf::from(&settings.folder))),
            Some(SourceKind::File) => Err(AppError::invalid(
                "CAPTURE_FILE_ONLY",
                "本窗口设置为仅导入文件：请填写要导入的文件（或请收费组长在设置中选择扫描仪或高拍仪）",
                "file",
            )),
        }
    }

    /// Blocking: libsane and the camera's folder are waited on.
    fn acquire(self) -> Result<(String, Vec<u8>), CaptureError> {
        match self {
            Plan::File(path) => capture::FileImport::new(path).acquire(),
            Plan::Scanner { device, dpi, mode } => {
                let device = if device.is_empty() {
                    capture::scanners()?.into_iter().next().map(|s| s.name).ok_or_else(|| {
                        CaptureError::NoScanner(
                            "未找到扫描仪（请检查连接和电源，或在设置中改用高拍仪文件夹）".to_owned(),
                        )
                    })?
                } else {
                    device
                };
                capture::Scanner { device, dpi, mode, area_mm: Some(AREA_MM) }.acquire()
            }
            Plan::Folder(dir) => capture::WatchedFolder::arm(dir, CAMERA_WAIT)?.acquire(),
        }
    }
}

/// A captured page as the screen shows it.
fn shown(item: Material, page: &capture::Stored) -> Result<CapturedPage, AppError> {
    let thumbnail = match &page.thumbnail {
        Some(path) => png_data_url(&std::fs::read(path).map_err(|e| AppError::Io(format!("缩略图无法读取：{e}")))?),
        None => String::new(),
    };
    Ok(CapturedPage {
        item: Tag::new(item.code(), item.label()),
        handle: page.path.display().to_string(),
        thumbnail,
        media_type: page.media_type.mime().to_owned(),
        bytes: page.bytes,
    })
}

/// `data:image/png;base64,…` of a PNG thumbnail.
fn png_data_url(png: &[u8]) -> String {
    use base64::Engine;
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_travel_as_base64() {
        assert_eq!(png_data_url(b""), "data:image/png;base64,");
        assert_eq!(png_data_url(b"f"), "data:image/png;base64,Zg==");
        assert_eq!(png_data_url(b"fo"), "data:image/png;base64,Zm8=");
        assert_eq!(png_data_url(b"foobar"), "data:image/png;base64,Zm9vYmFy");
    }
}
