//! The hospital's day and month for finance (住院日报 / 月报): takings by tender and by cashier,
//! income by department and fee category, insurance and blood totals, the roll-forwards of
//! deposits and of fees of patients still in hospital — each end checked against the balance
//! computed straight from the records — and the daily identity 交付预交金 − 收回出院押金 +
//! 结算费用收入 = 住院实际收入. A stand-alone counter reports from its own store.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use contract::Yuan;
use contract::close::{ByTender, CashierTakings, DailyReport, IdentityLine, IncomeLine, MonthlyReport, RollForward};
use domain::close::{CloseFigures, CloseRecord};
use domain::{FeeCategory, Money, Permission, SettlementFigures, Tender};
use store::{closes, day_book};

use crate::close_view::{by_tender, identities};
use crate::{App, AppError, Operator};

fn money(fen: i64) -> Money {
    Money::from_fen(fen).unwrap_or(Money::ZERO)
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// The close figures of one cashier's sums: the domain counts them as it counts records (the
/// payments as one record of their own, the figures per insurance type as others).
fn figures_of(sums: &day_book::CashierSums) -> CloseFigures {
    let mut f = CloseFigures::default();
    let self_pay = domain::InsuranceType::SelfPay;
    let none = SettlementFigures::default;
    f.add(&CloseRecord::DepositReceived(sums.received.clone()));
    f.add(&CloseRecord::DepositReversed(sums.reversed.clone()));
    f.add(&CloseRecord::Settlement { figures: none(), insurance: self_pay, payments: sums.settled_payments.clone() });
    f.add(&CloseRecord::Recall { figures: none(), insurance: self_pay, payments: sums.recalled_payments.clone() });
    for (insurance, figures) in &sums.settled {
        f.add(&CloseRecord::Settlement { figures: *figures, insurance: *insurance, payments: Vec::new() });
    }
    for (insurance, figures) in &sums.recalled {
        f.add(&CloseRecord::Recall { figures: *figures, insurance: *insurance, payments: Vec::new() });
    }
    f
}

fn roll(start: i64, movements: &[(&str, i64)], end_from_records: i64) -> RollForward {
    let end = start + movements.iter().map(|(_, m)| m).sum::<i64>();
    RollForward {
        start: Yuan(money(start)),
        movements: movements.iter().map(|(k, m)| ((*k).to_owned(), Yuan(money(*m)))).collect(),
        end: Yuan(money(end)),
        end_from_records: Yuan(money(end_from_records)),
        holds: end == end_from_records,
    }
}

fn add_tenders(into: &mut ByTender, from: &ByTender) {
    for (k, v) in from {
        let entry = into.entry(k.clone()).or_insert(Yuan(Money::ZERO));
        *entry = Yuan(entry.money() + v.money());
    }
}

impl App {
    /// 住院日报 of `day` (finance).
    pub async fn daily_report(&self, operator: &Operator, day: NaiveDate) -> Result<DailyReport, AppError> {
        operator.require(Permission::CollectHandIn)?;
        let (from, to) = (midnight(day), midnight(day) + chrono::Duration::days(1));
        self.catch_up("生成住院日报").await?;
        let mut conn = self.store.conn().await?;
        let (start_deposits, start_fees) = day_book::balances_at(&mut conn, day).await?;
        let report = self.day_between(&mut conn, day, from, to, start_deposits, start_fees).await?;
        Ok(report)
    }

    /// 住院月报 of the month holding `first` (finance): each day up to the month's end (or today),
    /// with totals.
    pub async fn monthly_report(&self, operator: &Operator, year: i32, month: u32) -> Result<MonthlyReport, AppError> {
        operator.require(Permission::CollectHandIn)?;
        let first = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| AppError::invalid("MONTH_INVALID", format!("月份无效：{year}-{month:02}"), "month"))?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }
        .ok_or_else(|| AppError::internal("月份无效"))?;
        let today = self.clock.now().date();
        let last = (next - chrono::Duration::days(1)).min(today.max(first));
        self.catch_up("生成住院月报").await?;
        let mut conn = self.store.conn().await?;
        let (mut deposits, mut fees) = day_book::balances_at(&mut conn, first).await?;
        let (month_deposits, month_fees) = (deposits, fees);
        let mut days = Vec::new();
        let mut day = first;
        while day <= last {
            let (from, to) = (midnight(day), midnight(day) + chrono::Duration::days(1));
            let report = self.day_between(&mut conn, day, from, to, deposits, fees).await?;
            deposits = report.deposit_rollforward.end_from_records.money().fen();
            fees = report.inpatient_fee_rollforward.end_from_records.money().fen();
            days.push(report);
            day += chrono::Duration::days(1);
        }
        let mut takings = ByTender::new();
        let mut deposit_moves: BTreeMap<String, i64> = BTreeMap::new();
        let mut fee_moves: BTreeMap<String, i64> = BTreeMap::new();
        for d in &days {
            add_tenders(&mut takings, &d.takings);
            for (k, v) in &d.deposit_rollforward.movements {
                *deposit_moves.entry(k.clone()).or_default() += v.money().fen();
            }
            for (k, v) in &d.inpatient_fee_rollforward.movements {
                *fee_moves.entry(k.clone()).or_default() += v.money().fen();
            }
        }
        let deposit_list: Vec<(&str, i64)> = deposit_moves.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let fee_list: Vec<(&str, i64)> = fee_moves.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let deposit_rollforward = roll(month_deposits, &deposit_list, deposits);
        let inpatient_fee_rollforward = roll(month_fees, &fee_list, fees);
        let identity_holds =
            days.iter().all(|d| d.identity_holds) && deposit_rollforward.holds && inpatient_fee_rollforward.holds;
        Ok(MonthlyReport {
            month: format!("{}-{:02}", first.year(), first.month()),
            hospital: self.hospital.clone(),
            fees_settled: Yuan(days.iter().map(|d| d.fees_settled.money()).sum()),
            takings,
            days,
            deposit_rollforward,
            inpatient_fee_rollforward,
            identity_holds,
        })
    }

    /// At a linked counter the hospital's reports are made from the platform's records: the feed
    /// is pulled to its end first (and the report refused offline, where it could not be whole).
    async fn catch_up(&self, what: &str) -> Result<(), AppError> {
        let Some(desk) = &self.close_desk else { return Ok(()) };
        self.require_online(what)?;
        desk.catch_up(&self.store).await
    }

    async fn day_between(
        &self,
        conn: &mut store::SqliteConnection,
        day: NaiveDate,
        from: NaiveDateTime,
        to: NaiveDateTime,
        start_deposits: i64,
        start_fees: i64,
    ) -> Result<DailyReport, AppError> {
        let cashiers = day_book::cashiers_between(conn, from, to).await?;
        let closes: Vec<(String, ByTender)> = match &self.close_desk {
            Some(desk) => desk.closed_between(from, to).await?.into_iter().map(|c| (c.cashier_name, c.net)).collect(),
            None => {
                let mut out = Vec::new();
                for close in closes::until_between(conn, from, to).await? {
                    out.push((close.cashier_name.clone(), crate::close_view::stored(&close)?.net));
                }
                out
            }
        };
        let mut all = CloseFigures::default();
        let mut by_cashier = Vec::with_capacity(cashiers.len());
        for sums in &cashiers {
            let figures = figures_of(sums);
            all.merge(&figures);
            let mut closed = ByTender::new();
            for (_, net) in closes.iter().filter(|(name, _)| *name == sums.cashier) {
                add_tenders(&mut closed, net);
            }
            by_cashier.push(CashierTakings {
                cashier: sums.cashier.clone(),
                takings: by_tender(&figures, domain::close::TenderFigures::net),
                closed,
            });
        }
        let income = day_book::income_between(conn, from, to).await?;
        let mut by_department: BTreeMap<String, i64> = BTreeMap::new();
        let mut by_category: BTreeMap<String, i64> = BTreeMap::new();
        for (department, category, fen) in &income {
            *by_department.entry(department.clone()).or_default() += fen;
            *by_category.entry(category.clone()).or_default() += fen;
        }
        let dm = day_book::deposit_movements(conn, from, to).await?;
        let fm = day_book::fee_movements(conn, from, to).await?;
        let (end_deposits, end_fees) = day_book::balances_at(conn, day + chrono::Duration::days(1)).await?;
        let deposit_rollforward = roll(
            start_deposits,
            &[
                ("received", dm.received),
                ("reversed", dm.reversed),
                ("recall_transfers", dm.transferred),
                ("applied", dm.applied),
                ("restored_by_recalls", dm.restored),
            ],
            end_deposits,
        );
        let inpatient_fee_rollforward =
            roll(start_fees, &[("charged", fm.charged), ("settled", fm.settled), ("recalled", fm.recalled)], end_fees);

        let takings = by_tender(&all, domain::close::TenderFigures::net);
        let received: Money = Tender::ALL.iter().map(|t| all.tender(*t).received - all.tender(*t).reversed).sum();
        let (collected, refunded) = (all.collected(), all.refunded());
        let actual = takings.get("total").map_or(Money::ZERO, |y| y.money());
        let mut lines = identities(&all);
        let cashiers_total: Money =
            by_cashier.iter().map(|c| c.takings.get("total").map_or(Money::ZERO, |y| y.money())).sum();
        lines.push(IdentityLine {
            name: "收费员合计".into(),
            text: format!("各收费员实收合计 {cashiers_total} = 全院实收 {actual}"),
            holds: cashiers_total == actual,
        });
        lines.push(IdentityLine {
            name: "住院日报恒等式".into(),
            text: format!(
                "交付预交金 {received} − 收回出院押金 {refunded} + 结算费用收入 {collected} = 住院实际收入 {actual}"
            ),
            holds: received - refunded + collected == actual,
        });
        lines.push(IdentityLine {
            name: "预交金滚存".into(),
            text: format!(
                "期初 {} + 本日变动 = 期末 {}；按记录计算期末 {}",
                deposit_rollforward.start, deposit_rollforward.end, deposit_rollforward.end_from_records
            ),
            holds: deposit_rollforward.holds,
        });
        lines.push(IdentityLine {
            name: "在院费用滚存".into(),
            text: format!(
                "期初 {} + 计费 − 结算 + 召回 = 期末 {}；按记录计算期末 {}",
                inpatient_fee_rollforward.start,
                inpatient_fee_rollforward.end,
                inpatient_fee_rollforward.end_from_records
            ),
            holds: inpatient_fee_rollforward.holds,
        });
        let identity_holds = lines.iter().all(|l| l.holds);
        let line = |code: &str, label: &str, fen: i64| IncomeLine {
            code: code.to_owned(),
            label: label.to_owned(),
            amount: Yuan(money(fen)),
        };
        Ok(DailyReport {
            date: day.to_string(),
            hospital: self.hospital.clone(),
            takings,
            by_cashier,
            by_department: by_department.iter().map(|(d, fen)| line(d, d, *fen)).collect(),
            by_category: by_category
                .iter()
                .map(|(c, fen)| line(c, FeeCategory::from_code(c).map_or(c.as_str(), |f| f.label()), *fen))
                .collect(),
            insurance: crate::close_view::insurance_lines(&all),
            blood_waiver: Yuan(all.blood_waiver),
            fees_settled: Yuan(all.fees_settled),
            deposit_rollforward,
            inpatient_fee_rollforward,
            deposits_paid_in: Yuan(received),
            refunds_at_discharge: Yuan(refunded),
            settlement_income: Yuan(collected),
            actual_income: Yuan(actual),
            identities: lines,
            identity_holds,
        })
    }
}

/// Writes a PDF or XLSX produced by `reports`.
fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), AppError> {
    std::fs::write(path, bytes).map_err(|e| AppError::Io(format!("无法写入 {}：{e}", path.display())))
}

impl App {
    /// Writes the cashier's daily report (收费员日报) of `view` as PDF and/or XLSX.
    pub fn write_close_report(
        &self,
        view: &contract::close::CloseView,
        pdf: Option<&std::path::Path>,
        xlsx: Option<&std::path::Path>,
    ) -> Result<(), AppError> {
        if let Some(path) = pdf {
            let printed_at = crate::close::store_time(self.clock.now());
            write(path, &reports::day_end::close_pdf(view, &self.hospital, &printed_at)?.bytes)?;
        }
        if let Some(path) = xlsx {
            write(path, &reports::day_end::close_xlsx(view, &self.hospital)?)?;
        }
        Ok(())
    }

    /// Writes the 缴款收据 of a hand-in as PDF.
    pub fn write_hand_in_receipt(
        &self,
        view: &contract::close::HandInView,
        path: &std::path::Path,
    ) -> Result<(), AppError> {
        write(path, &reports::day_end::hand_in_pdf(view, &self.hospital)?.bytes)
    }

    /// Writes the hospital's day as PDF and/or XLSX.
    pub fn write_daily_report(
        &self,
        report: &DailyReport,
        pdf: Option<&std::path::Path>,
        xlsx: Option<&std::path::Path>,
    ) -> Result<(), AppError> {
        if let Some(path) = pdf {
            write(path, &reports::day_end::daily_pdf(report)?.bytes)?;
        }
        if let Some(path) = xlsx {
            write(path, &reports::day_end::daily_xlsx(report)?)?;
        }
        Ok(())
    }

    /// Writes the hospital's month as PDF (with its chart) and/or XLSX.
    pub fn write_monthly_report(
        &self,
        report: &MonthlyReport,
        pdf: Option<&std::path::Path>,
        xlsx: Option<&std::path::Path>,
    ) -> Result<(), AppError> {
        if let Some(path) = pdf {
            write(path, &reports::day_end::monthly_pdf(report)?.bytes)?;
        }
        if let Some(path) = xlsx {
            write(path, &reports::day_end::monthly_xlsx(report)?)?;
        }
        Ok(())
    }
}
