//! Prints and reprints (补打): every print of a money document or the fee list is logged (who,
//! when, and for a reprint why); a reprint says 补打（第 N 次） on the sheet, and a money document
//! (收据, 结算单, 电子票据) is reprinted only by someone who may take money.

use domain::Permission;
use domain::paper::PaperKind;

use crate::{App, AppError, Operator};

/// What is printed, as the log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    Receipt,
    Settlement,
    FeeList,
    Invoice,
}

impl Document {
    fn code(self) -> &'static str {
        match self {
            Document::Receipt => "receipt",
            Document::Settlement => "settlement",
            Document::FeeList => "fee_list",
            Document::Invoice => "invoice",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Document::Receipt => "收据",
            Document::Settlement => "结算单",
            Document::FeeList => "费用清单",
            Document::Invoice => "电子票据",
        }
    }

    fn is_money(self) -> bool {
        self != Document::FeeList
    }
}

/// The mark a reprint carries.
pub fn reprint_mark(copy: Option<u32>) -> String {
    copy.map(|n| format!("（补打 第 {n} 次）")).unwrap_or_default()
}

impl App {
    /// Logs a print of `document` `number` by `operator`; answers the reprint's number (补打 第 N
    /// 次) when it was printed before, refused for a money document without the permission.
    pub(crate) async fn log_print(
        &self,
        operator: &Operator,
        document: Document,
        number: &str,
        reason: Option<&str>,
    ) -> Result<Option<u32>, AppError> {
        let mut conn = self.store.conn().await?;
        let before = store::prints::count(&mut conn, document.code(), number).await?;
        if before > 0 && document.is_money() && !operator.role.may(Permission::HandleMoney) {
            return Err(AppError::Rule {
                code: "REPRINT_FORBIDDEN",
                message: format!("{} {number} 已打印过；补打须由收费员办理", document.label()),
            });
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        // A receipt goes on the cashier's receipt paper when they hold some: counted here.
        let paper_no = match document {
            Document::Receipt => {
                let stock = store::paper::stock(&mut conn, &operator.username, PaperKind::Receipt).await?;
                if stock.ranges.is_empty() {
                    None
                } else {
                    let next = stock.next(PaperKind::Receipt);
                    Some(next.map_err(|e| AppError::Rule { code: e.code(), message: e.to_string() })?)
                }
            }
            _ => None,
        };
        let print = store::prints::Print {
            key: self.clock.key(),
            document: document.code(),
            number,
            by: &operator.username,
            reason,
            paper_no: paper_no.as_deref(),
            at: self.clock.now(),
        };
        store::prints::record(&mut conn, &print).await?;
        if before > 0 {
            tracing::info!(document = document.code(), number, by = %operator.username, reason = reason.unwrap_or("（未填写）"), copy = before, "reprinted");
        }
        Ok((before > 0).then_some(before))
    }
}
