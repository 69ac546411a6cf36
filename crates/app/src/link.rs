//! The counter's link to the platform, as the use cases need to know it: whether operations
//! go to the outbox, and whether the platform answers right now. The sync loop keeps it current.

use std::sync::RwLock;

use chrono::NaiveDateTime;

/// Whether the platform answers, since when, and the last trouble. (How many operations wait
/// is read from the outbox itself, never kept here.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkState {
    pub online: bool,
    /// When the link last changed between online and offline.
    pub since: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub last_sync: Option<NaiveDateTime>,
}

#[derive(Debug, Default)]
pub struct Link {
    state: RwLock<LinkState>,
}

impl Link {
    pub fn state(&self) -> LinkState {
        self.state.read().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn is_online(&self) -> bool {
        self.state().online
    }

    /// Records the outcome of a contact with the platform.
    pub fn update(&self, change: impl FnOnce(&mut LinkState)) {
        if let Ok(mut state) = self.state.write() {
            change(&mut state);
        }
    }

    /// Marks the link up or down at `now`, keeping `since` when nothing changed.
    pub fn set_online(&self, online: bool, now: NaiveDateTime, error: Option<String>) {
        self.update(|s| {
            if s.online != online || s.since.is_none() {
                s.since = Some(now);
            }
            s.online = online;
            s.last_error = error;
            if online {
                s.last_sync = Some(now);
            }
        });
    }
}

impl crate::App {
    /// Receipt numbering: from the platform's blocks when linked, the counter's own otherwise.
    pub(crate) fn numbering(&self) -> store::receipts::Numbering {
        if self.link().is_some() { store::receipts::Numbering::Ranges } else { store::receipts::Numbering::Own }
    }

    /// The status bar's view of the link: read from the link and, for the counts, the outbox
    /// itself (a deposit taken a moment ago is already waiting) and the insurance intents (also
    /// at a stand-alone counter).
    pub async fn link_status(&self) -> Result<contract::link::LinkStatus, crate::AppError> {
        let insurance = i64::try_from(self.unresolved_insurance().await?).unwrap_or(i64::MAX);
        let Some(link) = self.link() else { return Ok(contract::link::LinkStatus { insurance, ..Default::default() }) };
        let state = link.state();
        let mut conn = self.store().conn().await?;
        let waiting = store::outbox::waiting(&mut conn).await?;
        let refused = store::outbox::refused_count(&mut conn).await?;
        let failed = store::outbox::failed_count(&mut conn).await?;
        Ok(contract::link::LinkStatus {
            linked: true,
            online: state.online,
            since: state.since.map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
            waiting,
            refused,
            failed,
            insurance,
            last_error: state.last_error,
        })
    }
}
