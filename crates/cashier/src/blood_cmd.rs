//! `cashier blood …`: registering donation certificates for a blood-fee waiver (献血证报销登记)
//! with the scanned materials, reviewing a registration, listing an admission's. JSON on stdout.

use std::path::PathBuf;

use app::AppError;
use clap::Subcommand;
use contract::blood::{CertificateInput, MaterialInput, RegisterBloodRequest, ReviewBloodRequest};
use serde_json::json;

#[derive(Subcommand)]
pub enum BloodCommand {
    /// Registers certificates for an admission; prints the registration, its status, the ml
    /// entitled and remaining (null: free for life) and the rule.
    Register {
        #[arg(long)]
        db: PathBuf,
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

pub async fn run(command: BloodCommand) -> Result<(), AppError> {
    match command {
        BloodCommand::Register {
            db,
            case_no,
            donor,
            donor_name,
            donor_id,
            certificates,
            gold,
            scans,
            pledge,
            operator,
        } => {
            let app = crate::open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            let request = RegisterBloodRequest {
                case_no,
                key: app.operation_key(),
                donor,
                donor_name,
                donor_id,
                gold_award: gold,
                pledge,
                certificates: certificates.iter().map(|c| certificate(c)).collect::<Result<_, _>>()?,
                materials: scans.iter().map(|s| scan(s)).collect::<Result<_, _>>()?,
            };
            let r = app.register_blood(&operator, &request).await?;
            let answer = json!({"registration": r.registration, "status": r.status.code,
                "entitled_ml": r.entitled_ml, "remaining_ml": r.remaining_ml, "rule": r.rule, "detail": r});
            println!("{}", crate::json(&answer)?);
        }
        BloodCommand::Review { db, registration, approve, return_reason, operator } => {
            let app = crate::open(&db).await?;
            let operator = app.console_operator(&operator).await?;
            let request = ReviewBloodRequest { registration, approve, reason: return_reason.unwrap_or_default() };
            println!("{}", crate::json(&app.review_blood(&operator, &request).await?)?);
        }
        BloodCommand::List { db, case_no, json: _ } => {
            let app = crate::open(&db).await?;
            println!("{}", crate::json(&app.blood_registrations(&case_no).await?)?);
        }
    }
    Ok(())
}
