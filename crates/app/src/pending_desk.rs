//! Where a linked counter's 待处理 comes from: the platform keeps the operations it refused
//! (their records, why, and what became of them) and takes a supervisor's resolution of one. A
//! stand-alone counter has no desk: nothing of its own is ever refused.

use std::fmt::Debug;

use uuid::Uuid;
use wire::api::{PendingItem, ResolvePending};

use crate::AppError;
use crate::paper::BoxFuture;

/// The platform's pending list.
pub trait PendingDesk: Debug + Send + Sync {
    /// Every refused operation, open ones first.
    fn refused(&self) -> BoxFuture<'_, Result<Vec<PendingItem>, AppError>>;
    /// Resolves one (a supervisor's): the item as it now stands.
    fn resolve<'a>(&'a self, key: Uuid, request: &'a ResolvePending) -> BoxFuture<'a, Result<PendingItem, AppError>>;
}
