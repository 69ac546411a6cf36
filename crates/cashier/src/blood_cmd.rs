//! `cashier blood …`: registering donation certificates for a blood-fee waiver (献血证报销登记)
//! with the scanned materials, reviewing a registration, listing an admission's, printing the
//! pledge, scanning a page (SANE, or the document camera's folder). JSON on stdout.

use std::path::PathBuf;

use app::AppError;
use clap::{Args, Subcommand};
use contract::blood::{CertificateInput, MaterialInput, RegisterBloodRequest, ReviewBloodRequest};
use serde_json::json;

use crate::recon_input::write_output;

/// The admission, who donated and the certificates: what a registration and its pledge name.
#[derive(Args)]
pub struct Claim {
    case_no: String,
    /// self | spouse | parent | child | sibling | grandparent | parent_in_law
    #[arg(long)]
    donor: String,
    #[arg(long)]
    donor_name: String,
    /// The donor's resident ID (check digit verified).
    #[arg(long)]
    donor_id: String,
    /// `NO:YYYY-MM-DD:ML[:whole|platelet|stem_cell|rare]`; repeatable.
    #[arg(long = "certificate", required = true)]
    certificates: Vec<String>,
    /// The donor holds the gold award (siblings, grandparents and parents-in-law count).
    #[arg(long)]
    gold: bool,
}

#[derive(Subcommand)]
pub enum BloodCommand {
    /// Registers certificates for an admission; prints the registration, its status, the ml
    /// entitled and remaining (null: free for life) and the rule.
    Register {
        #[arg(long)]
        db: PathBuf,
        #[command(flatten)]
        claim: Claim,
        /// `ITEM=FILE` with ITEM one of donor_id, patient_id, certificate, relationship, pledge;
        /// repeatable.
        #[arg(long = "scan")]
        scans: Vec<String>,
        /// A signed pledge stands in for the proof of the relationship.
        #[arg(long)]
        pledge: bool,
        #[arg(long = "as", default_value = "cashier")]
        operator: String,
    },
    /// Approves (`--approve`) or returns (`--return REASON`) a registration.
    Review {
        #[arg(long)]
        db: PathBuf,
        registration: i64,
        #[arg(long, conflicts_with = "return_reason", required_unless_present = "return_reason")]
        approve: bool,
        #[arg(long = "return")]
        return_reason: Option<String>,
        #[arg(long = "as")]
        operator: String,
    },
    /// Prints the pledge (承诺书) for a registration being filled in, to OUT.pdf.
    Pledge {
        #[arg(long)]
        db: PathBuf,
        #[command(flatten)]
        claim: Claim,
        out: PathBuf,
    },
    /// Prints the reimbursement form (用血报销单, two copies) of registration REG's waiver, as the
    /// settlement deducted it, to OUT.pdf.
    Form {
        #[arg(long)]
        db: PathBuf,
        registration: i64,
        out: PathBuf,
    },
    /// Scans one page from a SANE scanner (`--device`), or takes the next shot a document
    /// camera's program saves into `--folder`, checks it and writes it to `--out`.
    Scan {
        #[arg(long, required_unless_present = "folder", conflicts_with = "folder")]
        device: Option<String>,
        #[arg(long)]
        folder: Option<PathBuf>,
        /// How long to wait for the camera's next shot, in seconds.
        #[arg(long, default_value_t = 60)]
        wait: u64,
        #[arg(long, default_value_t = 300)]
        resolution: u32,
        /// color | gray | lineart
        #[arg(long, default_value = "color")]
        mode: String,
        /// Turn the page clockwise: 0, 90, 180 or 270 degrees.
        #[arg(long, default_value_t = 0)]
        rotate: u16,
        #[arg(long)]
        out: PathBuf,
    },
    /// An admission's registrations.
    List {
        #[arg(long)]
        db: PathBuf,
        case_no: String,
        /// JSON (the only form; accepted for the scripts that say it).
        #[arg(long)]
        json: bool,
    },
}

/// `NO:YYYY-MM-DD:ML[:KIND]` (kind `whole` when left out).
fn certificate(text: &str) -> Result<CertificateInput, AppError> {
    let parts: Vec<&str> = text.split(':').collect();
    let [no, on, ml, rest @ ..] = parts.as_slice() else {
        return Err(AppError::invalid(
            "BLOOD_CERTIFICATE_FORMAT",
            format!("献血证应写作 编号:YYYY-MM-DD:毫升[:种类]：“{text}”"),
            "certificates",
        ));
    };
    let kind = match rest {
        [] => "whole",
        [kind] => kind,
        _ => {
            return Err(AppError::invalid(
                "BLOOD_CERTIFICATE_FORMAT",
                format!("献血证应写作 编号:YYYY-MM-DD:毫升[:种类]：“{text}”"),
                "certificates",
            ));
        }
    };
    Ok(CertificateInput {
        certificate_no: (*no).to_owned(),
        donated_on: (*on).to_owned(),
        volume_ml: (*ml).to_owned(),
        kind: kind.to_owned(),
    })
}

fn scan(text: &str) -> Result<MaterialInput, AppError> {
    let (item, path) = text
        .split_once('=')
        .ok_or_else(|| AppError::invalid("MATERIAL_FORMAT", format!("材料应写作 项目=文件：“{text}”"), "materials"))?;
    Ok(MaterialInput { item: item.to_owned(), path: path.to_owned() })
}

fn request(app: &app::App, claim: Claim, scans: &[String], pledge: bool) -> Result<RegisterBloodRequest, AppError> {
    Ok(RegisterBloodRequest {
        case_no: claim.case_no,
        key: app.operation_key(),
        donor: claim.donor,
        donor_name: claim.donor_name,
        donor_id: claim.donor_id,
        gold_award: claim.gold,
        pledge,
        certificates: claim.certificates.iter().map(|c| certificate(c)).collect::<Result<_, _>>()?,
        materials: scans.iter().map(|s| scan(s)).collect::<Result<_, _>>()?,
    })
}

/// Where a page comes from and how it is taken.
struct PageSource {
    device: Option<String>,
    folder: Option<PathBuf>,
    wait: u64,
    resolution: u32,
    mode: String,
    rotate: u16,
}

/// One page from the scanner or the camera's folder, turned, checked, written to `out`.
fn acquire_page(source: PageSource, out: &std::path::Path) -> Result<serde_json::Value, AppError> {
    use capture::Source;
    let PageSource { device, folder, wait, resolution, mode, rotate } = source;
    let refused = |e: capture::CaptureError| AppError::invalid(e.code(), e.to_string(), "scan");
    let source: Box<dyn Source> = match (device, folder) {
        (Some(device), _) => {
            let mode = capture::ColourMode::from_code(&mode).ok_or_else(|| {
                AppError::invalid("SCAN_MODE_UNKNOWN", format!("扫描模式应为 color、gray 或 lineart：“{mode}”"), "mode")
            })?;
            Box::new(capture::Scanner { device, dpi: resolution, mode, area_mm: None })
        }
        (None, Some(folder)) => {
            Box::new(capture::WatchedFolder::arm(folder, std::time::Duration::from_secs(wait)).map_err(refused)?)
        }
        (None, None) => {
            return Err(AppError::invalid("SCAN_SOURCE", "请指定 --device 或 --folder".to_owned(), "device"));
        }
    };
    let (name, bytes) = source.acquire().map_err(refused)?;
    let bytes = if rotate == 0 { bytes } else { capture::rotate(&name, &bytes, rotate).map_err(refused)? };
    let checked = capture::check(&name, &bytes).map_err(refused)?;
    write_output(out, &bytes)?;
    let (width, height) = checked.image.as_ref().map_or((0, 0), |i| (i.width(), i.height()));
    Ok(json!({"file": out.display().to_string(), "media_type": checked.media_type.mime(),
        "bytes": bytes.len(), "width": width, "height": height}))
}

pub async fn run(command: BloodCommand) -> Result<(), AppError> {
    match command {
        BloodCommand::Register { db, claim, scans, pledge, operator } => {
            let app = crate::open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            let request = request(&app, claim, &scans, pledge)?;
            let r = app.register_blood(&operator, &request).await?;
            let answer = json!({"registration": r.registration, "status": r.status.code,
                "entitled_ml": r.entitled_ml, "remaining_ml": r.remaining_ml, "rule": r.rule, "detail": r});
            println!("{}", crate::json(&answer)?);
        }
        BloodCommand::Review { db, registration, approve, return_reason, operator } => {
            let app = crate::open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            let request = ReviewBloodRequest {
                registration,
                key: app.operation_key(),
                approve,
                reason: return_reason.unwrap_or_default(),
            };
            println!("{}", crate::json(&app.review_blood(&operator, &request).await?)?);
        }
        BloodCommand::Pledge { db, claim, out } => {
            let app = crate::open(&db).await?;
            let pdf = app.pledge_pdf(&request(&app, claim, &[], true)?).await?;
            write_output(&out, &pdf.bytes)?;
            println!("{}", crate::json(&json!({"file": out.display().to_string(), "pages": pdf.pages}))?);
        }
        BloodCommand::Form { db, registration, out } => {
            let app = crate::open(&db).await?;
            let pdf = app.blood_form_pdf(registration).await?;
            write_output(&out, &pdf.bytes)?;
            println!("{}", crate::json(&json!({"file": out.display().to_string(), "pages": pdf.pages}))?);
        }
        BloodCommand::Scan { device, folder, wait, resolution, mode, rotate, out } => {
            let source = PageSource { device, folder, wait, resolution, mode, rotate };
            let answer =
                tokio::task::spawn_blocking(move || acquire_page(source, &out)).await.map_err(AppError::internal)??;
            println!("{}", crate::json(&answer)?);
        }
        BloodCommand::List { db, case_no, json: _ } => {
            let app = crate::open(&db).await?;
            println!("{}", crate::json(&app.blood_registrations(&case_no).await?)?);
        }
    }
    Ok(())
}
