//! Who a user is at work (收费员, 财务, 收费组长, 管理员) and so what they may do. This is the
//! one home of the permission table: the counter's use cases, the platform's handlers and the
//! screen (through the session's permission list) all ask [`Role::may`].

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

/// What a user may do, at the counter or on the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Take deposits, reverse them, settle, print.
    HandleMoney,
    /// Pass or return the fee audit; confirm or cancel fee lines.
    AuditFees,
    /// Approve recalls and corrections (the supervisor authenticates for it).
    ApproveRecall,
    /// Review the day's reconciliation: batches, discrepancies, causes, 以平台为准 / 以渠道为准.
    ReviewReconciliation,
    /// Push operations to the platform and pull its feed from a registered counter.
    Sync,
    /// Take blocks of receipt and settlement numbers for the counter.
    ReserveNumbers,
    /// See the operations the platform refused (待处理).
    ViewPending,
    /// Resolve a refused operation (refund, or keep the money as a deposit).
    ResolvePending,
    /// Review blood-waiver registrations (审核用血减免): approve, or return with a reason.
    ReviewBloodWaiver,
    /// Register counters, import from the HIS, add users, verify the audit chain.
    Administer,
    /// Collect cashiers' closes (缴款确认) and read the hospital's day and month.
    CollectHandIn,
    /// Change this counter's settings (设置): printers, 套打 offsets, capture, place.
    ConfigureCounter,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::HandleMoney,
        Permission::AuditFees,
        Permission::ApproveRecall,
        Permission::ReviewReconciliation,
        Permission::Sync,
        Permission::ReserveNumbers,
        Permission::ViewPending,
        Permission::ResolvePending,
        Permission::ReviewBloodWaiver,
        Permission::Administer,
        Permission::CollectHandIn,
        Permission::ConfigureCounter,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::HandleMoney => "handle_money",
            Permission::AuditFees => "audit_fees",
            Permission::ApproveRecall => "approve_recall",
            Permission::ReviewReconciliation => "review_reconciliation",
            Permission::Sync => "sync",
            Permission::ReserveNumbers => "reserve_numbers",
            Permission::ViewPending => "view_pending",
            Permission::ResolvePending => "resolve_pending",
            Permission::ReviewBloodWaiver => "review_blood_waiver",
            Permission::Administer => "administer",
            Permission::CollectHandIn => "collect_hand_in",
            Permission::ConfigureCounter => "configure_counter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Permission::HandleMoney => "收费",
            Permission::AuditFees => "费用审核",
            Permission::ApproveRecall => "授权审批（召回、更正）",
            Permission::ReviewReconciliation => "对账复核",
            Permission::Sync => "数据同步",
            Permission::ReserveNumbers => "领用票号",
            Permission::ViewPending => "查看待处理",
            Permission::ResolvePending => "处理待处理",
            Permission::ReviewBloodWaiver => "审核用血减免",
            Permission::Administer => "系统管理",
            Permission::CollectHandIn => "缴款确认",
            Permission::ConfigureCounter => "本机设置",
        }
    }

    pub fn from_code(code: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == code)
    }
}

impl Role {
    /// The permission table: every (role, permission) pair is written out, so a new role or
    /// permission does not build until someone decides each cell.
    pub fn may(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Cashier => match permission {
                P::HandleMoney | P::Sync | P::ReserveNumbers => true,
                P::AuditFees | P::ApproveRecall | P::ReviewReconciliation => false,
                P::ViewPending | P::ResolvePending | P::ReviewBloodWaiver | P::Administer => false,
                P::CollectHandIn | P::ConfigureCounter => false,
            },
            Role::Finance => match permission {
                P::AuditFees | P::ReviewReconciliation | P::Sync | P::ViewPending => true,
                P::CollectHandIn => true,
                P::HandleMoney | P::ApproveRecall | P::ReserveNumbers => false,
                P::ResolvePending | P::ReviewBloodWaiver | P::Administer | P::ConfigureCounter => false,
            },
            Role::Supervisor => match permission {
                P::HandleMoney | P::AuditFees | P::ApproveRecall | P::ReviewReconciliation => true,
                P::Sync | P::ReserveNumbers | P::ViewPending | P::ResolvePending => true,
                P::ReviewBloodWaiver | P::CollectHandIn | P::ConfigureCounter => true,
                P::Administer => false,
            },
            Role::Admin => match permission {
                P::ReviewReconciliation | P::Administer | P::ConfigureCounter => true,
                P::HandleMoney | P::AuditFees | P::ApproveRecall | P::Sync => false,
                P::ReserveNumbers | P::ViewPending | P::ResolvePending | P::ReviewBloodWaiver => false,
                P::CollectHandIn => false,
            },
        }
    }

    /// Everything this role may do, in the table's order.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|p| self.may(*p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_labels_are_distinct() {
        for p in Permission::ALL {
            assert_eq!(Permission::from_code(p.code()), Some(p));
            assert_eq!(Permission::ALL.iter().filter(|q| q.label() == p.label()).count(), 1);
        }
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Permission::from_code("root"), None);
    }

    #[test]
    fn who_may_what() {
        use Permission as P;
        assert_eq!(Role::Cashier.permissions(), vec![P::HandleMoney, P::Sync, P::ReserveNumbers]);
        assert!(!Role::Finance.may(P::HandleMoney));
        assert!(Role::Finance.may(P::ReviewReconciliation));
        assert!(Role::Supervisor.may(P::ResolvePending));
        assert!(!Role::Finance.may(P::ResolvePending));
        assert!(!Role::Admin.may(P::HandleMoney));
        assert!(Role::Admin.may(P::Administer));
        assert!(Role::ALL.iter().all(|r| r.may(P::Administer) == (*r == Role::Admin)));
    }
}
