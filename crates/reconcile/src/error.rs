//! Why a reconciliation cannot run: input the parsers should have refused (two records with one
//! key on the same side), or figures beyond any ledger.

use statements::Kind;
use thiserror::Error;

use crate::outcome::Side;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ReconcileError {
    #[error("{}有两条{}记录使用同一单号“{key}”，请先核对数据再对账", .side.label(), .kind.label())]
    DuplicateKey { side: Side, kind: Kind, key: String },
    #[error("对账金额合计超出范围，请核对数据")]
    Overflow,
    #[error("单号长度 {len} 字节过长，请核对数据")]
    FieldTooLong { len: usize },
}

impl ReconcileError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ReconcileError::DuplicateKey { .. } => "RECONCILE_DUPLICATE_KEY",
            ReconcileError::Overflow => "RECONCILE_OVERFLOW",
            ReconcileError::FieldTooLong { .. } => "RECONCILE_FIELD_TOO_LONG",
        }
    }
}
