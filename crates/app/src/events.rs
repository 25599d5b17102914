//! The event bus as the live streams read it: the sequence so far, the backlog after a sequence
//! number and the live broadcast.

use crate::{App, Result};
use domain::event::Committed;
use tokio::sync::broadcast;

impl App {
    /// Starts relaying committed events onto this node's bus (once per process that serves).
    pub async fn start_relay(&self) -> Result<()> {
        Ok(self.store.start_relay().await?)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Committed> {
        self.store.subscribe()
    }

    /// The newest event's sequence number: a page rendered now resumes its live stream after it.
    pub async fn last_event_seq(&self) -> Result<i64> {
        Ok(self.store.last_event_seq().await?)
    }

    /// Up to `limit` events after `after`, in order; the caller filters what its actor may see.
    pub async fn events_since(&self, after: i64, limit: i64) -> Result<Vec<Committed>> {
        Ok(self.store.events_since(after, limit).await?)
    }

    /// Is the database reachable? For readiness.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// How long the database has been away, while it is known to be (then every use case that
    /// needs it fails at once, and the citizens' channels answer from memory).
    pub fn database_down_for(&self) -> Option<std::time::Duration> {
        self.store.database_down_for()
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }
}
