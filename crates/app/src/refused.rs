//! The operations the platform refused, as 待处理 shows them: the patient (from this counter's
//! cache), what the operation was in the cashier's words, the money it took by tender, why it
//! was refused and what became of it; and a supervisor's resolution — 已退款给患者 (the money
//! was given back) or 转为预交金 (kept as the admission's deposit, a record the platform writes
//! and every counter pulls) — with a note, which the platform audits.

use contract::pending::{RefusedOperation, ResolveRequest, refused_state};
use domain::{Permission, Tender};
use uuid::Uuid;
use wire::api::{PendingItem, ResolvePending};
use wire::records::Record;

use crate::views::tender_view;
use crate::{App, AppError, Operator};

/// `预交金 YJ0100000001 ¥300.00; 出院结算 JS…`: the records that move money, in the cashier's words.
fn what(records: &[Record]) -> String {
    let said: Vec<String> = records
        .iter()
        .filter_map(|record| match record {
            Record::Deposit(d) => {
                let kind = if d.deposit_kind == "deposit" { "预交金" } else { "预交金冲红" };
                Some(format!("{kind} {} {}", d.receipt_no, d.amount.money().yuan()))
            }
            Record::Settlement(s) => {
                let kind = if s.settlement_kind == "discharge" { "出院结算" } else { "中途结算" };
                Some(format!("{kind} {}", s.settlement_no))
            }
            Record::Recall(_) => Some("结算召回".to_owned()),
            Record::ReceiptVoid(v) => Some(format!("收据作废 {}", v.voided_no)),
            _ => None,
        })
        .collect();
    if said.is_empty() { records.first().map_or_else(String::new, |r| r.kind().to_owned()) } else { said.join("；") }
}

impl App {
    /// One refused operation as the screen shows it.
    pub(crate) async fn refused_view(&self, item: &PendingItem) -> Result<RefusedOperation, AppError> {
        let mut conn = self.store.conn().await?;
        let (case_no, patient_name) = match store::patients::case_no_of(&mut conn, item.admission_id).await {
            Ok(case_no) => {
                let summary = store::patients::by_case_no(&mut conn, &case_no).await?;
                (case_no.to_string(), summary.map(|s| s.admission.patient.name.to_string()).unwrap_or_default())
            }
            // Another ward's patient, not cached here.
            Err(_) => (String::new(), String::new()),
        };
        let mut money = Vec::new();
        for t in item.money_taken() {
            let tender = Tender::parse(&t.tender).map_err(AppError::internal)?;
            let line = domain::TenderLine { tender, amount: t.amount.money(), reference: t.reference.clone() };
            money.push(tender_view(&line));
        }
        Ok(RefusedOperation {
            key: item.key.to_string(),
            case_no,
            patient_name,
            cashier: item.cashier.clone(),
            code: item.code.clone(),
            reason: item.reason.clone(),
            received_at: item.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            what: what(&item.records),
            money,
            state: refused_state(&item.status),
            resolved_by: item.resolved_by.clone(),
            note: item.note.clone(),
        })
    }

    /// A supervisor resolves a refused operation: the money was given back (`refund`) or is
    /// kept as a deposit (`deposit`), with a note. The platform decides and audits.
    pub async fn resolve_pending(
        &self,
        operator: &Operator,
        request: &ResolveRequest,
    ) -> Result<RefusedOperation, AppError> {
        operator.require(Permission::ResolvePending)?;
        let key = Uuid::parse_str(request.key.trim())
            .map_err(|_| AppError::invalid("KEY_INVALID", "待处理操作编号无效，请刷新列表", "key"))?;
        if !contract::pending::RESOLUTIONS.iter().any(|(code, _)| *code == request.action) {
            return Err(AppError::invalid("PENDING_ACTION_UNKNOWN", "请选择：已退款给患者，或转为预交金", "action"));
        }
        let note = crate::input::reason(&request.note, "请填写处理说明")?;
        let Some(desk) = &self.pending_desk else {
            return Err(AppError::Rule {
                code: "PENDING_NEEDS_PLATFORM",
                message: "单机模式没有平台拒收的操作".into(),
            });
        };
        let resolved = desk.resolve(key, &ResolvePending { action: request.action.clone(), note }).await?;
        // A deposit the platform wrote for it reaches this counter with the next pull.
        tracing::info!(%key, action = %request.action, by = %operator.username, "a refused operation resolved");
        self.refused_view(&resolved).await
    }
}
