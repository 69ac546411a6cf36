//! 工作清单: the admissions at discharge in this counter's cache — audited and waiting for the
//! settlement (a cashier's), or waiting for the fee audit with the lines that block it (an
//! auditor's, counted by the domain's own rule on the loaded stay).

use contract::Tag;
use contract::worklist::{AUDIT_COUNTED, WorkItem, Worklists};
use domain::{AdmissionState, Permission};
use store::patients::AdmissionSummary;

use crate::{App, AppError, Operator};

fn item(summary: &AdmissionSummary, since: chrono::NaiveDateTime, blockers: Option<usize>) -> WorkItem {
    let a = &summary.admission;
    WorkItem {
        case_no: a.case_no.to_string(),
        patient_name: a.patient.name.to_string(),
        ward: a.ward.name.clone(),
        bed_no: a.bed_no.clone(),
        insurance: Tag::new(a.insurance.code(), a.insurance.label()),
        since: since.format("%Y-%m-%d %H:%M").to_string(),
        blockers,
    }
}

impl App {
    /// The lists `operator` may work on, oldest discharge order first.
    pub async fn worklists(&self, operator: &Operator) -> Result<Worklists, AppError> {
        let (settles, audits) = (operator.role.may(Permission::HandleMoney), operator.role.may(Permission::AuditFees));
        if !settles && !audits {
            operator.require(Permission::HandleMoney)?;
        }
        let mut conn = self.store.conn().await?;
        let waiting = store::patients::at_discharge(&mut conn).await?;
        let mut lists = Worklists::default();
        for (summary, since) in &waiting {
            match summary.state {
                AdmissionState::FeesAudited if settles => lists.to_settle.push(item(summary, *since, None)),
                AdmissionState::DischargeOrdered if audits => {
                    let blockers = if lists.to_audit.len() < AUDIT_COUNTED {
                        let account = store::journal::load_account(&mut conn, summary.admission.id).await?;
                        Some(account.audit_blockers().len())
                    } else {
                        None
                    };
                    lists.to_audit.push(item(summary, *since, blockers));
                }
                _ => {}
            }
        }
        Ok(lists)
    }
}

impl App {
    /// 我的今日操作: `operator`'s deposits, settlements and voids of the business day, with the
    /// money net per tender.
    pub async fn my_day(&self, operator: &Operator) -> Result<contract::worklist::MyDay, AppError> {
        use contract::worklist::{MY_OPERATION_KINDS, MyDay, MyOperation};
        let day = self.clock.now().date();
        let from = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        let until = from + chrono::Duration::days(1);
        let mut conn = self.store.conn().await?;
        let rows =
            store::my_day::operations(&mut conn, &operator.display_name, &operator.username, from, until).await?;
        let mut net: Vec<(domain::Tender, domain::Money)> = Vec::new();
        let mut operations = Vec::with_capacity(rows.len());
        for row in rows {
            let mut tenders = Vec::with_capacity(row.tenders.len());
            for (code, fen) in &row.tenders {
                let tender = domain::Tender::parse(code).map_err(AppError::internal)?;
                let amount = domain::Money::from_fen(*fen).map_err(AppError::internal)?;
                match net.iter_mut().find(|(t, _)| *t == tender) {
                    Some((_, sum)) => *sum += amount,
                    None => net.push((tender, amount)),
                }
                tenders.push(crate::views::tender_view(&domain::TenderLine { tender, amount, reference: None }));
            }
            let label = MY_OPERATION_KINDS.iter().find(|(c, _)| *c == row.kind).map_or(row.kind.as_str(), |(_, l)| *l);
            operations.push(MyOperation {
                at: row.at.format("%H:%M:%S").to_string(),
                kind: Tag::new(&row.kind, label),
                number: row.number,
                case_no: row.case_no,
                patient_name: row.patient,
                amount: domain::Money::from_fen(row.amount_fen).map_err(AppError::internal)?.into(),
                tenders,
            });
        }
        net.sort_by_key(|(t, _)| domain::Tender::ALL.iter().position(|a| a == t));
        let totals = net
            .into_iter()
            .filter(|(_, sum)| !sum.is_zero())
            .map(|(tender, amount)| crate::views::tender_view(&domain::TenderLine { tender, amount, reference: None }))
            .collect();
        Ok(MyDay { day: day.to_string(), operations, totals })
    }
}
