//! The reconciliation report model (对账结果报表 and 单边账明细): plain data, already worded in
//! Chinese by the caller, so the renderers only lay it out. Amounts are `Money`; a single-sided
//! refund is negative, so every amount column and total is money in net of money out.

use domain::Money;

/// One reconciliation run (a day, the platform against one channel's statement or the HIS) as
/// finance reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconciliationReport {
    /// `2024-03-01`: the day reconciled.
    pub day: String,
    /// What was compared, e.g. `平台与微信对账单` or `平台与 HIS`.
    pub scope: String,
    /// The other side's short name: `渠道` or `HIS` (the tab `渠道多出` / `HIS多出`, the
    /// column `渠道单边`).
    pub counterpart: String,
    /// When the report was made (`2024-03-02 08:30:00`); printed as given, may be empty.
    pub generated_at: String,
    /// The result per channel, in channel order.
    pub channels: Vec<ResultLine>,
    /// The whole run; computed by the caller, written as values.
    pub total: ResultLine,
    pub figures: MismatchFigures,
    /// Pairs found on both sides that disagree (amount, status or fee).
    pub discrepancies: Vec<DiscrepancyLine>,
    /// 平台多出: on the platform only.
    pub platform_extra: Vec<SingleSidedLine>,
    /// 渠道多出 / HIS多出: on the channel statement or the HIS only.
    pub counterpart_extra: Vec<SingleSidedLine>,
}

/// A count and its net amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct CountAmount {
    pub count: u64,
    /// Payments less refunds.
    pub amount: Money,
}

/// One row of the result report: a channel, or the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultLine {
    /// `微信`, … or `合计`.
    pub label: String,
    pub matched: CountAmount,
    pub platform_only: CountAmount,
    pub counterpart_only: CountAmount,
    pub amount_mismatch: CountAmount,
    pub status_mismatch: CountAmount,
    pub fee_mismatch: CountAmount,
    pub cross_day_deferred: CountAmount,
}

/// The figures of the run beyond the per-channel table.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MismatchFigures {
    /// 长款 / 短款 among the amount mismatches.
    pub long: u64,
    pub short: u64,
    /// Σ (counterpart − platform) over the amount mismatches.
    pub amount_difference: Money,
    /// Carried entries of the day before that found their counterpart.
    pub cross_day_resolved: u64,
    /// Closed with nothing on the other side (nothing moved).
    pub void: u64,
    /// Other channels' records in a run against one channel.
    pub out_of_scope: u64,
    /// The channel's net fees, to the fen (`None`: the counterpart states none).
    pub channel_fees: Option<Money>,
}

/// A single-sided entry (单边账) with its cause category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SingleSidedLine {
    /// `微信`, `现金` …
    pub channel: String,
    /// `支付` or `退款`.
    pub kind: String,
    /// `成功`, `处理中` …
    pub status: String,
    pub order_no: String,
    pub third_party_no: String,
    pub refund_no: String,
    /// `2024-03-01 09:15:01`
    pub at: String,
    /// The day the entry belongs to (the day before, for a cross-day entry now final).
    pub day: String,
    /// Negative for a refund.
    pub amount: Money,
    /// Cause by provider: `平台-微信`, `设备-银联` …
    pub provider: String,
    /// Cause by kind: `支付`, `退款`, `上传`, `终端异常`.
    pub cause: String,
}

/// A pair found on both sides that disagrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscrepancyLine {
    /// `金额不符`, `状态不符`, `手续费不符`.
    pub class: String,
    pub channel: String,
    pub kind: String,
    pub order_no: String,
    pub third_party_no: String,
    pub refund_no: String,
    pub platform_at: String,
    pub platform_status: String,
    pub counterpart_status: String,
    /// Negative for a refund, as in the single-sided lists.
    pub platform_amount: Money,
    pub counterpart_amount: Money,
    /// Counterpart − platform (zero unless the amounts differ).
    pub difference: Money,
    /// `长款`, `短款` or empty.
    pub direction: String,
    /// The channel's fee as stated (`7.68000`), empty when it states none.
    pub counterpart_fee: String,
}

impl ReconciliationReport {
    /// The platform tab's name.
    pub fn platform_tab(&self) -> String {
        "平台多出".to_owned()
    }
    /// The counterpart tab's name: `渠道多出` or `HIS多出`.
    pub fn counterpart_tab(&self) -> String {
        format!("{}多出", self.counterpart)
    }
}

impl SingleSidedLine {
    /// The cause as one phrase: `平台-微信 · 支付`.
    pub fn cause_text(&self) -> String {
        format!("{} · {}", self.provider, self.cause)
    }
}

/// The count and the net amount of a list of single-sided entries (the tab's total row).
pub fn total_of(lines: &[SingleSidedLine]) -> CountAmount {
    CountAmount { count: lines.len() as u64, amount: lines.iter().map(|l| l.amount).sum() }
}
