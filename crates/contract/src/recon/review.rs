//! The review's own vocabulary, in one home: the states an item is in ([`ItemState`]), what
//! people do about it ([`ReviewAction`], as stored in `recon_actions`), the corrections
//! 以渠道为准 can make ([`Correction`]), and the transition table [`ItemState::after`] that
//! decides which action a state allows — with the refusal (stable code, zh-CN message) when it
//! does not. The platform's review checks requests with it; the contract's tables
//! (`ITEM_STATES`, `CORRECTIONS`) are built from these enums.

/// The state of a reviewed item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemState {
    /// 待处理: nobody has resolved it yet.
    Open,
    /// 已处理（以平台为准）.
    Handled,
    /// 待主管审批: a correction (以渠道为准) waits for a supervisor.
    AwaitingApproval,
    /// 已更正（以渠道为准）: the correction was approved.
    Corrected,
    /// 更正被驳回: the supervisor rejected the correction; it needs handling again.
    Rejected,
}

/// What someone did about an item (the `action` column of `recon_actions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewAction {
    /// A cause assigned; any state allows it and keeps it.
    Cause,
    /// 以平台为准: marked handled, with the reason.
    Handle,
    /// 以渠道为准: a correction requested, waiting for a supervisor.
    Request,
    /// A supervisor approved the requested correction.
    Approve,
    /// A supervisor rejected the requested correction.
    Reject,
}

/// Why a state does not allow an action: a stable code and a message in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl ItemState {
    /// Every state, in the order the review lists them.
    pub const ALL: [ItemState; 5] =
        [ItemState::Open, ItemState::Handled, ItemState::AwaitingApproval, ItemState::Corrected, ItemState::Rejected];

    pub const fn code(self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Handled => "handled",
            ItemState::AwaitingApproval => "awaiting_approval",
            ItemState::Corrected => "corrected",
            ItemState::Rejected => "rejected",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            ItemState::Open => "待处理",
            ItemState::Handled => "已处理（以平台为准）",
            ItemState::AwaitingApproval => "待主管审批",
            ItemState::Corrected => "已更正（以渠道为准）",
            ItemState::Rejected => "更正被驳回",
        }
    }
    pub fn parse(code: &str) -> Option<ItemState> {
        ItemState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether someone still has to handle it: open, or its correction was rejected. Handled
    /// items and corrections waiting for or given approval are settled.
    pub const fn needs_handling(self) -> bool {
        match self {
            ItemState::Open | ItemState::Rejected => true,
            ItemState::Handled | ItemState::AwaitingApproval | ItemState::Corrected => false,
        }
    }

    /// The state `action` leads to from this one, or why this state does not allow it.
    pub fn after(self, action: ReviewAction) -> Result<ItemState, Refusal> {
        let refused = |code, message: String| Err(Refusal { code, message });
        match (self, action) {
            (state, ReviewAction::Cause) => Ok(state),
            (ItemState::Open | ItemState::Rejected, ReviewAction::Handle) => Ok(ItemState::Handled),
            (ItemState::Open | ItemState::Rejected, ReviewAction::Request) => Ok(ItemState::AwaitingApproval),
            (
                ItemState::Handled | ItemState::AwaitingApproval | ItemState::Corrected,
                ReviewAction::Handle | ReviewAction::Request,
            ) => refused("ALREADY_RESOLVED", format!("该笔已是“{}”，不能再处理", self.label())),
            (ItemState::AwaitingApproval, ReviewAction::Approve) => Ok(ItemState::Corrected),
            (ItemState::AwaitingApproval, ReviewAction::Reject) => Ok(ItemState::Rejected),
            (
                ItemState::Open | ItemState::Handled | ItemState::Corrected | ItemState::Rejected,
                ReviewAction::Approve | ReviewAction::Reject,
            ) => refused("NOT_AWAITING_APPROVAL", format!("该笔是“{}”，没有待审批的更正", self.label())),
        }
    }
}

impl ReviewAction {
    pub const ALL: [ReviewAction; 5] =
        [ReviewAction::Cause, ReviewAction::Handle, ReviewAction::Request, ReviewAction::Approve, ReviewAction::Reject];

    /// As stored in `recon_actions.action` (the audit event is `recon_` and this).
    pub const fn code(self) -> &'static str {
        match self {
            ReviewAction::Cause => "cause",
            ReviewAction::Handle => "handled",
            ReviewAction::Request => "request",
            ReviewAction::Approve => "approve",
            ReviewAction::Reject => "reject",
        }
    }
    pub fn parse(code: &str) -> Option<ReviewAction> {
        ReviewAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The state a recorded action left the item in, whatever it was before: replaying the
    /// record of what was done, not deciding a request (that is [`ItemState::after`]).
    pub const fn leaves(self, before: ItemState) -> ItemState {
        match self {
            ReviewAction::Cause => before,
            ReviewAction::Handle => ItemState::Handled,
            ReviewAction::Request => ItemState::AwaitingApproval,
            ReviewAction::Approve => ItemState::Corrected,
            ReviewAction::Reject => ItemState::Rejected,
        }
    }
}

/// A correction 以渠道为准 can make to the platform's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Correction {
    /// 补录平台记录: money only the channel has becomes a platform record.
    Supplement,
    /// 更正状态.
    Status,
    /// 更正金额.
    Amount,
    /// 发起退款: money only the channel took in is given back.
    Refund,
}

impl Correction {
    pub const ALL: [Correction; 4] =
        [Correction::Supplement, Correction::Status, Correction::Amount, Correction::Refund];

    pub const fn code(self) -> &'static str {
        match self {
            Correction::Supplement => "supplement",
            Correction::Status => "status",
            Correction::Amount => "amount",
            Correction::Refund => "refund",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            Correction::Supplement => "补录平台记录",
            Correction::Status => "更正状态",
            Correction::Amount => "更正金额",
            Correction::Refund => "发起退款",
        }
    }
    pub fn parse(code: &str) -> Option<Correction> {
        Correction::ALL.into_iter().find(|c| c.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemState::{AwaitingApproval, Corrected, Handled, Open, Rejected};
    use ReviewAction::{Approve, Cause, Handle, Reject, Request};

    #[test]
    fn the_transition_table_allows_exactly_these() {
        let allowed = [
            (Open, Handle, Handled),
            (Open, Request, AwaitingApproval),
            (Rejected, Handle, Handled),
            (Rejected, Request, AwaitingApproval),
            (AwaitingApproval, Approve, Corrected),
            (AwaitingApproval, Reject, Rejected),
        ];
        for state in ItemState::ALL {
            assert_eq!(state.after(Cause), Ok(state), "a cause keeps {state:?}");
            for action in [Handle, Request, Approve, Reject] {
                let expected = allowed.iter().find(|(s, a, _)| (*s, *a) == (state, action)).map(|(_, _, next)| *next);
                match (state.after(action), expected) {
                    (Ok(next), Some(want)) => {
                        assert_eq!(next, want);
                        assert_eq!(action.leaves(state), next, "replay agrees with the table");
                    }
                    (Err(refusal), None) => assert!(!refusal.message.is_empty()),
                    (got, want) => panic!("{state:?} + {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn refusals_keep_their_codes_and_words() {
        let refusal = Handled.after(Request).unwrap_err();
        assert_eq!(refusal.code, "ALREADY_RESOLVED");
        assert_eq!(refusal.message, "该笔已是“已处理（以平台为准）”，不能再处理");
        let refusal = Open.after(Approve).unwrap_err();
        assert_eq!(refusal.code, "NOT_AWAITING_APPROVAL");
        assert_eq!(refusal.message, "该笔是“待处理”，没有待审批的更正");
        assert_eq!(Corrected.after(Handle).unwrap_err().code, "ALREADY_RESOLVED");
        assert_eq!(Rejected.after(Reject).unwrap_err().code, "NOT_AWAITING_APPROVAL");
    }

    #[test]
    fn every_code_round_trips() {
        for state in ItemState::ALL {
            assert_eq!(ItemState::parse(state.code()), Some(state));
        }
        for action in ReviewAction::ALL {
            assert_eq!(ReviewAction::parse(action.code()), Some(action));
        }
        for correction in Correction::ALL {
            assert_eq!(Correction::parse(correction.code()), Some(correction));
        }
        assert_eq!(ItemState::ALL.iter().filter(|s| s.needs_handling()).count(), 2);
    }
}
