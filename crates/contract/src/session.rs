//! Logging in and who is logged in, with what they may do. The permission list comes from
//! `domain::Role::may`; the screen asks [`Session::may`] and never matches role codes.

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
    /// `cashier`, `finance`, `supervisor` or `admin`, with its label (收费员…): shown, not
    /// branched on.
    pub role: Tag,
    /// What this operator may do (the role's row of `domain::Role::may`).
    pub permissions: Vec<Permission>,
    pub hospital: String,
    pub counter: String,
    /// 营业日期, `YYYY-MM-DD`.
    pub business_date: String,
}

impl Session {
    pub fn may(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// The serializable twin of `domain::Permission` (snake_case codes on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    HandleMoney,
    AuditFees,
    ApproveRecall,
    ReviewReconciliation,
    Sync,
    ReserveNumbers,
    ViewPending,
    ResolvePending,
    ReviewBloodWaiver,
    Administer,
    CollectHandIn,
    ConfigureCounter,
}

impl From<domain::Permission> for Permission {
    fn from(p: domain::Permission) -> Permission {
        match p {
            domain::Permission::HandleMoney => Permission::HandleMoney,
            domain::Permission::AuditFees => Permission::AuditFees,
            domain::Permission::ApproveRecall => Permission::ApproveRecall,
            domain::Permission::ReviewReconciliation => Permission::ReviewReconciliation,
            domain::Permission::Sync => Permission::Sync,
            domain::Permission::ReserveNumbers => Permission::ReserveNumbers,
            domain::Permission::ViewPending => Permission::ViewPending,
            domain::Permission::ResolvePending => Permission::ResolvePending,
            domain::Permission::ReviewBloodWaiver => Permission::ReviewBloodWaiver,
            domain::Permission::Administer => Permission::Administer,
            domain::Permission::CollectHandIn => Permission::CollectHandIn,
            domain::Permission::ConfigureCounter => Permission::ConfigureCounter,
        }
    }
}

/// The permissions of a role by its code (`cashier`…), empty for an unknown role.
pub fn permissions_of(role_code: &str) -> Vec<Permission> {
    domain::Role::from_code(role_code)
        .map(|r| r.permissions().into_iter().map(Permission::from).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_code_is_the_domain_code() {
        for p in domain::Permission::ALL {
            let json = serde_json::to_string(&Permission::from(p)).unwrap();
            assert_eq!(json, format!("\"{}\"", p.code()));
        }
        assert_eq!(permissions_of("finance").len(), domain::Role::Finance.permissions().len());
        assert!(permissions_of("nobody").is_empty());
    }
}

/// 关于: this program's version and database, where its data lives, and the platform it is
/// linked to (with its version, when it answers).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AboutView {
    pub version: String,
    pub schema: i64,
    pub data_dir: String,
    pub platform_url: Option<String>,
    pub platform_version: Option<String>,
}
