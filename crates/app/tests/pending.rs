//! 待处理 at a stand-alone counter: only a supervisor resolves, only with one of the two
//! resolutions and a note, and a stand-alone counter says it has no refused operations (the
//! platform's, at a linked counter, are driven in the e2e test `pending`).

mod support;

use contract::pending::ResolveRequest;
use support::*;
use tempfile::TempDir;

#[tokio::test]
async fn a_resolution_is_a_supervisors_with_a_known_action_and_a_note() {
    let dir = TempDir::new().unwrap();
    let app = channel_counter(&dir).await;
    let cashier = login(&app, "cashier").await;
    let supervisor = login(&app, "supervisor").await;
    let ask = |action: &str, note: &str| ResolveRequest {
        key: uuid::Uuid::now_v7().to_string(),
        action: action.into(),
        note: note.into(),
    };
    let code = |e: app::AppError| e.code().to_owned();
    assert_eq!(code(app.resolve_pending(&cashier, &ask("deposit", "说明")).await.unwrap_err()), "FORBIDDEN");
    assert_eq!(
        code(app.resolve_pending(&supervisor, &ask("forget", "说明")).await.unwrap_err()),
        "PENDING_ACTION_UNKNOWN"
    );
    assert_eq!(code(app.resolve_pending(&supervisor, &ask("refund", "  ")).await.unwrap_err()), "REASON_REQUIRED");
    let bad_key = ResolveRequest { key: "not-a-key".into(), ..ask("refund", "说明") };
    assert_eq!(code(app.resolve_pending(&supervisor, &bad_key).await.unwrap_err()), "KEY_INVALID");
    assert_eq!(
        code(app.resolve_pending(&supervisor, &ask("refund", "已退现金")).await.unwrap_err()),
        "PENDING_NEEDS_PLATFORM"
    );
    let list = app.pending(&supervisor).await.unwrap();
    assert!(list.refused.is_empty() && list.refunds.is_empty() && !list.platform_unreached);
}
