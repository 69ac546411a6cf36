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
//! Providers (DOMAIN.md): the platform's WeChat, Alipay and deposit; a device or third party's
//! cash, UnionPay, insurance and third-party deposit. The engine infers the provider from the
//! record's channel only ([`Provider::of`]): neither the ledger nor the HIS export marks a
//! deposit, so the two deposit providers are never inferred — finance assigns them by hand.
//!
//! This module is the one home of the cause vocabulary: codes (`provider/kind`, stored and sent
//! over the API) and labels come from here; the contract's tables are built from [`Provider::ALL`]
//! and [`CauseKind::ALL`].

use statements::{Channel, Kind};

use crate::config::Counterpart;
use crate::outcome::Side;

/// Who provides the channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    PlatformWechat,
    PlatformAlipay,
    /// Deposits taken through the platform; assigned by finance, never inferred.
    PlatformDeposit,
    DeviceCash,
    DeviceUnionpay,
    DeviceInsurance,
    /// Deposits taken by a third party's device; assigned by finance, never inferred.
    DeviceThirdPartyDeposit,
}

impl Provider {
    /// Every provider, in the order finance picks from.
    pub const ALL: [Provider; 7] = [
        Provider::PlatformWechat,
        Provider::PlatformAlipay,
        Provider::PlatformDeposit,
        Provider::DeviceCash,
        Provider::DeviceUnionpay,
        Provider::DeviceInsurance,
        Provider::DeviceThirdPartyDeposit,
    ];

    /// The provider the engine infers from a record's channel.
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
    pub const fn is_device(self) -> bool {
        match self {
            Provider::PlatformWechat | Provider::PlatformAlipay | Provider::PlatformDeposit => false,
            Provider::DeviceCash
            | Provider::DeviceUnionpay
            | Provider::DeviceInsurance
            | Provider::DeviceThirdPartyDeposit => true,
        }
    }
    /// The stable code, e.g. `platform_wechat`.
    pub const fn code(self) -> &'static str {
        match self {
            Provider::PlatformWechat => "platform_wechat",
            Provider::PlatformAlipay => "platform_alipay",
            Provider::PlatformDeposit => "platform_deposit",
            Provider::DeviceCash => "device_cash",
            Provider::DeviceUnionpay => "device_unionpay",
            Provider::DeviceInsurance => "device_insurance",
            Provider::DeviceThirdPartyDeposit => "device_third_party_deposit",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            Provider::PlatformWechat => "平台-微信",
            Provider::PlatformAlipay => "平台-支付宝",
            Provider::PlatformDeposit => "平台-预交金",
            Provider::DeviceCash => "设备-现金",
            Provider::DeviceUnionpay => "设备-银联",
            Provider::DeviceInsurance => "设备-医保",
            Provider::DeviceThirdPartyDeposit => "设备-第三方预交金",
        }
    }
    pub fn parse(code: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.code() == code)
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
    pub const ALL: [CauseKind; 4] =
        [CauseKind::Payment, CauseKind::Refund, CauseKind::Upload, CauseKind::TerminalError];

    /// The stable code, e.g. `terminal_error`.
    pub const fn code(self) -> &'static str {
        match self {
            CauseKind::Payment => "payment",
            CauseKind::Refund => "refund",
            CauseKind::Upload => "upload",
            CauseKind::TerminalError => "terminal_error",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            CauseKind::Payment => "支付",
            CauseKind::Refund => "退款",
            CauseKind::Upload => "上传",
            CauseKind::TerminalError => "终端异常",
        }
    }
    pub fn parse(code: &str) -> Option<CauseKind> {
        CauseKind::ALL.into_iter().find(|k| k.code() == code)
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

    /// Every cause, providers in order, then kinds.
    pub fn all() -> impl Iterator<Item = Cause> {
        Provider::ALL
            .into_iter()
            .flat_map(|provider| CauseKind::ALL.into_iter().map(move |kind| Cause { provider, kind }))
    }
    /// The stable code `provider/kind`, e.g. `platform_wechat/payment`.
    pub fn code(self) -> String {
        format!("{}/{}", self.provider.code(), self.kind.code())
    }
    /// In words, e.g. `平台-微信 / 支付`.
    pub fn label(self) -> String {
        format!("{} / {}", self.provider.label(), self.kind.label())
    }
    /// A code `provider/kind`; `None` unless both halves are known.
    pub fn parse(code: &str) -> Option<Cause> {
        let (provider, kind) = code.split_once('/')?;
        Some(Cause { provider: Provider::parse(provider)?, kind: CauseKind::parse(kind)? })
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

    #[test]
    fn every_cause_code_round_trips_with_a_unique_label() {
        let causes: Vec<Cause> = Cause::all().collect();
        assert_eq!(causes.len(), Provider::ALL.len() * CauseKind::ALL.len());
        for cause in &causes {
            assert_eq!(Cause::parse(&cause.code()), Some(*cause));
        }
        for provider in Provider::ALL {
            assert_eq!(Provider::parse(provider.code()), Some(provider));
        }
        for kind in CauseKind::ALL {
            assert_eq!(CauseKind::parse(kind.code()), Some(kind));
        }
        crate::vocab_tests::unique_and_labelled(Provider::ALL.map(|p| (p.code(), p.label())));
        crate::vocab_tests::unique_and_labelled(CauseKind::ALL.map(|k| (k.code(), k.label())));
        assert_eq!(Cause::parse("platform_wechat"), None);
        assert_eq!(Cause::parse("platform_wechat/nothing"), None);
    }

    #[test]
    fn every_channel_has_an_inferred_provider_and_deposits_are_only_assigned() {
        let inferred: Vec<Provider> = Channel::ALL.into_iter().map(Provider::of).collect();
        assert_eq!(inferred.len(), 5);
        assert!(!inferred.contains(&Provider::PlatformDeposit));
        assert!(!inferred.contains(&Provider::DeviceThirdPartyDeposit));
        assert!(Provider::DeviceThirdPartyDeposit.is_device() && !Provider::PlatformDeposit.is_device());
    }
}
