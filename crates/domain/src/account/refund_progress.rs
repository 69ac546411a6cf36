//! Where a refund by the original route (原路退款) stands: the words the account, the pending
//! list and `cashier refund status` use, and the codes they are kept under.

/// A refund's progress at the channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefundProgress {
    /// Written with its record; the channel has not answered yet (待退款).
    Requested,
    /// The channel took it; the money is on its way (退款中).
    Processing,
    /// The money reached the payer (已退款).
    Refunded,
    /// The channel could not give it back (退款失败): to be paid another way.
    Failed,
}

impl RefundProgress {
    pub const ALL: [RefundProgress; 4] =
        [RefundProgress::Requested, RefundProgress::Processing, RefundProgress::Refunded, RefundProgress::Failed];

    pub fn code(self) -> &'static str {
        match self {
            RefundProgress::Requested => "requested",
            RefundProgress::Processing => "processing",
            RefundProgress::Refunded => "refunded",
            RefundProgress::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RefundProgress::Requested => "待退款",
            RefundProgress::Processing => "退款中",
            RefundProgress::Refunded => "已退款",
            RefundProgress::Failed => "退款失败",
        }
    }

    pub fn parse(code: &str) -> Option<RefundProgress> {
        RefundProgress::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Nothing more will happen at the channel.
    pub fn is_final(self) -> bool {
        matches!(self, RefundProgress::Refunded | RefundProgress::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_only_the_end_states_are_final() {
        for p in RefundProgress::ALL {
            assert_eq!(RefundProgress::parse(p.code()), Some(p));
        }
        assert_eq!(RefundProgress::parse("退款中"), None);
        let finals: Vec<_> = RefundProgress::ALL.into_iter().filter(|p| p.is_final()).collect();
        assert_eq!(finals, [RefundProgress::Refunded, RefundProgress::Failed]);
    }
}
