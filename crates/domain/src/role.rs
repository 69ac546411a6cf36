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
