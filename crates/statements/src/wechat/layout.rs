//! The WeChat Pay bill layouts (ALL 27, SUCCESS 20, REFUND 29, legacy ALL 24), recognised by
//! their header names, and where each needed column sits in the file at hand.

use crate::cells::Header;
use crate::error::{Ctx, StatementError};

/// Which bill this is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WechatLayout {
    /// 全部订单 (27 columns).
    All,
    /// 成功订单 (20 columns: payments only).
    Success,
    /// 退款订单 (29 columns: refunds only, with application and success times).
    Refund,
    /// The older 24-column ALL bill (总金额, 代金券或立减优惠金额; 5-field summary).
    LegacyAll,
}

impl WechatLayout {
    pub fn name(self) -> &'static str {
        match self {
            WechatLayout::All => "wechat-all",
            WechatLayout::Success => "wechat-success",
            WechatLayout::Refund => "wechat-refund",
            WechatLayout::LegacyAll => "wechat-legacy-all",
        }
    }
}

/// Amount columns summed for the summary check, in a fixed order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Sum {
    /// 应结订单金额 (legacy: 总金额).
    Settlement = 0,
    /// 退款金额.
    Refund = 1,
    /// 充值券退款金额 (legacy: 代金券或立减优惠退款金额).
    CouponRefund = 2,
    /// 手续费 (five decimals).
    Fee = 3,
    /// 订单金额 (legacy: 总金额).
    Order = 4,
    /// 申请退款金额 (legacy: 退款金额).
    RequestedRefund = 5,
}

pub(crate) const SUMS: usize = 6;

/// What a summary field is checked against.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Measure {
    Count,
    Column(Sum),
}

/// The summary fields we know, current and legacy; unknown fields are ignored.
pub(crate) fn summary_measure(field: &str) -> Option<Measure> {
    Some(match field {
        "总交易单数" => Measure::Count,
        "应结订单总金额" | "总交易额" => Measure::Column(Sum::Settlement),
        "退款总金额" | "总退款金额" => Measure::Column(Sum::Refund),
        "充值券退款总金额" | "总代金券或立减优惠退款金额" => Measure::Column(Sum::CouponRefund),
        "手续费总金额" => Measure::Column(Sum::Fee),
        "订单总金额" => Measure::Column(Sum::Order),
        "申请退款总金额" => Measure::Column(Sum::RequestedRefund),
        _ => return None,
    })
}

/// The positions of the columns the parser reads.
#[derive(Clone, Debug)]
pub(crate) struct Columns {
    pub(crate) layout: WechatLayout,
    pub(crate) width: usize,
    pub(crate) time: usize,
    pub(crate) refund_time: Option<usize>,
    pub(crate) transaction_id: usize,
    pub(crate) out_trade_no: usize,
    pub(crate) trade_state: usize,
    pub(crate) refund_id: Option<usize>,
    pub(crate) out_refund_no: Option<usize>,
    pub(crate) refund_status: Option<usize>,
    pub(crate) product: Option<usize>,
    pub(crate) rate: Option<usize>,
    /// Where each summed amount sits, by [`Sum`].
    pub(crate) sums: [Option<usize>; SUMS],
    /// The header names of the summed columns (for messages).
    pub(crate) sum_names: [&'static str; SUMS],
}

impl Columns {
    pub(crate) fn from_header(header: &Header, ctx: Ctx<'_>) -> Result<Columns, StatementError> {
        let layout = if header.has("退款申请时间") {
            WechatLayout::Refund
        } else if header.has("总金额") {
            WechatLayout::LegacyAll
        } else if header.has("微信退款单号") {
            WechatLayout::All
        } else if header.has("订单金额") && header.has("手续费") {
            WechatLayout::Success
        } else {
            return Err(ctx.layout(1, "微信支付账单"));
        };
        if let Some(name) = header.repeated() {
            return Err(ctx.value(1, "表头", name));
        }
        let need = |name: &str| header.position(name).ok_or_else(|| ctx.missing_column(1, name));
        let legacy = layout == WechatLayout::LegacyAll;
        let sum_names = if legacy {
            ["总金额", "退款金额", "代金券或立减优惠退款金额", "手续费", "总金额", "退款金额"]
        } else {
            ["应结订单金额", "退款金额", "充值券退款金额", "手续费", "订单金额", "申请退款金额"]
        };
        let mut sums = [None; SUMS];
        for (slot, name) in sums.iter_mut().zip(sum_names) {
            *slot = header.position(name);
        }
        let has_refunds = layout != WechatLayout::Success;
        let columns = Columns {
            layout,
            width: header.len(),
            time: need("交易时间")?,
            refund_time: header.position("退款成功时间"),
            transaction_id: need("微信订单号")?,
            out_trade_no: need("商户订单号")?,
            trade_state: need("交易状态")?,
            refund_id: if has_refunds { Some(need("微信退款单号")?) } else { None },
            out_refund_no: if has_refunds { Some(need("商户退款单号")?) } else { None },
            refund_status: if has_refunds { Some(need("退款状态")?) } else { None },
            product: header.position("商品名称"),
            rate: header.position("费率"),
            sums,
            sum_names,
        };
        need(sum_names[Sum::Fee as usize])?;
        need(sum_names[Sum::Order as usize])?;
        if has_refunds {
            need(sum_names[Sum::RequestedRefund as usize])?;
        }
        Ok(columns)
    }
}
