//! Writes a benchmark day: a WeChat ALL bill in the real backtick format (with its summary) and
//! the platform ledger CSV for the same orders, with a sprinkling of discrepancies, and the
//! counts the reconciliation must find. Deterministic (a fixed xorshift seed).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// What the generator put in, so both engines can be checked against it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expected {
    pub wechat_rows: u64,
    pub ledger_rows: u64,
    pub matched: u64,
    pub amount_mismatch: u64,
    pub status_mismatch: u64,
    pub fee_mismatch: u64,
    pub platform_only: u64,
    pub channel_only: u64,
}

pub struct Day {
    pub wechat: PathBuf,
    pub ledger: PathBuf,
    pub expected: Expected,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// What happens to one payment or refund.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Matched,
    ChannelOnly,
    PlatformOnly,
    AmountOff,
    StatusOff,
    FeeOff,
}

fn fate(rng: &mut Rng, secs: u32) -> Fate {
    let fate = match rng.next() % 10_000 {
        0..10 => Fate::ChannelOnly,
        10..20 => Fate::PlatformOnly,
        20..25 => Fate::AmountOff,
        25..30 => Fate::StatusOff,
        30..32 => Fate::FeeOff,
        _ => Fate::Matched,
    };
    // Single-sided entries near midnight would be deferred (cross-day): keep them away so
    // that DuckDB's plain join must find exactly the same classes.
    if secs >= 86_000 && matches!(fate, Fate::ChannelOnly | Fate::PlatformOnly) { Fate::Matched } else { fate }
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn fee_text(units: i64) -> String {
    let sign = if units < 0 { "-" } else { "" };
    format!("{sign}{}.{:05}", units.abs() / 100_000, units.abs() % 100_000)
}

/// WeChat rounds each fee to the fen: 0.60% of the amount, half up, in 1/100000 yuan.
fn fee_units(fen: i64) -> i64 {
    (fen * 6 + 500) / 1000 * 1000
}

fn time(day: NaiveDate, secs: u32) -> String {
    format!("{day} {:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

const HEADER: &str = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";

/// Writes `orders` orders of `day` (every 20th refunded in part) into `dir`; with `reuse`, files
/// already there (from the same size) are kept and only the expected counts recomputed.
pub fn generate(dir: &Path, orders: u64, day: NaiveDate, reuse: bool) -> io::Result<Day> {
    std::fs::create_dir_all(dir)?;
    let wechat_path = dir.join("wechat_all.csv");
    let ledger_path = dir.join("platform_ledger.csv");
    let expected_path = dir.join(format!("expected-{orders}.txt"));
    if reuse
        && wechat_path.exists()
        && ledger_path.exists()
        && let Some(expected) = read_expected(&expected_path)
    {
        return Ok(Day { wechat: wechat_path, ledger: ledger_path, expected });
    }
    let _ = std::fs::remove_file(&expected_path);
    let mut wx = BufWriter::with_capacity(1 << 20, File::create(&wechat_path)?);
    let mut pf = BufWriter::with_capacity(1 << 20, File::create(&ledger_path)?);
    writeln!(wx, "{HEADER}")?;
    writeln!(pf, "{}", statements::LEDGER_HEADER)?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut e = Expected::default();
    let (mut settle_sum, mut refund_sum, mut fee_sum) = (0i64, 0i64, 0i64);
    let date = day.format("%Y%m%d").to_string();
    for i in 0..orders {
        let secs = u32::try_from(i * 86_400 / orders).unwrap_or(0);
        let fen = 100 + i64::try_from(rng.next() % 5_000_000).unwrap_or(0);
        let transaction = format!("4200{date}{i:016}");
        let order = format!("P{date}{i:010}");
        let refunded = i % 20 == 7;
        for kind in if refunded { &["payment", "refund"][..] } else { &["payment"][..] } {
            let refund = *kind == "refund";
            let at = if refund { (secs + 600).min(86_399) } else { secs };
            let amount = if refund { (fen / 4).max(1) } else { fen };
            let fate = fate(&mut rng, at);
            let mut fee = if refund { -fee_units(amount) } else { fee_units(amount) };
            if fate == Fate::FeeOff {
                fee += 1_000;
            }
            let refund_no = if refund { format!("R{date}{i:010}") } else { String::new() };
            if fate != Fate::PlatformOnly {
                e.wechat_rows += 1;
                fee_sum += fee;
                let (state, wx_refund, out_refund, refund_amount, refund_status, settle, order_amount, requested) =
                    if refund {
                        refund_sum += amount;
                        (
                            "REFUND",
                            format!("50{date}{i:018}"),
                            refund_no.clone(),
                            yuan(amount),
                            "SUCCESS",
                            0,
                            0,
                            yuan(amount),
                        )
                    } else {
                        settle_sum += amount;
                        (
                            "SUCCESS",
                            "0".to_owned(),
                            "0".to_owned(),
                            "0.00".to_owned(),
                            "",
                            amount,
                            amount,
                            "0.00".to_owned(),
                        )
                    };
                writeln!(
                    wx,
                    "`{},`wx2421b1c4370ec43b,`1900000109,`,`,`{transaction},`{order},`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`{state},`CMB_CREDIT,`CNY,`{},`0.00,`{wx_refund},`{out_refund},`{refund_amount},`0.00,`{},`{refund_status},`住院预交金,`,`{},`0.60%,`{},`{requested},`",
                    time(day, at),
                    yuan(settle),
                    if refund { "ORIGINAL" } else { "" },
                    fee_text(fee),
                    yuan(order_amount),
                )?;
            }
            if fate != Fate::ChannelOnly {
                e.ledger_rows += 1;
                let booked = if fate == Fate::AmountOff { amount + 1 } else { amount };
                let status = if fate == Fate::StatusOff { "pending" } else { "success" };
                writeln!(
                    pf,
                    "{order},wechat,{transaction},{kind},{refund_no},{},{status},{}",
                    yuan(booked),
                    time(day, at)
                )?;
            }
            match fate {
                Fate::Matched => e.matched += 1,
                Fate::ChannelOnly => e.channel_only += 1,
                Fate::PlatformOnly => e.platform_only += 1,
                Fate::AmountOff => e.amount_mismatch += 1,
                Fate::StatusOff => e.status_mismatch += 1,
                Fate::FeeOff => e.fee_mismatch += 1,
            }
        }
    }
    writeln!(wx, "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")?;
    writeln!(
        wx,
        "`{},`{},`{},`0.00,`{},`{},`{}",
        e.wechat_rows,
        yuan(settle_sum),
        yuan(refund_sum),
        fee_text(fee_sum),
        yuan(settle_sum),
        yuan(refund_sum)
    )?;
    wx.flush()?;
    pf.flush()?;
    std::fs::write(&expected_path, expected_text(&e))?;
    Ok(Day { wechat: wechat_path, ledger: ledger_path, expected: e })
}

fn expected_text(e: &Expected) -> String {
    let figures = [
        e.wechat_rows,
        e.ledger_rows,
        e.matched,
        e.amount_mismatch,
        e.status_mismatch,
        e.fee_mismatch,
        e.platform_only,
        e.channel_only,
    ];
    figures.map(|f| f.to_string()).join(" ")
}

fn read_expected(path: &Path) -> Option<Expected> {
    let text = std::fs::read_to_string(path).ok()?;
    let f: Vec<u64> = text.split_whitespace().map(|w| w.parse().ok()).collect::<Option<_>>()?;
    let [
        wechat_rows,
        ledger_rows,
        matched,
        amount_mismatch,
        status_mismatch,
        fee_mismatch,
        platform_only,
        channel_only,
    ] = f[..]
    else {
        return None;
    };
    Some(Expected {
        wechat_rows,
        ledger_rows,
        matched,
        amount_mismatch,
        status_mismatch,
        fee_mismatch,
        platform_only,
        channel_only,
    })
}
