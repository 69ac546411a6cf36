//! The tenders (支付方式) the screen offers, from the one list in `domain::Tender`: the code the
//! backend parses, the label shown, and whether an offline counter can take it.

/// One tender as the screen offers it (built in the frontend itself; not a wire type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TenderOption {
    pub code: &'static str,
    pub label: &'static str,
    /// Collecting needs the platform (an offline counter refuses it).
    pub collects_through_platform: bool,
    /// Refunding by this route needs the platform (otherwise cash is handed back).
    pub refunds_through_platform: bool,
    /// Taken on the POS terminal: a collection names the slip (终端号:参考号).
    pub on_pos_terminal: bool,
    /// Money can be taken by it (a transfer only pays out a failed refund).
    pub collects: bool,
}

/// Every tender, in the order the dialogs list them.
pub fn tender_options() -> Vec<TenderOption> {
    domain::Tender::ALL
        .into_iter()
        .map(|t| TenderOption {
            code: t.code(),
            label: t.label(),
            collects_through_platform: t.collects_through_platform(),
            refunds_through_platform: t.refunds_through_platform(),
            on_pos_terminal: t.on_pos_terminal(),
            collects: t.collects(),
        })
        .collect()
}

/// The tenders a cashier types into a deposit's or a settlement's rows (not 转账, which only a
/// supervisor's 转账退款 uses).
pub fn collecting_tenders() -> Vec<TenderOption> {
    tender_options().into_iter().filter(|t| t.collects).collect()
}

/// The label of a tender code (`cash` → 现金), or the code itself when unknown.
pub fn tender_label(code: &str) -> &str {
    domain::Tender::ALL.into_iter().find(|t| t.code() == code).map(|t| t.label()).unwrap_or(code)
}

/// Whether the tender of `code` is taken on the POS terminal (its collection names the slip).
pub fn on_pos_terminal(code: &str) -> bool {
    domain::Tender::ALL.into_iter().any(|t| t.code() == code && t.on_pos_terminal())
}

/// Whether the tender of `code` is collected by scanning the payer's code (付款码).
pub fn takes_pay_code(code: &str) -> bool {
    domain::Tender::ALL.into_iter().any(|t| t.code() == code && domain::account::pay_code::PayCode::scanned_for(t))
}

/// The code of cash, the tender every refund can fall back to.
pub const CASH: &str = "cash";

/// The code of 转账, how a supervisor pays a failed refund to the patient's designated account.
pub const TRANSFER: &str = "transfer";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cash_is_a_tender_and_refunds_in_hand() {
        let cash = tender_options().into_iter().find(|t| t.code == CASH).unwrap();
        assert_eq!(cash.label, "现金");
        assert!(!cash.refunds_through_platform);
        assert_eq!(tender_label("wechat"), "微信");
    }

    #[test]
    fn a_transfer_is_never_offered_for_collecting() {
        let transfer = tender_options().into_iter().find(|t| t.code == TRANSFER).unwrap();
        assert_eq!((transfer.label, transfer.collects), ("转账", false));
        assert!(collecting_tenders().iter().all(|t| t.code != TRANSFER));
        assert_eq!(collecting_tenders().len(), tender_options().len() - 1);
    }
}
