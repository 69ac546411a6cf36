//! The sandbox's register: its orders, the codes it took, its refunds. Kept in a JSON file when
//! asked (written to a temporary file and renamed, so a crash leaves the previous whole).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDateTime;
use domain::Money;
use serde::{Deserialize, Serialize};

use crate::{OrderState, RefundState};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Order {
    pub amount_fen: i64,
    pub auth_code: String,
    pub state: OrderState,
    /// Queries answered while the payer confirms.
    pub asked: u32,
    /// When it was paid (the channel's clock).
    #[serde(default)]
    pub paid_at: Option<NaiveDateTime>,
}

impl Order {
    pub fn amount(&self) -> Money {
        Money::from_fen(self.amount_fen).unwrap_or(Money::ZERO)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Refund {
    pub order_no: String,
    pub amount_fen: i64,
    pub state: RefundState,
    /// The payer's card was closed: the refund fails at the bank.
    pub card_closed: bool,
    /// When the money reached the payer (the channel's clock).
    #[serde(default)]
    pub refunded_at: Option<NaiveDateTime>,
}

impl Refund {
    pub fn amount(&self) -> Money {
        Money::from_fen(self.amount_fen).unwrap_or(Money::ZERO)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Register {
    pub orders: BTreeMap<String, Order>,
    pub used_codes: BTreeSet<String>,
    pub refunds: BTreeMap<String, Refund>,
    pub paid: u64,
    pub refunded: u64,
}

impl Register {
    /// The register kept in `file`, or an empty one if there is none yet.
    pub fn load(file: &Path) -> Result<Register, String> {
        match std::fs::read(file) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| format!("沙箱渠道登记簿 {} 已损坏：{e}", file.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Register::default()),
            Err(e) => Err(format!("无法读取沙箱渠道登记簿 {}：{e}", file.display())),
        }
    }

    pub fn save(&self, file: &Path) -> Result<(), String> {
        let bytes = serde_json::to_vec(self).map_err(|e| e.to_string())?;
        let temporary = file.with_extension("tmp");
        std::fs::write(&temporary, bytes)
            .and_then(|()| std::fs::rename(&temporary, file))
            .map_err(|e| format!("无法保存沙箱渠道登记簿 {}：{e}", file.display()))
    }
}
