//! The day's end printed and exported from the screen: the cashier's daily report (收费员日报)
//! of a close, the 缴款收据 of a hand-in, and the hospital's 住院日报 / 月报 as PDF (printed or
//! saved and opened) or XLSX (saved in the print folder).

use contract::PrintOutcome;
use contract::close::{DailyReport, MonthlyReport};
use domain::Permission;

use crate::counter_settings::PrintKind;
use crate::printing::Printing;
use crate::{App, AppError, Operator};

impl App {
    /// Prints the 收费员日报 of a close.
    pub async fn print_close(&self, operator: &Operator, close_no: &str) -> Result<PrintOutcome, AppError> {
        let view = self.close_by_no(operator, close_no).await?;
        let (hospital, printed_at) = (self.hospital.clone(), crate::close::store_time(self.clock.now()));
        let pdf = Printing::render(move || reports::day_end::close_pdf(&view, &hospital, &printed_at)).await?;
        self.deliver(PrintKind::Report, &format!("收费员日报-{}.pdf", close_no.trim()), &pdf).await
    }

    /// Prints the 缴款收据 of a hand-in (finance).
    pub async fn print_hand_in(&self, operator: &Operator, hand_in_no: &str) -> Result<PrintOutcome, AppError> {
        let view = self.hand_in_by_no(operator, hand_in_no).await?;
        let hospital = self.hospital.clone();
        let pdf = Printing::render(move || reports::day_end::hand_in_pdf(&view, &hospital)).await?;
        self.deliver(PrintKind::Report, &format!("缴款收据-{}.pdf", hand_in_no.trim()), &pdf).await
    }

    /// Prints the 住院日报 of `day` (finance).
    pub async fn print_daily(&self, operator: &Operator, day: chrono::NaiveDate) -> Result<PrintOutcome, AppError> {
        let report = self.daily_report(operator, day).await?;
        let pdf = Printing::render(move || reports::day_end::daily_pdf(&report)).await?;
        self.deliver(PrintKind::Report, &format!("住院日报-{day}.pdf"), &pdf).await
    }

    /// Prints the 住院月报 of a month (finance), with its chart.
    pub async fn print_monthly(&self, operator: &Operator, year: i32, month: u32) -> Result<PrintOutcome, AppError> {
        let report = self.monthly_report(operator, year, month).await?;
        let pdf = Printing::render(move || reports::day_end::monthly_pdf(&report)).await?;
        self.deliver(PrintKind::Report, &format!("住院月报-{year}-{month:02}.pdf"), &pdf).await
    }

    /// Saves the 住院日报 (a day) or 月报 (a month) as XLSX in the print folder; answers its path.
    pub async fn export_day_end(
        &self,
        operator: &Operator,
        day: Option<chrono::NaiveDate>,
        month: Option<(i32, u32)>,
    ) -> Result<String, AppError> {
        operator.require(Permission::CollectHandIn)?;
        let (name, bytes) = match (day, month) {
            (Some(day), _) => {
                let report: DailyReport = self.daily_report(operator, day).await?;
                (format!("住院日报-{day}.xlsx"), reports::day_end::daily_xlsx(&report)?)
            }
            (None, Some((year, month))) => {
                let report: MonthlyReport = self.monthly_report(operator, year, month).await?;
                (format!("住院月报-{year}-{month:02}.xlsx"), reports::day_end::monthly_xlsx(&report)?)
            }
            (None, None) => return Err(AppError::invalid("DATE_REQUIRED", "请填写日期或月份", "date")),
        };
        let dir = &self.printing.dir;
        std::fs::create_dir_all(dir).map_err(|e| AppError::Io(format!("无法创建文件夹 {}：{e}", dir.display())))?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| AppError::Io(format!("无法保存 {}：{e}", path.display())))?;
        Ok(path.display().to_string())
    }
}
