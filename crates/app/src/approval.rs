//! 组长授权 at the counter. The approver types their own username and password into the
//! cashier's dialog; nobody approves their own operation. At a linked counter that is online the
//! platform checks the password and issues a one-time token for exactly this operation (through
//! an [`ApprovalDesk`]), which travels in the operation's envelope. Cut off from the platform,
//! the counter checks the password against its cached hash and the envelope says so; the
//! platform believes that only from a device it did not hear from at that moment. A
//! stand-alone counter checks locally and sends nothing.

use std::fmt::Debug;

use contract::Yuan;
use domain::Money;
use store::keys::{self, Keyed};
use uuid::Uuid;
use wire::approval::{ApprovalAsk, ApprovalGrant, ApprovalProof};

use crate::insurance::BoxFuture;
use crate::{App, AppError, Operator};

/// Where a linked counter asks for an approval token (the platform).
pub trait ApprovalDesk: Send + Sync + Debug {
    fn grant<'a>(&'a self, ask: &'a ApprovalAsk) -> BoxFuture<'a, Result<ApprovalGrant, DeskError>>;
}

/// Why no token came.
#[derive(Debug)]
pub enum DeskError {
    /// The platform did not answer: the counter may check the approver itself (offline).
    Unreachable(String),
    /// The platform refused: a wrong password, not a supervisor, a self-approval…
    Refused { code: &'static str, message: String },
}

/// What an operation that needs approval asks for: its key, its admission, the settlement it
/// recalls (local id), the amount it transfers; `needs_platform` when it cannot go ahead offline
/// (it reverses an insurance claim).
pub(crate) struct Asked {
    pub key: Uuid,
    pub admission_id: Uuid,
    pub settlement: i64,
    pub amount: Money,
    pub needs_platform: bool,
}

/// Who approved, and the proof the envelope carries (`None` at a stand-alone counter).
pub(crate) struct Approved {
    pub username: String,
    pub display_name: String,
    pub proof: Option<ApprovalProof>,
}

impl Approved {
    fn checked_here(approver: Operator, proof: Option<ApprovalProof>) -> Approved {
        Approved { username: approver.username, display_name: approver.display_name, proof }
    }
}

fn offline(why: &str) -> AppError {
    AppError::Rule {
        code: "OFFLINE", message: format!("平台无应答，不能召回医保结算，请联网后重试（{why}）")
    }
}

impl App {
    /// The approval of `operator`'s operation `asked` by the user who typed `approval`.
    pub(crate) async fn approval(
        &self,
        operator: &Operator,
        approval: &contract::cashier::Approval,
        asked: &Asked,
    ) -> Result<Approved, AppError> {
        let username = approval.username.trim();
        if username.is_empty() {
            return Err(AppError::Rule {
                code: "APPROVAL_REQUIRED",
                message: "召回需要收费组长授权，请组长输入用户名和密码".into(),
            });
        }
        if username == operator.username {
            return Err(AppError::Rule {
                code: "SELF_APPROVAL",
                message: "不能为自己的召回授权，请由另一位收费组长输入用户名和密码".into(),
            });
        }
        let (Some(link), Some(desk)) = (&self.link, &self.approvals) else {
            return Ok(Approved::checked_here(self.approve(approval).await?, None));
        };
        if link.is_online() {
            let settlement = {
                let mut conn = self.store.conn().await?;
                keys::key_of(&mut conn, Keyed::Settlements, asked.settlement).await?
            };
            let settlement = settlement
                .and_then(|k| Uuid::parse_str(&k).ok())
                .ok_or_else(|| AppError::internal("结算缺少记录编号"))?;
            let ask = ApprovalAsk {
                key: asked.key,
                admission_id: asked.admission_id,
                settlement,
                amount: Yuan(asked.amount),
                username: username.to_owned(),
                password: approval.password.clone(),
            };
            match desk.grant(&ask).await {
                Ok(grant) => {
                    return Ok(Approved {
                        username: grant.approver,
                        display_name: grant.display_name,
                        proof: Some(ApprovalProof::Token { token: grant.token }),
                    });
                }
                Err(DeskError::Refused { code, message }) => {
                    return Err(AppError::Rule { code, message: format!("组长授权未通过：{message}") });
                }
                Err(DeskError::Unreachable(why)) if asked.needs_platform => return Err(offline(&why)),
                Err(DeskError::Unreachable(why)) => {
                    tracing::warn!(key = %asked.key, %why, "platform unreachable: approval checked offline");
                }
            }
        } else if asked.needs_platform {
            return Err(offline("本机离线"));
        }
        let approver = self.approve(approval).await?;
        let proof = ApprovalProof::OfflineCheck { checked_at: self.clock.now() };
        Ok(Approved::checked_here(approver, Some(proof)))
    }
}
