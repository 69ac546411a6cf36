//! The cause category of a single-sided entry (DOMAIN.md): by provider — the platform's own
//! channels (WeChat, Alipay) or a device/third party (cash, UnionPay, insurance) — and by kind:
//! payment, refund, upload, terminal error.
//!
//! The rule, from what each side is and who made the record:
//!
//! | entry | counterpart | channel made by | cause kind |
//! |---|---|---|---|
//! | any refund | any | any | refund |
//! | platform only | HIS | any | upload (the platform's record never reached the HIS) |
//! | platform only | channel | terminal (cash, UnionPay, insurance) | terminal error |
//! | platform only | channel | platform (WeChat, Alipay) | payment |
//! | HIS/channel only | any | terminal | upload (the terminal never uploaded it to the platform) |
//! | HIS/channel only | any | platform | payment (paid, but the platform has no success) |
//!
//! Deposits: neither the ledger nor the HIS export marks a deposit, so deposits are attributed
//! to the channel they were paid through (no separate deposit provider yet).

use statements::{Channel, Kind};

use crate::config::Counterpart;
use crate::outcome::Side;

/// Who provides the channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    PlatformWechat,
    PlatformAlipay,
    DeviceCash,
    DeviceUnionpay,
    DeviceInsurance,
}

impl Provider {
    pub fn of(channel: Channel) -> Provider {
        match channel {
            Channel::Wechat => Provider::PlatformWechat,
            Channel::Alipay => Provider::PlatformAlipay,
            Channel::Cash => Provider::DeviceCash,
            Channel::Unionpay => Provider::DeviceUnionpay,
            Channel::Insurance => Provider::DeviceInsurance,
        }
    }
    /// Whether a terminal/device (not the platform) made the record.
    pub fn is_device(self) -> bool {
        matches!(self, Provider::DeviceCash | Provider::DeviceUnionpay | Provider::DeviceInsurance)
    }
    pub fn label(self) -> &'static str {
        match self {
            Provider::PlatformWechat => "平台-微信",
            Provider::PlatformAlipay => "平台-支付宝",
            Provider::DeviceCash => "设备-现金",
            Provider::DeviceUnionpay => "设备-银联",
            Provider::DeviceInsurance => "设备-医保",
        }
    }
}

/// What kind of failure a single-sided entry most likely is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CauseKind {
    Payment,
    Refund,
    Upload,
    TerminalError,
}

impl CauseKind {
    pub fn label(self) -> &'static str {
        match self {
            CauseKind::Payment => "支付",
            CauseKind::Refund => "退款",
            CauseKind::Upload => "上传",
            CauseKind::TerminalError => "终端异常",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cause {
    pub provider: Provider,
    pub kind: CauseKind,
}

impl Cause {
    /// The cause of an entry found only on `side`, per the table in this module's docs.
    pub fn of(side: Side, counterpart: Counterpart, channel: Channel, kind: Kind) -> Cause {
        let provider = Provider::of(channel);
        let kind = match (kind, side, counterpart) {
            (Kind::Refund, _, _) => CauseKind::Refund,
            (Kind::Payment, Side::Platform, Counterpart::His) => CauseKind::Upload,
            (Kind::Payment, Side::Platform, Counterpart::Channel(_)) if provider.is_device() => {
                CauseKind::TerminalError
            }
            (Kind::Payment, Side::Platform, Counterpart::Channel(_)) => CauseKind::Payment,
            (Kind::Payment, Side::Counterpart, _) if provider.is_device() => CauseKind::Upload,
            (Kind::Payment, Side::Counterpart, _) => CauseKind::Payment,
        };
        Cause { provider, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_follow_the_table() {
        let his = Counterpart::His;
        let wx = Counterpart::Channel(Channel::Wechat);
        let up = Counterpart::Channel(Channel::Unionpay);
        let cause = |side, cp, ch, kind| Cause::of(side, cp, ch, kind).kind;
        assert_eq!(cause(Side::Platform, wx, Channel::Wechat, Kind::Refund), CauseKind::Refund);
        assert_eq!(cause(Side::Platform, his, Channel::Wechat, Kind::Payment), CauseKind::Upload);
        assert_eq!(cause(Side::Platform, up, Channel::Unionpay, Kind::Payment), CauseKind::TerminalError);
        assert_eq!(cause(Side::Platform, wx, Channel::Wechat, Kind::Payment), CauseKind::Payment);
        assert_eq!(cause(Side::Counterpart, his, Channel::Cash, Kind::Payment), CauseKind::Upload);
        assert_eq!(cause(Side::Counterpart, wx, Channel::Wechat, Kind::Payment), CauseKind::Payment);
        assert_eq!(Cause::of(Side::Counterpart, his, Channel::Alipay, Kind::Payment).provider.label(), "平台-支付宝");
    }
}
