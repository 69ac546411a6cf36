//! Logging in and who is logged in.

use serde::{Deserialize, Serialize};

use crate::Tag;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub username: String,
    pub display_name: String,
    /// `cashier`, `finance`, `supervisor` or `admin`, with its label (收费员…).
    pub role: Tag,
    pub hospital: String,
    pub counter: String,
    /// 营业日期, `YYYY-MM-DD`.
    pub business_date: String,
}
