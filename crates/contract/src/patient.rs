//! Patient lookup results.

use serde::{Deserialize, Serialize};

use crate::Tag;

/// One admission found by the search box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientHit {
    pub case_no: String,
    pub name: String,
    pub sex: String,
    pub age: u32,
    pub ward: String,
    pub bed_no: String,
    pub insurance: Tag,
    pub state: Tag,
    /// `YYYY-MM-DD`
    pub admitted_on: String,
    pub resident_id_masked: Option<String>,
}
