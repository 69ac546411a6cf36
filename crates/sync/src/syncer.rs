//! The sync loop: push the outbox, pull the feed, keep receipt ranges topped up, and tell the
//! counter's `Link` whether the platform answers and since when.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::App;
use app::link::Link;

use crate::client::ClientError;
use crate::push::{PushReport, push_all};
use crate::session::Session;

#[derive(Debug)]
pub struct Syncer {
    pub app: App,
    pub session: Arc<Session>,
    pub link: Arc<Link>,
    /// Whose token syncs: the cashier logged in at the counter.
    pub user: Mutex<Option<String>>,
    pub batch: i64,
}

/// One round's outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub pushed: PushReport,
    pub pulled: usize,
    /// The registrations' pages sent to the platform.
    pub uploaded: crate::materials::UploadReport,
    /// Time spent pushing and pulling (for the offline-day benchmark and the logs).
    pub push_time: Duration,
    pub pull_time: Duration,
}

impl Syncer {
    pub fn new(app: App, session: Arc<Session>, link: Arc<Link>) -> Syncer {
        Syncer { app, session, link, user: Mutex::new(None), batch: 200 }
    }

    pub fn set_user(&self, username: Option<String>) {
        if let Ok(mut user) = self.user.lock() {
            *user = username;
        }
    }

    fn current_user(&self) -> Option<String> {
        self.user.lock().ok().and_then(|u| u.clone())
    }

    /// Push, pull, top up; tells the link whether the platform answered.
    pub async fn round(&self) -> Result<Round, ClientError> {
        let now = || self.app.clock().now();
        let result = self.try_round().await;
        match &result {
            Ok(_) => self.link.set_online(true, now(), None),
            Err(e) if e.is_unreachable() => self.link.set_online(false, now(), Some(e.to_string())),
            Err(e) => self.link.update(|s| s.last_error = Some(e.to_string())),
        }
        result
    }

    async fn try_round(&self) -> Result<Round, ClientError> {
        let Some(user) = self.current_user() else {
            // Nobody logged in: nothing to sync, but the status bar should still tell the truth.
            self.session.client.raw(reqwest::Method::GET, "/health", None, None).await?;
            return Ok(Round::default());
        };
        let Some(token) = self.session.token(&user) else {
            return Err(ClientError::Refused {
                status: 401,
                body: wire::ErrorBody::new(wire::codes::UNAUTHENTICATED, "请重新登录以同步"),
            });
        };
        let store = self.app.store();
        let started = std::time::Instant::now();
        let pushed = push_all(&self.app, &self.session.client, &user, &token, self.session.device, self.batch).await?;
        let push_time = started.elapsed();
        let uploaded = crate::materials::upload_pending(&self.app, &self.session.client, &token).await?;
        let started = std::time::Instant::now();
        let pulled = crate::pull::pull_all(store, &self.session.client, &token, self.session.device, 1_000).await?;
        let pull_time = started.elapsed();
        self.session.top_up_ranges(&self.app, &user, 100, 500).await?;
        // Insurance calls left unresolved (a reversal insurance did not take) are retried while
        // the platform answers, not only at the next start; the status bar counts what is left.
        match self.app.unresolved_insurance().await {
            Ok(0) => {}
            Ok(_) => match self.app.retry_insurance().await {
                Ok(left) => tracing::info!(left, "insurance calls retried"),
                Err(e) => tracing::warn!(error = %e, "insurance retry failed"),
            },
            Err(e) => tracing::warn!(error = %e, "insurance intents unreadable"),
        }
        Ok(Round { pushed, pulled, uploaded, push_time, pull_time })
    }

    /// Runs rounds every `every` until the task is dropped.
    pub async fn run(self: Arc<Self>, every: Duration) {
        loop {
            if let Err(e) = self.round().await {
                tracing::debug!(error = %e, "sync round failed");
            }
            tokio::time::sleep(every).await;
        }
    }
}
