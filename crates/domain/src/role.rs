//! Who a user is at work (收费员, 财务, 收费组长, 管理员) and so what they may do.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Cashier,
    Finance,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Cashier, Role::Finance, Role::Supervisor, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Finance => "finance",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Cashier => "收费员",
            Role::Finance => "财务",
            Role::Supervisor => "收费组长",
            Role::Admin => "系统管理员",
        }
    }
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// What a user may do at the counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Take deposits, reverse them, settle, print.
    HandleMoney,
    /// Pass or return the fee audit; confirm or cancel fee lines.
    AuditFees,
    /// Approve recalls (the supervisor authenticates for it).
    ApproveRecall,
}

impl Permission {
    pub fn label(self) -> &'static str {
        match self {
            Permission::HandleMoney => "收费",
            Permission::AuditFees => "费用审核",
            Permission::ApproveRecall => "审批召回",
        }
    }
}

impl Role {
    pub fn may(self, permission: Permission) -> bool {
        match (self, permission) {
            (Role::Cashier, Permission::HandleMoney) => true,
            (Role::Cashier, Permission::AuditFees | Permission::ApproveRecall) => false,
            (Role::Finance, Permission::AuditFees) => true,
            (Role::Finance, Permission::HandleMoney | Permission::ApproveRecall) => false,
            (Role::Supervisor, Permission::HandleMoney | Permission::AuditFees | Permission::ApproveRecall) => true,
            (Role::Admin, Permission::HandleMoney | Permission::AuditFees | Permission::ApproveRecall) => false,
        }
    }
}
